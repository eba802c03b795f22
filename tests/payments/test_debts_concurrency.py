"""A debt payment's settlement delivered ten times at once (Zarinpal's callback: reloads, a
proxy's retries) → one ledger credit; ten "Pay online" presses at once → one payment, the
others a clear 409. Real threads with their own clients and connections: on PostgreSQL they
queue on the debt payment's (or the trainee's) row lock, on SQLite on the write lock."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from marketplace.payments.models import DebtPayment, LedgerEntry, PaymentStatus
from tests.factories.payments import zarinpal_config
from tests.payments.test_concurrent_starts import _odd, _start_together
from tests.payments.test_debts import owe, start_paying
from tests.payments.test_zarinpal_flow import gateway

TIMES = 10


@pytest.fixture
def app_config(zarinpal_standin):
    return {**zarinpal_config(zarinpal_standin), "MARKETPLACE_BASE_URL": "http://shop.test"}


@pytest.mark.timeout(300)
def test_ten_callbacks_at_once_credit_the_debt_once(app, db, client, login, shop,
                                                     zarinpal_standin):
    owe(db, shop.trainee_a, -3000)
    login(shop.trainee_a.user)
    authority = start_paying(client)
    callback = gateway(zarinpal_standin, authority, "pay")
    db.session.rollback()

    answers = _start_together(app, lambda c: c.get(callback),
                              [app.test_client() for _ in range(TIMES)])

    assert Counter(a[0] for a in answers) == {303: TIMES}, _odd(answers, 303)
    assert all(a[1].endswith("/my/ledger") for a in answers)
    db.session.expire_all()
    [payment] = db.session.scalars(select(DebtPayment))
    assert payment.status == PaymentStatus.SUCCEEDED
    assert db.session.scalar(select(func.count(LedgerEntry.id))
                             .where(LedgerEntry.debt_payment_id == payment.id)) == 1
    assert zarinpal_standin.status_of(authority) == "verified"


@pytest.mark.timeout(300)
def test_ten_presses_at_once_start_one_payment(app, db, login, shop, zarinpal_standin):
    owe(db, shop.trainee_a, -3000)
    clients = [app.test_client() for _ in range(TIMES)]
    for each in clients:
        login(shop.trainee_a.user, each)
    db.session.rollback()

    answers = _start_together(app, lambda c: c.post("/my/debt/pay?lang=en"), clients)

    assert Counter(a[0] for a in answers) == {303: 1, 409: TIMES - 1}, _odd(answers, 409)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(DebtPayment.id))) == 1
