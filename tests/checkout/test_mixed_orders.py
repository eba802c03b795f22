"""Mixed orders in the Iranian world (rials, the Zarinpal stand-in, pay at pickup): one order
with a tableau shipped by one trainee and paid online, and another picked up from a second
trainee and paid at the booth. Each vendor order knows how it is paid; the online payment takes
only the online parts; the pickup part is paid when its trainee confirms the cash; each
trainee's statement is right to the rial. Bad combinations are a 400 that writes nothing.
(The same story with Stripe: test_mixed_orders_stripe.py.)"""

import csv
import io

import pytest
from sqlalchemy import func, select

from marketplace.catalogue.models import Product
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.extensions import db as _db
from marketplace.orders.models import (
    CartLine,
    Order,
    OrderStatus,
    PaymentMethod,
    VendorOrder,
    VendorOrderStatus,
)
from marketplace.orders.services import cart as carts
from marketplace.orders.services.orders import expire_order
from marketplace.payments.models import LedgerEntry, LedgerKind, Payment, PaymentStatus
from marketplace.payments.services import payments
from tests.factories.orders import make_due
from tests.factories.payments import zarinpal_config
from tests.payments.test_zarinpal_flow import gateway, start

SHIPPING_FEE = 30_000
# tests/orders/conftest.py's shop: tableau_a 120,000 rials, tableau_b 95,000.
ONLINE = 120_000 + SHIPPING_FEE
AT_BOOTH = 95_000


@pytest.fixture
def app_config(zarinpal_standin):
    return {**zarinpal_config(zarinpal_standin), "MARKETPLACE_BASE_URL": "http://shop.test"}


@pytest.fixture
def mixed_cart(shop, fill_cart, set_shipping_fee):
    """Trainee a ships (a fee of 30,000 rials), trainee b only hands over at pickup."""
    set_shipping_fee(shop.trainee_a, SHIPPING_FEE)
    fill_cart(shop.buyer, shop.tableau_a, shop.tableau_b)
    return shop


def mixed_form(shop, **extra) -> dict:
    return {"contact_name": "Sara", "contact_phone": "09120000000",
            "shipping_address": "Tehran, Enghelab St. 7", "expected_subtotal": "215000",
            f"fulfilment_{shop.trainee_a.id}": "shipping",
            f"fulfilment_{shop.trainee_b.id}": "pickup",
            "pickup_payment": "at_pickup", **extra}


def parts(db, order_id: int) -> tuple[VendorOrder, VendorOrder]:
    db.session.expire_all()
    shipped, picked_up = db.session.get(Order, order_id).vendor_orders
    assert shipped.fulfilment.value == "shipping" and picked_up.fulfilment.value == "pickup"
    return shipped, picked_up


def ledger(db) -> dict:
    rows = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))
    return {(row.trainee_id, row.kind): row.amount for row in rows}


def statement(client, login, user) -> list[list[str]]:
    """The trainee's ledger CSV (this month): rows of kind, amount, running balance (after the
    ISO and the Jalali date)."""
    login(user)
    response = client.get("/my/ledger.csv")
    assert response.status_code == 200
    return [[row[2], row[5], row[7]] for row in csv.reader(io.StringIO(response.text))][1:]


def place_mixed(client, login, shop) -> Order:
    login(shop.buyer)
    response = client.post("/checkout?lang=en", data=mixed_form(shop))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    order = _db.session.scalar(select(Order))
    assert response.headers["Location"].endswith(f"/checkout/{order.number}/pay")
    return order


def test_shipped_part_paid_on_zarinpal_and_pickup_part_at_the_booth(
        db, client, login, mixed_cart, zarinpal_standin, outbox):
    shop = mixed_cart
    login(shop.buyer)
    page = client.get("/checkout?lang=en").get_data(as_text=True)
    assert "Pay online for shipped parts, at the booth for pickup parts" in page

    order = place_mixed(client, login, shop)
    order_id, number = order.id, order.number
    shipped, picked_up = parts(db, order_id)
    assert (shipped.payment_method, picked_up.payment_method) == \
        (PaymentMethod.ONLINE, PaymentMethod.AT_PICKUP)
    order = db.session.get(Order, order_id)
    assert order.total_amount == ONLINE + AT_BOOTH and order.online_amount == ONLINE
    assert not order.pays_at_pickup and order.expires_at is not None

    page = client.get(f"/checkout/{number}/pay?lang=en").get_data(as_text=True)
    assert "paid at the booth" in page and "I will pay at pickup" not in page

    # The gateway is asked for the shipped part and its shipping only.
    authority = start(client, number)
    payment = db.session.scalars(select(Payment).where(Payment.order_id == order_id)).one()
    assert payment.amount == ONLINE
    assert zarinpal_standin.state.payments[authority].amount == ONLINE

    # Before the online part is paid the pickup trainee may not take the money.
    login(shop.trainee_b.user)
    early = client.post(f"/payments/vendor-orders/{picked_up.id}/paid-at-pickup?lang=en")
    assert early.status_code == 409
    assert ledger(db) == {}

    login(shop.buyer)
    callback = gateway(zarinpal_standin, authority, "pay")
    for _ in range(4):  # the first delivery, then reloads and repeats
        assert client.get(callback).status_code == 303
    db.session.expire_all()
    order = db.session.get(Order, order_id)
    assert order.status == OrderStatus.PAID
    shipped, picked_up = parts(db, order_id)
    assert shipped.status == VendorOrderStatus.PAID
    # The callback (however often it came) paid the online part only.
    assert picked_up.status == VendorOrderStatus.PENDING_PAYMENT and picked_up.paid_at is None
    assert ledger(db) == {(shop.trainee_a.id, LedgerKind.SALE): 120_000,
                          (shop.trainee_a.id, LedgerKind.SHIPPING): SHIPPING_FEE,
                          (shop.trainee_a.id, LedgerKind.COMMISSION): -12_000}
    page = client.get(f"/orders/{number}?lang=en").get_data(as_text=True)
    assert "Your online payment went through" in page and "At the booth: you pay" in page
    mails = {message["To"]: message.get_content() for message in outbox()}
    assert "pay you at pickup" not in mails[shop.trainee_a.user.email]
    assert "The buyer pays you at pickup" in mails[shop.trainee_b.user.email]

    # At the booth: the trainee takes the cash and says so.
    login(shop.trainee_b.user)
    sale = client.get(f"/sales/{picked_up.id}?lang=en").get_data(as_text=True)
    assert "The buyer pays you" in sale and 'data-action="confirm_paid_at_pickup"' in sale
    assert client.post(f"/payments/vendor-orders/{picked_up.id}/paid-at-pickup").status_code \
        == 302
    login(shop.buyer)
    assert client.get(callback).status_code == 303  # one more replay changes nothing
    shipped, picked_up = parts(db, order_id)
    assert (shipped.status, picked_up.status) == \
        (VendorOrderStatus.PAID, VendorOrderStatus.COMPLETED)
    assert db.session.scalar(select(func.count(Payment.id))) == 1

    # Each trainee's statement, to the rial: a owes nothing and is owed the online sale; b
    # collected the cash and owes the commission on it.
    assert statement(client, login, shop.trainee_a.user) == [
        ["opening_balance", "", "0"],
        ["sale", "120000", "120000"], ["shipping", "30000", "150000"],
        ["commission", "-12000", "138000"], ["closing_balance", "", "138000"]]
    assert statement(client, login, shop.trainee_b.user) == [
        ["opening_balance", "", "0"],
        ["sale", "95000", "95000"], ["commission", "-9500", "85500"],
        ["payout", "-95000", "-9500"], ["closing_balance", "", "-9500"]]


def test_expiry_of_the_online_payment_releases_the_pickup_part_too(
        app, db, client, login, mixed_cart):
    """One order, one hold: unpaid online in time, every part is cancelled and its stock back."""
    shop = mixed_cart
    order = place_mixed(client, login, shop)
    start(client, order.number)
    make_due(order)
    assert expire_order(db.session.get(Order, order.id))
    db.session.commit()
    shipped, picked_up = parts(db, order.id)
    assert shipped.status == picked_up.status == VendorOrderStatus.CANCELLED
    assert db.session.get(Product, shop.tableau_a.id).stock == 1
    assert db.session.get(Product, shop.tableau_b.id).stock == 1


def test_a_late_payment_revives_the_pickup_part_as_waiting_for_its_cash(
        app, db, client, login, mixed_cart, zarinpal_standin):
    shop = mixed_cart
    order = place_mixed(client, login, shop)
    authority = start(client, order.number)
    make_due(order)
    assert expire_order(db.session.get(Order, order.id))
    db.session.commit()
    callback = gateway(zarinpal_standin, authority, "pay")
    assert client.get(callback).status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.PAID
    shipped, picked_up = parts(db, order.id)
    assert shipped.status == VendorOrderStatus.PAID
    assert picked_up.status == VendorOrderStatus.PENDING_PAYMENT
    assert picked_up.cancelled_at is None
    assert db.session.get(Product, shop.tableau_b.id).stock == 0


def test_refunding_the_pickup_part_is_cash_not_the_online_payment(
        app, db, client, login, mixed_cart, zarinpal_standin):
    shop = mixed_cart
    order = place_mixed(client, login, shop)
    client.get(gateway(zarinpal_standin, start(client, order.number), "pay"))
    _shipped, picked_up = parts(db, order.id)
    login(shop.trainee_b.user)
    client.post(f"/payments/vendor-orders/{picked_up.id}/paid-at-pickup")
    response = client.post(f"/payments/vendor-orders/{picked_up.id}/refund",
                           data={"amount": "9500", "reason": "broken frame"})  # toman
    assert response.status_code == 302
    db.session.expire_all()
    payment = db.session.scalars(select(Payment)).one()
    assert payment.refunded_amount == 0  # Zarinpal's payment did not take that money
    rows = ledger(db)
    assert rows[(shop.trainee_b.id, LedgerKind.REFUND)] == -95_000
    # The cash went back from the trainee's hand: a payout row of the same amount.
    assert sum(r.amount for r in db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.trainee_id == shop.trainee_b.id,
        LedgerEntry.kind == LedgerKind.PAYOUT))) == -95_000 + 95_000


# --- choosing: every part at the booth, and the refusals ---------------------------------------

def test_everything_picked_up_and_paid_at_the_booth_needs_no_online_payment(
        db, client, login, shop, fill_cart, outbox):
    fill_cart(shop.buyer, shop.tableau_a, shop.tableau_b)
    login(shop.buyer)
    response = client.post("/checkout?lang=en", data=mixed_form(
        shop, **{f"fulfilment_{shop.trainee_a.id}": "pickup"}))
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert response.headers["Location"].endswith(f"/orders/{order.number}")
    assert order.pays_at_pickup and order.expires_at is None and order.online_amount == 0
    assert {vo.payment_method for vo in order.vendor_orders} == {PaymentMethod.AT_PICKUP}
    payment = db.session.scalars(select(Payment)).one()
    assert (payment.provider, payment.amount, payment.status) == \
        ("pay_at_pickup", 215_000, PaymentStatus.PENDING)
    assert len(outbox()) == 3  # the buyer and both trainees
    # No online payment can be started for it.
    assert client.post(f"/checkout/{order.number}/pay", data={"provider": "zarinpal"}) \
        .status_code == 409


def nothing_written(db, shop) -> None:
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    assert db.session.scalar(select(func.count(CartLine.id))) == 2
    assert db.session.get(Product, shop.tableau_a.id).stock == 1
    assert db.session.get(Product, shop.tableau_b.id).stock == 1


def test_paying_at_the_booth_with_every_part_shipped_is_refused_on_the_page(
        db, client, login, mixed_cart, set_shipping_fee):
    shop = mixed_cart
    set_b_shipping = {f"fulfilment_{shop.trainee_b.id}": "shipping"}
    set_shipping_fee(shop.trainee_b, 10_000)
    login(shop.buyer)
    response = client.post("/checkout?lang=en", data=mixed_form(shop, **set_b_shipping))
    assert response.status_code == 400
    assert "every part of this order is shipped" in response.get_data(as_text=True)
    nothing_written(db, shop)


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"pickup_payment": "at_pickup", "parts": "all_shipped"}, 400, "no_pickup_parts"),
    ({"pickup_payment": "cash", "parts": "mixed"}, 422, None),
    ({"pickup_payment": "at_pickup", "parts": "mixed", "disabled": True}, 400,
     "pay_at_pickup_unavailable"),
])
def test_bad_payment_choices_in_the_api_are_refused_and_write_nothing(
        app, db, client, mixed_cart, api_token, set_shipping_fee, body, status, code):
    shop = mixed_cart
    set_shipping_fee(shop.trainee_b, 10_000)
    if body.get("disabled"):
        app.config["PAYMENT_PROVIDERS"] = ("zarinpal",)
    b_gets = "shipping" if body["parts"] == "all_shipped" else "pickup"
    response = client.post("/api/v1/checkout", headers=api_token(shop.buyer), json={
        "contact_name": "Sara", "shipping_address": "Tehran",
        "pickup_payment": body["pickup_payment"],
        "parts": [{"trainee_id": shop.trainee_a.id, "fulfilment": "shipping"},
                  {"trainee_id": shop.trainee_b.id, "fulfilment": b_gets}]})
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    if code:
        assert error["code"] == code and "pickup_payment" in error["fields"]
    nothing_written(db, shop)


def test_the_api_places_a_mixed_order_and_pays_only_the_online_part(
        app, db, client, mixed_cart, api_token, zarinpal_standin):
    shop = mixed_cart
    headers = api_token(shop.buyer)
    placed = client.post("/api/v1/checkout", headers=headers, json={
        "contact_name": "Sara", "shipping_address": "Tehran", "pickup_payment": "at_pickup",
        "parts": [{"trainee_id": shop.trainee_a.id, "fulfilment": "shipping"},
                  {"trainee_id": shop.trainee_b.id, "fulfilment": "pickup"}]})
    assert placed.status_code == 201, placed.get_json()
    body = placed.get_json()
    assert (body["total_amount"], body["online_amount"]) == (ONLINE + AT_BOOTH, ONLINE)
    assert [vo["payment_method"] for vo in body["vendor_orders"]] == ["online", "at_pickup"]
    paid = client.post(f"/api/v1/orders/{body['number']}/payments", headers=headers,
                       json={"provider": "zarinpal"})
    assert paid.status_code == 201, paid.get_json()
    assert paid.get_json()["amount"] == ONLINE
    # The whole order cannot be switched to the booth: a part is shipped.
    switched = client.post(f"/api/v1/orders/{body['number']}/payments", headers=headers,
                           json={"provider": "pay_at_pickup"})
    assert switched.status_code == 422 and switched.get_json()["error"]["code"] == "pickup_only"


def test_record_paid_order_pays_only_the_online_parts(app, db, mixed_cart):
    """The demo's and tests' paid orders: a payment of the online parts only."""
    shop = mixed_cart
    with app.test_request_context():
        order = place_order(shop.buyer, carts.find_cart(shop.buyer, None), CheckoutChoices(
            shipping_address="Tehran", pickup_payment=PaymentMethod.AT_PICKUP,
            fulfilment={shop.trainee_a.id: "shipping", shop.trainee_b.id: "pickup"}))
        db.session.commit()
        payment = payments.record_paid_order(order, "zarinpal", "A0000000000000000001")
        db.session.commit()
    assert payment.amount == ONLINE
    db.session.expire_all()
    shipped, picked_up = parts(db, order.id)
    assert (shipped.status, picked_up.status) == \
        (VendorOrderStatus.PAID, VendorOrderStatus.PENDING_PAYMENT)
