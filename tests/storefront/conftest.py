"""Helpers for storefront tests: products made straight from the catalogue models, and a
SQL statement counter."""

import itertools

import pytest
from sqlalchemy import event

from marketplace.catalogue.models import Category, Product, ProductStatus

_seq = itertools.count(1)
# Transaction control is not a query (SQLite's BEGIN is emitted explicitly by core.db).
SKIPPED = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


@pytest.fixture
def category(db):
    n = next(_seq)
    row = Category(slug=f"carpet-tableaux-{n}", name_fa="تابلو فرش", name_en="Carpet tableaux")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def make_product(db, category):
    """make_product(trainee, **overrides) -> an active product of that trainee."""

    def make(trainee, **overrides) -> Product:
        n = next(_seq)
        values = {"title_fa": f"تابلو فرش گل و مرغ {n}", "title_en": f"Flowers and birds {n}",
                  "price_amount": 1_250_000 + n, "currency": "USD", "stock": 1,
                  "status": ProductStatus.ACTIVE, "category": category, **overrides}
        product = Product(trainee=trainee, **values)
        db.session.add(product)
        db.session.commit()
        return product

    return make


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
