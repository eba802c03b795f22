"""Refunds per vendor order: full and partial, by the owning trainee or an admin, never above what
was paid, stock back for goods not shipped, ledger rows that reverse the sale to the unit."""

import pytest
from sqlalchemy import func, select

from marketplace.catalogue.models import Product
from marketplace.core.errors import Conflict, Forbidden, NotFound
from marketplace.orders.models import VendorOrderStatus
from marketplace.orders.services import fulfilment
from marketplace.payments.models import LedgerKind, Refund, RefundStatus
from marketplace.payments.services import payments, refunds
from tests.payments.conftest import standin_config


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


@pytest.fixture
def paid_order(db, shop, place_test_order):
    def make(*items, fulfilment="pickup"):
        order = place_test_order(shop.buyer, *(items or (shop.product_a, shop.product_b)),
                                 fulfilment=fulfilment)
        payment = payments.start_payment(shop.buyer, order, "stripe")
        db.session.commit()
        payments.confirm_test_payment(shop.buyer, payment, "pm_card_visa")
        db.session.commit()
        db.session.refresh(order)
        return order

    return make


def vendor_order_of(order, trainee):
    return next(vo for vo in order.vendor_orders if vo.trainee_id == trainee.id)


def stock_of(db, product) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def test_partial_then_full_refund_by_the_trainee(db, shop, paid_order, ledger_rows, outbox):
    order = paid_order((shop.product_a, 2))
    vo = vendor_order_of(order, shop.trainee_a)
    assert vo.total_amount == 5000
    stock_before = stock_of(db, shop.product_a)

    first = refunds.refund_vendor_order(shop.trainee_a.user, vo, 1999, restock=False,
                                        reason="scratched frame")
    db.session.commit()
    assert first.status == RefundStatus.SUCCEEDED
    assert first.provider_reference.startswith("re_")
    db.session.refresh(vo)
    assert vo.status == VendorOrderStatus.PARTLY_REFUNDED
    assert vo.refunded_amount == 1999

    second = refunds.refund_vendor_order(shop.trainee_a.user, vo, 3001, restock=True)
    db.session.commit()
    db.session.refresh(vo)
    assert vo.status == VendorOrderStatus.REFUNDED
    assert second.idempotency_key != first.idempotency_key
    assert stock_of(db, shop.product_a) == stock_before + 2   # not shipped: back on the shelf

    rows = ledger_rows(trainee_id=shop.trainee_a.id)
    by_kind: dict = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row.amount)
    assert by_kind[LedgerKind.SALE] == [5000]
    assert by_kind[LedgerKind.COMMISSION] == [-500]
    assert by_kind[LedgerKind.REFUND] == [-1999, -3001]
    # 500 × 1999 / 5000 = 199.9 → 200; the rest (300) comes with the second refund.
    assert by_kind[LedgerKind.REFUND_COMMISSION] == [200, 300]
    assert sum(r.amount for r in rows) == 0
    assert any("refunded" in m.get_content() for m in outbox())


def test_refund_above_what_was_paid_is_422_and_nothing_written(db, shop, paid_order, client,
                                                               login, ledger_rows):
    order = paid_order()
    vo = vendor_order_of(order, shop.trainee_a)
    rows_before = len(ledger_rows())
    login(shop.trainee_a.user)
    response = client.post(f"/payments/vendor-orders/{vo.id}/refund",
                           data={"amount": "25.01"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Refund.id))) == 0
    assert len(ledger_rows()) == rows_before
    db.session.refresh(vo)
    assert vo.refunded_amount == 0

    response = client.post(f"/payments/vendor-orders/{vo.id}/refund",
                           data={"amount": "۱۰٫۰۰", "restock": "1"},
                           headers={"Referer": "http://localhost/my/sales"})
    assert response.status_code == 302
    db.session.refresh(vo)
    assert vo.refunded_amount == 1000
    response = client.post(f"/payments/vendor-orders/{vo.id}/refund", data={"amount": "15.01"})
    assert response.status_code == 422


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "", "1.234"])
def test_bad_amounts_are_400(db, shop, paid_order, client, login, amount):
    vo = vendor_order_of(paid_order(), shop.trainee_a)
    login(shop.trainee_a.user)
    response = client.post(f"/payments/vendor-orders/{vo.id}/refund", data={"amount": amount})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Refund.id))) == 0


def test_only_the_owning_trainee_or_an_admin_may_refund(db, shop, paid_order, create_user,
                                                        create_admin, create_trainee):
    order = paid_order()
    vo = vendor_order_of(order, shop.trainee_a)
    with pytest.raises(NotFound):
        refunds.refund_vendor_order(create_user(), vo, 100, restock=False)
    with pytest.raises(NotFound):
        refunds.refund_vendor_order(create_trainee().user, vo, 100, restock=False)
    with pytest.raises(NotFound):
        refunds.refund_vendor_order(shop.trainee_b.user, vo, 100, restock=False)
    with pytest.raises(Forbidden):   # the buyer sees the order but cannot refund it
        refunds.refund_vendor_order(shop.buyer, vo, 100, restock=False)
    db.session.rollback()
    refund = refunds.refund_vendor_order(create_admin(), vo, 100, restock=False)
    db.session.commit()
    assert refund.amount == 100


def test_shipped_goods_do_not_return_to_stock(db, shop, paid_order, set_shipping_fee):
    set_shipping_fee(shop.trainee_a, 500)
    order = paid_order(shop.product_a, fulfilment="shipping")
    vo = vendor_order_of(order, shop.trainee_a)
    fulfilment.mark_vendor_order(shop.trainee_a.user, vo, "mark_shipped")
    db.session.commit()
    stock_before = stock_of(db, shop.product_a)
    refunds.refund_vendor_order(shop.trainee_a.user, vo, vo.total_amount, restock=True)
    db.session.commit()
    assert stock_of(db, shop.product_a) == stock_before


def test_an_unpaid_order_cannot_be_refunded(db, shop, place_test_order):
    order = place_test_order(shop.buyer, shop.product_a)
    vo = vendor_order_of(order, shop.trainee_a)
    with pytest.raises(Conflict):
        refunds.refund_vendor_order(shop.trainee_a.user, vo, 100, restock=False)


def test_a_reason_too_long_is_400_and_refunds_nothing(db, shop, paid_order, client, login):
    vo = vendor_order_of(paid_order(), shop.trainee_a)
    login(shop.trainee_a.user)
    response = client.post(f"/payments/vendor-orders/{vo.id}/refund",
                           data={"amount": "1", "reason": "x" * 501})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Refund.id))) == 0
