"""When a space can hold a session: its opening hours and weekdays, its blocked periods, the
days its venue's markets use it, and the approved sessions already there.

Reads only. Each check runs a constant number of queries for a whole series.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, true
from sqlalchemy.orm import joinedload

from marketplace.booths.models import Market, MarketDay, MarketDayStatus, Venue
from marketplace.core.db import utcnow
from marketplace.core.errors import ErrorCode
from marketplace.core.i18n import local_day, marketplace_zone
from marketplace.extensions import db
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.models import (
    Booking,
    SessionStatus,
    Space,
    SpaceBlock,
    TrainingSession,
)


@dataclass
class Problem:
    code: ErrorCode
    message: str


@dataclass
class Window:
    """A session's time: UTC instants, the end open."""

    starts_at: datetime
    ends_at: datetime
    session_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[TrainingSession] = field(default_factory=list)  # approved, overlapping
    pending: list[TrainingSession] = field(default_factory=list)    # other requests, overlapping

    @property
    def local_day(self) -> date:
        return local_day(self.starts_at)

    @property
    def is_free(self) -> bool:
        return not self.problems and not self.conflicts


def window(day: date, starts: time, ends: time) -> Window:
    """A session on a local day from one local time to another."""
    zone = marketplace_zone()
    return Window(datetime.combine(day, starts, tzinfo=zone).astimezone(UTC),
                  datetime.combine(day, ends, tzinfo=zone).astimezone(UTC))


def check_windows(space: Space, windows: list[Window], *, exclude_booking_id: int | None = None,
                  now: datetime | None = None) -> list[Window]:
    """Fill each window's problems (past, hours, blocks, market days) and its overlaps with
    approved sessions and with other pending requests of the space. Three queries in all."""
    if not windows:
        return windows
    now = now or utcnow()
    market_days = _market_days(space, {w.local_day for w in windows})
    others = _sessions_between(space.id, min(w.starts_at for w in windows),
                               max(w.ends_at for w in windows), exclude_booking_id)
    for item in windows:
        item.problems = _problems(space, item, now, market_days)
        for other in others:
            if other.starts_at < item.ends_at and item.starts_at < other.ends_at:
                if other.status == SessionStatus.APPROVED:
                    item.conflicts.append(other)
                else:
                    item.pending.append(other)
    return windows


def _problems(space: Space, item: Window, now: datetime, market_days: set[date]) -> list[Problem]:
    problems = []
    if item.ends_at <= item.starts_at:
        problems.append(Problem(TrainingErrorCode.INVALID_SESSION_TIME,
                                _("A session must end after it starts.")))
    if item.starts_at < now:
        problems.append(Problem(TrainingErrorCode.SESSION_IN_PAST,
                                _("This session would be in the past.")))
    zone = marketplace_zone()
    start, end = item.starts_at.astimezone(zone), item.ends_at.astimezone(zone)
    if start.weekday() not in (space.open_weekdays or []) or start.date() != end.date() or \
            start.time() < space.opens_at or end.time() > space.closes_at:
        problems.append(Problem(TrainingErrorCode.OUTSIDE_OPENING_HOURS,
                                _("The space is not open then.")))
    if any(block.covers(start.date()) for block in space.blocks):
        problems.append(Problem(TrainingErrorCode.BLOCKED_PERIOD,
                                _("The space is blocked on that day.")))
    if start.date() in market_days:
        problems.append(Problem(TrainingErrorCode.MARKET_DAY,
                                _("A market uses the space on that day.")))
    return problems


def _market_days(space: Space, days: Iterable[date]) -> set[date]:
    """The open market days of the space's venue among `days`, if its markets use it."""
    if not space.used_by_markets:
        return set()
    return set(db.session.scalars(
        select(MarketDay.day).join(Market, Market.id == MarketDay.market_id).where(
            Market.venue_id == space.venue_id, MarketDay.status == MarketDayStatus.OPEN,
            MarketDay.day.in_(sorted(set(days))))))


def _sessions_between(space_id: int, starts_at: datetime, ends_at: datetime,
                      exclude_booking_id: int | None) -> list[TrainingSession]:
    statement = select(TrainingSession).where(
        TrainingSession.space_id == space_id,
        TrainingSession.status.in_((SessionStatus.APPROVED, SessionStatus.REQUESTED)),
        TrainingSession.starts_at < ends_at, TrainingSession.ends_at > starts_at)
    if exclude_booking_id is not None:
        statement = statement.where(TrainingSession.booking_id != exclude_booking_id)
    return list(db.session.scalars(statement.options(joinedload(TrainingSession.booking))
                                   .order_by(TrainingSession.starts_at)))


def upcoming_market_days(space: Space, since: date, limit: int = 60) -> list[MarketDay]:
    """The open market days that take the space, for its calendar."""
    if not space.used_by_markets:
        return []
    return list(db.session.scalars(
        select(MarketDay).join(Market, Market.id == MarketDay.market_id).where(
            Market.venue_id == space.venue_id, MarketDay.status == MarketDayStatus.OPEN,
            MarketDay.day >= since).options(joinedload(MarketDay.market))
        .order_by(MarketDay.day).limit(limit)))


@dataclass
class LateConflict:
    """An approved session that a block or a market day now falls on. Approving checks both,
    so such a session was approved before the block was made or the market day opened (or
    before the space was marked as used by markets), and its centre still expects the space."""

    session: TrainingSession
    block: SpaceBlock | None = None
    market_day: MarketDay | None = None


def conflicts_after_approval(municipality_ids: set[int] | None, now: datetime | None = None,
                             limit: int = 300) -> list[LateConflict]:
    """Approved sessions still to come that a block or an open market day of their space is
    on, in the spaces of `municipality_ids` (None: every space), soonest first. Three queries:
    the blocks, the market days, then the approved sessions around them."""
    now = now or utcnow()
    zone = marketplace_zone()
    today = now.astimezone(zone).date()
    in_scope = Space.venue.has(Venue.municipality_id.in_(municipality_ids)) \
        if municipality_ids is not None else true()
    blocks: dict[int, list[SpaceBlock]] = {}
    for row in db.session.scalars(select(SpaceBlock).join(SpaceBlock.space).where(
            SpaceBlock.ends_on >= today, in_scope)):
        blocks.setdefault(row.space_id, []).append(row)
    market_days: dict[tuple[int, date], MarketDay] = {}
    for space_id, market_day in db.session.execute(
            select(Space.id, MarketDay).join(Market, Market.venue_id == Space.venue_id)
            .join(MarketDay, MarketDay.market_id == Market.id)
            .where(Space.used_by_markets.is_(True), MarketDay.status == MarketDayStatus.OPEN,
                   MarketDay.day >= today, in_scope)
            .options(joinedload(MarketDay.market))):
        market_days.setdefault((space_id, market_day.day), market_day)
    space_ids = set(blocks) | {space_id for space_id, _day in market_days}
    if not space_ids:
        return []
    last_day = max([b.ends_on for bs in blocks.values() for b in bs] +
                   [day for _space, day in market_days])
    until = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
    found = []
    for session in db.session.scalars(
            select(TrainingSession).where(
                TrainingSession.space_id.in_(space_ids),
                TrainingSession.status == SessionStatus.APPROVED,
                TrainingSession.ends_at > now, TrainingSession.starts_at < until)
            .options(joinedload(TrainingSession.booking).joinedload(Booking.centre),
                     joinedload(TrainingSession.booking).joinedload(Booking.space))
            .order_by(TrainingSession.starts_at, TrainingSession.id)):
        held_on = session.starts_at.astimezone(zone).date()
        block = next((b for b in blocks.get(session.space_id, []) if b.covers(held_on)), None)
        on_market = market_days.get((session.space_id, held_on))
        if block is not None or on_market is not None:
            found.append(LateConflict(session, block, on_market))
            if len(found) >= limit:
                break
    return found


def conflicts_for_staff(user) -> list[LateConflict]:
    """The late conflicts in the spaces `user` manages: their municipalities', or every
    space for an admin (the conflicts page and its API)."""
    return conflicts_after_approval(None if user.is_admin else user.staff_municipality_ids)
