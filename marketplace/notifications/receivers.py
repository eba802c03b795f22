"""Notices about accounts, which sit below notifications: accounts sends signals
(accounts.signals) and these receivers, connected by the app factory, tell the people."""

from __future__ import annotations

from flask_babel import force_locale

from marketplace.accounts.invitations import accounts_of, kind_of
from marketplace.accounts.models import StaffInvitation, Trainee, TraineeStatus, User
from marketplace.core.mail import send_mail_after_commit
from marketplace.core.sms import send_text_after_commit
from marketplace.core.urls import external_url
from marketplace.notifications.events import SPECS
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
SUBJECT_INVITED = N_("An invitation to join the staff on Bazaarche")


def on_trainee_status_changed(trainee: Trainee, *, actor: User | None = None,
                              old: TraineeStatus, new: TraineeStatus, **_details) -> None:
    kind = _STATUS_KINDS.get(new)
    if kind is None:
        return
    user = trainee.user
    notify(user, kind, {"trainee_name": user.display_name, "status": new.value,
                        "reason": trainee.status_reason},
           mail=(SUBJECT_STATUS, "trainee_status"), link=site_path("accounts.profile"))


def on_trainee_registered(trainee: Trainee, *, resubmitted: bool = False, **_details) -> None:
    """The staff of the trainee's centre have someone to verify: a new trainee, or one they
    rejected who corrected their details and asks again (`resubmitted`)."""
    centre = trainee.centre
    for membership in centre.staff:
        staff = membership.user
        notify(staff, EventKind.TRAINEE_REGISTERED,
               {"trainee_name": trainee.user.display_name,
                "centre_name": centre.name(staff.locale), "resubmitted": resubmitted,
                "reason": trainee.status_reason if resubmitted else None,
                "review_url": external_url("accounts.centre_trainees")},
               mail=(SUBJECT_PENDING, "trainee_pending"),
               link=site_path("accounts.centre_trainees"))


def on_staff_invited(invitation: StaffInvitation, *, token: str, **_details) -> None:
    """Send the invitation's link to the invitee: as a notice when an account owns the invited
    address or verified number (their feed, mail and SMS, by their choices), else by mail or
    text message to the address itself, in the inviter's language."""
    path = site_path("accounts.invitation", token=token)
    accounts = accounts_of(invitation)
    for user in accounts:
        notify(user, EventKind.STAFF_INVITED, _invitation_context(invitation, token, user.locale),
               mail=(SUBJECT_INVITED, "staff_invitation"), email=invitation.email, link=path)
    if accounts:
        return
    locale = invitation.invited_by.locale or "fa"
    context = _invitation_context(invitation, token, locale)
    send_mail_after_commit(invitation.email, SUBJECT_INVITED, "staff_invitation", locale=locale,
                           **context)
    if invitation.phone:
        with force_locale(locale):
            title, body = SPECS[EventKind.STAFF_INVITED].render(context)
            text = f"{title}\n{body}\n{context['accept_url']}"
        send_text_after_commit(invitation.phone, text)


def on_staff_invitation_accepted(invitation: StaffInvitation, *, member: User,
                                 **_details) -> None:
    """Tell whoever sent the invitation that it was taken up, in their language, with a link
    to the organisation's staff page."""
    inviter = invitation.invited_by
    org = invitation.organisation
    notify(inviter, EventKind.STAFF_INVITATION_ACCEPTED,
           {"member_name": member.display_name, "organisation": org.name(inviter.locale)},
           link=site_path("accounts.staff_page", kind=kind_of(org), org_id=org.id))


def _invitation_context(invitation: StaffInvitation, token: str, locale: str) -> dict:
    return {"organisation": invitation.organisation.name(locale),
            "inviter_name": invitation.invited_by.display_name,
            "accept_url": external_url("accounts.invitation", token=token),
            "days": (invitation.expires_at - invitation.created_at).days}
