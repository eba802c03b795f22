"""notify(): after the commit only, in the recipient's language, by their channels."""

from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.notifications.models import (
    Channel,
    EventKind,
    Notification,
    NotificationPreference,
)
from marketplace.notifications.service import notify

READY = {"name": "Sara", "number": "BZ-1042", "status": "ready_for_pickup", "store": "Tableaux",
         "pickup_place": "Sahand bazaar, booth 7", "link": "http://x/o/BZ-1042"}


def count(db):
    return db.session.scalar(select(func.count()).select_from(Notification))


def test_nothing_goes_before_the_commit_and_everything_after(db, phone_user, notices_of, outbox,
                                                             sms_outbox):
    buyer = phone_user(locale="en")
    notify(buyer, EventKind.ORDER_READY_FOR_PICKUP, READY,
           mail=("Your order has changed", "order_status"), link="/orders/BZ-1042")
    db.session.flush()
    assert count(db) == 0 and outbox() == [] and sms_outbox() == []

    db.session.commit()

    (notice,) = notices_of(buyer)
    assert notice.kind == EventKind.ORDER_READY_FOR_PICKUP and notice.in_app
    assert notice.title == "Order BZ-1042 is ready for pickup"
    assert "Sahand bazaar, booth 7" in notice.body
    assert notice.link == "/orders/BZ-1042" and notice.read_at is None
    (mail,) = outbox()
    assert mail["To"] == buyer.email and mail["Subject"] == "Your order has changed"
    assert "ready for pickup at Sahand bazaar, booth 7" in mail.get_content()
    (sms,) = sms_outbox()
    assert sms["to"] == buyer.phone and "BZ-1042" in sms["text"]


def test_a_rollback_sends_nothing(db, phone_user, outbox, sms_outbox):
    buyer = phone_user()
    notify(buyer, EventKind.ORDER_READY_FOR_PICKUP, READY, mail=("x", "order_status"))
    db.session.rollback()
    db.session.commit()  # a later commit does not carry the dropped notice
    assert count(db) == 0 and outbox() == [] and sms_outbox() == []


def test_a_rolled_back_savepoint_drops_only_its_own_notices(db, create_user, notices_of):
    first, second = create_user(), create_user()
    notify(first, EventKind.LISTING_APPROVED, {"title_fa": "الف"})
    savepoint = db.session.begin_nested()
    notify(second, EventKind.LISTING_APPROVED, {"title_fa": "ب"})
    savepoint.rollback()
    db.session.commit()
    assert len(notices_of(first)) == 1 and notices_of(second) == []


def test_each_notice_is_written_in_its_recipients_language(db, create_user, notices_of):
    persian, english = create_user(locale="fa"), create_user(locale="en")
    context = {"market_name_fa": "جمعه‌بازار سهند", "market_name_en": "Sahand Friday bazaar",
               "day": date(2026, 12, 18), "reason": "باران"}
    for user in (persian, english):
        notify(user, EventKind.MARKET_DAY_CLOSED, context)
    db.session.commit()

    (fa,) = notices_of(persian)
    (en,) = notices_of(english)
    assert fa.title == "یک روز بازارچه تعطیل شد"
    assert "جمعه‌بازار سهند" in fa.body and "۱۴۰۵" in fa.body  # Jalali year, Persian digits
    assert not any(ch.isdigit() and ch.isascii() for ch in fa.body)
    assert en.title == "A market day is closed"
    assert "Sahand Friday bazaar" in en.body and "December 2026" in en.body


def test_defaults_per_kind_email_for_orders_sms_for_urgent_only(db, phone_user, outbox,
                                                                sms_outbox):
    trainee_user = phone_user()
    notify(trainee_user, EventKind.LISTING_APPROVED, {"title_fa": "تابلو"})  # in-app only
    notify(trainee_user, EventKind.MARKET_DAY_CLOSED, {  # in-app, email, SMS
        "market_name_fa": "بازار", "day": date(2026, 12, 18),
        "trainee_name": "x", "lang": "fa", "booth_code": "3", "reason": "باران"},
        mail=("A market day you had a booth on is closed", "booths_day_closed"))
    db.session.commit()
    assert len(outbox()) == 1 and len(sms_outbox()) == 1


def test_no_sms_without_a_verified_number_and_no_mail_without_an_address(
        db, create_user, outbox, sms_outbox, notices_of):
    from marketplace.core.db import utcnow

    unverified = create_user(phone="+989121110000")
    phone_only = create_user(phone="+989121110001", phone_verified_at=utcnow())
    phone_only.email = None  # signed up with the number alone
    db.session.commit()
    for user in (unverified, phone_only):
        notify(user, EventKind.ORDER_READY_FOR_PICKUP, READY, mail=("x", "order_status"))
    db.session.commit()
    assert [m["To"] for m in outbox()] == [unverified.email]
    assert [s["to"] for s in sms_outbox()] == [phone_only.phone]
    assert len(notices_of(unverified)) == 1 and len(notices_of(phone_only)) == 1


def test_preferences_are_respected_per_channel(db, phone_user, notices_of, outbox, sms_outbox):
    user = phone_user()
    db.session.add(NotificationPreference(user_id=user.id, kind=EventKind.ORDER_READY_FOR_PICKUP,
                                          in_app=False, email=False, sms=True))
    db.session.add(NotificationPreference(user_id=user.id, kind=EventKind.LISTING_APPROVED,
                                          in_app=True, email=True, sms=False))
    db.session.commit()

    notify(user, EventKind.ORDER_READY_FOR_PICKUP, READY, mail=("x", "order_status"))
    notify(user, EventKind.LISTING_APPROVED, {"title_fa": "تابلو", "title_en": "Tableau"})
    db.session.commit()

    ready, approved = notices_of(user)
    assert not ready.in_app and approved.in_app  # the feed shows only the second
    assert len(sms_outbox()) == 1 and "BZ-1042" in sms_outbox()[0]["text"]
    (mail,) = outbox()  # the generic notice mail: the kind has no template of its own
    assert mail["Subject"] == approved.title


def test_a_keyed_notice_goes_once(db, phone_user, notices_of, sms_outbox):
    user = phone_user()
    for _ in range(2):
        notify(user, EventKind.ORDER_READY_FOR_PICKUP, READY, dedupe_key="once")
        db.session.commit()
    assert len(notices_of(user)) == 1 and len(sms_outbox()) == 1


def test_a_keyed_notice_queued_twice_in_one_transaction_goes_once(db, phone_user, notices_of,
                                                                   sms_outbox):
    user = phone_user()
    notify(user, EventKind.ORDER_READY_FOR_PICKUP, READY, dedupe_key="reminder")
    notify(user, EventKind.ORDER_READY_FOR_PICKUP, READY, dedupe_key="reminder")
    db.session.commit()
    assert len(notices_of(user)) == 1 and len(sms_outbox()) == 1


def test_the_feed_row_commits_with_what_it_tells_of(db, create_user, notices_of, count_queries):
    """Written in the transaction itself (no second connection after the commit): two
    statements for any number of notices."""
    users = [create_user() for _ in range(5)]
    with count_queries() as counted:
        for user in users:
            notify(user, EventKind.LISTING_APPROVED, {"title_fa": "تابلو"})
        db.session.commit()
    assert counted.n == 2, counted.statements
    assert all(len(notices_of(user)) == 1 for user in users)


@pytest.fixture
def app_config():
    return {"SMS_PER_NUMBER_LIMIT": "2 per hour"}


def test_sms_are_limited_per_number(db, phone_user, sms_outbox, notices_of):
    user = phone_user()
    for n in range(3):
        notify(user, EventKind.ORDER_READY_FOR_PICKUP, {**READY, "number": f"BZ-{n}"})
    db.session.commit()
    assert len(sms_outbox()) == 2
    assert len(notices_of(user)) == 3  # the feed still has all three


def test_channels_of_a_kind_without_a_row_are_its_defaults(db, create_user):
    from marketplace.notifications import feed

    user = create_user()
    choices = {c.kind: c.channels for c in feed.choices_of(user)}
    assert choices[EventKind.ORDER_PAID] == {Channel.IN_APP, Channel.EMAIL}
    assert choices[EventKind.PICKUP_REMINDER] == {Channel.IN_APP, Channel.SMS}
    assert EventKind.BOOTH_ASSIGNED not in choices  # a buyer gets no booth notices


def test_every_channel_off_is_a_choice_not_the_defaults(db, phone_user, notices_of, outbox,
                                                        sms_outbox):
    user = phone_user()
    db.session.add(NotificationPreference(user_id=user.id, kind=EventKind.ORDER_READY_FOR_PICKUP,
                                          in_app=False, email=False, sms=False))
    db.session.commit()
    notify(user, EventKind.ORDER_READY_FOR_PICKUP, READY, mail=("x", "order_status"))
    db.session.commit()
    (recorded,) = notices_of(user)
    assert not recorded.in_app and outbox() == [] and sms_outbox() == []
