"""Refunds owed: a refund of a Zarinpal payment (no refund API) waits for an administrator to
pay the buyer by bank transfer. Admins list them, the oldest first, and mark each paid once;
nobody else sees or touches them."""

import re

import pytest
from sqlalchemy import select

from marketplace.payments.models import Payment, Refund, RefundStatus
from marketplace.payments.services.payments import record_paid_order
from tests.factories.payments import zarinpal_config

LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.fixture
def app_config(zarinpal_standin):
    return zarinpal_config(zarinpal_standin)


@pytest.fixture
def owed(db, shop, place_test_order):
    """A Zarinpal payment of an order with a refund of 1,200 rials recorded as owed."""
    order = place_test_order(shop.buyer, shop.product_a)
    payment = record_paid_order(order, "zarinpal", "A" + "7" * 35)
    refund = Refund(payment=payment, amount=1200, currency="IRR", status=RefundStatus.PENDING,
                    idempotency_key=f"refund-{order.number}-test", reason="ترک خوردگی قاب")
    db.session.add(refund)
    db.session.commit()
    return refund.id, order.number


def test_admins_see_what_is_owed_and_mark_it_paid_once(db, client, login, create_admin, owed):
    refund_id, number = owed
    login(create_admin())
    page = client.get("/admin/refunds-owed?lang=en").get_data(as_text=True)
    assert number in page and "ترک خوردگی قاب" in page and "Mark paid by bank transfer" in page

    answer = client.post(f"/admin/refunds-owed/{refund_id}/paid?lang=en")
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Refund, refund_id).status == RefundStatus.SUCCEEDED
    assert number not in client.get("/admin/refunds-owed?lang=en").get_data(as_text=True)

    again = client.post(f"/admin/refunds-owed/{refund_id}/paid?lang=en")
    assert again.status_code == 409
    assert "This refund is not waiting to be paid by hand." in again.get_data(as_text=True)


def test_the_page_in_persian_shows_no_latin_digit(db, client, login, create_admin, shop, owed):
    login(create_admin())
    page = client.get("/admin/refunds-owed?lang=fa").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    # The order number is a code to quote; the e-mail and the factory's "User n" are data.
    text = text.replace(owed[1], "").replace(shop.buyer.email, "") \
        .replace(shop.buyer.display_name, "")
    assert not LATIN_DIGIT.search(text), re.findall(r".{0,30}[0-9].{0,30}", text)
    assert "تومان" in text


def test_an_unknown_refund_is_404_and_a_card_refund_is_not_owed(
        db, client, login, create_admin, shop, place_test_order):
    login(create_admin())
    assert client.post("/admin/refunds-owed/999999/paid").status_code == 404
    order = place_test_order(shop.buyer, shop.product_b)
    payment = record_paid_order(order, "stripe", f"pi_test_{order.number}")
    refund = Refund(payment=payment, amount=100, currency="IRR", status=RefundStatus.PENDING,
                    idempotency_key=f"refund-{order.number}-card")
    db.session.add(refund)
    db.session.commit()
    assert client.post(f"/admin/refunds-owed/{refund.id}/paid").status_code == 409
    assert order.number not in client.get("/admin/refunds-owed").get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "buyer", "trainee", "centre_staff",
                                  "municipal_staff"])
def test_nobody_but_admins_may_see_or_pay_refunds_owed(
        db, client, login, role, shop, owed, create_centre_staff, create_municipal_staff):
    refund_id, number = owed
    people = {"buyer": lambda: shop.buyer, "trainee": lambda: shop.trainee_a.user,
              "centre_staff": create_centre_staff, "municipal_staff": create_municipal_staff}
    if role != "anonymous":
        login(people[role]())
    page = client.get("/admin/refunds-owed")
    assert page.status_code in (302, 403)
    assert number not in page.get_data(as_text=True)
    assert client.post(f"/admin/refunds-owed/{refund_id}/paid").status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(Refund, refund_id).status == RefundStatus.PENDING
    assert db.session.scalar(select(Payment.refunded_amount)) == 0
