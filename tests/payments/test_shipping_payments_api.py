"""Shipping instead of a lost pickup, the rest of it (issue 17): the API starts the payment of
what shipping costs (as it starts an order's payment: an id, the amount, Zarinpal's page); a
part that was to be paid in cash at the booth pays its goods with the fee; an amount below the
gateway's minimum is explained and refused, writing nothing; and a part refunded in full gives
the paid shipping back through the same provider, once, whatever is replayed. Zarinpal's
stand-in, rials (its refunds are owed: paid by bank transfer)."""

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core.money import Money
from marketplace.notifications.models import EventKind, Notification
from marketplace.orders.models import (
    Fulfilment,
    OrderStatus,
    ShippingRate,
    VendorOrder,
    VendorOrderStatus,
)
from marketplace.payments.models import (
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    ShippingPayment,
)
from marketplace.payments.services import refunds
from tests.factories.payments import zarinpal_config
from tests.payments.test_shipping_payments import ADDRESS, FEE, _authority, _ship, _state
from tests.payments.test_zarinpal_flow import gateway


@pytest.fixture
def app_config(zarinpal_standin):
    return {**zarinpal_config(zarinpal_standin), "MARKETPLACE_BASE_URL": "http://shop.test"}


def _api_start(client, headers, part_id, address=ADDRESS):
    return client.post(f"/api/v1/vendor-orders/{part_id}/shipping-payments", headers=headers,
                       json={"shipping_address": address})


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id))) or 0


def _ledger(db, part_id):
    db.session.expire_all()
    return [(e.kind, e.amount) for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.vendor_order_id == part_id)
        .order_by(LedgerEntry.id))]


def _set_fee(db, trainee, amount):
    rate = db.session.scalar(select(ShippingRate).where(ShippingRate.trainee_id == trainee.id))
    rate.amount = amount
    db.session.commit()


def _refund_in_full(app, db, trainee, part_id, reason="cracked frame"):
    """The trainee refunds the whole part, as the sale page does."""
    with app.test_request_context():
        part = db.session.get(VendorOrder, part_id)
        refunds.refund_vendor_order(trainee.user, part, part.total_amount - part.refunded_amount,
                                    restock=True, reason=reason)
        db.session.commit()


def test_the_api_starts_the_payment_and_the_callback_ships_the_part(
        db, client, api_token, lost_pickup, zarinpal_standin, create_user):
    buyer, _order, part_id = lost_pickup
    headers = api_token(buyer)
    options = client.get(f"/api/v1/vendor-orders/{part_id}/pickup-choice", headers=headers).json
    assert (options["shipping_allowed"], options["shipping_refusal"]) == (True, None)
    assert (options["shipping_due"], options["currency"]) == (FEE, "IRR")
    # Choosing shipping directly still needs the payment first.
    direct = client.post(f"/api/v1/vendor-orders/{part_id}/pickup-choice", headers=headers,
                         json={"choice": "shipping", "shipping_address": ADDRESS})
    assert direct.status_code == 422 and direct.json["error"]["code"] == "shipping_needs_payment"

    started = _api_start(client, headers, part_id, "Tabriz, first try")
    assert started.status_code == 201, started.json
    body = started.json
    assert (body["amount"], body["fee_amount"], body["goods_amount"], body["currency"]) == \
        (FEE, FEE, 0, "IRR")
    assert (body["provider"], body["status"], body["vendor_order_id"]) == \
        ("zarinpal", "pending", part_id)
    page = urlsplit(body["payment_url"])
    assert page.path.startswith("/pg/StartPay/") and body["client_secret"] is None
    # Sent again while open: the same payment, with the address given last.
    again = _api_start(client, headers, part_id)
    assert again.status_code == 201 and again.json["id"] == body["id"]
    assert _count(db, ShippingPayment) == 1
    assert db.session.get(ShippingPayment, body["id"]).shipping_address == ADDRESS

    # Nobody else starts, reads or pays it.
    other = api_token(create_user())
    assert _api_start(client, other, part_id).status_code == 404
    assert client.get(f"/api/v1/shipping-payments/{body['id']}", headers=other).status_code \
        == 404

    client.get(gateway(zarinpal_standin, page.path.rsplit("/", 1)[1], "pay"))
    state = client.get(f"/api/v1/shipping-payments/{body['id']}", headers=headers)
    assert state.status_code == 200
    assert state.json["status"] == "succeeded" and state.json["payment_url"] is None
    part, _payments, fees = _state(db, part_id)
    assert part.fulfilment == Fulfilment.SHIPPING and part.shipping_address == ADDRESS
    assert [f.amount for f in fees] == [FEE]
    # Chosen: nothing more to start.
    assert _api_start(client, headers, part_id).status_code == 409


def test_free_shipping_is_chosen_directly_not_paid(db, client, api_token, lost_pickup, stall):
    buyer, _order, part_id = lost_pickup
    _set_fee(db, stall.trainee, 0)
    headers = api_token(buyer)
    assert client.get(f"/api/v1/vendor-orders/{part_id}/pickup-choice",
                      headers=headers).json["shipping_due"] == 0
    answer = _api_start(client, headers, part_id)
    assert answer.status_code == 409 and answer.json["error"]["code"] == "nothing_to_pay"
    assert _count(db, ShippingPayment) == 0
    assert _state(db, part_id)[0].fulfilment == Fulfilment.PICKUP


def test_a_fee_below_the_gateways_minimum_is_explained_and_refused_writing_nothing(
        app, db, client, login, api_token, lost_pickup, stall):
    buyer, order, part_id = lost_pickup
    _set_fee(db, stall.trainee, app.config["ZARINPAL_MINIMUM_AMOUNT"] - 1)
    login(buyer)
    page = client.get(f"/orders/{order.number}/pickups/{part_id}?lang=en").get_data(
        as_text=True)
    assert 'id="shipping-below-minimum"' in page and "smallest online payment" in page
    assert "and ship it" not in page  # no pay button
    posted = _ship(client, order, part_id)
    assert posted.status_code == 422
    assert "smallest online payment" in posted.get_data(as_text=True)

    headers = api_token(buyer)
    options = client.get(f"/api/v1/vendor-orders/{part_id}/pickup-choice", headers=headers).json
    assert options["shipping_allowed"] is False
    assert options["shipping_refusal"] == "shipping_below_gateway_minimum"
    answer = _api_start(client, headers, part_id)
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "shipping_below_gateway_minimum"
    part, payments, fees = _state(db, part_id)
    assert payments == [] and fees == [] and part.fulfilment == Fulfilment.PICKUP
    assert part.pickup_needs_choice


def test_a_part_to_be_paid_at_the_booth_pays_goods_and_shipping_online_then_ships(
        db, client, login, lost_cash_pickup, zarinpal_standin, stall):
    buyer, order, part_id = lost_cash_pickup
    part = db.session.get(VendorOrder, part_id)
    goods = part.total_amount
    assert part.pays_at_pickup and part.status == VendorOrderStatus.PENDING_PAYMENT
    login(buyer)
    page = client.get(f"/orders/{order.number}/pickups/{part_id}?lang=en").get_data(
        as_text=True)
    assert "You were to pay for this part at the booth" in page

    authority = _authority(_ship(client, order, part_id))
    part, (payment,), fees = _state(db, part_id)
    assert (payment.amount, payment.goods_amount, payment.fee_amount) == (goods + FEE, goods,
                                                                          FEE)
    assert part.status == VendorOrderStatus.PENDING_PAYMENT and not fees
    for _ in range(2):  # a reloaded callback settles once
        assert client.get(gateway(zarinpal_standin, authority, "pay")).status_code == 303
    part, (payment,), fees = _state(db, part_id)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert part.status == VendorOrderStatus.PAID and part.paid_at is not None
    assert part.fulfilment == Fulfilment.SHIPPING and part.shipping_address == ADDRESS
    assert part.order.status == OrderStatus.PAID
    # Booked as an online sale (held, commission taken), not as cash in the trainee's hand.
    kinds = _ledger(db, part_id)
    assert (LedgerKind.SALE, goods) in kinds and (LedgerKind.SHIPPING, FEE) in kinds
    assert any(k == LedgerKind.COMMISSION and a < 0 for k, a in kinds)
    assert not any(k == LedgerKind.PAYOUT for k, _a in kinds)


def test_a_full_refund_gives_the_paid_shipping_back_once_whatever_is_replayed(
        app, db, client, login, lost_pickup, zarinpal_standin, stall, create_admin):
    buyer, order, part_id = lost_pickup
    login(buyer)
    authority = _authority(_ship(client, order, part_id))
    callback = gateway(zarinpal_standin, authority, "pay")
    client.get(callback)
    part, (payment,), _fees = _state(db, part_id)
    goods = part.total_amount

    _refund_in_full(app, db, stall.trainee, part_id)
    db.session.expire_all()
    rows = db.session.scalars(select(Refund).order_by(Refund.id)).all()
    assert [(r.amount, r.payment_id is not None, r.shipping_payment_id) for r in rows] == \
        [(goods, True, None), (FEE, False, payment.id)]
    # Zarinpal has no refund API: both are owed, to be paid by bank transfer.
    assert {r.status for r in rows} == {RefundStatus.PENDING}
    payment = db.session.get(ShippingPayment, payment.id)
    assert payment.refunded_amount == FEE
    part = db.session.get(VendorOrder, part_id)
    assert part.status == VendorOrderStatus.REFUNDED
    refunded = [(k, a) for k, a in _ledger(db, part_id) if k == LedgerKind.REFUND]
    assert refunded == [(LedgerKind.REFUND, -goods), (LedgerKind.REFUND, -FEE)]
    # The fee the trainee was credited and the fee taken back add up to nothing.
    assert sum(a for k, a in _ledger(db, part_id) if k == LedgerKind.SHIPPING) + \
        refunded[1][1] == 0

    # Replays: the callback again, the refund of the fee again, a second full refund.
    booked = _ledger(db, part_id)
    login(buyer)
    assert client.get(callback).status_code == 303
    with app.test_request_context():
        assert refunds.refund_paid_shipping(stall.trainee.user, part) is None
    login(stall.trainee.user)
    again = client.post(f"/payments/vendor-orders/{part_id}/refund",
                        data={"amount": "1", "reason": "again"})
    assert again.status_code in (409, 422)
    assert _count(db, Refund) == 2 and _ledger(db, part_id) == booked
    assert db.session.get(ShippingPayment, payment.id).refunded_amount == FEE

    # The administrators see the fee owed with the order's, and mark it paid once.
    login(create_admin())
    owed = client.get("/admin/refunds-owed?lang=en").get_data(as_text=True)
    assert owed.count(order.number) >= 2
    assert client.post(f"/admin/refunds-owed/{rows[1].id}/paid?lang=en").status_code == 302
    assert client.post(f"/admin/refunds-owed/{rows[1].id}/paid?lang=en").status_code == 409


def _refund_notices(db, buyer) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(
        Notification.recipient_id == buyer.id, Notification.kind == EventKind.ORDER_REFUNDED)
        .order_by(Notification.id)))


def test_the_buyer_s_refund_notice_states_the_shipping_given_back_with_the_goods(
        app, db, client, login, lost_pickup, zarinpal_standin, stall, outbox):
    buyer, order, part_id = lost_pickup
    login(buyer)
    client.get(gateway(zarinpal_standin, _authority(_ship(client, order, part_id)), "pay"))
    part, _payments, _fees = _state(db, part_id)
    goods, currency = part.total_amount, part.currency
    partial = goods // 3

    # A partial refund gives no shipping back: its notice says the partial amount only.
    with app.test_request_context():
        refunds.refund_vendor_order(stall.trainee.user, db.session.get(VendorOrder, part_id),
                                    partial, restock=False, reason="scratched")
        db.session.commit()
    # The rest of the part: the shipping fee comes back with it, in the same one notice.
    _refund_in_full(app, db, stall.trainee, part_id)
    first, last = _refund_notices(db, buyer)
    with app.test_request_context():
        money = {n: Money(n, currency).format("en") for n in (partial, goods - partial + FEE,
                                                              FEE)}
    assert money[partial] in first.body and "shipping" not in first.body
    assert last.body == (f"{stall.trainee.store_name} refunded {money[goods - partial + FEE]}, "
                         f"including {money[FEE]} for shipping.")
    mails = [m.get_content() for m in outbox() if m["Subject"] == "You have been refunded"]
    (with_shipping,) = [m for m in mails if "shipping" in m]  # one mail each, any order
    (goods_only,) = [m for m in mails if m is not with_shipping]
    assert money[goods - partial + FEE] in with_shipping and money[FEE] in with_shipping
    assert money[partial] in goods_only

    # Replays tell nobody again: the fee's refund exists, a further refund is refused.
    with app.test_request_context():
        assert refunds.refund_paid_shipping(stall.trainee.user, part) is None
        db.session.commit()
    assert len(_refund_notices(db, buyer)) == 2


def test_a_persian_buyer_reads_the_whole_amount_in_toman_with_the_shipping_part(
        app, db, client, login, lost_cash_pickup, zarinpal_standin, stall):
    buyer, order, part_id = lost_cash_pickup
    login(buyer)
    client.get(gateway(zarinpal_standin, _authority(_ship(client, order, part_id)), "pay"))
    goods = _state(db, part_id)[0].total_amount
    db.session.get(User, buyer.id).locale = "fa"
    db.session.commit()
    _refund_in_full(app, db, stall.trainee, part_id)
    (notice,) = _refund_notices(db, buyer)
    with app.test_request_context():
        whole, fee = (Money(n, "IRR").format("fa") for n in (goods + FEE, FEE))
    assert whole in notice.body and fee in notice.body and "هزینه‌ی ارسال" in notice.body
    assert Money(goods, "IRR").format("fa") not in notice.body.replace(whole, "")


def test_a_part_paid_through_its_shipping_payment_is_refunded_through_it(
        app, db, client, login, lost_cash_pickup, zarinpal_standin, stall):
    buyer, order, part_id = lost_cash_pickup
    login(buyer)
    client.get(gateway(zarinpal_standin, _authority(_ship(client, order, part_id)), "pay"))
    part, (payment,), _fees = _state(db, part_id)
    goods = part.total_amount

    _refund_in_full(app, db, stall.trainee, part_id)
    db.session.expire_all()
    rows = db.session.scalars(select(Refund).order_by(Refund.id)).all()
    # Never through the order's pay-at-pickup payment, nor as cash handed back.
    assert [(r.amount, r.payment_id, r.shipping_payment_id) for r in rows] == \
        [(goods, None, payment.id), (FEE, None, payment.id)]
    assert db.session.get(ShippingPayment, payment.id).refunded_amount == goods + FEE
    kinds = _ledger(db, part_id)
    assert not any(k == LedgerKind.PAYOUT for k, _a in kinds)
    assert [a for k, a in kinds if k == LedgerKind.REFUND] == [-goods, -FEE]
    assert db.session.scalar(select(func.coalesce(func.sum(Payment.refunded_amount), 0))) == 0


def test_only_the_buyer_starts_or_reads_a_shipping_payment(
        db, client, api_token, lost_pickup, stall, create_user, create_admin):
    """The role matrix of the two new operations: the buyer alone; everyone else is told
    nothing exists (404), and nothing is written; no token is a 401."""
    buyer, _order, part_id = lost_pickup
    started = _api_start(client, api_token(buyer), part_id)
    assert started.status_code == 201
    payment_id = started.json["id"]
    assert client.get(f"/api/v1/shipping-payments/{payment_id}",
                      headers=api_token(buyer)).status_code == 200
    for someone in (stall.trainee.user, create_admin(), create_user()):
        headers = api_token(someone)
        assert _api_start(client, headers, part_id).status_code == 404
        assert client.get(f"/api/v1/shipping-payments/{payment_id}",
                          headers=headers).status_code == 404
    assert _api_start(client, {}, part_id).status_code == 401
    assert client.get(f"/api/v1/shipping-payments/{payment_id}").status_code == 401
    assert _count(db, ShippingPayment) == 1
    assert db.session.get(ShippingPayment, payment_id).shipping_address == ADDRESS


def test_the_persian_page_of_a_cash_part_says_what_is_paid_online(
        db, client, login, lost_cash_pickup):
    buyer, order, part_id = lost_cash_pickup
    login(buyer)
    page = client.get(f"/orders/{order.number}/pickups/{part_id}?lang=fa").get_data(
        as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    assert "قرار بود بهای این بخش را در غرفه بپردازید" in main
    visible = re.sub(r"<[^>]+>", " ", main).replace(order.number, "")  # a code, not a number
    assert not re.search(r"[0-9]", visible), visible
