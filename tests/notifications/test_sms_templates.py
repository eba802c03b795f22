"""Notices by SMS as templates approved in the operator's panel (SMS_NOTICE_TEMPLATES): the
kind's tokens in the recipient's language, plain text where a deployment has none."""

from datetime import UTC, date, datetime

import pytest

from marketplace import create_app
from marketplace.notifications.events import SMS, SPECS, check_sms_templates
from marketplace.notifications.models import EventKind, NotificationPreference
from marketplace.notifications.service import notify

READY = {"name": "Sara", "number": "BZ-1042", "status": "ready_for_pickup",
         "store": "Tableaux of Osku", "pickup_place": "Sahand bazaar, booth 7"}
REMINDER = {"number": "BZ-1042", "day": date(2026, 12, 9), "market_name_fa": "بازارچه سهند",
            "market_name_en": "Sahand bazaar", "booth_code": "A7",
            "opens_at": datetime(2026, 12, 9, 5, 30, tzinfo=UTC), "handover_code": "4821"}


@pytest.fixture
def app_config():
    return {"SMS_NOTICE_TEMPLATES": {
        "order_ready_for_pickup": {"fa": "bz-ready-fa", "en": "bz-ready-en"},
        "pickup_reminder": "bz-pickup",
        "debt_due": {"fa": "bz-debt-fa"}}}


def test_a_kind_with_a_template_is_texted_as_the_template_with_its_tokens(
        db, phone_user, sms_outbox):
    buyer = phone_user(locale="en")
    notify(buyer, EventKind.ORDER_READY_FOR_PICKUP, READY)
    db.session.commit()
    (sms,) = sms_outbox()
    assert sms["to"] == buyer.phone and "text" not in sms
    assert sms["template"] == "bz-ready-en"
    assert sms["tokens"] == {"token": "BZ-1042", "token10": "Tableaux of Osku",
                             "token20": "Sahand bazaar, booth 7"}


def test_the_tokens_speak_the_recipients_language(db, phone_user, sms_outbox):
    persian, english = phone_user(locale="fa"), phone_user(locale="en")
    for user in (persian, english):
        notify(user, EventKind.PICKUP_REMINDER, REMINDER)
    db.session.commit()
    fa, en = (m["tokens"] for m in sms_outbox())
    assert all(m["template"] == "bz-pickup" for m in sms_outbox())
    # Tehran is UTC+3:30: the market opens at 09:00 local time.
    assert (fa["token2"], fa["token3"], fa["token20"]) == ("A۷", "۰۹:۰۰", "بازارچه سهند")
    assert (en["token2"], en["token3"], en["token20"]) == ("A7", "09:00", "Sahand bazaar")
    assert "آذر" in fa["token10"] and fa["token10"].count(" ") <= 5


def test_without_a_template_for_the_kind_or_the_language_the_notice_is_plain_text(
        db, phone_user, sms_outbox):
    english = phone_user(locale="en")
    notify(english, EventKind.DEBT_DUE, {"amount": "$12.00"})  # debt_due has fa only
    notify(english, EventKind.MARKET_DAY_CLOSED,  # no template at all
           {"day": date(2026, 12, 9), "market_name_fa": "سهند", "market_name_en": "Sahand"})
    for kind in (EventKind.DEBT_DUE, EventKind.MARKET_DAY_CLOSED):
        db.session.add(NotificationPreference(user_id=english.id, kind=kind, sms=True))
    db.session.commit()
    texts = [m["text"] for m in sms_outbox()]
    assert [("template" in m) for m in sms_outbox()] == [False, False]
    assert texts[0].startswith("You owe the marketplace") and "$12.00" in texts[0]
    assert "Sahand is closed" in texts[1]


def test_every_kind_that_texts_by_default_has_template_tokens():
    texting = {kind for kind, spec in SPECS.items() if SMS in spec.defaults}
    assert texting and all(SPECS[kind].sms_tokens is not None for kind in texting)
    assert SPECS[EventKind.DEBT_DUE].sms_tokens is not None


def test_an_invitation_s_tokens_carry_its_link_days_inviter_and_organisation(app):
    from flask_babel import force_locale

    context = {"organisation": "آموزشگاه فرش اسکو", "inviter_name": "زهرا",
               "accept_url": "https://bazaarche.example/invitations/abc_DEF-123", "days": 7}
    with app.test_request_context(), force_locale("fa"):
        tokens = SPECS[EventKind.STAFF_INVITED].sms_tokens(context)
    assert tokens == {"token": "https://bazaarche.example/invitations/abc_DEF-123",
                      "token2": "۷", "token10": "زهرا", "token20": "آموزشگاه فرش اسکو"}


@pytest.mark.parametrize("templates, problem", [
    ({"no_such_kind": "t"}, "'no_such_kind' is not a kind"),
    ({"listing_approved": "t"}, "'listing_approved' is not a kind"),  # no tokens
    ({"pickup_reminder": {"fa": ""}}, "a template name"),
])
def test_a_template_that_could_never_be_sent_refuses_to_start(templates, problem):
    with pytest.raises(RuntimeError, match=problem):
        check_sms_templates({"SMS_NOTICE_TEMPLATES": templates})


def test_the_app_checks_the_templates_at_start(database_url):
    with pytest.raises(RuntimeError, match="SMS_NOTICE_TEMPLATES"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                    "SMS_NOTICE_TEMPLATES": {"nope": "t"}})
