"""What each kind of notice says, to whom it may go, and by which channels by default.

A renderer turns a notice's context into its title and body; it runs inside
`force_locale(recipient.locale)`, so `_()` and the date and digit helpers speak the
recipient's language. The context is the one the kind's mail template (when it has one) reads.

A kind that texts people has a token maker too: the few values (slot → value, Kavenegar's
verify/lookup slots `token`, `token2`, `token3`, `token10`, `token20`) that fill the SMS
template a deployment approved for it (`SMS_NOTICE_TEMPLATES`), also in the recipient's
language. Values that should keep their spaces go in `token10` (5 spaces) or `token20` (8);
core.sms.kavenegar.fit_tokens joins any extra words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.core.dates import day_input_text
from marketplace.core.i18n import (
    format_day,
    local_day,
    locale_code,
    localize_digits,
    marketplace_zone,
)
from marketplace.notifications.models import Channel, EventKind

IN_APP, EMAIL, SMS = Channel.IN_APP, Channel.EMAIL, Channel.SMS

# Who a kind of notice can reach: the preferences page shows each person the kinds of their
# roles only.
BUYER, TRAINEE, CENTRE_STAFF, MUNICIPAL_STAFF = "buyer", "trainee", "centre_staff", "municipal"
STAFF = "staff"  # either kind of staff (and admins): those who invite colleagues

Renderer = Callable[[Mapping], tuple[str, str]]
TokenMaker = Callable[[Mapping], dict[str, str]]


@dataclass(frozen=True)
class EventSpec:
    kind: EventKind
    label: object  # lazy string, for the preferences page
    audience: str
    defaults: frozenset[Channel]
    render: Renderer
    sms_tokens: TokenMaker | None = None  # the kind's SMS template tokens, when it has some


# --- helpers the renderers share -------------------------------------------------------------

def _en() -> bool:
    return locale_code().startswith("en")


def market(ctx: Mapping) -> str:
    """The market's name in the reader's language (contexts carry both)."""
    english = ctx.get("market_name_en")
    return str(english) if _en() and english else str(ctx.get("market_name_fa") or "")


def listing(ctx: Mapping) -> str:
    english = ctx.get("title_en")
    return str(english) if _en() and english else str(ctx.get("title_fa") or "")


def sender(ctx: Mapping) -> str:
    english = ctx.get("sender_en")
    return str(english) if _en() and english else str(ctx.get("sender_fa") or "")


def day(value) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_day(value, with_weekday=True)


def clock(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return ""
    return localize_digits(value.astimezone(marketplace_zone()).strftime("%H:%M"))


def digits(value) -> str:
    return localize_digits(str(value if value is not None else ""))


def number(ctx: Mapping) -> str:
    """An order's number as the site shows it everywhere (an identifier a buyer may type, so
    its Latin letters and digits stay as they are)."""
    return str(ctx.get("number", ""))


def _first(ctx: Mapping, key: str):
    values = ctx.get(key) or []
    return values[0] if values else None


# --- renderers -------------------------------------------------------------------------------

def _order_placed(ctx):
    return (_("Order %(number)s is placed", number=number(ctx)),
            _("You pay each trainee when you pick up your items. Total: %(amount)s",
              amount=ctx.get("total", "")))


def _order_paid(ctx):
    return (_("Order %(number)s is paid", number=number(ctx)),
            _("Thank you. Total: %(amount)s", amount=ctx.get("total", "")))


def _order_received(ctx):
    return (_("New order %(number)s", number=number(ctx)),
            _("From %(buyer)s, total %(amount)s.", buyer=ctx.get("buyer_name", ""),
              amount=ctx.get("total", "")))


def _order_shipped(ctx):
    body = _("%(store)s has shipped your items.", store=ctx.get("store", ""))
    if ctx.get("tracking"):
        body += " " + _("Tracking code: %(code)s", code=str(ctx["tracking"]))
    return _("Order %(number)s is shipped", number=number(ctx)), body


def _order_ready(ctx):
    return (_("Order %(number)s is ready for pickup", number=number(ctx)),
            _("%(store)s has your items ready at %(place)s.", store=ctx.get("store", ""),
              place=ctx.get("pickup_place", "")))


def _order_completed(ctx):
    return (_("Order %(number)s is handed over", number=number(ctx)),
            _("Your items from %(store)s are handed over. Enjoy them!",
              store=ctx.get("store", "")))


def _order_cancelled(ctx):
    return (_("Order %(number)s: a part is cancelled", number=number(ctx)),
            _("%(store)s cancelled their part of the order.", store=ctx.get("store", "")))


def _order_refunded(ctx):
    if ctx.get("shipping"):  # a full refund that gave the shipping fee back as well
        body = _("%(store)s refunded %(amount)s, including %(shipping)s for shipping.",
                 store=ctx.get("store", ""), amount=ctx.get("refunded", ""),
                 shipping=ctx["shipping"])
    else:
        body = _("%(store)s refunded %(amount)s.", store=ctx.get("store", ""),
                 amount=ctx.get("refunded", ""))
    return _("Order %(number)s: a refund", number=number(ctx)), body


def _order_expired(ctx):
    return (_("Order %(number)s was not paid in time", number=number(ctx)),
            _("The items went back on sale. You can order them again if they are still "
              "available."))


def _payment_refunded(ctx):
    return (_("Order %(number)s: money back", number=number(ctx)),
            _("%(amount)s is on its way back to you.", amount=ctx.get("amount", "")))


def _pickup_reminder(ctx):
    body = _("%(market)s, booth %(booth)s, %(day)s from %(time)s.", market=market(ctx),
             booth=digits(ctx.get("booth_code", "")), day=day(ctx["day"]),
             time=clock(ctx.get("opens_at")))
    if ctx.get("handover_code"):
        body += " " + _("Show the code %(code)s to the trainee.",
                        code=digits(ctx["handover_code"]))
    return _("Pickup tomorrow: order %(number)s", number=number(ctx)), body


def _listing_approved(ctx):
    return (_("Your listing is published"),
            _("“%(title)s” is now for sale.", title=listing(ctx)))


def _product_requested(ctx):
    if ctx.get("kind") == "made_to_order":
        return (_("A buyer asks you to make one"),
                _("A buyer would like you to make “%(title)s” for them.", title=listing(ctx)))
    return (_("A buyer wants a sold-out item"),
            _("A buyer asked for “%(title)s”, which is sold out.", title=listing(ctx)))


def _listing_returned(ctx):
    return (_("Your listing was returned"),
            _("“%(title)s” needs changes: %(reason)s", title=listing(ctx),
              reason=ctx.get("reason") or ""))


def _listing_submitted(ctx):
    return (_("A listing is waiting for review"),
            _("%(trainee)s sent “%(title)s” for review.", trainee=ctx.get("trainee_name", ""),
              title=listing(ctx)))


def _trainee_registered(ctx):
    if ctx.get("resubmitted"):
        return (_("A trainee is waiting for verification"),
                _("%(trainee)s corrected their details and asks %(centre)s again to verify "
                  "them.", trainee=ctx.get("trainee_name", ""),
                  centre=ctx.get("centre_name", "")))
    return (_("A trainee is waiting for verification"),
            _("%(trainee)s signed up as a trainee of %(centre)s.",
              trainee=ctx.get("trainee_name", ""), centre=ctx.get("centre_name", "")))


def _reason(ctx) -> str:
    return _("Reason: %(reason)s", reason=ctx["reason"]) if ctx.get("reason") else ""


def _trainee_verified(ctx):
    return (_("Your trainee account is verified"),
            _("You can now sell in your store and apply for booths."))


def _trainee_rejected(ctx):
    return _("Your trainee account was not verified"), _reason(ctx)


def _trainee_suspended(ctx):
    return _("Your trainee account is suspended"), _reason(ctx)


def _staff_invited(ctx):
    return (_("You are invited to the staff of %(organisation)s",
              organisation=ctx.get("organisation", "")),
            _("%(inviter)s invited you to join the staff of %(organisation)s. Open the "
              "invitation to accept it.", inviter=ctx.get("inviter_name", ""),
              organisation=ctx.get("organisation", "")))


def _staff_invitation_accepted(ctx):
    return (_("%(member)s joined the staff of %(organisation)s",
              member=ctx.get("member_name", ""), organisation=ctx.get("organisation", "")),
            _("%(member)s accepted your invitation and is now on the staff of "
              "%(organisation)s.", member=ctx.get("member_name", ""),
              organisation=ctx.get("organisation", "")))


def _application_received(ctx):
    return (_("A new booth application"),
            _("%(trainee)s applied for %(market)s.", trainee=ctx.get("trainee_name", ""),
              market=market(ctx)))


def _booth_assigned(ctx):
    return (_("You have a booth"),
            _("%(market)s: booth %(booth)s on %(day)s.", market=market(ctx),
              booth=digits(_first(ctx, "booth_codes") or ""), day=day(_first(ctx, "days"))))


def _booth_allocation(ctx):
    return (_("Booths of %(market)s are allocated", market=market(ctx)),
            _("Booth-days given to you: %(given)s; without a booth for now: %(waiting)s.",
              given=digits(len(ctx.get("given") or [])),
              waiting=digits(len(ctx.get("not_given") or []))))


def _booth_offered(ctx):
    body = _("%(market)s: booth %(booth)s on %(day)s.", market=market(ctx),
             booth=digits(ctx.get("booth_code", "")), day=day(ctx["day"]))
    if ctx.get("deadline"):
        deadline = ctx["deadline"]
        body += " " + _("Answer by %(day)s %(time)s.", day=day(deadline), time=clock(deadline))
    return _("A booth is offered to you"), body


def _booth_offer_passed(ctx):
    return (_("A booth offer has passed"),
            _("%(market)s: booth %(booth)s on %(day)s went to the next applicant. Not "
              "answering is never a strike.", market=market(ctx),
              booth=digits(ctx.get("booth_code", "")), day=day(ctx["day"])))


def _pickup_lost(ctx):
    return (_("Your pickup of order %(number)s needs a new choice", number=number(ctx)),
            _("%(store)s's booth is no longer there on %(day)s. Choose another day, shipping "
              "or a refund.", store=ctx.get("store", ""), day=day(ctx["day"])))


def _pickup_rebooked(ctx):
    return (_("A buyer moved their pickup"),
            _("The buyer of order %(number)s now collects it at your booth on %(day)s.",
              number=number(ctx), day=day(ctx["day"])))


def _booth_cancelled(ctx):
    return (_("Your booth was cancelled"),
            _("%(market)s: booth %(booth)s on %(day)s.", market=market(ctx),
              booth=digits(ctx.get("booth_code", "")), day=day(ctx["day"])))


def _booths_freed(ctx):
    return (_("Your booths are cancelled"),
            _("%(n)s booth-days are offered to others on the waitlist.",
              n=digits(len(ctx.get("booths") or []))))


def _booth_ineligible(ctx):
    return (_("You cannot take booths for a while"),
            _("You cannot take booths at this municipality's markets until %(day)s.",
              day=day(ctx["until"])))


def _day_closed(ctx):
    body = _("%(market)s is closed on %(day)s.", market=market(ctx), day=day(ctx["day"]))
    return _("A market day is closed"), " ".join(filter(None, (body, _reason(ctx))))


def _payout_sent(ctx):
    return (_("Your payout is on its way"),
            _("%(amount)s was sent to your bank account.", amount=ctx.get("amount", "")))


def _debt_due(ctx):
    return (_("You owe the marketplace"),
            _("You owe %(amount)s; pay it from your statement.", amount=ctx.get("amount", "")))


# What happened to a booking of a training space (training.notices sends the step's name).
BOOKING_STEPS = {
    "requested": _l("A space was requested"),
    "approved": _l("Your booking was approved"),
    "rejected": _l("Your booking was rejected"),
    "proposed": _l("Another time was proposed for your booking"),
    "accepted": _l("The centre accepted the proposed time"),
    "withdrawn": _l("A booking was withdrawn"),
    "moved": _l("An approved session was moved"),
    "cancelled": _l("An approved session was cancelled"),
}


def session_change(ctx: Mapping) -> str:
    """What became of one approved session (moved: to when; cancelled: that it is off), for
    the centre's and the registered citizens' notices alike."""
    old = ctx.get("old_starts_at")
    if not isinstance(old, datetime):
        return ""
    if ctx.get("event") == "moved":
        new = ctx.get("starts_at")
        return _("The session of %(old)s now meets on %(day)s from %(start)s to %(end)s.",
                 old=format_day(old, with_weekday=True),
                 day=format_day(new, with_weekday=True) if isinstance(new, datetime) else "",
                 start=clock(new), end=clock(ctx.get("ends_at")))
    return _("The session of %(old)s will not take place.", old=format_day(old, with_weekday=True))


def _space_booking(ctx):
    english = _en()
    space = ctx.get("space_en") if english and ctx.get("space_en") else ctx.get("space_fa", "")
    centre = ctx.get("centre_en") if english and ctx.get("centre_en") else ctx.get("centre_fa", "")
    body = _("“%(title)s” by %(centre)s in %(space)s.", title=ctx.get("title", ""),
             centre=centre, space=space)
    change = session_change(ctx)
    if change:
        body += " " + change
    if ctx.get("reason"):
        body += " " + _("Reason: %(reason)s", reason=ctx["reason"])
    return str(BOOKING_STEPS.get(ctx.get("event", ""), "")), body


def _course_place(ctx):
    return (_("You have a place on the course"),
            _("A place came free on “%(title)s”: it is yours.", title=ctx.get("title", "")))


def _course_reminder(ctx):
    english = _en()
    space = ctx.get("space_en") if english and ctx.get("space_en") else ctx.get("space_fa", "")
    venue = ctx.get("venue_en") if english and ctx.get("venue_en") else ctx.get("venue_fa", "")
    starts = ctx.get("starts_at")
    body = _("%(day)s from %(start)s to %(end)s, %(space)s, %(venue)s.",
             day=format_day(starts, with_weekday=True) if isinstance(starts, datetime) else "",
             start=clock(starts), end=clock(ctx.get("ends_at")), space=space, venue=venue)
    if ctx.get("address"):
        body += " " + _("Address: %(address)s", address=ctx["address"])
    return _("Your course meets soon: “%(title)s”", title=ctx.get("title", "")), body


def _course_session_changed(ctx):
    title = ctx.get("title", "")
    heading = _("A session of “%(title)s” was moved", title=title) \
        if ctx.get("event") == "moved" else \
        _("A session of “%(title)s” was cancelled", title=title)
    body = session_change(ctx)
    if ctx.get("reason"):
        body += " " + _("Reason: %(reason)s", reason=ctx["reason"])
    return heading, body


def _graduate_work(ctx):
    return (_("New work by a graduate of “%(course)s”", course=ctx.get("course", "")),
            _("%(store)s listed “%(title)s”.", store=ctx.get("store", ""), title=listing(ctx)))


def _broadcast(ctx):
    return _("Notice from %(sender)s", sender=sender(ctx)), str(ctx.get("message", ""))


# --- SMS template tokens (see the module's docstring) ---------------------------------------

def short_day(value) -> str:
    """A day in one word, «۱۴۰۵/۰۹/۱۸» or 2026-12-08: for the slots that hold no space."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = local_day(value)
    return day_input_text(value, locale_code()) if isinstance(value, date) else ""


def _order_ready_tokens(ctx):
    return {"token": number(ctx), "token10": str(ctx.get("store", "")),
            "token20": str(ctx.get("pickup_place", ""))}


def _order_shipped_tokens(ctx):
    return {"token": number(ctx), "token2": str(ctx.get("tracking") or ""),
            "token10": str(ctx.get("store", ""))}


def _pickup_reminder_tokens(ctx):
    return {"token": number(ctx), "token2": digits(ctx.get("booth_code", "")),
            "token3": clock(ctx.get("opens_at")), "token10": day(ctx["day"]),
            "token20": market(ctx)}


def _pickup_lost_tokens(ctx):
    return {"token": number(ctx), "token2": short_day(ctx["day"]),
            "token10": str(ctx.get("store", ""))}


def _booth_offered_tokens(ctx):
    deadline = ctx.get("deadline")
    return {"token": digits(ctx.get("booth_code", "")), "token2": short_day(ctx["day"]),
            "token3": short_day(deadline) if deadline else "",
            "token10": clock(deadline) if deadline else "", "token20": market(ctx)}


def _day_closed_tokens(ctx):
    return {"token": short_day(ctx["day"]), "token20": market(ctx)}


def _debt_due_tokens(ctx):
    return {"token10": str(ctx.get("amount", ""))}


def _course_place_tokens(ctx):
    return {"token20": str(ctx.get("title", ""))}


def _course_reminder_tokens(ctx):
    starts = ctx.get("starts_at")
    return {"token": short_day(starts), "token2": clock(starts),
            "token3": clock(ctx.get("ends_at")), "token20": str(ctx.get("title", ""))}


def _course_session_changed_tokens(ctx):
    """The old day, then (moved) the new day and start; the course's title."""
    moved = ctx.get("event") == "moved"
    starts = ctx.get("starts_at")
    return {"token": short_day(ctx.get("old_starts_at")),
            "token2": short_day(starts) if moved else "",
            "token3": clock(starts) if moved else "", "token20": str(ctx.get("title", ""))}


def _staff_invited_tokens(ctx):
    """The link to accept (it carries its secret), the days it lasts, who invited, and where."""
    return {"token": str(ctx.get("accept_url", "")), "token2": digits(ctx.get("days", "")),
            "token10": str(ctx.get("inviter_name", "")),
            "token20": str(ctx.get("organisation", ""))}


def _broadcast_tokens(ctx):
    return {"token10": sender(ctx), "token20": str(ctx.get("message", ""))}


def _spec(kind, label, audience, defaults, render,
          sms_tokens: TokenMaker | None = None) -> tuple[EventKind, EventSpec]:
    return kind, EventSpec(kind, label, audience, frozenset(defaults), render, sms_tokens)


K = EventKind
SPECS: dict[EventKind, EventSpec] = dict((
    _spec(K.ORDER_PLACED, _l("Order placed"), BUYER, {IN_APP, EMAIL}, _order_placed),
    _spec(K.ORDER_PAID, _l("Order paid"), BUYER, {IN_APP, EMAIL}, _order_paid),
    _spec(K.ORDER_SHIPPED, _l("Order shipped"), BUYER, {IN_APP, EMAIL}, _order_shipped,
          _order_shipped_tokens),
    _spec(K.ORDER_READY_FOR_PICKUP, _l("Order ready for pickup"), BUYER,
          {IN_APP, EMAIL, SMS}, _order_ready, _order_ready_tokens),
    _spec(K.PICKUP_REMINDER, _l("Pickup reminder the day before"), BUYER, {IN_APP, SMS},
          _pickup_reminder, _pickup_reminder_tokens),
    _spec(K.ORDER_COMPLETED, _l("Order handed over"), BUYER, {IN_APP, EMAIL},
          _order_completed),
    _spec(K.ORDER_CANCELLED, _l("Order cancelled"), BUYER, {IN_APP, EMAIL}, _order_cancelled),
    _spec(K.ORDER_REFUNDED, _l("Order refunded"), BUYER, {IN_APP, EMAIL}, _order_refunded),
    _spec(K.PAYMENT_REFUNDED, _l("Money paid back"), BUYER, {IN_APP, EMAIL},
          _payment_refunded),
    _spec(K.ORDER_EXPIRED, _l("Order not paid in time"), BUYER, {IN_APP, EMAIL},
          _order_expired),
    _spec(K.ORDER_RECEIVED, _l("New order to fulfil"), TRAINEE, {IN_APP, EMAIL},
          _order_received),
    _spec(K.LISTING_APPROVED, _l("Listing published"), TRAINEE, {IN_APP}, _listing_approved),
    _spec(K.LISTING_RETURNED, _l("Listing returned"), TRAINEE, {IN_APP}, _listing_returned),
    _spec(K.PRODUCT_REQUESTED, _l("Buyers asking for a sold-out or made-to-order item"),
          TRAINEE, {IN_APP}, _product_requested),
    _spec(K.TRAINEE_VERIFIED, _l("Trainee account verified"), TRAINEE, {IN_APP, EMAIL},
          _trainee_verified),
    _spec(K.TRAINEE_REJECTED, _l("Trainee account not verified"), TRAINEE, {IN_APP, EMAIL},
          _trainee_rejected),
    _spec(K.TRAINEE_SUSPENDED, _l("Trainee account suspended"), TRAINEE, {IN_APP, EMAIL},
          _trainee_suspended),
    _spec(K.STAFF_INVITED, _l("Invitations to join a centre's or municipality's staff"), BUYER,
          {IN_APP, EMAIL, SMS}, _staff_invited, _staff_invited_tokens),
    _spec(K.STAFF_INVITATION_ACCEPTED, _l("Colleagues who accepted your invitation"), STAFF,
          {IN_APP, EMAIL}, _staff_invitation_accepted),
    _spec(K.BOOTH_ASSIGNED, _l("Booth given"), TRAINEE, {IN_APP, EMAIL}, _booth_assigned),
    _spec(K.BOOTH_ALLOCATION, _l("Booth allocation results"), TRAINEE, {IN_APP, EMAIL},
          _booth_allocation),
    _spec(K.BOOTH_OFFERED, _l("Booth offered from the waitlist"), TRAINEE,
          {IN_APP, EMAIL, SMS}, _booth_offered, _booth_offered_tokens),
    _spec(K.BOOTH_OFFER_PASSED, _l("Booth offer passed on"), TRAINEE, {IN_APP, EMAIL},
          _booth_offer_passed),
    _spec(K.PICKUP_LOST, _l("Pickup needs a new choice"), BUYER, {IN_APP, EMAIL, SMS},
          _pickup_lost, _pickup_lost_tokens),
    _spec(K.PICKUP_REBOOKED, _l("A buyer moved a pickup"), TRAINEE, {IN_APP, EMAIL},
          _pickup_rebooked),
    _spec(K.BOOTH_CANCELLED, _l("Booth cancelled"), TRAINEE, {IN_APP, EMAIL},
          _booth_cancelled),
    _spec(K.BOOTHS_FREED, _l("Booths cancelled with your account"), TRAINEE, {IN_APP, EMAIL},
          _booths_freed),
    _spec(K.BOOTH_INELIGIBLE, _l("No booths for a while (no-shows)"), TRAINEE,
          {IN_APP, EMAIL}, _booth_ineligible),
    _spec(K.MARKET_DAY_CLOSED, _l("Market day closed"), TRAINEE, {IN_APP, EMAIL, SMS},
          _day_closed, _day_closed_tokens),
    _spec(K.PAYOUT_SENT, _l("Payout sent"), TRAINEE, {IN_APP, EMAIL}, _payout_sent),
    _spec(K.DEBT_DUE, _l("Debt to pay"), TRAINEE, {IN_APP, EMAIL}, _debt_due,
          _debt_due_tokens),
    _spec(K.SPACE_BOOKING, _l("Requests for your training spaces"), MUNICIPAL_STAFF,
          {IN_APP, EMAIL}, _space_booking),
    _spec(K.SPACE_BOOKING_ANSWER, _l("Answers to your centre's space bookings"), CENTRE_STAFF,
          {IN_APP, EMAIL}, _space_booking),
    _spec(K.COURSE_PLACE, _l("A place on a course"), BUYER, {IN_APP, EMAIL, SMS},
          _course_place, _course_place_tokens),
    _spec(K.COURSE_REMINDER, _l("Reminder before each session of your courses"), BUYER,
          {IN_APP, SMS}, _course_reminder, _course_reminder_tokens),
    _spec(K.COURSE_SESSION_CHANGED, _l("A session of your course moved or cancelled"), BUYER,
          {IN_APP, EMAIL, SMS}, _course_session_changed, _course_session_changed_tokens),
    _spec(K.GRADUATE_WORK, _l("New work by graduates of courses you follow"), BUYER,
          {IN_APP, EMAIL}, _graduate_work),
    _spec(K.STAFF_BROADCAST, _l("Notices from market and centre staff"), TRAINEE,
          {IN_APP, SMS}, _broadcast, _broadcast_tokens),
    _spec(K.LISTING_SUBMITTED, _l("Listing waiting for review"), CENTRE_STAFF, {IN_APP},
          _listing_submitted),
    _spec(K.TRAINEE_REGISTERED, _l("Trainee waiting for verification"), CENTRE_STAFF,
          {IN_APP, EMAIL}, _trainee_registered),
    _spec(K.BOOTH_APPLICATION_RECEIVED, _l("Booth application received"), MUNICIPAL_STAFF,
          {IN_APP}, _application_received),
))


def audiences_of(user) -> set[str]:
    """The audiences whose kinds `user` may receive (and set channels for)."""
    found = {BUYER}
    if user.trainee is not None:
        found.add(TRAINEE)
    if user.is_centre_staff or user.is_admin:
        found.add(CENTRE_STAFF)
    if user.is_municipal_staff or user.is_admin:
        found.add(MUNICIPAL_STAFF)
    if {CENTRE_STAFF, MUNICIPAL_STAFF} & found:
        found.add(STAFF)
    return found


def specs_for(user) -> list[EventSpec]:
    audiences = audiences_of(user)
    return [spec for spec in SPECS.values() if spec.audience in audiences]


def check_sms_templates(config: Mapping) -> None:
    """Refuse to start with an SMS_NOTICE_TEMPLATES entry that could never be sent: a kind
    that does not exist or has no tokens, or a template name that is not text."""
    problems = []
    known = {spec.kind.value: spec for spec in SPECS.values()}
    for kind, entry in (config.get("SMS_NOTICE_TEMPLATES") or {}).items():
        spec = known.get(kind)
        if spec is None or spec.sms_tokens is None:
            problems.append(f"{kind!r} is not a kind of notice with SMS template tokens")
        names = entry.values() if isinstance(entry, Mapping) else [entry]
        if not all(isinstance(name, str) and name for name in names):
            problems.append(f"{kind!r}: a template name, or one per language "
                            '({"fa": "…", "en": "…"})')
    if problems:
        raise RuntimeError("SMS_NOTICE_TEMPLATES: " + "; ".join(problems) + ". Kinds with "
                           "tokens: " + ", ".join(sorted(k.value for k, s in SPECS.items()
                                                          if s.sms_tokens)))
