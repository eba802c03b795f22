"""Demo markets and booths: Sahand's new-town weekly bazaar (every Friday, 40 booths) and the
Sardrud carpet-tableau festival (3 days, 60 booths), with applications from the demo trainees
and a confirmed allocation; and a one-day bazaar on the square today, its booths given by hand,
so municipal staff can try check-in on the day.

`seed(echo)` is idempotent: venues and markets are looked up by name before they are created;
`seed_today(echo)` adds today's bazaar only on a day that has none. Both go through the
services (as the municipal staff), so the demo holds every rule.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from marketplace.accounts.models import Municipality, TraineeStatus
from marketplace.accounts.services import find_user_by_email
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Application,
    Assignment,
    Market,
    MarketDay,
    MarketDayStatus,
    Venue,
)
from marketplace.booths.services import (
    allocation_runs,
    applications,
    assignments,
    markets,
    venues,
)
from marketplace.catalogue.models import Category, Product
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, DomainError
from marketplace.core.i18n import jalali_date, today_here
from marketplace.core.money import minor_units
from marketplace.demo.people import demo_email
from marketplace.extensions import db

SAHAND_VENUE = "میدان بازارچه شهر جدید سهند"
SAHAND_MARKET = "بازارچه جمعه شهر جدید سهند"
SARDRUD_VENUE = "سالن فرهنگی شهرداری سردرود"
SARDRUD_MARKET = "جشنواره تابلو فرش سردرود"
# Today's one-day bazaar on the Sahand square: its name carries the day, so each day of
# `make run` finds (or makes) its own. Booths by hand to these trainees (trainee1 is a login).
TODAY_MARKET = "بازارچه یک‌روزه سهند، {day}"
TODAY_MARKET_EN = "Sahand one-day bazaar, {day}"
TODAY_TRAINEES = ["trainee1", "trainee2", "trainee3", "trainee5", "trainee10", "trainee11"]

# Demo trainees (demo.people) by email local part; pending and rejected ones cannot apply.
SARDRUD_APPLICANTS = ["trainee1", "trainee2", "trainee3", "trainee4", "trainee5", "trainee6",
                      "trainee9", "trainee11"]
SAHAND_APPLICANTS = ["trainee9", "trainee10", "trainee11", "trainee1", "trainee6"]
# Preferred category slugs per trainee, if the catalogue has them; else the first categories.
CATEGORY_HINTS = {
    "trainee1": "carpet-tableaux", "trainee2": "carpet-tableaux", "trainee3": "carpet-tableaux",
    "trainee4": "carpet-tableaux", "trainee5": "handicrafts", "trainee6": "carpet-tableaux",
    "trainee9": "pottery", "trainee10": "food", "trainee11": "textiles-clothing",
}


def _fee(currency: str, units: int) -> int:
    if currency == "IRR":
        return units * 1_000_000
    return units * 10 ** minor_units(currency)


def _staff(slug: str):
    return find_user_by_email(demo_email(f"municipal.{slug}"))


def _venue(municipality: Municipality, staff, name_fa: str, data: venues.VenueData,
           booths: list[venues.BoothData]) -> tuple[Venue, bool]:
    venue = db.session.scalar(select(Venue).where(Venue.municipality_id == municipality.id,
                                                  Venue.name_fa == name_fa))
    if venue is not None:
        return venue, False
    venue = venues.create_venue(staff, municipality.id, data)
    for booth in booths:
        venues.create_booth(staff, venue, booth)
    db.session.refresh(venue)
    return venue, True


def _sahand_booths(currency: str) -> list[venues.BoothData]:
    """4 rows of 10 around a central walkway (row 2 is the aisle); the entrance is at x = 0."""
    booths = []
    for row, y in enumerate((0, 1, 3, 4)):
        for x in range(10):
            number = row * 10 + x + 1
            supportive = number % 4 == 0  # every fourth booth is a free "supportive" booth
            booths.append(venues.BoothData(
                code=str(number), grid_x=x, grid_y=y, has_power=y in (0, 4),
                is_corner=x in (0, 9), is_covered=y in (1, 3),
                is_accessible=x <= 1, location_score=max(10, 95 - 8 * x - (5 if y in (0, 4)
                                                                            else 0)),
                fee_amount=0 if supportive else _fee(currency, 5)))
    return booths


def _sardrud_booths(currency: str) -> list[venues.BoothData]:
    """5 rows of 12 in the cultural hall; pillars split the rows in the middle."""
    booths = []
    for y in range(5):
        for x in range(12):
            number = y * 12 + x + 1
            booths.append(venues.BoothData(
                code=str(number), grid_x=x, grid_y=y, has_power=True,
                is_corner=x in (0, 11) or y in (0, 4), is_covered=True,
                is_accessible=y == 0, location_score=max(5, 100 - 6 * y - 3 * abs(x - 6)),
                fee_amount=0 if y == 4 else _fee(currency, 8)))
    return booths


def _categories(hints: dict[str, str]) -> dict[str, int]:
    categories = list(db.session.scalars(select(Category).order_by(Category.parent_id.is_not(
        None), Category.position, Category.id)))
    if not categories:
        return {}
    by_slug = {c.slug: c.id for c in categories}
    fallback = [c.id for c in categories]
    chosen = {}
    for i, (local, slug) in enumerate(sorted(hints.items())):
        chosen[local] = by_slug.get(slug) or fallback[i % min(len(fallback), 4)]
    return chosen


def _market(venue: Venue, staff, data: markets.MarketData) -> tuple[Market, bool]:
    market = db.session.scalar(select(Market).where(Market.venue_id == venue.id,
                                                    Market.name_fa == data.name_fa))
    if market is not None:
        return market, False
    return markets.create_market(staff, venue, data), True


def _apply_all(market: Market, locals_: list[str], categories: dict[str, int], days,
               echo) -> int:
    count = 0
    for i, local in enumerate(locals_):
        user = find_user_by_email(demo_email(local))
        if user is None or user.trainee is None or local not in categories:
            continue
        products = list(db.session.scalars(select(Product.id).where(
            Product.trainee_id == user.trainee.id).order_by(Product.id).limit(3)))
        data = applications.ApplicationData(
            day_ids=[d.id for d in days], category_ids=[categories[local]],
            product_ids=products,
            needs_power=i % 3 == 0, needs_accessible=i == 2,
            note="با کارهای تازه می‌آیم." if i % 2 else "")
        try:
            applications.apply_for_market(user, market, data)
        except Conflict:
            continue
        count += 1
    return count


def _has_applications(market: Market) -> bool:
    return db.session.scalar(select(Application.id).where(
        Application.market_id == market.id).limit(1)) is not None


def seed(echo) -> None:
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    municipalities = {m.slug: m for m in db.session.scalars(select(Municipality).where(
        Municipality.slug.in_(("sahand", "sardrud"))))}
    sahand_staff, sardrud_staff = _staff("sahand"), _staff("sardrud")
    if len(municipalities) < 2 or sahand_staff is None or sardrud_staff is None:
        echo("booths: the accounts demo (municipalities and their staff) is missing; skipped")
        return
    categories = _categories(CATEGORY_HINTS)
    now = datetime.now(UTC)
    today = now.date()

    sahand_venue, made = _venue(
        municipalities["sahand"], sahand_staff, SAHAND_VENUE,
        venues.VenueData(name_fa=SAHAND_VENUE, name_en="Sahand new-town bazaar square",
                           address="سهند، فاز ۲، بلوار اصلی، روبه‌روی پارک",
                           opening_hours="جمعه‌ها ۹ تا ۱۴", opens_at=time(9, 0),
                           closes_at=time(14, 0), grid_width=10, grid_height=5,
                           grid_breaks=[[4, 0, 5, 0], [4, 4, 5, 4]],
                           standard_fee_amount=_fee(currency, 5)),
        _sahand_booths(currency))
    echo(f"booths: venue {SAHAND_VENUE} ({'created' if made else 'already there'})")
    sardrud_venue, made = _venue(
        municipalities["sardrud"], sardrud_staff, SARDRUD_VENUE,
        venues.VenueData(name_fa=SARDRUD_VENUE, name_en="Sardrud municipal cultural hall",
                           address="سردرود، خیابان امام، فرهنگسرای شهرداری",
                           opening_hours="۱۰ تا ۲۰", opens_at=time(10, 0),
                           closes_at=time(20, 0), grid_width=12, grid_height=5,
                           grid_breaks=[[5, y, 6, y] for y in range(5)],
                           standard_fee_amount=_fee(currency, 8)),
        _sardrud_booths(currency))
    echo(f"booths: venue {SARDRUD_VENUE} ({'created' if made else 'already there'})")

    welcomed = sorted(set(categories.values()))
    sahand_market, made_sahand = _market(sahand_venue, sahand_staff, markets.MarketData(
        kind="recurring", name_fa=SAHAND_MARKET, name_en="Sahand new-town Friday bazaar",
        description="بازارچه‌ی هفتگی محصولات کارآموزان فنی و حرفه‌ای در شهر جدید سهند.",
        starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=90),
        recurrence_rule="FREQ=WEEKLY;BYDAY=FR",
        applications_open_at=now - timedelta(days=7),
        applications_close_at=now + timedelta(days=60),
        categories=[(c, 6) for c in welcomed], no_show_strike_limit=2,
        ineligibility_days=28, check_in_deadline_minutes=60, withdraw_cutoff_hours=24))
    sardrud_market, made_sardrud = _market(sardrud_venue, sardrud_staff, markets.MarketData(
        kind="one_off", name_fa=SARDRUD_MARKET, name_en="Sardrud carpet-tableau festival",
        description="جشنواره‌ی سه‌روزه‌ی تابلو فرش، طراحی نقشه و رنگرزی سنتی سردرود.",
        starts_on=today + timedelta(days=14), ends_on=today + timedelta(days=16),
        applications_open_at=now - timedelta(days=10),
        applications_close_at=now + timedelta(days=7),
        categories=[(c, None) for c in welcomed], allow_clusters=False,
        withdraw_cutoff_hours=72))
    echo(f"booths: markets ({int(made_sahand) + int(made_sardrud)} created)")
    if not categories:
        echo("booths: no catalogue categories; applications skipped")
        return

    # Applications and the allocation come once, when the market has none yet (the catalogue's
    # categories may arrive on a later run of seed-demo).
    if not _has_applications(sardrud_market):
        count = _apply_all(sardrud_market, SARDRUD_APPLICANTS, categories,
                           sardrud_market.days, echo)
        run = allocation_runs.preview_allocation(sardrud_staff, sardrud_market)
        allocation_runs.confirm_run(sardrud_staff, run)
        echo(f"booths: festival — {count} applications, {run.placements_count} booth-days "
             f"given, {run.unserved_count} waitlisted")
    if not _has_applications(sahand_market):
        first_fridays = sahand_market.days[:4]
        count = _apply_all(sahand_market, SAHAND_APPLICANTS, categories, first_fridays, echo)
        run = allocation_runs.preview_allocation(sahand_staff, sahand_market)
        allocation_runs.confirm_run(sahand_staff, run)
        echo(f"booths: Friday bazaar — {count} applications, {run.placements_count} "
             f"booth-days given")
    db.session.flush()


def seed_today(echo) -> None:
    """A market day today with booths given, so check-in can be tried on the day: a one-day
    bazaar on the Sahand square, its booths given by the municipal staff on the map (as they
    would for a bazaar arranged at short notice). Made once per day: a later `make run` finds
    today's bazaar (or, on a Friday, the Friday bazaar's booths) and changes nothing, and on
    another day adds that day's bazaar beside the earlier ones, which stay as people left
    them."""
    staff = _staff("sahand")
    venue = db.session.scalar(select(Venue).where(Venue.name_fa == SAHAND_VENUE))
    if staff is None or venue is None:
        echo("booths: the Sahand square or its staff is missing; no market day today")
        return
    today, now = today_here(), utcnow()  # today in Tehran, not UTC's date
    name_fa = TODAY_MARKET.format(day=jalali_date(today))
    if db.session.scalar(select(Market.id).where(Market.venue_id == venue.id,
                                                 Market.name_fa == name_fa)) is not None:
        echo(f"booths: today's bazaar ({today}) is already there")
        return
    if _has_booths_on(today):
        echo(f"booths: a market day today ({today}) with booths given is already there")
        return
    market = markets.create_market(staff, venue, markets.MarketData(
        kind="one_off", name_fa=name_fa,
        name_en=TODAY_MARKET_EN.format(day=f"{today.day} {today:%B %Y}"),
        description="بازارچه‌ی یک‌روزه‌ی محصولات کارآموزان در میدان شهر جدید سهند.",
        starts_on=today, ends_on=today,
        applications_open_at=now - timedelta(days=14),
        applications_close_at=now - timedelta(days=2),
        categories=[(c, None) for c in sorted(set(_categories(CATEGORY_HINTS).values()))]))
    day = market.days[0]
    booths = iter(sorted((b for b in venue.booths if b.is_active), key=lambda b: b.id))
    given = []
    for local in TODAY_TRAINEES:
        user = find_user_by_email(demo_email(local))
        if user is None or user.trainee is None or \
                user.trainee.status != TraineeStatus.VERIFIED:
            continue
        booth = next(booths, None)
        if booth is None:
            break
        try:
            assignment = assignments.assign_booth(staff, day, booth, user.trainee)
        except DomainError:  # a booth elsewhere today (a Friday): they keep that one
            continue
        given.append(f"{booth.code} → {user.email} (code {assignment.check_in_code})")
    db.session.flush()
    echo(f"booths: today's bazaar {today} on the Sahand square, {len(given)} booths given; "
         f"check-in at /booths/days/{day.id}/check-in: " + ", ".join(given))


def _has_booths_on(day) -> bool:
    return db.session.scalar(
        select(Assignment.id).join(MarketDay, Assignment.market_day_id == MarketDay.id)
        .where(MarketDay.day == day, MarketDay.status == MarketDayStatus.OPEN,
               Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES)).limit(1)) is not None
