"""Payout batches: available balances past the holding period above the minimum, bank-transfer
CSV, Stripe Connect transfers (HTTP faked with `responses`), no ledger row paid twice, booth
fees deducted, and the admin pages."""

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.booths.models import BoothFee, FeeStatus
from marketplace.core.db import utcnow
from marketplace.core.errors import Forbidden, NotFound, RuleViolation
from marketplace.payments import queries
from marketplace.payments.models import (
    LedgerEntry,
    LedgerKind,
    Payout,
    PayoutItem,
    PayoutMethod,
    PayoutStatus,
)
from marketplace.payments.services import booth_fees, ledger, payouts, refunds
from marketplace.payments.services import errors as payment_errors
from tests.payments.conftest import STRIPE_UNIT_CONFIG

TRANSFERS = "https://api.stripe.com/v1/transfers"


@pytest.fixture
def app_config():
    return {**STRIPE_UNIT_CONFIG, "PAYOUT_HOLD_DAYS": 14, "PAYOUT_MINIMUM": 1000}


@pytest.fixture
def sell(db, shop, place_test_order):
    """sell(product, qty) → a paid order booked in the ledger."""

    def make(product, quantity=1):
        order = place_test_order(shop.buyer, (product, quantity), paid=True)
        ledger.book_order_sales(order)
        db.session.commit()
        return order

    return make


@pytest.fixture
def accounts(db, shop):
    def make(trainee, iban="IR062960000000100324200001", stripe_account_id=None):
        account = payouts.save_payout_account(trainee.user, trainee, payouts.PayoutAccountData(
            account_holder=trainee.store_name, iban=iban, bank_name="Bank Melli",
            stripe_account_id=stripe_account_id))
        db.session.commit()
        return account

    return make


def later(days=15):
    return utcnow() + timedelta(days=days)


def test_bank_batch_pays_available_balances_once(db, shop, sell, accounts, create_admin,
                                                 ledger_rows):
    admin = create_admin()
    sell(shop.product_a, 2)            # 5000 − 500 commission = 4500
    sell(shop.product_b)               # 4000 − 400 = 3600, but trainee B has no account
    accounts(shop.trainee_a)

    with pytest.raises(RuleViolation):  # still in the holding period
        payouts.create_payout_batch(admin, "bank_transfer")
    db.session.rollback()

    batch = payouts.create_payout_batch(admin, "bank_transfer", now=later())
    db.session.commit()
    assert [(p.trainee_id, p.amount, p.status) for p in batch.payouts] == \
        [(shop.trainee_a.id, 4500, PayoutStatus.PENDING)]
    assert batch.total_amount == 4500
    assert queries.balance(shop.trainee_a.id, "USD").amount == 0
    assert ledger_rows(kind=LedgerKind.PAYOUT)[0].amount == -4500

    with pytest.raises(RuleViolation) as error:
        payouts.create_payout_batch(admin, "bank_transfer", now=later(30))
    assert error.value.code == "nothing_to_pay"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Payout.id))) == 1

    payouts.mark_batch_paid(admin, batch)
    db.session.commit()
    assert batch.payouts[0].status == PayoutStatus.PAID


def test_minimum_and_later_refunds_carry_over(db, shop, sell, accounts, create_admin,
                                              create_product):
    admin = create_admin()
    accounts(shop.trainee_a)
    cheap = create_product(trainee=shop.trainee_a, price_amount=1000, stock=10)
    sell(cheap)                                             # 900 available: below 1000
    with pytest.raises(RuleViolation):
        payouts.create_payout_batch(admin, "bank_transfer", now=later())
    db.session.rollback()
    order = sell(cheap, 2)                                  # +1800 → 2700
    batch = payouts.create_payout_batch(admin, "bank_transfer", now=later())
    db.session.commit()
    assert batch.payouts[0].amount == 2700

    # A card refund after the payout (of the card payment that paid the order, as `sell`
    # records it): the balance goes negative until the next sales.
    vo = order.vendor_orders[0]
    with responses.RequestsMock() as mocked:
        mocked.post("https://api.stripe.com/v1/refunds", json={
            "id": "re_1", "object": "refund", "status": "succeeded", "amount": 1000,
            "currency": "usd"})
        refunds.refund_vendor_order(shop.trainee_a.user, vo, 1000, restock=False)
        db.session.commit()
    # −1000 refunded, +100 commission returned.
    assert queries.balance(shop.trainee_a.id, "USD").amount == -900
    assert queries.available_balance(shop.trainee_a.id, "USD", later()).amount == -900
    sell(cheap, 3)                                          # +2700 held until day 14
    batch = payouts.create_payout_batch(admin, "bank_transfer", now=later(40))
    db.session.commit()
    assert batch.payouts[0].amount == 2700 - 900


def test_stripe_connect_transfers(db, shop, sell, accounts, create_admin):
    admin = create_admin()
    sell(shop.product_a)
    sell(shop.product_b)
    accounts(shop.trainee_a, stripe_account_id="acct_1Trainee")
    accounts(shop.trainee_b, stripe_account_id=None)        # bank only: not in this batch
    with responses.RequestsMock() as mocked:
        mocked.post(TRANSFERS, json={"id": "tr_123", "object": "transfer", "amount": 2250,
                                     "currency": "usd", "destination": "acct_1Trainee"})
        batch = payouts.create_payout_batch(admin, PayoutMethod.STRIPE_CONNECT, now=later())
        db.session.commit()
        call = mocked.calls[0]
    body = {k: v[0] for k, v in parse_qs(call.request.body).items()}
    assert body["destination"] == "acct_1Trainee"
    assert body["amount"] == "2250"
    assert call.request.headers["Idempotency-Key"].startswith(f"payout-{shop.trainee_a.id}-")
    [payout] = batch.payouts
    assert payout.status == PayoutStatus.PAID
    assert payout.stripe_transfer_id == "tr_123"
    assert queries.balance(shop.trainee_a.id, "USD").amount == 0
    assert queries.balance(shop.trainee_b.id, "USD").amount == 3600


def test_a_failed_transfer_pays_nothing_and_can_be_retried_with_the_same_key(
        db, shop, sell, accounts, create_admin):
    admin = create_admin()
    sell(shop.product_a)
    accounts(shop.trainee_a, stripe_account_id="acct_1Trainee")
    with responses.RequestsMock() as mocked:
        mocked.post(TRANSFERS, status=500, json={"error": {"type": "api_error",
                                                           "message": "down"}})
        with pytest.raises(payment_errors.PaymentUnavailable):
            payouts.create_payout_batch(admin, "stripe_connect", now=later())
        first_key = mocked.calls[0].request.headers["Idempotency-Key"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Payout.id))) == 0
    assert db.session.scalar(select(func.count(PayoutItem.id))) == 0
    assert queries.available_balance(shop.trainee_a.id, "USD", later()).amount == 2250
    with responses.RequestsMock() as mocked:
        mocked.post(TRANSFERS, json={"id": "tr_ok", "object": "transfer", "amount": 2250,
                                     "currency": "usd", "destination": "acct_1Trainee"})
        batch = payouts.create_payout_batch(admin, "stripe_connect", now=later())
        db.session.commit()
        assert mocked.calls[0].request.headers["Idempotency-Key"] == first_key
    assert batch.payouts[0].stripe_transfer_id == "tr_ok"


def test_a_ledger_row_cannot_be_paid_twice(db, shop, sell, accounts, create_admin):
    sell(shop.product_a)
    accounts(shop.trainee_a)
    batch = payouts.create_payout_batch(create_admin(), "bank_transfer", now=later())
    db.session.commit()
    paid_row = db.session.scalar(select(PayoutItem.ledger_entry_id).limit(1))
    db.session.add(PayoutItem(payout_id=batch.payouts[0].id, ledger_entry_id=paid_row))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_booth_fees_are_deducted_once(db, shop, sell, accounts, create_admin, create_booth,
                                      create_market, create_assignment, ledger_rows):
    booth = create_booth(fee_amount=500, currency="USD")
    market = create_market(venue=booth.venue, days=1, starts_in=1)
    assignment = create_assignment(booth, market.days[0], shop.trainee_a)
    fee = BoothFee(trainee_id=shop.trainee_a.id, assignment_id=assignment.id, amount=500,
                   currency="USD")
    db.session.add(fee)
    db.session.commit()
    assert booth_fees.charge_booth_fees() == 0        # the market day has not begun
    db.session.commit()
    sell(shop.product_a)
    accounts(shop.trainee_a)
    batch = payouts.create_payout_batch(create_admin(), "bank_transfer", now=later())
    db.session.commit()
    assert batch.payouts[0].amount == 2250 - 500
    assert [r.amount for r in ledger_rows(kind=LedgerKind.BOOTH_FEE)] == [-500]
    db.session.refresh(fee)
    assert fee.status == FeeStatus.PAID
    assert booth_fees.charge_booth_fees(later(30)) == 0


def test_only_admins_create_batches(db, shop):
    with pytest.raises(Forbidden):
        payouts.create_payout_batch(shop.trainee_a.user, "bank_transfer")


def test_only_the_trainee_or_an_admin_saves_payout_details(db, shop):
    with pytest.raises(NotFound):
        payouts.save_payout_account(shop.trainee_b.user, shop.trainee_a, payouts.PayoutAccountData(
            account_holder="x", iban=None, bank_name="", stripe_account_id=None))
    assert queries.payout_account(shop.trainee_a.id) is None


def test_admin_pages_and_csv(db, shop, sell, accounts, create_admin, client, login, app):
    app.config["PAYOUT_HOLD_DAYS"] = 0
    sell(shop.product_a, 2)
    accounts(shop.trainee_a)
    login(shop.trainee_a.user)
    assert client.get("/admin/payouts").status_code == 403
    login(create_admin())
    page = client.get("/admin/payouts")
    assert page.status_code == 200
    assert shop.trainee_a.store_name in page.get_data(as_text=True)
    response = client.post("/admin/payouts", data={"method": "bank_transfer"})
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    assert client.get(batch_url).status_code == 200
    export = client.get(f"{batch_url}.csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][:3] == ["payout", "account_holder", "iban"]
    assert rows[1][2] == "IR062960000000100324200001"
    assert rows[1][4] == "45.00"
    assert client.post(f"{batch_url}/mark-paid").status_code == 302
    assert db.session.scalar(select(Payout.status)) == PayoutStatus.PAID
    assert client.post("/admin/payouts", data={"method": "carrier pigeon"}).status_code == 400


def test_trainee_payout_account_page(db, shop, client, login):
    login(shop.trainee_a.user)
    assert client.get("/my/payout-account").status_code == 200
    response = client.post("/my/payout-account", data={
        "account_holder": "Maryam", "iban": "IR06 2960 0000 0010 0324 2000 01",
        "bank_name": "Melli", "stripe_account_id": ""})
    assert response.status_code == 302
    account = queries.payout_account(shop.trainee_a.id)
    assert account.iban == "IR062960000000100324200001"
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 0


def test_two_admins_creating_batches_at_once_pay_each_row_once(db, app, shop, sell, accounts,
                                                               create_admin):
    import threading

    from marketplace.core.errors import DomainError

    sell(shop.product_a)
    sell(shop.product_b)
    accounts(shop.trainee_a)
    accounts(shop.trainee_b)
    admin_ids = [create_admin().id, create_admin().id]
    db.session.commit()
    outcomes = []
    barrier = threading.Barrier(2)

    def run(admin_id):
        from marketplace.accounts.models import User
        from marketplace.extensions import db as thread_db

        with app.app_context():
            admin = thread_db.session.get(User, admin_id)
            thread_db.session.commit()   # SQLite: do not hold the write lock while waiting
            barrier.wait(30)
            try:
                batch = payouts.create_payout_batch(admin, "bank_transfer", now=later())
                thread_db.session.commit()
                outcomes.append(batch.total_amount)
            except DomainError as error:
                thread_db.session.rollback()
                outcomes.append(error.code)
            finally:
                thread_db.session.remove()

    threads = [threading.Thread(target=run, args=(admin_id,)) for admin_id in admin_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    paid = db.session.scalar(select(func.coalesce(func.sum(Payout.amount), 0)))
    assert paid == 2250 + 3600
    # SQLite serialises the two (the second finds nothing left); on PostgreSQL the second
    # one's inserts hit the unique PayoutItem.ledger_entry_id and it pays nothing.
    assert sorted(map(str, outcomes)) in (["5850", "nothing_to_pay"],
                                          ["5850", "paid_by_another_batch"])
    items = db.session.scalar(select(func.count(PayoutItem.id)))
    distinct = db.session.scalar(select(func.count(func.distinct(PayoutItem.ledger_entry_id))))
    assert items == distinct
