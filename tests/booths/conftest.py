"""Shared pieces for booth tests: a small festival with categories, booths and staff."""

from dataclasses import dataclass

import pytest


@dataclass
class World:
    municipality: object
    staff: object
    venue: object
    market: object
    category: object
    other_category: object
    booths: list


@pytest.fixture
def world(create_municipality, create_municipal_staff, create_venue, create_booth,
          create_market, create_category):
    """A venue with 4 booths in a row (booth 1 has power and is accessible), and a 3-day
    festival welcoming two categories, run by `staff` of the venue's municipality."""
    municipality = create_municipality()
    staff = create_municipal_staff(municipality=municipality)
    venue = create_venue(municipality=municipality)
    booths = [create_booth(venue=venue, has_power=(i == 0), is_accessible=(i == 0),
                           location_score=80 - 10 * i, fee_amount=0 if i % 2 == 0 else 2500)
              for i in range(4)]
    category, other = create_category(), create_category()
    market = create_market(venue=venue, categories=[(category, None), (other, None)])
    return World(municipality, staff, venue, market, category, other, booths)


def make_day_today(db, day) -> None:
    """Move a market day to today, opened a few minutes ago, so check-in is allowed now."""
    from datetime import timedelta

    from marketplace.core.db import utcnow
    from marketplace.core.i18n import marketplace_zone

    now = utcnow()
    day.day = now.astimezone(marketplace_zone()).date()
    day.opens_at = now - timedelta(minutes=5)
    db.session.commit()


def accept_offers(db) -> int:
    """Every pending waitlist offer accepted by its trainee (a freed booth-day is offered, not
    given: booths.services.offers); returns how many."""
    from sqlalchemy import select

    from marketplace.booths.models import BoothOffer, OfferStatus
    from marketplace.booths.services import offers

    pending = db.session.scalars(select(BoothOffer).where(
        BoothOffer.status == OfferStatus.PENDING).order_by(BoothOffer.id)).all()
    for offer in pending:
        offers.accept_offer(offer.trainee.user, offer)
    db.session.commit()
    return len(pending)
