"""The "needs authentication" test card opens a real confirmation step in development (issue
18): the checkout sends the buyer to a page standing in for the bank's 3-D Secure step, where
approving completes the payment and failing fails it; nobody else can answer it, and once
answered it cannot be answered again."""

import pytest
from sqlalchemy import select

from marketplace.orders.models import OrderStatus
from marketplace.payments.models import LedgerKind, Payment, PaymentStatus
from tests.payments.conftest import standin_config

CARD = "pm_card_authenticationRequired"


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


@pytest.fixture
def waiting(db, client, login, shop, place_test_order):
    """An order whose payment with the authentication card waits on the confirmation page."""
    order = place_test_order(shop.buyer, shop.product_a)
    login(shop.buyer)
    response = client.post(f"/checkout/{order.number}/pay/test-card", data={"card": CARD})
    payment = db.session.scalars(select(Payment).where(Payment.order_id == order.id)).one()
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    assert response.status_code == 302
    assert response.location.endswith(f"/payments/{payment.id}/test-authentication")
    return order, payment


def test_approving_completes_the_payment(db, client, waiting, ledger_rows):
    order, payment = waiting
    page = client.get(f"/payments/{payment.id}/test-authentication")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="authentication-approve"' in body and 'id="authentication-fail"' in body
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING_PAYMENT  # nothing happens before the answer

    response = client.post(f"/payments/{payment.id}/test-authentication",
                           data={"outcome": "approve"})
    assert response.status_code == 302
    assert response.location.endswith(f"/orders/{order.number}")
    db.session.refresh(payment)
    db.session.refresh(order)
    assert payment.status == PaymentStatus.SUCCEEDED and order.status == OrderStatus.PAID
    assert len(ledger_rows(kind=LedgerKind.SALE)) == 1

    again = client.post(f"/payments/{payment.id}/test-authentication",
                        data={"outcome": "fail"})
    assert again.status_code == 409
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED


def test_failing_fails_the_payment_and_the_order_waits(db, client, waiting, ledger_rows):
    order, payment = waiting
    response = client.post(f"/payments/{payment.id}/test-authentication",
                           data={"outcome": "fail"})
    assert response.status_code == 302
    assert response.location.endswith(f"/checkout/{order.number}/pay")
    db.session.refresh(payment)
    db.session.refresh(order)
    assert payment.status == PaymentStatus.FAILED
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert ledger_rows() == []
    assert client.get(f"/payments/{payment.id}/test-authentication").status_code == 409


def test_bad_answers_and_other_people(db, client, login, waiting, create_user, create_admin):
    _order, payment = waiting
    url = f"/payments/{payment.id}/test-authentication"
    assert client.post(url, data={"outcome": "maybe"}).status_code == 400
    assert client.get("/payments/999999/test-authentication").status_code == 404
    for other in (create_user(), create_admin()):
        login(other)
        assert client.get(url).status_code == 404
        assert client.post(url, data={"outcome": "approve"}).status_code == 404
    client.post("/logout")
    assert client.post(url, data={"outcome": "approve"}).status_code == 302  # to sign in
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.REQUIRES_ACTION


def test_the_page_is_persian(client, waiting):
    from tests.storefront.persian_text import leaks

    _order, payment = waiting
    html = client.get(f"/payments/{payment.id}/test-authentication?lang=fa").get_data(
        as_text=True)
    assert '<html lang="fa" dir="rtl">' in html
    # The test shop's categories are named with Latin digits ("دسته 2"): the header's menu
    # shows them, which is test data, not this page.
    assert [leak for leak in leaks(html) if not leak.startswith("دسته ")] == []


# --- the side payments: a trainee's debt and a buyer's shipping fee share the same page ------

def _authentication_url(response, kind: str, payment_id: int) -> str:
    url = f"/payments/{kind}/{payment_id}/test-authentication"
    assert response.status_code == 303 and response.location.endswith(url)
    return url


@pytest.fixture
def waiting_debt(db, client, login, shop):
    """A trainee's debt payment with the authentication card, waiting on the same page."""
    from tests.payments.test_debts_stripe import only_debt_payment, owe

    owe(db, shop.trainee_a, 1500)
    login(shop.trainee_a.user)
    assert client.post("/my/debt/pay").status_code == 200
    payment = only_debt_payment(db)
    response = client.post(f"/my/debt/payments/{payment.id}/test-card", data={"card": CARD})
    assert only_debt_payment(db).status == PaymentStatus.REQUIRES_ACTION
    return payment, _authentication_url(response, "debt", payment.id)


def test_approving_pays_the_debt_once(db, client, waiting_debt):
    from marketplace.payments import queries
    from tests.payments.test_debts_stripe import credits, only_debt_payment

    payment, url = waiting_debt
    page = client.get(url)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f'action="{url}"' in body and 'id="authentication-approve"' in body
    assert credits(db) == []  # nothing happens before the answer

    response = client.post(url, data={"outcome": "approve"})
    assert response.status_code == 303 and response.location.endswith("/my/ledger")
    assert only_debt_payment(db).status == PaymentStatus.SUCCEEDED
    [credit] = credits(db)
    assert (credit.kind, credit.amount, credit.debt_payment_id) == \
        (LedgerKind.PAYOUT, 1500, payment.id)
    assert queries.debt_of(payment.trainee_id, "USD") is None
    assert client.post(url, data={"outcome": "fail"}).status_code == 409
    assert len(credits(db)) == 1


def test_failing_fails_the_debt_payment_and_another_can_start(db, client, waiting_debt):
    from marketplace.payments.models import DebtPayment
    from tests.payments.test_debts_stripe import credits, only_debt_payment

    payment, url = waiting_debt
    response = client.post(url, data={"outcome": "fail"})
    assert response.status_code == 303 and response.location.endswith("/my/ledger")
    assert only_debt_payment(db).status == PaymentStatus.FAILED and credits(db) == []
    assert client.get(url).status_code == 409

    assert client.post("/my/debt/pay").status_code == 200  # tried again
    retry = db.session.scalars(select(DebtPayment).order_by(DebtPayment.id.desc())).first()
    assert retry.id != payment.id
    paid = client.post(f"/my/debt/payments/{retry.id}/test-card", data={"card": "pm_card_visa"})
    assert paid.status_code == 303 and len(credits(db)) == 1


def test_another_person_cannot_see_or_answer_a_debt_payment(db, client, login, waiting_debt,
                                                            shop, create_admin):
    from tests.payments.test_debts_stripe import only_debt_payment

    payment, url = waiting_debt
    assert client.post(url, data={"outcome": "maybe"}).status_code == 400
    assert client.get("/payments/debt/999999/test-authentication").status_code == 404
    assert client.get(f"/payments/refund/{payment.id}/test-authentication").status_code == 404
    for other in (shop.trainee_b.user, shop.buyer, create_admin()):
        login(other)
        assert client.get(url).status_code == 404
        assert client.post(url, data={"outcome": "approve"}).status_code == 404
    assert only_debt_payment(db).status == PaymentStatus.REQUIRES_ACTION


@pytest.fixture
def waiting_shipping(db, client, login, lost_pickup):
    """A buyer's shipping fee for a lost pickup, paid with the authentication card."""
    from marketplace.payments.models import ShippingPayment
    from tests.payments.test_shipping_payments import _ship

    buyer, order, part_id = lost_pickup
    login(buyer)
    assert _ship(client, order, part_id).status_code == 200
    payment = db.session.scalar(select(ShippingPayment))
    response = client.post(f"/orders/shipping-payments/{payment.id}/test-card",
                           data={"card": CARD})
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    return order, part_id, payment, _authentication_url(response, "shipping", payment.id)


def test_approving_ships_the_part(db, client, waiting_shipping):
    from marketplace.orders.models import Fulfilment
    from tests.payments.test_shipping_payments import ADDRESS, FEE, _state

    order, part_id, payment, url = waiting_shipping
    page = client.get(url)
    assert page.status_code == 200 and order.number in page.get_data(as_text=True)
    part, _payments, fees = _state(db, part_id)
    assert part.pickup_needs_choice and not fees  # nothing happens before the answer

    response = client.post(url, data={"outcome": "approve"})
    assert response.status_code == 303
    assert response.location.endswith(f"/orders/{order.number}")
    part, (payment,), fees = _state(db, part_id)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert part.fulfilment == Fulfilment.SHIPPING and part.shipping_address == ADDRESS
    assert [f.amount for f in fees] == [FEE]
    assert client.post(url, data={"outcome": "approve"}).status_code == 409


def test_failing_leaves_the_pickup_to_choose_again(db, client, login, waiting_shipping,
                                                   create_user):
    from tests.payments.test_shipping_payments import _ship, _state

    order, part_id, payment, url = waiting_shipping
    login(create_user())
    assert client.post(url, data={"outcome": "approve"}).status_code == 404
    login(order.buyer)
    response = client.post(url, data={"outcome": "fail"})
    assert response.status_code == 303
    assert response.location.endswith(f"/orders/{order.number}/pickups/{part_id}")
    part, (payment,), fees = _state(db, part_id)
    assert payment.status == PaymentStatus.FAILED and part.pickup_needs_choice and not fees
    assert client.post(url, data={"outcome": "approve"}).status_code == 409
    assert _ship(client, order, part_id).status_code == 200  # tried again


@pytest.mark.parametrize("waiting", ["waiting_debt", "waiting_shipping"])
def test_the_side_payment_pages_are_persian(client, request, waiting):
    from tests.storefront.persian_text import leaks

    url = request.getfixturevalue(waiting)[-1]
    html = client.get(f"{url}?lang=fa").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html and "بابت" in html
    assert [leak for leak in leaks(html) if not leak.startswith("دسته ")] == []
