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
