"""The handover code (issue 17): the buyer shows it at the booth and the trainee enters it (or
scans its QR code) to complete the pickup, which is also the payment of a part paid at the
booth. A wrong code is refused and counted; after a few the part is locked for a while."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from marketplace.core.db import utcnow
from marketplace.orders.models import OrderStatus, VendorOrder, VendorOrderStatus
from marketplace.orders.services.pickups import HANDOVER_LOCK, HANDOVER_MAX_FAILURES
from marketplace.payments.services import payments
from marketplace.payments.services.payments import record_paid_order
from tests.payments.test_pickups_follow_booth import IRR


@pytest.fixture
def app_config():
    return IRR


@pytest.fixture
def part(db, shop, place_test_order):
    """A paid pickup part of shop's trainee a."""
    order = place_test_order(shop.buyer, shop.product_a)
    record_paid_order(order, "zarinpal", "A" + str(order.id).rjust(35, "0"))
    db.session.commit()
    return db.session.get(VendorOrder, order.vendor_orders[0].id)


def _wrong(code: str) -> str:
    return "".join(str((int(c) + 1) % 10) for c in code)


def test_the_right_code_completes_the_pickup(db, client, api_token, part):
    seller = part.trainee.user
    answer = client.post(f"/api/v1/vendor-orders/{part.id}/handover",
                         json={"code": part.handover_code}, headers=api_token(seller))
    assert answer.status_code == 200 and answer.json["status"] == "completed"
    again = client.post(f"/api/v1/vendor-orders/{part.id}/handover",
                        json={"code": part.handover_code}, headers=api_token(seller))
    assert again.status_code == 409
    assert again.json["error"]["code"] == "not_ready_for_handover"


def test_persian_digits_and_the_page_opened_from_the_qr_code(db, client, login, part):
    login(part.trainee.user)
    page = client.get(f"/sales/{part.id}/handover?code={part.handover_code}&lang=fa")
    assert page.status_code == 200 and part.handover_code in page.get_data(as_text=True)
    persian = "".join("۰۱۲۳۴۵۶۷۸۹"[int(c)] for c in part.handover_code)
    answer = client.post(f"/sales/{part.id}/handover", data={"code": persian})
    assert answer.status_code == 303, answer.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    assert db.session.get(VendorOrder, part.id).status == VendorOrderStatus.COMPLETED


def test_the_code_confirms_payment_at_the_booth(db, client, api_token, shop, place_test_order):
    order = place_test_order(shop.buyer, shop.product_a)
    payments.start_payment(shop.buyer, order, "pay_at_pickup")
    db.session.commit()
    part = order.vendor_orders[0]
    answer = client.post(f"/api/v1/vendor-orders/{part.id}/handover",
                         json={"code": part.handover_code}, headers=api_token(part.trainee.user))
    assert answer.status_code == 200 and answer.json["status"] == "completed"
    db.session.expire_all()
    assert db.session.get(VendorOrder, part.id).order.status == OrderStatus.PAID


def test_wrong_codes_are_counted_and_lock_the_part(db, client, api_token, part):
    headers = api_token(part.trainee.user)
    url = f"/api/v1/vendor-orders/{part.id}/handover"
    for tried in range(1, HANDOVER_MAX_FAILURES + 1):
        answer = client.post(url, json={"code": _wrong(part.handover_code)}, headers=headers)
        assert answer.status_code == 422
        assert answer.json["error"]["code"] == "wrong_handover_code"
        db.session.expire_all()
        assert db.session.get(VendorOrder, part.id).handover_failures == tried
    locked = client.post(url, json={"code": part.handover_code}, headers=headers)
    assert locked.status_code == 429 and locked.json["error"]["code"] == "handover_locked"
    assert int(locked.headers["Retry-After"]) > 0
    db.session.expire_all()
    assert db.session.get(VendorOrder, part.id).status == VendorOrderStatus.PAID
    # Once the lock has run out the right code works, and the count starts afresh.
    db.session.execute(update(VendorOrder).where(VendorOrder.id == part.id).values(
        handover_failed_at=utcnow() - HANDOVER_LOCK - timedelta(seconds=1)))
    db.session.commit()
    done = client.post(url, json={"code": part.handover_code}, headers=headers)
    assert done.status_code == 200 and done.json["status"] == "completed"


def test_a_wrong_code_on_the_page_is_refused_and_counted(db, client, login, part):
    login(part.trainee.user)
    answer = client.post(f"/sales/{part.id}/handover?lang=en",
                         data={"code": _wrong(part.handover_code)})
    assert answer.status_code == 422
    assert "not this order&#39;s handover code" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(VendorOrder, part.id).handover_failures == 1


def test_role_matrix_of_the_handover(db, client, api_token, part, shop, create_user,
                                     create_trainee, create_municipal_staff, create_admin):
    url = f"/api/v1/vendor-orders/{part.id}/handover"
    body = {"code": part.handover_code}
    assert client.post(url, json=body, headers=api_token(shop.buyer)).status_code == 403
    for outsider in (create_user(), create_trainee().user, create_municipal_staff()):
        assert client.post(url, json=body, headers=api_token(outsider)).status_code == 404
    db.session.expire_all()
    assert db.session.get(VendorOrder, part.id).status == VendorOrderStatus.PAID
    assert db.session.get(VendorOrder, part.id).handover_failures == 0
    assert client.post(url, json=body, headers=api_token(create_admin())).status_code == 200
