"""Staff invitations (issue 18): staff add colleagues to their own centre or municipality.

A centre's (or municipality's) staff, or an admin, invite an email address or a mobile number;
the invitee gets a link (accounts.signals.staff_invited: notifications sends it) and accepts it
signed in as the account that owns that address or verified number — after signing up first
when they have no account, the link kept as `next`. Accepting makes them staff of that one
organisation. An invitation expires (`STAFF_INVITATION_TTL_DAYS`), is spent by its first
acceptance, and its organisation's staff may revoke it while it is open.

Only a hash of the link's token is stored, as for API tokens: reading the table does not let
anyone accept an invitation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from marketplace.accounts import policies
from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import (
    CentreStaff,
    MunicipalStaff,
    StaffInvitation,
    TrainingCentre,
    User,
)
from marketplace.accounts.phone_codes import parse_phone_field
from marketplace.accounts.services import (
    Organisation,
    add_member,
    get_centre,
    get_municipality,
    normalize_email,
)
from marketplace.accounts.signals import staff_invitation_accepted, staff_invited
from marketplace.core.db import rows_changed, utcnow
from marketplace.core.errors import BadRequest, Conflict, DomainError, Forbidden, NotFound
from marketplace.extensions import db

# The URL segment of each kind of organisation, in pages and the API alike.
CENTRES, MUNICIPALITIES = "centres", "municipalities"


@dataclass(frozen=True)
class Invitee:
    """Where an invitation goes: an email address, a mobile number (E.164), or both."""

    email: str | None = None
    phone: str | None = None


def organisation(kind: str, org_id: int) -> Organisation:
    return get_centre(org_id) if kind == CENTRES else get_municipality(org_id)


def kind_of(org: Organisation) -> str:
    return CENTRES if isinstance(org, TrainingCentre) else MUNICIPALITIES


def parse_invitee(email: str | None, phone: str | None) -> Invitee:
    """The address and number as stored (lower-cased email, E.164 number); one is needed."""
    email = normalize_email(email or "") or None
    number = parse_phone_field(phone) if phone and phone.strip() else None
    if email is None and number is None:
        message = _("Enter the colleague's email or mobile number.")
        raise BadRequest(message, code=AccountErrorCode.INVITEE_REQUIRED,
                         fields={"email": [message]})
    return Invitee(email, number)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_manager(actor: User, org: Organisation) -> None:
    if not policies.can_manage_staff(actor, org):
        raise Forbidden(_("Only this organisation's staff can invite its staff."))


def accounts_of(invitee: Invitee | StaffInvitation) -> list[User]:
    """The accounts that own the invitee's address or verified number."""
    conditions = []
    if invitee.email:
        conditions.append(User.email == invitee.email)
    if invitee.phone:
        conditions.append((User.phone == invitee.phone) & User.phone_verified_at.is_not(None))
    return list(db.session.scalars(select(User).where(or_(*conditions))))


def _of(org: Organisation):
    """The invitation column that names `org`, equal to it."""
    if isinstance(org, TrainingCentre):
        return StaffInvitation.centre_id == org.id
    return StaffInvitation.municipality_id == org.id


def _check_not_member(invitee: Invitee, org: Organisation) -> None:
    for user in accounts_of(invitee):
        ids = user.staff_centre_ids if isinstance(org, TrainingCentre) \
            else user.staff_municipality_ids
        if org.id in ids:
            raise Conflict(_("That person is already staff here."),
                           code=AccountErrorCode.ALREADY_STAFF)


def _check_not_invited(invitee: Invitee, org: Organisation) -> None:
    addresses = []
    if invitee.email:
        addresses.append(StaffInvitation.email == invitee.email)
    if invitee.phone:
        addresses.append(StaffInvitation.phone == invitee.phone)
    waiting = db.session.scalar(select(StaffInvitation.id).where(
        _of(org), or_(*addresses), StaffInvitation.accepted_at.is_(None),
        StaffInvitation.revoked_at.is_(None), StaffInvitation.expires_at > utcnow()).limit(1))
    if waiting is not None:
        raise Conflict(_("An invitation to that person is already waiting. Withdraw it to send "
                         "a new one."), code=AccountErrorCode.ALREADY_INVITED)


def invite_staff(actor: User, org: Organisation,
                 invitee: Invitee) -> tuple[StaffInvitation, str]:
    """Invite `invitee` to `org`'s staff; returns the invitation and its link's token (which
    goes only to the invitee, through the `staff_invited` signal)."""
    _require_manager(actor, org)
    _check_not_member(invitee, org)
    _check_not_invited(invitee, org)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = StaffInvitation(
        token_hash=_hash(token), email=invitee.email, phone=invitee.phone, invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["STAFF_INVITATION_TTL_DAYS"]))
    if isinstance(org, TrainingCentre):
        invitation.centre = org
    else:
        invitation.municipality = org
    db.session.add(invitation)
    db.session.flush()
    staff_invited.send(invitation, token=token)
    return invitation, token


# --- the invitee's side ------------------------------------------------------------------------

def invitation_for_token(token: str) -> StaffInvitation:
    """The invitation of a link, while it can still be accepted; a 4xx that says why not."""
    invitation = db.session.scalar(select(StaffInvitation).where(
        StaffInvitation.token_hash == _hash(token or "")))
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."),
                       code=AccountErrorCode.UNKNOWN_INVITATION)
    if invitation.revoked_at is not None:
        raise DomainError(_("This invitation was withdrawn. Ask for a new one."),
                          code=AccountErrorCode.INVITATION_REVOKED, status=410)
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation was already accepted; it can be used once only."),
                       code=AccountErrorCode.INVITATION_USED)
    if invitation.expires_at <= utcnow():
        raise DomainError(_("This invitation has expired. Ask for a new one."),
                          code=AccountErrorCode.INVITATION_EXPIRED, status=410)
    return invitation


def check_invitee(user: User, invitation: StaffInvitation) -> None:
    """Only the owner of the invited address (or verified number) may accept: a forwarded link
    is not a way into someone else's staff."""
    if invitation.email and user.email == invitation.email:
        return
    if invitation.phone and user.phone == invitation.phone:
        if user.has_verified_phone:
            return
        raise Forbidden(_("Verify your mobile number first, then open the invitation again."),
                        code=AccountErrorCode.PHONE_NOT_VERIFIED)
    raise Forbidden(_("This invitation is for someone else. Sign in with the account it was "
                      "sent to."), code=AccountErrorCode.INVITATION_NOT_YOURS)


def accept_invitation(user: User, token: str) -> CentreStaff | MunicipalStaff:
    """Make `user` staff of the invitation's organisation and spend the invitation."""
    invitation = invitation_for_token(token)
    check_invitee(user, invitation)
    # Spent by one conditional statement: two tabs accepting at once make one membership.
    spent = db.session.execute(
        update(StaffInvitation)
        .where(StaffInvitation.id == invitation.id, StaffInvitation.accepted_at.is_(None),
               StaffInvitation.revoked_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
        .execution_options(synchronize_session=False))
    if rows_changed(spent) != 1:
        raise Conflict(_("This invitation was already accepted; it can be used once only."),
                       code=AccountErrorCode.INVITATION_USED)
    db.session.refresh(invitation)
    membership = add_member(user, invitation.organisation)
    staff_invitation_accepted.send(invitation, member=user)
    return membership


# --- the organisation's side --------------------------------------------------------------------

def revoke_invitation(actor: User, invitation_id: int) -> StaffInvitation:
    invitation = db.session.get(StaffInvitation, invitation_id)
    if invitation is None or not policies.can_manage_staff(actor, invitation.organisation):
        # Another organisation's invitation is reported as missing, so ids can't be probed.
        raise NotFound(_("That invitation does not exist."),
                       code=AccountErrorCode.UNKNOWN_INVITATION)
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation was already accepted; it can be used once only."),
                       code=AccountErrorCode.INVITATION_USED)
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()
    return invitation


def open_invitations(actor: User, org: Organisation) -> list[StaffInvitation]:
    """`org`'s invitations not yet accepted or revoked (expired ones too: staff see they
    lapsed), newest first."""
    _require_manager(actor, org)
    return list(db.session.scalars(
        select(StaffInvitation).options(selectinload(StaffInvitation.invited_by))
        .where(_of(org), StaffInvitation.accepted_at.is_(None),
               StaffInvitation.revoked_at.is_(None))
        .order_by(StaffInvitation.id.desc())))


def colleagues(actor: User, org: Organisation) -> list[User]:
    """`org`'s staff, by name."""
    _require_manager(actor, org)
    membership = CentreStaff if isinstance(org, TrainingCentre) else MunicipalStaff
    org_column = (CentreStaff.centre_id if isinstance(org, TrainingCentre)
                  else MunicipalStaff.municipality_id)
    return list(db.session.scalars(
        select(User).join(membership, membership.user_id == User.id)
        .where(org_column == org.id).order_by(User.display_name, User.id)))


def managed_organisations(user: User) -> list[Organisation]:
    """The centres and municipalities whose staff `user` may manage, for their staff menu (an
    admin manages everything through the organisations page)."""
    found: list[Organisation] = [m.centre for m in user.centre_memberships]
    found += [m.municipality for m in user.municipal_memberships]
    return found

