"""Payment outcomes, expiry, the transition table and refunds of vendor orders."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import update

from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, Conflict, Forbidden, NotFound, RuleViolation
from marketplace.orders.models import (
    VENDOR_ACTIONS,
    VENDOR_ORDER_TRANSITIONS,
    Fulfilment,
    Order,
    OrderStatus,
    VendorOrder,
    VendorOrderStatus,
)
from marketplace.orders.services import fulfilment as fulfilment_services
from marketplace.orders.services import orders as order_life
from marketplace.orders.services import refunds as order_refunds
from tests.factories.orders import make_due


@pytest.fixture
def unique_item(create_product):
    return create_product(kind=ProductKind.ONE_OF_A_KIND, price_amount=50_000)


def stock_of(db, product) -> int:
    db.session.expire_all()
    return db.session.get(Product, product.id).stock


def test_mark_paid_moves_order_and_vendor_orders_and_mails(db, outbox, place_test_order,
                                                           unique_item, create_product):
    other = create_product(price_amount=900)
    order = place_test_order(None, unique_item, other)
    assert order_life.mark_order_paid(order)
    db.session.commit()
    assert order.status == OrderStatus.PAID and order.paid_at is not None
    assert {vo.status for vo in order.vendor_orders} == {VendorOrderStatus.PAID}
    recipients = sorted(m["To"] for m in outbox())
    sellers = sorted(vo.trainee.user.email for vo in order.vendor_orders)
    assert recipients == sorted([order.contact_email, *sellers])
    # Idempotent: a second success report changes nothing and sends nothing.
    assert order_life.mark_order_paid(order)
    db.session.commit()
    assert len(outbox()) == 3


def test_failed_payment_keeps_the_order_open(db, place_test_order, unique_item):
    order = place_test_order(None, unique_item)
    order_life.fail_order_payment(order)
    db.session.commit()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert stock_of(db, unique_item) == 0


def test_expire_orders_returns_stock(db, runner, outbox, place_test_order, create_product):
    regular = create_product(stock=5)
    order = place_test_order(None, (regular, 2))
    fresh = place_test_order(None, (regular, 1))
    assert stock_of(db, regular) == 2
    make_due(order)
    result = runner.invoke(args=["expire-orders"])
    assert result.exit_code == 0, result.output
    assert "Expired 1 unpaid order(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.EXPIRED
    assert db.session.get(Order, fresh.id).status == OrderStatus.PENDING_PAYMENT
    assert db.session.get(Order, order.id).vendor_orders[0].status == VendorOrderStatus.CANCELLED
    assert db.session.get(Order, order.id).vendor_orders[0].lines[0].restocked_quantity == 2
    assert stock_of(db, regular) == 4
    assert [m["To"] for m in outbox()] == [order.contact_email]
    # Running again changes nothing.
    runner.invoke(args=["expire-orders"])
    assert stock_of(db, regular) == 4


def test_sold_out_item_is_for_sale_again_after_expiry(db, place_test_order, unique_item):
    order = place_test_order(None, unique_item)
    assert db.session.get(Product, unique_item.id).status == ProductStatus.SOLD_OUT
    make_due(order)
    assert order_life.expire_order(db.session.get(Order, order.id))
    db.session.commit()
    db.session.expire_all()
    product = db.session.get(Product, unique_item.id)
    assert (product.stock, product.status) == (1, ProductStatus.ACTIVE)


def test_late_payment_revives_an_expired_order_when_stock_is_there(db, place_test_order,
                                                                   unique_item):
    order = place_test_order(None, unique_item)
    make_due(order)
    order_life.expire_order(order)
    db.session.commit()
    assert order_life.mark_order_paid(order)
    db.session.commit()
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == OrderStatus.PAID
    assert order.vendor_orders[0].status == VendorOrderStatus.PAID
    assert order.vendor_orders[0].lines[0].restocked_quantity == 0
    assert stock_of(db, unique_item) == 0


def test_late_payment_after_the_item_sold_elsewhere_is_refused(db, place_test_order,
                                                               unique_item, create_product):
    regular = create_product(stock=3)
    order = place_test_order(None, unique_item, regular)
    make_due(order)
    order_life.expire_order(order)
    db.session.commit()
    place_test_order(None, unique_item, paid=True)  # someone else buys it meanwhile
    assert not order_life.mark_order_paid(db.session.get(Order, order.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.EXPIRED
    assert stock_of(db, unique_item) == 0
    assert stock_of(db, regular) == 3  # what was re-taken was given back


# --- the transition table --------------------------------------------------------------------

ALL_ACTIONS = sorted({action for _status, action in VENDOR_ORDER_TRANSITIONS} |
                     set(VENDOR_ACTIONS))


def test_every_status_and_action_pair_is_either_in_the_table_or_refused():
    for status in VendorOrderStatus:
        for action in ALL_ACTIONS:
            target = VENDOR_ORDER_TRANSITIONS.get((status, action))
            assert target is None or isinstance(target, VendorOrderStatus)
    # Terminal states lead nowhere a trainee can take them.
    for status in (VendorOrderStatus.REFUNDED,):
        assert not [a for (s, a) in VENDOR_ORDER_TRANSITIONS if s == status]
    assert (VendorOrderStatus.COMPLETED, "mark_shipped") not in VENDOR_ORDER_TRANSITIONS
    assert (VendorOrderStatus.PENDING_PAYMENT, "mark_shipped") not in VENDOR_ORDER_TRANSITIONS


def _vendor_order_in(db, place_test_order, create_product, status, fulfilment):
    product = create_product(stock=5)
    order = place_test_order(None, product, fulfilment=fulfilment, paid=True)
    db.session.execute(update(VendorOrder).where(VendorOrder.order_id == order.id)
                       .values(status=status.value))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Order, order.id).vendor_orders[0]


@pytest.mark.parametrize("status", list(VendorOrderStatus))
@pytest.mark.parametrize("action", ["mark_ready", "mark_shipped", "complete"])
@pytest.mark.parametrize("fulfilment", ["pickup", "shipping"])
def test_trainee_actions_follow_the_table(db, place_test_order, create_product,
                                          set_shipping_fee, status, action, fulfilment):
    vendor_order = _vendor_order_in(db, place_test_order, create_product, status, fulfilment)
    actor = vendor_order.trainee.user
    expected = VENDOR_ORDER_TRANSITIONS.get((status, action))
    fits = {"mark_ready": "pickup", "mark_shipped": "shipping"}.get(action, fulfilment)
    if expected is None or fits != fulfilment:
        with pytest.raises(Conflict) as error:
            fulfilment_services.mark_vendor_order(actor, vendor_order, action)
        assert error.value.code == "invalid_transition" and error.value.status == 409
        db.session.rollback()
        db.session.expire_all()
        assert db.session.get(VendorOrder, vendor_order.id).status == status
    else:
        fulfilment_services.mark_vendor_order(actor, vendor_order, action)
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(VendorOrder, vendor_order.id).status == expected


@pytest.fixture(autouse=True)
def _shipping_for_everyone(request, monkeypatch):
    """Shipping vendor orders need a fee; give every trainee one through the factory."""
    if "fulfilment" not in request.fixturenames:
        return
    from marketplace.orders import queries
    from marketplace.orders.models import ShippingRate

    real = queries.shipping_rates

    def rates(trainee_ids):
        ids = list(trainee_ids)
        found = real(ids)
        return {t: found.get(t) or ShippingRate(trainee_id=t, amount=500, currency="USD")
                for t in ids}

    monkeypatch.setattr(queries, "shipping_rates", rates)


def test_full_pickup_journey_and_mails(db, outbox, place_test_order, unique_item):
    order = place_test_order(None, unique_item, paid=True)
    vendor_order = order.vendor_orders[0]
    seller = vendor_order.trainee.user
    before = Counter(m["To"] for m in outbox())
    fulfilment_services.mark_vendor_order(seller, vendor_order, "mark_ready")
    db.session.commit()
    fulfilment_services.mark_vendor_order(seller, vendor_order, "complete")
    db.session.commit()
    assert vendor_order.status == VendorOrderStatus.COMPLETED
    assert vendor_order.ready_at and vendor_order.completed_at
    # The outbox is ordered by second only; compare who got how many.
    assert Counter(m["To"] for m in outbox()) - before == {order.contact_email: 2}
    with pytest.raises(Conflict):
        fulfilment_services.mark_vendor_order(seller, vendor_order, "complete")


def test_unknown_action_and_permissions(db, place_test_order, unique_item, create_user,
                                        create_trainee, create_centre_staff, create_admin):
    order = place_test_order(None, unique_item, paid=True)
    vendor_order = order.vendor_orders[0]
    with pytest.raises(BadRequest):
        fulfilment_services.mark_vendor_order(vendor_order.trainee.user, vendor_order, "teleport")
    with pytest.raises(NotFound):
        fulfilment_services.mark_vendor_order(create_user(), vendor_order, "mark_ready")
    with pytest.raises(NotFound):
        fulfilment_services.mark_vendor_order(create_trainee().user, vendor_order, "mark_ready")
    staff = create_centre_staff(centre=vendor_order.trainee.centre)
    with pytest.raises(Forbidden):
        fulfilment_services.mark_vendor_order(staff, vendor_order, "mark_ready")
    with pytest.raises(Forbidden):  # the buyer sees it but does not fulfil it
        fulfilment_services.mark_vendor_order(order.buyer, vendor_order, "mark_ready")
    fulfilment_services.mark_vendor_order(create_admin(), vendor_order, "mark_ready")
    assert vendor_order.status == VendorOrderStatus.READY_FOR_PICKUP


def test_pay_at_pickup_hold_confirm_and_cancel(db, outbox, place_test_order, create_product):
    first = create_product(stock=2)
    second = create_product(stock=2)
    order = place_test_order(None, first, second)
    order_life.hold_order_for_pickup(order, "pay_at_pickup")
    db.session.commit()
    assert order.expires_at is None and order.payment_provider == "pay_at_pickup"
    assert len(outbox()) == 3  # buyer + two trainees
    # Held until the trainee acts: never due, however late.
    assert order_life.due_order_ids(now=utcnow() + timedelta(days=365)) == []
    one, two = order.vendor_orders
    order_life.mark_paid_at_pickup(one)  # what payments calls once it booked the cash
    db.session.commit()
    assert one.status == VendorOrderStatus.COMPLETED and one.paid_at
    assert order.status == OrderStatus.PENDING_PAYMENT  # two still waits
    fulfilment_services.mark_vendor_order(two.trainee.user, two, "cancel")
    db.session.commit()
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == OrderStatus.PAID
    assert order.total_amount == one.total_amount
    assert stock_of(db, second) == 2 and stock_of(db, first) == 1


def test_hold_for_pickup_needs_pickup_everywhere(db, place_test_order, create_product,
                                                 set_shipping_fee):
    product = create_product(stock=2)
    set_shipping_fee(product.trainee)
    order = place_test_order(None, product, fulfilment="shipping")
    with pytest.raises(RuleViolation) as error:
        order_life.hold_order_for_pickup(order, "pay_at_pickup")
    assert error.value.code == "pickup_only"
    assert order.vendor_orders[0].fulfilment == Fulfilment.SHIPPING


def test_cancel_is_refused_while_a_card_payment_runs(db, place_test_order, unique_item):
    order = place_test_order(None, unique_item)
    order.payment_provider = "stripe"
    db.session.commit()
    vendor_order = order.vendor_orders[0]
    with pytest.raises(Conflict):
        fulfilment_services.mark_vendor_order(vendor_order.trainee.user, vendor_order, "cancel")


def test_buyer_cancels_an_unpaid_order(db, place_test_order, unique_item, create_user):
    order = place_test_order(None, unique_item)
    with pytest.raises(NotFound):
        order_life.cancel_order(create_user(), order)
    order_life.cancel_order(order.buyer, order)
    db.session.commit()
    assert order.status == OrderStatus.CANCELLED
    assert stock_of(db, unique_item) == 1
    with pytest.raises(Conflict):
        order_life.cancel_order(order.buyer, order)


# --- refunds ---------------------------------------------------------------------------------

def test_partial_then_full_refund_with_restock(db, outbox, place_test_order, create_product):
    product = create_product(stock=3, price_amount=1_000)
    order = place_test_order(None, (product, 2), paid=True)
    vendor_order = order.vendor_orders[0]
    order_refunds.apply_vendor_refund(vendor_order, 500, restock=False)
    db.session.commit()
    assert (vendor_order.status, vendor_order.refunded_amount) == (
        VendorOrderStatus.PARTLY_REFUNDED, 500)
    assert stock_of(db, product) == 1
    with pytest.raises(RuleViolation) as error:
        order_refunds.apply_vendor_refund(vendor_order, 1_501, restock=True)
    assert error.value.code == "refund_exceeds_paid"
    db.session.rollback()
    order_refunds.apply_vendor_refund(vendor_order, 1_500, restock=True)
    db.session.commit()
    assert (vendor_order.status, vendor_order.refunded_amount) == (
        VendorOrderStatus.REFUNDED, 2_000)
    assert stock_of(db, product) == 3
    with pytest.raises(Conflict):
        order_refunds.apply_vendor_refund(vendor_order, 1, restock=False)


@pytest.mark.parametrize("amount", [0, -5, True, "10"])
def test_refund_amount_must_be_positive(db, place_test_order, unique_item, amount):
    order = place_test_order(None, unique_item, paid=True)
    with pytest.raises(BadRequest):
        order_refunds.apply_vendor_refund(order.vendor_orders[0], amount, restock=False)


def test_refund_of_shipped_goods_does_not_restock(db, place_test_order, unique_item,
                                                  set_shipping_fee):
    set_shipping_fee(unique_item.trainee, 300)
    order = place_test_order(None, unique_item, fulfilment="shipping", paid=True)
    vendor_order = order.vendor_orders[0]
    fulfilment_services.mark_vendor_order(vendor_order.trainee.user, vendor_order, "mark_shipped")
    order_refunds.apply_vendor_refund(vendor_order, vendor_order.total_amount, restock=True)
    db.session.commit()
    assert vendor_order.status == VendorOrderStatus.REFUNDED
    assert stock_of(db, unique_item) == 0


def test_refund_of_unpaid_order_is_refused(db, place_test_order, unique_item):
    order = place_test_order(None, unique_item)
    with pytest.raises(Conflict):
        order_refunds.apply_vendor_refund(order.vendor_orders[0], 100, restock=True)


def test_an_order_held_for_pickup_meanwhile_does_not_expire(db, place_test_order, unique_item):
    """The expiry pass read the order as pending and due; before it acted, the buyer chose to
    pay at pickup (no hold time any more). The expiry must not go through."""
    order = place_test_order(None, unique_item)
    make_due(order)
    stale = db.session.get(Order, order.id)
    db.session.execute(update(Order).where(Order.id == order.id).values(expires_at=None))
    db.session.commit()

    assert order_life.expire_order(stale) is False
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.PENDING_PAYMENT
    assert stock_of(db, unique_item) == 0
