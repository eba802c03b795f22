"""Factory fixtures for the booths domain: venues, booths, markets, applications, assignments.

Each factory commits and returns the object; defaults can be overridden by keyword. Markets are
open for applications now and their days lie in the future, so tests can apply and allocate.
"""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import current_app

from marketplace.booths.models import (
    Application,
    ApplicationCategory,
    ApplicationDay,
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    Booth,
    Market,
    MarketCategory,
    MarketDay,
    MarketKind,
    Venue,
)
from marketplace.booths.schedule import one_off_dates, opening_instant
from marketplace.core.db import utcnow
from marketplace.core.i18n import marketplace_zone

_seq = itertools.count(1)


def future_day(days_ahead: int = 10) -> date:
    """A day counted from today where the markets are (late in the UTC evening it is already
    tomorrow in Tehran): `days_ahead=0` is the day the app calls today."""
    return (utcnow().astimezone(marketplace_zone()) + timedelta(days=days_ahead)).date()


@pytest.fixture
def create_venue(db, create_municipality):
    def make(municipality=None, **overrides) -> Venue:
        n = next(_seq)
        values = {"name_fa": f"میدان بازارچه {n}", "name_en": f"Bazaar square {n}",
                  "address": "سهند، فاز ۲", "opening_hours": "9–14", "opens_at": time(9, 0),
                  "closes_at": time(14, 0), "grid_width": 10, "grid_height": 6,
                  "grid_breaks": [], "standard_fee_amount": 5000, "currency": "USD",
                  **overrides}
        venue = Venue(municipality=municipality or create_municipality(), **values)
        db.session.add(venue)
        db.session.commit()
        return venue

    return make


@pytest.fixture
def create_booth(db, create_venue):
    """create_booth(venue=None, **overrides): the next free cell of the venue's first row."""

    def make(venue=None, **overrides) -> Booth:
        venue = venue or create_venue()
        count = len(venue.booths)
        values = {"code": str(count + 1), "grid_x": count % venue.grid_width,
                  "grid_y": count // venue.grid_width, "width": 1, "height": 1,
                  "location_score": 50, "fee_amount": 0, "currency": venue.currency,
                  **overrides}
        booth = Booth(venue=venue, **values)
        db.session.add(booth)
        db.session.commit()
        db.session.refresh(venue)
        return booth

    return make


@pytest.fixture
def create_market(db, create_venue):
    """A one-off market over `days` days starting `starts_in` days from now, open for
    applications now; `categories` = [(category, cap)] it welcomes."""

    def make(venue=None, days=3, starts_in=10, categories=(), **overrides) -> Market:
        venue = venue or create_venue()
        n = next(_seq)
        starts_on = future_day(starts_in)
        ends_on = starts_on + timedelta(days=days - 1)
        now = datetime.now(UTC)
        values = {"kind": MarketKind.ONE_OFF, "name_fa": f"جشنواره {n}",
                  "name_en": f"Festival {n}", "starts_on": starts_on, "ends_on": ends_on,
                  "applications_open_at": now - timedelta(days=1),
                  "applications_close_at": now + timedelta(days=5), "published_seed": 1000 + n,
                  **overrides}
        market = Market(venue=venue, **values)
        zone = current_app.config["MARKETPLACE_TIMEZONE"]
        market.days = [MarketDay(day=d, opens_at=opening_instant(d, venue.opens_at, zone))
                       for d in one_off_dates(market.starts_on, market.ends_on)]
        market.categories = [MarketCategory(category_id=c.id, cap=cap) for c, cap in categories]
        db.session.add(market)
        db.session.commit()
        return market

    return make


@pytest.fixture
def create_application(db, create_trainee):
    """An application straight in the tables (no window or policy checks)."""

    def make(market, trainee=None, category=None, days=None, **overrides) -> Application:
        trainee = trainee or create_trainee()
        application = Application(market=market, trainee=trainee, **overrides)
        chosen = days if days is not None else market.days
        application.days = [ApplicationDay(market_day_id=d.id) for d in chosen]
        if category is not None:
            application.categories = [ApplicationCategory(category_id=category.id, position=0)]
        db.session.add(application)
        db.session.commit()
        return application

    return make


@pytest.fixture
def create_assignment(db):
    def make(booth, day, trainee, application=None, **overrides) -> Assignment:
        n = next(_seq)
        values = {"source": AssignmentSource.MANUAL, "status": AssignmentStatus.ACTIVE,
                  "check_in_code": f"{n:06d}", **overrides}
        assignment = Assignment(booth_id=booth.id, market_day_id=day.id, trainee_id=trainee.id,
                                application_id=application.id if application else None,
                                **values)
        db.session.add(assignment)
        db.session.commit()
        return assignment

    return make
