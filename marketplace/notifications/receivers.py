"""Notices about accounts, which sit below notifications: accounts sends signals
(accounts.signals) and these receivers, connected by the app factory, tell the people."""

from __future__ import annotations

from marketplace.accounts.models import Trainee, TraineeStatus, User
from marketplace.core.urls import external_url
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path

_STATUS_KINDS = {
    TraineeStatus.VERIFIED: EventKind.TRAINEE_VERIFIED,
    TraineeStatus.REJECTED: EventKind.TRAINEE_REJECTED,
    TraineeStatus.SUSPENDED: EventKind.TRAINEE_SUSPENDED,
}


def N_(message: str) -> str:
    """Marks a msgid that core.mail translates later, in the reader's language."""
    return message


SUBJECT_STATUS = N_("Your trainee account has changed")
SUBJECT_PENDING = N_("A trainee is waiting for verification")


def on_trainee_status_changed(trainee: Trainee, *, actor: User | None = None,
                              old: TraineeStatus, new: TraineeStatus, **_details) -> None:
    kind = _STATUS_KINDS.get(new)
    if kind is None:
        return
    user = trainee.user
    notify(user, kind, {"trainee_name": user.display_name, "status": new.value,
                        "reason": trainee.status_reason},
           mail=(SUBJECT_STATUS, "trainee_status"), link=site_path("accounts.profile"))


def on_trainee_registered(trainee: Trainee, **_details) -> None:
    """The staff of the trainee's centre have someone to verify."""
    centre = trainee.centre
    for membership in centre.staff:
        staff = membership.user
        notify(staff, EventKind.TRAINEE_REGISTERED,
               {"trainee_name": trainee.user.display_name,
                "centre_name": centre.name(staff.locale),
                "review_url": external_url("accounts.centre_trainees")},
               mail=(SUBJECT_PENDING, "trainee_pending"),
               link=site_path("accounts.centre_trainees"))
