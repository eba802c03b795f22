"""Fixtures for checkout and order pages: the Stripe stand-in, query counting, a small shop."""

import pytest
from sqlalchemy import event

from devtools.stripe_standin import StandIn
from marketplace.catalogue.models import ProductKind

# Transaction control is not a query a page "runs".
SKIPPED = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

STANDIN_CONFIG = {
    "PAYMENT_PROVIDERS": ("stripe", "pay_at_pickup"),
    "STRIPE_SECRET_KEY": "sk_test_standin",
    "STRIPE_WEBHOOK_SECRET": "whsec_test_secret",
    "STRIPE_MAX_NETWORK_RETRIES": 0,
    "STRIPE_TIMEOUT_SECONDS": 5,
}


@pytest.fixture(scope="session")
def stripe_standin():
    server = StandIn(port=0).start()
    yield server
    server.stop()


def standin_settings(server: StandIn) -> dict:
    return {**STANDIN_CONFIG, "STRIPE_API_BASE": server.url}


@pytest.fixture
def count_queries(db):
    """`with count_queries() as counted:` … `counted.n` is the number of SQL statements run."""

    class Counter:
        def __init__(self):
            self.n = 0
            self.statements = []

        def __call__(self, _conn, _cursor, statement, *_args):
            if statement.strip().upper().startswith(SKIPPED):
                return
            self.n += 1
            self.statements.append(statement)

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *_exc):
            event.remove(db.engine, "before_cursor_execute", self)

    return Counter


@pytest.fixture
def shop(create_trainee, create_product, create_user, create_centre):
    """Two trainees (two centres) with carpet tableaux, and a buyer."""

    class Shop:
        centre_a = create_centre()
        centre_b = create_centre()
        trainee_a = create_trainee(centre=centre_a)
        trainee_b = create_trainee(centre=centre_b)
        tableau_a = create_product(trainee=trainee_a, price_amount=120_000,
                                   kind=ProductKind.ONE_OF_A_KIND, title_en="Tabriz tableau")
        tableau_b = create_product(trainee=trainee_b, price_amount=95_000,
                                   kind=ProductKind.ONE_OF_A_KIND, title_en="Heris tableau")
        cushion = create_product(trainee=trainee_a, price_amount=8_000, stock=6,
                                 title_en="Kilim cushion")
        buyer = create_user()

    return Shop
