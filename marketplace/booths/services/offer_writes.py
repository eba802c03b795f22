"""Waitlist offers made from a waitlist run: each placement of the run becomes an offer of
that booth-day to the applicant the lottery drew, open until the market's deadline
(`Market.offer_hours`, and never past the day's opening). The partial unique indexes over
pending offers keep one pending offer per booth-day and per trainee and day, under any
interleaving; a placement that collides is left out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from marketplace.booths.allocation import model
from marketplace.booths.models import AllocationRun, BoothOffer, Market, OfferStatus
from marketplace.booths.services import offer_notices
from marketplace.extensions import db


def make_offers(market: Market, run: AllocationRun, placements: tuple[model.Placement, ...],
                lookups: dict, now: datetime) -> list[BoothOffer]:
    made: list[BoothOffer] = []
    for placement in placements:
        application = lookups["applications"].get(placement.application_id)
        day = lookups["days"].get(placement.day_id)
        if application is None or day is None:
            continue
        deadline = min(now + timedelta(hours=market.offer_hours), day.opens_at)
        offer = BoothOffer(market_day_id=day.id, booth_id=placement.booth_id,
                           application_id=application.id, trainee_id=placement.trainee_id,
                           run_id=run.id, status=OfferStatus.PENDING, offered_at=now,
                           expires_at=deadline)
        try:
            with db.session.begin_nested():
                db.session.add(offer)
                db.session.flush()
        except IntegrityError:
            continue  # held by another pending offer meanwhile
        offer_notices.offer_made(offer)
        made.append(offer)
    return made
