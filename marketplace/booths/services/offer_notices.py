"""What a waitlisted trainee is told about a booth-day offered to them: one function per
notice, each sending mail (and an SMS to a verified mobile number) after the commit.

Kept apart and tiny so the notification centre's `notify()` can replace the bodies without
touching the callers (booths.services.offer_writes and booths.services.offers).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.booths.models import BoothOffer
from marketplace.core.mail import send_mail_after_commit
from marketplace.core.sms import send_text_after_commit
from marketplace.core.urls import external_url

SUBJECT_OFFERED = "A booth is offered to you"
SUBJECT_PASSED = "A booth offer has passed"


def _mail(offer: BoothOffer, subject: str, template: str) -> None:
    user, day = offer.trainee.user, offer.market_day
    send_mail_after_commit(
        user.email, subject, template, locale=user.locale, lang=user.locale,
        trainee_name=user.display_name, market_name_fa=day.market.name_fa,
        market_name_en=day.market.name("en"), day=day.day, booth_code=offer.booth.code,
        expires_at=offer.expires_at, link=external_url("booths.offer", offer_id=offer.id))


def offer_made(offer: BoothOffer) -> None:
    """Accept or decline before the deadline; silence passes it on."""
    _mail(offer, SUBJECT_OFFERED, "booths_offer_made")
    user = offer.trainee.user
    if user.phone and user.has_verified_phone:
        with force_locale(user.locale):
            text = _("Bazaarche: a booth is offered to you. Accept or decline it before the "
                     "deadline: %(link)s",
                     link=external_url("booths.offer", offer_id=offer.id))
        send_text_after_commit(user.phone, text)


def offer_passed(offer: BoothOffer) -> None:
    """The deadline passed unanswered: it went to the next applicant, and it is no strike."""
    _mail(offer, SUBJECT_PASSED, "booths_offer_passed")
