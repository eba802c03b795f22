"""Staff notices to many trainees at once: the message is checked here, the recipients are
chosen by the caller (a centre's trainees here; a market day's in booths.services.broadcasts).
Each recipient gets it by their own channels for "notices from staff"."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import Trainee, TraineeStatus, TrainingCentre, User
from marketplace.core.errors import NotFound, RuleViolation
from marketplace.extensions import db
from marketplace.notifications import policies
from marketplace.notifications.errors import NotificationErrorCode
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify

MESSAGE_MAX = 500


def clean_message(message: str | None) -> str:
    text = (message or "").strip()
    if not text:
        raise RuleViolation(_("Write the notice."), code=NotificationErrorCode.MESSAGE_REQUIRED,
                            fields={"message": [_("Required.")]})
    if len(text) > MESSAGE_MAX:
        raise RuleViolation(_("A notice can be at most %(n)s characters.", n=MESSAGE_MAX),
                            code=NotificationErrorCode.MESSAGE_TOO_LONG,
                            fields={"message": [_("Too long.")]})
    return text


def broadcast(recipients: Iterable[User], message: str, *, sender_fa: str,
              sender_en: str | None, link: str | None = None) -> int:
    """Queue the notice to each recipient (once each); how many it goes to."""
    seen: set[int] = set()
    for user in recipients:
        if user.id in seen or user.is_disabled:
            continue
        seen.add(user.id)
        notify(user, EventKind.STAFF_BROADCAST,
               {"message": message, "sender_fa": sender_fa, "sender_en": sender_en or ""},
               link=link)
    return len(seen)


def get_centre_for_broadcast(actor: User, centre_id: int) -> TrainingCentre:
    centre = db.session.get(TrainingCentre, centre_id)
    if centre is None or not policies.can_broadcast_to_centre(actor, centre):
        raise NotFound(_("That training centre does not exist."),
                       code=AccountErrorCode.UNKNOWN_CENTRE)
    return centre


def centre_trainee_users(centre: TrainingCentre) -> list[User]:
    """The centre's verified trainees (one query)."""
    return list(db.session.scalars(
        select(User).join(Trainee, Trainee.user_id == User.id)
        .where(Trainee.centre_id == centre.id, Trainee.status == TraineeStatus.VERIFIED)
        .order_by(User.id)))


def broadcast_to_centre(actor: User, centre: TrainingCentre, message: str) -> int:
    if not policies.can_broadcast_to_centre(actor, centre):
        raise NotFound(_("That training centre does not exist."),
                       code=AccountErrorCode.UNKNOWN_CENTRE)
    text = clean_message(message)
    return broadcast(centre_trainee_users(centre), text, sender_fa=centre.name_fa,
                     sender_en=centre.name_en)
