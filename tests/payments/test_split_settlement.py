"""Zarinpal's split settlement (wages, تسهیم): with `ZARINPAL_SPLIT_SETTLEMENT` on, the payment
request carries each trainee's share (sale + shipping − commission) to their Sheba; when the
payment succeeds the ledger shows the share as paid out by the gateway, so no payout batch
pays it again. A trainee without a Sheba is paid by the batches, as without the split."""

import json
from datetime import timedelta

import pytest
import responses
from sqlalchemy import select

from marketplace.core.db import utcnow
from marketplace.payments import queries
from marketplace.payments.models import LedgerKind, Payment, PayoutAccount, PayoutMethod
from marketplace.payments.services import payouts
from marketplace.payments.zarinpal import Wage, ZarinpalClient
from tests.factories.payments import zarinpal_config
from tests.payments.test_zarinpal_flow import gateway, start

SHEBA = "IR062960000000100324200001"


@pytest.fixture
def app_config(zarinpal_standin):
    return {**zarinpal_config(zarinpal_standin), "MARKETPLACE_BASE_URL": "http://shop.test",
            "ZARINPAL_SPLIT_SETTLEMENT": True}


@pytest.fixture
def sheba_of(db):
    def give(trainee, iban=SHEBA):
        db.session.add(PayoutAccount(trainee_id=trainee.id, account_holder=trainee.store_name,
                                     iban=iban, bank_name="بانک ملی"))
        db.session.commit()

    return give


def pay_through_zarinpal(db, client, login, standin, buyer, order) -> str:
    login(buyer)
    authority = start(client, order.number)
    answer = client.get(gateway(standin, authority, "pay"))
    assert answer.status_code == 303
    db.session.expire_all()
    return authority


def test_each_trainee_with_a_sheba_gets_their_share_at_payment(
        db, client, login, shop, place_test_order, ledger_rows, zarinpal_standin, sheba_of):
    sheba_of(shop.trainee_a)  # trainee B has no Sheba on file
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    order_id = order.id

    authority = pay_through_zarinpal(db, client, login, zarinpal_standin, shop.buyer, order)

    # 2500 sold, 10 % commission kept by the platform: 2250 to A's Sheba; B is not in it.
    assert [(w["iban"], w["amount"]) for w in zarinpal_standin.wages_of(authority)] == \
        [(SHEBA, 2250)]
    payment = db.session.scalars(select(Payment).where(Payment.order_id == order_id)).one()
    assert payment.gateway_shares[0]["amount"] == 2250
    rows = {(r.trainee_id, r.kind): r.amount for r in ledger_rows()}
    assert rows == {
        (shop.trainee_a.id, LedgerKind.SALE): 2500,
        (shop.trainee_a.id, LedgerKind.COMMISSION): -250,
        (shop.trainee_a.id, LedgerKind.PAYOUT): -2250,
        (shop.trainee_b.id, LedgerKind.SALE): 4000,
        (shop.trainee_b.id, LedgerKind.COMMISSION): -400,
    }
    # Nothing left to pay A, now or after the holding period; B is owed 3600.
    after_hold = utcnow() + timedelta(days=30)
    assert queries.available_balance(shop.trainee_a.id, "IRR", after_hold).amount == 0
    assert queries.available_balance(shop.trainee_a.id, "IRR", utcnow()).amount == 0
    assert queries.available_balance(shop.trainee_b.id, "IRR", after_hold).amount == 3600


def test_the_next_payout_batch_pays_only_who_the_gateway_did_not(
        db, client, login, shop, place_test_order, zarinpal_standin, sheba_of, create_admin):
    sheba_of(shop.trainee_a)
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    pay_through_zarinpal(db, client, login, zarinpal_standin, shop.buyer, order)
    sheba_of(shop.trainee_b, "IR050170000000123456789012")  # B adds a Sheba later

    batch = payouts.create_payout_batch(create_admin(), PayoutMethod.BANK_TRANSFER,
                                        now=utcnow() + timedelta(days=30))
    assert {(p.trainee_id, p.amount) for p in batch.payouts} == {(shop.trainee_b.id, 3600)}


def test_a_replayed_callback_books_the_shares_once(
        db, client, login, shop, place_test_order, ledger_rows, zarinpal_standin, sheba_of):
    sheba_of(shop.trainee_a)
    order = place_test_order(shop.buyer, shop.product_a)
    login(shop.buyer)
    authority = start(client, order.number)
    callback = gateway(zarinpal_standin, authority, "pay")
    for _ in range(3):
        assert client.get(callback).status_code == 303
    db.session.expire_all()
    assert [r.amount for r in ledger_rows(kind=LedgerKind.PAYOUT)] == [-2250]


def test_without_the_setting_no_share_is_sent(
        app, db, client, login, shop, place_test_order, ledger_rows, zarinpal_standin, sheba_of):
    app.config["ZARINPAL_SPLIT_SETTLEMENT"] = False
    sheba_of(shop.trainee_a)
    order = place_test_order(shop.buyer, shop.product_a)
    authority = pay_through_zarinpal(db, client, login, zarinpal_standin, shop.buyer, order)
    assert zarinpal_standin.wages_of(authority) == []
    assert ledger_rows(kind=LedgerKind.PAYOUT) == []


# --- the client, with Zarinpal's HTTP faked -------------------------------------------------

@responses.activate
def test_the_client_sends_wages_in_rials_and_refuses_more_than_the_payment():
    client = ZarinpalClient("0" * 36, timeout=1, verify_attempts=1, retry_backoff=0)
    responses.post("https://payment.zarinpal.com/pg/v4/payment/request.json",
                   json={"data": {"code": 100, "authority": "A" + "0" * 35}, "errors": []})
    client.request_payment(10_000, "https://shop.test/cb", "order X",
                           wages=[Wage(SHEBA, 9_000, "share of order X")])
    sent = json.loads(responses.calls[0].request.body)
    assert sent["wages"] == [{"iban": SHEBA, "amount": 9_000, "description": "share of order X"}]

    with pytest.raises(ValueError):
        client.request_payment(10_000, "https://shop.test/cb", "order X",
                               wages=[Wage(SHEBA, 6_000, "a"), Wage(SHEBA, 6_000, "b")])
    assert len(responses.calls) == 1
