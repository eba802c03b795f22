"""Paying through Zarinpal's stand-in, in rials: the pay page sends the buyer to StartPay, the
callback always verifies, repeats change nothing, foreign or forged authorities are refused,
Zarinpal not answering leaves the order pending, `flask reconcile-payments` settles what the
callback missed, and a payment that arrives after its stock was sold is refunded (owed)."""

from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.models import (
    LedgerKind,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from marketplace.payments.providers import check_providers, get_provider
from marketplace.payments.services import payments
from tests.factories.orders import make_due
from tests.factories.payments import zarinpal_config


@pytest.fixture
def app_config(zarinpal_standin):
    return {**zarinpal_config(zarinpal_standin), "MARKETPLACE_BASE_URL": "http://shop.test"}


def gateway(standin, authority: str, choice: str) -> str:
    """The buyer chooses `choice` ("pay"/"cancel") on the StartPay page; the path and query of
    the callback Zarinpal sends them back to."""
    page = requests.get(f"{standin.url}/pg/StartPay/{authority}", timeout=5)
    assert page.status_code == 200
    answer = requests.post(f"{standin.url}/pg/StartPay/{authority}/{choice}", timeout=5,
                           allow_redirects=False)
    location = urlsplit(answer.headers["Location"])
    assert location.netloc == "shop.test"
    return f"{location.path}?{location.query}"


def start(client, number: str) -> str:
    """Choose Zarinpal on the pay page: the authority of the StartPay page we are sent to."""
    answer = client.post(f"/checkout/{number}/pay?lang=en", data={"provider": "zarinpal"})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    location = urlsplit(answer.headers["Location"])
    assert location.path.startswith("/pg/StartPay/")
    return location.path.rsplit("/", 1)[1]


def start_in_a_request(app, db, buyer, order) -> Payment:
    """payments.start_payment as a request runs it (the callback URL needs one)."""
    with app.test_request_context():
        payment = payments.start_payment(buyer, order, "zarinpal")
        db.session.commit()
    return payment


def only_payment(db, order_id: int) -> Payment:
    db.session.expire_all()
    rows = list(db.session.scalars(select(Payment).where(Payment.order_id == order_id)))
    assert len(rows) == 1, [(p.id, p.status) for p in rows]
    return rows[0]


def test_the_buyer_pays_on_zarinpal_and_the_callback_pays_the_order_once(
        app, db, client, login, shop, place_test_order, ledger_rows, zarinpal_standin, outbox):
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    order_id, number = order.id, order.number
    login(shop.buyer)
    page = client.get(f"/checkout/{number}/pay?lang=en")
    assert "Pay online with Zarinpal" in page.get_data(as_text=True)
    # The form's POST ends on the gateway: the page's CSP must allow it.
    assert f"form-action 'self' {zarinpal_standin.url}" in \
        page.headers["Content-Security-Policy"]

    authority = start(client, number)
    payment = only_payment(db, order_id)
    assert payment.provider == "zarinpal" and payment.provider_reference == authority
    assert payment.status == PaymentStatus.PENDING and payment.currency == "IRR"

    callback = gateway(zarinpal_standin, authority, "pay")
    assert callback.startswith(f"/payments/zarinpal/callback/{number}?")
    first = client.get(callback)
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/orders/{number}")
    for _ in range(3):  # reloads, the back button, a second delivery
        again = client.get(callback)
        assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]

    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.PAID
    payment = only_payment(db, order_id)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None
    assert zarinpal_standin.status_of(authority) == "verified"
    rows = {(r.trainee_id, r.kind): r.amount for r in ledger_rows()}
    assert rows == {
        (shop.trainee_a.id, LedgerKind.SALE): 2500,
        (shop.trainee_a.id, LedgerKind.COMMISSION): -250,
        (shop.trainee_b.id, LedgerKind.SALE): 4000,
        (shop.trainee_b.id, LedgerKind.COMMISSION): -400,
    }
    # Starting again after paying is a clear 409, not a second authority.
    assert client.post(f"/checkout/{number}/pay?lang=en",
                       data={"provider": "zarinpal"}).status_code == 409


def test_pressing_pay_twice_sends_the_buyer_to_the_same_authority(
        db, client, login, shop, place_test_order):
    order = place_test_order(shop.buyer, shop.product_a)
    login(shop.buyer)
    assert start(client, order.number) == start(client, order.number)
    only_payment(db, order.id)


def test_cancel_on_zarinpal_keeps_the_order_pending_and_another_try_pays(
        db, client, login, shop, place_test_order, zarinpal_standin):
    order = place_test_order(shop.buyer, shop.product_a)
    order_id, number = order.id, order.number
    login(shop.buyer)
    authority = start(client, number)
    back = client.get(gateway(zarinpal_standin, authority, "cancel"))
    assert back.status_code == 303 and back.headers["Location"].endswith(f"/checkout/{number}/pay")
    payment = only_payment(db, order_id)
    assert payment.status == PaymentStatus.CANCELLED
    assert db.session.get(Order, order_id).status == OrderStatus.PENDING_PAYMENT

    second = start(client, number)
    assert second != authority
    client.get(gateway(zarinpal_standin, second, "pay"))
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.PAID
    keys = sorted(db.session.scalars(select(Payment.idempotency_key)
                                     .where(Payment.order_id == order_id)))
    assert keys == [f"order-{number}-payment-1", f"order-{number}-payment-2"]


def test_status_ok_alone_pays_nothing(db, client, login, shop, place_test_order,
                                      zarinpal_standin):
    """A forged `Status=OK` for an authority nobody paid: Zarinpal's verify says -51."""
    order = place_test_order(shop.buyer, shop.product_a)
    order_id, number = order.id, order.number
    login(shop.buyer)
    authority = start(client, number)
    forged = client.get(f"/payments/zarinpal/callback/{number}?Authority={authority}&Status=OK")
    assert forged.status_code == 303
    assert forged.headers["Location"].endswith(f"/checkout/{number}/pay")
    assert only_payment(db, order_id).status == PaymentStatus.FAILED
    assert db.session.get(Order, order_id).status == OrderStatus.PENDING_PAYMENT
    # The buyer then really pays in that tab: the next return pays the order.
    client.get(gateway(zarinpal_standin, authority, "pay"))
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.PAID


def test_foreign_unknown_and_junk_authorities_are_refused_and_nothing_is_written(
        db, client, login, shop, place_test_order, create_user, zarinpal_standin):
    mine = place_test_order(shop.buyer, shop.product_a)
    other_buyer = create_user()
    theirs = place_test_order(other_buyer, shop.product_b)
    mine_id, mine_number, theirs_number = mine.id, mine.number, theirs.number
    login(shop.buyer)
    authority = start(client, mine_number)
    zarinpal_standin.pay(authority)
    cases = [
        (theirs_number, authority, 404, "We could not find that payment."),  # their order
        (mine_number, "A" + "7" * 35, 404, "We could not find that payment."),  # nobody's
        (mine_number, "../../etc", 400, "This payment link is not valid."),
        (mine_number, "", 400, "This payment link is not valid."),
    ]
    for number, forged, status, message in cases:
        answer = client.get(f"/payments/zarinpal/callback/{number}?Authority={forged}"
                            "&Status=OK&lang=en")
        assert answer.status_code == status, (number, forged, answer.status_code)
        assert message in answer.get_data(as_text=True)
    payment = only_payment(db, mine_id)
    assert payment.status == PaymentStatus.PENDING and payment.settled_at is None
    assert zarinpal_standin.status_of(authority) == "paid"  # never verified by the forgeries


def test_zarinpal_not_answering_the_request_writes_nothing_and_a_retry_works(
        db, client, login, shop, place_test_order, zarinpal_standin):
    order = place_test_order(shop.buyer, shop.product_a)
    order_id, number = order.id, order.number
    login(shop.buyer)
    for mode in ("timeout", "http_500"):
        zarinpal_standin.fail("request", mode, delay=3)
        answer = client.post(f"/checkout/{number}/pay?lang=en", data={"provider": "zarinpal"})
        assert answer.status_code == 503
        assert "payment_provider_unavailable" in answer.get_data(as_text=True) or \
            "did not answer" in answer.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.scalar(select(func.count(Payment.id))
                                 .where(Payment.order_id == order_id)) == 0
        assert db.session.get(Order, order_id).status == OrderStatus.PENDING_PAYMENT
    start(client, number)
    assert only_payment(db, order_id).idempotency_key == f"order-{number}-payment-1"


def test_a_verify_that_times_out_leaves_the_payment_pending_for_reconcile(
        db, client, login, runner, shop, place_test_order, zarinpal_standin, ledger_rows):
    order = place_test_order(shop.buyer, shop.product_a)
    order_id, number = order.id, order.number
    login(shop.buyer)
    authority = start(client, number)
    callback = gateway(zarinpal_standin, authority, "pay")
    zarinpal_standin.fail("verify", "timeout", times=2, delay=3)  # both attempts
    answer = client.get(callback)
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/orders/{number}")
    payment = only_payment(db, order_id)
    assert payment.status == PaymentStatus.PENDING and payment.settled_at is None
    assert db.session.get(Order, order_id).status == OrderStatus.PENDING_PAYMENT
    assert ledger_rows() == []

    result = runner.invoke(args=["reconcile-payments"])
    assert "1 succeeded" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.PAID
    assert len(ledger_rows()) == 2
    # The buyer's late reload of the callback changes nothing.
    assert client.get(callback).status_code == 303
    assert len(ledger_rows()) == 2


def test_reconcile_cancels_an_unpaid_authority_of_an_expired_order(
        app, db, runner, shop, place_test_order):
    from marketplace.orders.services import orders as order_life

    order = place_test_order(shop.buyer, shop.product_a)
    payment = start_in_a_request(app, db, shop.buyer, order)
    payment_id = payment.id
    make_due(order)
    assert order_life.expire_order(order)
    db.session.commit()
    result = runner.invoke(args=["reconcile-payments"])
    assert "1 cancelled" in result.output, result.output
    assert db.session.get(Payment, payment_id).status == PaymentStatus.CANCELLED
    assert "nothing open" in runner.invoke(args=["reconcile-payments"]).output


def test_reconcile_finds_a_paid_authority_we_had_closed_in_the_unverified_list(
        app, db, runner, shop, place_test_order, zarinpal_standin):
    """The order expired and reconcile closed its unpaid authority; then the buyer paid in a
    forgotten tab and never came back. Zarinpal lists it as unverified; reconcile pays the
    order again (its stock was still there)."""
    from marketplace.orders.services import orders as order_life

    order = place_test_order(shop.buyer, shop.product_a)
    order_id = order.id
    payment = start_in_a_request(app, db, shop.buyer, order)
    payment_id, authority = payment.id, payment.provider_reference
    make_due(order)
    assert order_life.expire_order(order)
    db.session.commit()
    runner.invoke(args=["reconcile-payments"])
    assert db.session.get(Payment, payment_id).status == PaymentStatus.CANCELLED

    zarinpal_standin.pay(authority)
    result = runner.invoke(args=["reconcile-payments"])
    assert "1 succeeded" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Payment, payment_id).status == PaymentStatus.SUCCEEDED
    assert db.session.get(Order, order_id).status == OrderStatus.PAID
    assert zarinpal_standin.status_of(authority) == "verified"


def test_a_payment_after_the_stock_was_sold_is_owed_back_and_the_buyer_told(
        db, client, login, shop, create_product, create_user, place_test_order,
        zarinpal_standin, outbox, ledger_rows):
    from marketplace.orders.services import orders as order_life

    last_one = create_product(trainee=shop.trainee_a, price_amount=90_000, stock=1)
    late = place_test_order(shop.buyer, last_one)
    late_id, number = late.id, late.number
    login(shop.buyer)
    authority = start(client, number)
    make_due(late)
    assert order_life.expire_order(late)
    db.session.commit()
    place_test_order(create_user(), last_one, paid=True)  # someone else buys the last one
    rows_before = len(ledger_rows())

    callback = gateway(zarinpal_standin, authority, "pay")
    for _ in range(2):
        answer = client.get(callback)
        assert answer.status_code == 303
    told_on_the_page = client.get(f"/orders/{number}?lang=en").get_data(as_text=True)
    assert "could not be used for this order" in told_on_the_page
    db.session.expire_all()
    assert db.session.get(Order, late_id).status == OrderStatus.EXPIRED
    payment = only_payment(db, late_id)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.refunded_amount == 90_000
    refunds = list(db.session.scalars(select(Refund).where(Refund.payment_id == payment.id)))
    # Zarinpal's REST API cannot refund: owed, for the admins to pay by bank transfer.
    assert [(r.amount, r.status, r.reason) for r in refunds] == \
        [(90_000, RefundStatus.PENDING, "stock_gone")]
    assert len(ledger_rows()) == rows_before  # nothing booked for the late order
    told = [m for m in outbox() if m["To"] == shop.buyer.email
            and "refund" in m.get_content().lower() + str(m["Subject"]).lower()]
    assert len(told) == 1, [(m["To"], m["Subject"]) for m in outbox()]
    # Zarinpal cannot refund: the buyer learns it comes by bank transfer, not "the way you paid".
    assert "bank transfer" in told[0].get_content()
    assert "the way you paid" not in told[0].get_content()


def test_zarinpal_takes_rials_only_and_needs_a_merchant_id_in_production(database_url):
    provider = get_provider("zarinpal")
    assert provider.accepts("IRR") and not provider.accepts("USD")
    with pytest.raises(RuntimeError, match="'zarinpal' cannot take USD"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MARKETPLACE_CURRENCY": "USD",
                    "PAYMENT_PROVIDERS": ("zarinpal", "pay_at_pickup")})
    with pytest.raises(RuntimeError, match="ZARINPAL_MERCHANT_ID"):
        check_providers({"MARKETPLACE_CURRENCY": "IRR", "PAYMENT_PROVIDERS": ("zarinpal",),
                         "ENV_NAME": "production", "ZARINPAL_MERCHANT_ID": ""})
    check_providers({"MARKETPLACE_CURRENCY": "IRR", "PAYMENT_PROVIDERS": ("zarinpal",),
                     "ENV_NAME": "production", "ZARINPAL_MERCHANT_ID": "x" * 36})


def test_the_callback_is_missing_when_zarinpal_is_not_enabled(app, client):
    app.config["PAYMENT_PROVIDERS"] = ("pay_at_pickup",)
    answer = client.get(f"/payments/zarinpal/callback/X?Authority={'A' * 36}&Status=OK")
    assert answer.status_code == 404


def test_the_api_answers_the_zarinpal_page_to_send_the_buyer_to(
        db, client, shop, place_test_order, api_token, zarinpal_standin):
    order = place_test_order(shop.buyer, shop.product_a)
    answer = client.post(f"/api/v1/orders/{order.number}/payments",
                         headers=api_token(shop.buyer), json={"provider": "zarinpal"})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    payment = only_payment(db, order.id)
    assert body["payment_url"] == \
        f"{zarinpal_standin.url}/pg/StartPay/{payment.provider_reference}"
    assert body["currency"] == "IRR" and body["amount"] == 2500 and body["status"] == "pending"


def test_paying_on_zarinpal_after_choosing_pay_at_pickup_is_refunded(
        db, client, login, shop, place_test_order, zarinpal_standin, outbox, ledger_rows):
    """Zarinpal cannot cancel an authority: a buyer who switched to paying at pickup can still
    pay the old one in a forgotten tab. The trainees expect cash, so that money goes back."""
    order = place_test_order(shop.buyer, shop.product_a)
    order_id, number = order.id, order.number
    login(shop.buyer)
    authority = start(client, number)
    switched = client.post(f"/checkout/{number}/pay?lang=en", data={"provider": "pay_at_pickup"})
    assert switched.status_code == 302
    db.session.expire_all()
    zarinpal_payment = db.session.scalar(select(Payment).where(
        Payment.order_id == order_id, Payment.provider == "zarinpal"))
    assert zarinpal_payment.status == PaymentStatus.CANCELLED

    client.get(gateway(zarinpal_standin, authority, "pay"))
    db.session.expire_all()
    order = db.session.get(Order, order_id)
    assert order.status == OrderStatus.PENDING_PAYMENT and order.pays_at_pickup
    zarinpal_payment = db.session.get(Payment, zarinpal_payment.id)
    assert zarinpal_payment.status == PaymentStatus.SUCCEEDED
    assert zarinpal_payment.refunded_amount == zarinpal_payment.amount
    refund = db.session.scalar(select(Refund).where(Refund.payment_id == zarinpal_payment.id))
    assert (refund.status, refund.reason) == (RefundStatus.PENDING, "pay_at_pickup_chosen")
    assert ledger_rows() == []
    told = [m for m in outbox() if m["To"] == shop.buyer.email
            and "at pickup" in m.get_content()]
    assert len(told) == 1
