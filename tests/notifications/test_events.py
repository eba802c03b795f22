"""Each event reaches the right people, with its kind, in their language, after the commit."""

from datetime import timedelta

from sqlalchemy import update

from marketplace.accounts import services as accounts
from marketplace.catalogue.models import ProductKind, ProductStatus
from marketplace.catalogue.services import workflow
from marketplace.core.db import utcnow
from marketplace.core.i18n import marketplace_zone
from marketplace.notifications.models import EventKind
from marketplace.orders.models import VendorOrder, VendorOrderStatus
from marketplace.orders.services import fulfilment
from marketplace.orders.services import orders as order_life
from marketplace.orders.services.reminders import remind_pickups


def kinds(notices) -> list[EventKind]:
    return [n.kind for n in notices]


def test_an_order_held_for_pickup_tells_the_buyer_and_every_trainee(
        db, create_trainee, create_product, create_user, place_test_order, notices_of, outbox):
    trainee_a, trainee_b = create_trainee(), create_trainee()
    buyer = create_user(locale="fa")
    order = place_test_order(buyer, create_product(trainee=trainee_a),
                             create_product(trainee=trainee_b))
    assert notices_of(buyer) == []  # placed, not yet paid nor held: nothing yet
    order_life.hold_order_for_pickup(order, "pay_at_pickup")
    db.session.commit()

    (placed,) = notices_of(buyer)
    assert placed.kind == EventKind.ORDER_PLACED
    assert placed.title.startswith("سفارش ") and placed.link == f"/orders/{order.number}"
    for trainee in (trainee_a, trainee_b):
        assert kinds(notices_of(trainee.user)) == [EventKind.ORDER_RECEIVED]
    # Today's mail templates are the email channel: the same three mails as before.
    assert {m["To"] for m in outbox()} == {order.contact_email, trainee_a.user.email,
                                           trainee_b.user.email}


def test_a_paid_order_then_its_moves(db, create_trainee, create_product, create_user,
                                    place_test_order, set_shipping_fee, notices_of, outbox):
    trainee = create_trainee()
    set_shipping_fee(trainee)
    buyer = create_user(locale="en")
    order = place_test_order(buyer, create_product(trainee=trainee),
                             fulfilment="shipping", paid=True)
    assert kinds(notices_of(buyer)) == [EventKind.ORDER_PAID]
    vendor_order = order.vendor_orders[0]

    fulfilment.mark_vendor_order(trainee.user, vendor_order, "mark_shipped",
                                 tracking_code="RR123456789IR")
    db.session.commit()
    shipped = notices_of(buyer, EventKind.ORDER_SHIPPED)[0]
    assert "Tracking code: RR123456789IR" in shipped.body
    assert any("RR123456789IR" in m.get_content() for m in outbox())
    assert db.session.get(VendorOrder, vendor_order.id).tracking_code == "RR123456789IR"


def test_ready_for_pickup_is_texted_to_a_buyer_with_a_verified_number(
        db, create_trainee, create_product, phone_user, place_test_order, notices_of,
        sms_outbox):
    trainee = create_trainee()
    buyer = phone_user(locale="fa")
    order = place_test_order(buyer, create_product(trainee=trainee), paid=True)
    fulfilment.mark_vendor_order(trainee.user, order.vendor_orders[0], "mark_ready")
    db.session.commit()
    assert kinds(notices_of(buyer)) == [EventKind.ORDER_PAID, EventKind.ORDER_READY_FOR_PICKUP]
    (sms,) = sms_outbox()
    assert sms["to"] == buyer.phone and "آماده" in sms["text"]


def test_a_cancelled_part_tells_the_buyer(db, create_trainee, create_product, create_user,
                                          place_test_order, notices_of):
    trainee = create_trainee()
    buyer = create_user()
    order = place_test_order(buyer, create_product(trainee=trainee))
    order_life.hold_order_for_pickup(order, "pay_at_pickup")
    db.session.commit()
    fulfilment.mark_vendor_order(trainee.user, order.vendor_orders[0], "cancel")
    db.session.commit()
    assert kinds(notices_of(buyer)) == [EventKind.ORDER_PLACED, EventKind.ORDER_CANCELLED]


def test_listing_submitted_to_the_centre_then_approved_or_returned_to_the_trainee(
        db, create_trainee, create_product, create_centre_staff, create_centre, notices_of):
    centre = create_centre()
    staff = create_centre_staff(centre=centre)
    other_staff = create_centre_staff()  # another centre's
    trainee = create_trainee(centre=centre)
    first = create_product(trainee=trainee, status=ProductStatus.DRAFT, title_en="Tableau")
    second = create_product(trainee=trainee, status=ProductStatus.DRAFT)

    workflow.submit_product(trainee.user, first)
    workflow.submit_product(trainee.user, second)
    db.session.commit()
    assert kinds(notices_of(staff)) == [EventKind.LISTING_SUBMITTED] * 2
    assert notices_of(other_staff) == []

    workflow.approve_product(staff, first)
    workflow.reject_product(staff, second, "The photo is blurred.")
    db.session.commit()
    approved, returned = notices_of(trainee.user)
    assert approved.kind == EventKind.LISTING_APPROVED and "Tableau" in approved.body
    assert returned.kind == EventKind.LISTING_RETURNED
    assert "The photo is blurred." in returned.body


def test_a_trainee_signing_up_tells_the_centre_and_verification_tells_the_trainee(
        db, create_centre, create_centre_staff, notices_of, outbox):
    centre = create_centre()
    staff = create_centre_staff(centre=centre, locale="fa")
    user = accounts.register_trainee(accounts.TraineeSignUp(
        email="new@example.org", password="a long enough password", display_name="نرگس",
        centre_id=centre.id, trade="carpet_weaving"))
    db.session.commit()
    (pending,) = notices_of(staff)
    assert pending.kind == EventKind.TRAINEE_REGISTERED and "نرگس" in pending.body
    assert any(m["To"] == staff.email for m in outbox())  # today's mail, as before

    accounts.change_trainee_status(staff, user.trainee, "reject", "The certificate is unclear.")
    db.session.commit()
    accounts.change_trainee_status(staff, user.trainee, "verify")
    db.session.commit()
    assert kinds(notices_of(user)) == [EventKind.TRAINEE_REJECTED, EventKind.TRAINEE_VERIFIED]
    assert "The certificate is unclear." in notices_of(user)[0].body


def test_booth_events_reach_staff_and_trainees(
        db, create_municipal_staff, create_municipality, create_venue, create_booth,
        create_market, create_category, create_trainee, phone_user, notices_of, sms_outbox):
    from marketplace.booths.services import applications, assignments, markets

    municipality = create_municipality()
    staff = create_municipal_staff(municipality=municipality)
    elsewhere = create_municipal_staff()
    venue = create_venue(municipality=municipality)
    booth = create_booth(venue=venue)
    category = create_category()
    market = create_market(venue=venue, categories=[(category, None)])
    trainee = create_trainee(user=phone_user(locale="fa"))

    applications.apply_for_market(trainee.user, market, applications.ApplicationData(
        day_ids=[market.days[0].id], category_ids=[category.id]))
    db.session.commit()
    assert kinds(notices_of(staff)) == [EventKind.BOOTH_APPLICATION_RECEIVED]
    assert notices_of(elsewhere) == []

    assignment = assignments.assign_booth(staff, market.days[0], booth, trainee)
    db.session.commit()
    assignments.cancel_assignment(staff, assignment)
    db.session.commit()
    assignments.assign_booth(staff, market.days[0], booth, trainee)
    db.session.commit()
    markets.close_market_day(staff, market.days[0], "باران شدید")
    db.session.commit()
    assert kinds(notices_of(trainee.user)) == [
        EventKind.BOOTH_ASSIGNED, EventKind.BOOTH_CANCELLED, EventKind.BOOTH_ASSIGNED,
        EventKind.MARKET_DAY_CLOSED]
    closed = notices_of(trainee.user)[-1]
    assert "باران شدید" in closed.body
    assert [s["to"] for s in sms_outbox()] == [trainee.user.phone]  # the closed day only


def test_a_payout_batch_paid_tells_each_trainee(db, create_admin, create_trainee, notices_of):
    from marketplace.payments.models import LedgerKind, PayoutAccount, PayoutMethod
    from marketplace.payments.services import payouts
    from marketplace.payments.services.ledger import post_entry

    admin = create_admin()
    trainee = create_trainee()
    db.session.add(PayoutAccount(trainee_id=trainee.id, account_holder="Maryam",
                                 iban="IR820540102680020817909002"))
    post_entry(trainee.id, LedgerKind.SALE, 500_000, "USD",
               available_at=utcnow() - timedelta(days=30))
    db.session.commit()
    batch = payouts.create_payout_batch(admin, PayoutMethod.BANK_TRANSFER)
    db.session.commit()
    assert notices_of(trainee.user) == []
    payouts.mark_batch_paid(admin, batch)
    db.session.commit()
    (paid,) = notices_of(trainee.user)
    assert paid.kind == EventKind.PAYOUT_SENT


def test_a_booth_fee_that_puts_a_trainee_in_debt_tells_them(
        db, create_trainee, create_booth, create_market, create_venue, notices_of):
    from marketplace.booths.models import BoothFee
    from marketplace.payments.services.booth_fees import charge_booth_fees

    trainee = create_trainee()
    venue = create_venue()
    booth = create_booth(venue=venue, fee_amount=3000)
    market = create_market(venue=venue)
    day = market.days[0]
    from marketplace.booths.models import Assignment, AssignmentSource, AssignmentStatus

    assignment = Assignment(booth_id=booth.id, market_day_id=day.id, trainee_id=trainee.id,
                            source=AssignmentSource.MANUAL, status=AssignmentStatus.ACTIVE,
                            check_in_code="123456")
    db.session.add(assignment)
    db.session.flush()
    db.session.add(BoothFee(trainee_id=trainee.id, assignment_id=assignment.id, amount=3000,
                            currency=venue.currency))
    db.session.commit()
    charge_booth_fees(now=day.opens_at + timedelta(minutes=1))
    db.session.commit()
    (debt,) = notices_of(trainee.user)
    assert debt.kind == EventKind.DEBT_DUE and "30" in debt.body


def test_tomorrows_pickups_are_reminded_once(db, create_trainee, create_product, phone_user,
                                             place_test_order, create_market, notices_of,
                                             sms_outbox):
    trainee = create_trainee()
    buyer = phone_user(locale="fa")
    order = place_test_order(buyer, create_product(trainee=trainee, kind=ProductKind.REGULAR),
                             paid=True)
    market = create_market()
    tomorrow = utcnow().astimezone(marketplace_zone()).date() + timedelta(days=1)
    day = market.days[0]
    day.day = tomorrow
    db.session.execute(update(VendorOrder).where(VendorOrder.order_id == order.id).values(
        pickup_day=tomorrow, pickup_market_day_id=day.id, pickup_booth_code="7"))
    db.session.commit()

    assert remind_pickups() == 1
    db.session.commit()
    assert remind_pickups() == 0  # the maintenance pass runs every minute
    db.session.commit()

    (reminder,) = notices_of(buyer, EventKind.PICKUP_REMINDER)
    assert reminder.title == f"تحویل فردا: سفارش {reminder.title.split()[-1]}"
    assert market.name_fa in reminder.body and "۷" in reminder.body
    assert len([s for s in sms_outbox() if "فردا" in s["text"]]) == 1


def test_an_order_not_waiting_for_pickup_gets_no_reminder(
        db, create_trainee, create_product, create_user, place_test_order, notices_of):
    trainee = create_trainee()
    buyer = create_user()
    order = place_test_order(buyer, create_product(trainee=trainee))  # never paid nor held
    tomorrow = utcnow().astimezone(marketplace_zone()).date() + timedelta(days=1)
    db.session.execute(update(VendorOrder).where(VendorOrder.order_id == order.id)
                       .values(pickup_day=tomorrow))
    db.session.commit()
    assert remind_pickups() == 0
    assert db.session.get(VendorOrder, order.vendor_orders[0].id).status == \
        VendorOrderStatus.PENDING_PAYMENT


def test_a_refund_in_cash_tells_the_buyer_once(db, create_trainee, create_product, create_user,
                                               place_test_order, notices_of, outbox):
    from marketplace.payments.services import pay_at_pickup, refunds

    trainee = create_trainee()
    buyer = create_user(locale="en")
    order = place_test_order(buyer, create_product(trainee=trainee, price_amount=4000))
    order_life.hold_order_for_pickup(order, "pay_at_pickup")
    db.session.commit()
    pay_at_pickup.confirm_paid_at_pickup(trainee.user, order.vendor_orders[0])
    db.session.commit()
    refunds.refund_vendor_order(trainee.user, order.vendor_orders[0], 1500, restock=False)
    db.session.commit()

    assert kinds(notices_of(buyer)) == [EventKind.ORDER_PLACED, EventKind.ORDER_COMPLETED,
                                        EventKind.ORDER_REFUNDED]
    refunded = notices_of(buyer)[-1]
    assert "refunded" in refunded.body and "15" in refunded.body
    assert any(m["Subject"] == "You have been refunded" for m in outbox())
