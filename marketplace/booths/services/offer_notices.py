"""What a waitlisted trainee is told about a booth-day offered to them, through the
notification centre (in-app, mail with the offer's own template, SMS by their choices)."""

from __future__ import annotations

from marketplace.booths.models import BoothOffer
from marketplace.core.urls import external_url
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path

SUBJECT_OFFERED = "A booth is offered to you"
SUBJECT_PASSED = "A booth offer has passed"


def _tell(offer: BoothOffer, event: EventKind, subject: str, template: str) -> None:
    user, day = offer.trainee.user, offer.market_day
    notify(user, event, {
        "lang": user.locale, "trainee_name": user.display_name,
        "market_name_fa": day.market.name_fa, "market_name_en": day.market.name("en"),
        "day": day.day, "booth_code": offer.booth.code, "expires_at": offer.expires_at,
        "deadline": offer.expires_at,
        "link": external_url("booths.offer", offer_id=offer.id)},
        mail=(subject, template), link=site_path("booths.offer", offer_id=offer.id))


def offer_made(offer: BoothOffer) -> None:
    """Accept or decline before the deadline; silence passes it on."""
    _tell(offer, EventKind.BOOTH_OFFERED, SUBJECT_OFFERED, "booths_offer_made")


def offer_passed(offer: BoothOffer) -> None:
    """The deadline passed unanswered: it went to the next applicant, and it is no strike."""
    _tell(offer, EventKind.BOOTH_OFFER_PASSED, SUBJECT_PASSED, "booths_offer_passed")
