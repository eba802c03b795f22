"""A market day's notice (rain, changed hours): the market's staff write to every trainee
booked on the day; notifications delivers it by each trainee's channels."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import Trainee, User
from marketplace.booths import policies
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import LIVE_ASSIGNMENT_STATUSES, Assignment, MarketDay
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.notifications.broadcasts import broadcast, clean_message
from marketplace.notifications.service import site_path


def get_day_for_broadcast(actor: User, day_id: int) -> MarketDay:
    day = db.session.get(MarketDay, day_id)
    if day is None or not policies.can_broadcast_to_day(actor, day):
        raise NotFound(_("That market day does not exist."), code=BoothErrorCode.UNKNOWN_DAY)
    return day


def booked_trainee_users(day: MarketDay) -> list[User]:
    """The users of the trainees with a live booth on the day (one query)."""
    return list(db.session.scalars(
        select(User).join(Trainee, Trainee.user_id == User.id)
        .join(Assignment, Assignment.trainee_id == Trainee.id)
        .where(Assignment.market_day_id == day.id,
               Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))
        .order_by(User.id).distinct()))


def broadcast_to_day(actor: User, day: MarketDay, message: str) -> int:
    """How many trainees it goes to."""
    if not policies.can_broadcast_to_day(actor, day):
        raise NotFound(_("That market day does not exist."), code=BoothErrorCode.UNKNOWN_DAY)
    text = clean_message(message)
    market = day.market
    return broadcast(booked_trainee_users(day), text, sender_fa=market.name_fa,
                     sender_en=market.name("en"), link=site_path("booths.mine"))
