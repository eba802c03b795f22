"""Applications for a market: apply (or apply again after withdrawing), a training centre's
nomination, rejection by staff, and withdrawing a day; a booth-day given up goes to the
waitlist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import MunicipalStaff, Trainee, User
from marketplace.booths import policies
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Application,
    ApplicationCategory,
    ApplicationDay,
    ApplicationDayStatus,
    ApplicationPreferredBooth,
    ApplicationProduct,
    ApplicationStatus,
    Assignment,
    Market,
)
from marketplace.booths.services.allocation_runs import fill_from_waitlist
from marketplace.booths.services.booth_writes import _cancel, _mail_cancelled, lock_booth_writes
from marketplace.booths.signals import count_pickups
from marketplace.catalogue.models import Category, Product
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from marketplace.core.i18n import format_number
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path


def get_application_for(actor: User, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not policies.can_view_application(actor, application):
        raise NotFound(_("That application does not exist."),
                       code=BoothErrorCode.UNKNOWN_APPLICATION)
    return application


@dataclass
class ApplicationData:
    day_ids: list[int]
    category_ids: list[int]
    product_ids: list[int] = field(default_factory=list)
    preferred_booth_ids: list[int] = field(default_factory=list)
    needs_power: bool = False
    needs_accessible: bool = False
    needs_covered: bool = False
    note: str = ""


def apply_for_market(actor: User, market: Market, data: ApplicationData,
                     now: datetime | None = None) -> Application:
    now = now or utcnow()
    if not policies.can_apply(actor):
        raise Forbidden(_("Only verified trainees can apply for booths."),
                        code=BoothErrorCode.NOT_ACTIVE_VENDOR)
    trainee = cast(Trainee, actor.trainee)  # can_apply: a verified trainee
    if not market.window_is_open(now):
        code = BoothErrorCode.WINDOW_NOT_OPEN if now < market.applications_open_at \
            else BoothErrorCode.WINDOW_CLOSED
        raise RuleViolation(_("Applications for this market are not open now."), code=code)
    day_ids = [int(d) for d in data.day_ids]
    if not day_ids:
        raise RuleViolation(_("Choose at least one day."), code=BoothErrorCode.NO_DAYS,
                            fields={"day_ids": [_("Choose at least one day.")]})
    if len(set(day_ids)) != len(day_ids):
        raise RuleViolation(_("A day is listed twice."), code=BoothErrorCode.DUPLICATE_DAY,
                            fields={"day_ids": [_("A day is listed twice.")]})
    days = {d.id: d for d in market.days}
    for day_id in day_ids:
        if day_id not in days:
            raise RuleViolation(_("That day is not a day of this market."),
                                code=BoothErrorCode.UNKNOWN_DAY,
                                fields={"day_ids": [_("Not a day of this market.")]})
        if not days[day_id].is_open:
            raise RuleViolation(_("That day is closed."), code=BoothErrorCode.DAY_CLOSED,
                                fields={"day_ids": [_("That day is closed.")]})
    category_ids = [int(c) for c in data.category_ids]
    if not category_ids:
        raise RuleViolation(_("Say what you will sell: choose a category."),
                            code=BoothErrorCode.NO_CATEGORY,
                            fields={"category_ids": [_("Choose at least one category.")]})
    if len(set(category_ids)) != len(category_ids):
        raise RuleViolation(_("A category is listed twice."),
                            code=BoothErrorCode.DUPLICATE_CATEGORY)
    welcomed = {c.category_id for c in market.categories}
    known = set(db.session.scalars(select(Category.id).where(Category.id.in_(category_ids))))
    for category_id in category_ids:
        if category_id not in known:
            raise RuleViolation(_("That category does not exist."),
                                code=BoothErrorCode.UNKNOWN_CATEGORY,
                                fields={"category_ids": [_("Choose from the list.")]})
        if welcomed and category_id not in welcomed:
            raise RuleViolation(_("This market does not welcome that category."),
                                code=BoothErrorCode.CATEGORY_NOT_WELCOMED,
                                fields={"category_ids": [_("Not welcomed at this market.")]})
    product_ids = list(dict.fromkeys(int(p) for p in data.product_ids))
    if product_ids:
        owners = dict(db.session.execute(
            select(Product.id, Product.trainee_id).where(Product.id.in_(product_ids))).all())
        if any(owners.get(p) != trainee.id for p in product_ids):
            raise RuleViolation(_("You can only link your own products."),
                                code=BoothErrorCode.NOT_YOUR_PRODUCT,
                                fields={"product_ids": [_("Not one of your products.")]})
    preferred = list(dict.fromkeys(int(b) for b in data.preferred_booth_ids))
    venue_booths = {b.id for b in market.venue.booths if b.is_active}
    if any(b not in venue_booths for b in preferred):
        raise RuleViolation(_("A preferred booth is not at this market's venue."),
                            code=BoothErrorCode.UNKNOWN_BOOTH,
                            fields={"preferred_booth_ids": [_("Not a booth of the venue.")]})
    existing = db.session.scalar(select(Application).where(
        Application.market_id == market.id, Application.trainee_id == trainee.id))
    if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
        raise Conflict(_("You have already applied for this market."),
                       code=BoothErrorCode.ALREADY_APPLIED)
    if existing is not None:
        reopened = _reopen_application(existing, data, day_ids, category_ids, product_ids,
                                       preferred)
        _tell_municipal_staff(reopened)
        return reopened
    application = Application(
        market=market, trainee=trainee, needs_power=data.needs_power,
        needs_accessible=data.needs_accessible, needs_covered=data.needs_covered,
        note=(data.note or "").strip())
    application.days = [ApplicationDay(market_day_id=d) for d in day_ids]
    application.categories = [ApplicationCategory(category_id=c, position=i)
                              for i, c in enumerate(category_ids)]
    application.products = [ApplicationProduct(product_id=p) for p in product_ids]
    application.preferred_booths = [ApplicationPreferredBooth(booth_id=b, position=i)
                                    for i, b in enumerate(preferred)]
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("You have already applied for this market."),
                       code=BoothErrorCode.ALREADY_APPLIED) from None
    _tell_municipal_staff(application)
    return application


def _tell_municipal_staff(application: Application) -> None:
    """The staff of the market's municipality have an application to read (one query)."""
    market = application.market
    staff = db.session.scalars(
        select(User).join(MunicipalStaff, MunicipalStaff.user_id == User.id)
        .where(MunicipalStaff.municipality_id == market.venue.municipality_id)
        .order_by(User.id))
    for user in staff:
        notify(user, EventKind.BOOTH_APPLICATION_RECEIVED, {
            "trainee_name": application.trainee.store_name, "market_id": market.id,
            "market_name_fa": market.name_fa, "market_name_en": market.name("en")},
            link=site_path("booths.market_applications", market_id=market.id))


def _reopen_application(application: Application, data: ApplicationData, day_ids: list[int],
                        category_ids: list[int], product_ids: list[int],
                        preferred: list[int]) -> Application:
    """Applying again after withdrawing every day: the same row starts afresh (its old,
    cancelled assignments keep pointing at it)."""
    application.status = ApplicationStatus.SUBMITTED
    application.reason_code = None
    application.decided_at = None
    application.needs_power = data.needs_power
    application.needs_accessible = data.needs_accessible
    application.needs_covered = data.needs_covered
    application.note = (data.note or "").strip()
    kept = {entry.market_day_id: entry for entry in application.days}
    for day_id, entry in kept.items():
        if day_id not in day_ids:
            application.days.remove(entry)
    for day_id in day_ids:
        requested = kept.get(day_id)
        if requested is None:
            application.days.append(ApplicationDay(market_day_id=day_id))
        else:
            requested.status = ApplicationDayStatus.REQUESTED
            requested.reason_code = None
            requested.withdrawn_at = None
    # Clear the lists first, so their unique constraints never see old and new rows at once.
    application.categories = []
    application.products = []
    application.preferred_booths = []
    db.session.flush()
    application.categories = [ApplicationCategory(category_id=c, position=i)
                              for i, c in enumerate(category_ids)]
    application.products = [ApplicationProduct(product_id=p) for p in product_ids]
    application.preferred_booths = [ApplicationPreferredBooth(booth_id=b, position=i)
                                    for i, b in enumerate(preferred)]
    db.session.flush()
    return application


def nominate_application(actor: User, application: Application, note: str) -> Application:
    """The trainee's own training centre backs the application (a small lottery bonus)."""
    if not policies.can_nominate(actor, application):
        raise NotFound(_("That application does not exist."),
                       code=BoothErrorCode.UNKNOWN_APPLICATION)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise Conflict(_("The application was withdrawn."),
                       code=BoothErrorCode.APPLICATION_WITHDRAWN)
    application.nominated_by_id = actor.id
    application.nomination_note = (note or "").strip()
    application.nominated_at = utcnow()
    db.session.flush()
    return application


def reject_application(actor: User, application: Application, reason_code: str) -> Application:
    if not policies.can_manage_market(actor, application.market):
        raise NotFound(_("That application does not exist."),
                       code=BoothErrorCode.UNKNOWN_APPLICATION)
    if reason_code not in REJECTION_CODES:
        raise RuleViolation(_("Choose a reason."), code=BoothErrorCode.INVALID_REASON,
                            fields={"reason_code": [_("Not a known reason.")]})
    if application.status == ApplicationStatus.WITHDRAWN:
        raise Conflict(_("The application was withdrawn."),
                       code=BoothErrorCode.APPLICATION_WITHDRAWN)
    live = _live_assignments_of(application)
    for assignment in live:
        _cancel(assignment, "application_rejected")
        _mail_cancelled(assignment, "application_rejected")
    application.status = ApplicationStatus.REJECTED
    application.reason_code = reason_code
    application.decided_at = utcnow()
    for day in application.days:
        if day.status != ApplicationDayStatus.WITHDRAWN:
            day.status = ApplicationDayStatus.REJECTED
            day.reason_code = reason_code
    db.session.flush()
    for assignment in live:
        if assignment.market_day.is_open:
            fill_from_waitlist(assignment.market_day, actor=actor)
    return application


REJECTION_CODES = ("category_not_welcomed", "incomplete", "not_eligible", "duplicate")


def withdraw_application_day(actor: User, application: Application, market_day_id: int,
                             now: datetime | None = None,
                             confirm_pickups: bool = False) -> ApplicationDay:
    """The trainee gives up one day, before the market's cut-off; a booth they held that day
    goes to the waitlist. When buyers pick up at that booth-day the trainee is warned first
    (409 `pickups_at_stake` with their count) and must confirm."""
    now = now or utcnow()
    if not policies.can_withdraw_application(actor, application):
        raise NotFound(_("That application does not exist."),
                       code=BoothErrorCode.UNKNOWN_APPLICATION)
    entry = next((d for d in application.days if d.market_day_id == market_day_id), None)
    if entry is None:
        raise NotFound(_("You did not apply for that day."), code=BoothErrorCode.UNKNOWN_DAY)
    if entry.status == ApplicationDayStatus.WITHDRAWN:
        raise Conflict(_("You already withdrew from that day."),
                       code=BoothErrorCode.ALREADY_WITHDRAWN)
    day = entry.market_day
    cutoff = day.opens_at - timedelta(hours=application.market.withdraw_cutoff_hours)
    if now >= cutoff:
        raise RuleViolation(_("It is too late to withdraw from that day."),
                            code=BoothErrorCode.WITHDRAW_CUTOFF_PASSED)
    held = [a for a in _live_assignments_of(application) if a.market_day_id == market_day_id]
    pickups = count_pickups(a.id for a in held)
    if pickups and not confirm_pickups:
        raise pickups_at_stake(pickups)
    # Before the first write: a confirm holding the lock may be writing this same entry.
    lock_booth_writes()
    entry.status = ApplicationDayStatus.WITHDRAWN
    entry.withdrawn_at = now
    freed = [a for a in _live_assignments_of(application) if a.market_day_id == market_day_id]
    for assignment in freed:
        _cancel(assignment, "withdrawn")
    if all(d.status == ApplicationDayStatus.WITHDRAWN for d in application.days):
        application.status = ApplicationStatus.WITHDRAWN
    db.session.flush()
    if freed and day.is_open:
        fill_from_waitlist(day, actor=None, now=now)
    return entry


def pickups_at_stake(count: int) -> Conflict:
    """The warning before a day with pickups is withdrawn; `fields.pickups` holds the count."""
    return Conflict(ngettext("%(count)s buyer picks up an order at your booth that day. If "
                             "you withdraw, they are told and offered another day, shipping "
                             "or a refund. Confirm to withdraw anyway.",
                             "%(count)s buyers pick up orders at your booth that day. If you "
                             "withdraw, they are told and offered another day, shipping or a "
                             "refund. Confirm to withdraw anyway.",
                             count, count=format_number(count)),
                    code=BoothErrorCode.PICKUPS_AT_STAKE,
                    fields={"pickups": [str(count)], "confirm_pickups": [_("Required.")]})


def _live_assignments_of(application: Application) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(
        Assignment.application_id == application.id,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))))
