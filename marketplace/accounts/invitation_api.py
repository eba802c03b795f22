"""Staff invitations for API clients (issue 18): a centre's or municipality's staff invite a
colleague by email or mobile number, list and revoke the open invitations; the invitee accepts
with the token from the link they were sent. Routes on the accounts API blueprint; the rules
are accounts.invitations'."""

from flask.views import MethodView

from marketplace.accounts import invitations
from marketplace.accounts.api import blp
from marketplace.accounts.schemas import (
    InvitationAcceptSchema,
    InvitationCreateSchema,
    InvitationSchema,
    StaffSchema,
)
from marketplace.core.api import BEARER
from marketplace.core.auth import login_required_api, require_login
from marketplace.extensions import db


def _invitations_of(kind: str, org_id: int):
    return invitations.open_invitations(require_login(), invitations.organisation(kind, org_id))


def _invite(kind: str, org_id: int, data: dict):
    invitee = invitations.parse_invitee(data["email"], data["phone"])
    invitation, _token = invitations.invite_staff(
        require_login(), invitations.organisation(kind, org_id), invitee)
    db.session.commit()
    return invitation


@blp.route("/centres/<int:centre_id>/invitations")
class CentreInvitations(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.response(200, InvitationSchema(many=True))
    def get(self, centre_id):
        """The centre's invitations not yet accepted or revoked, newest first (its staff and
        admins)."""
        return _invitations_of(invitations.CENTRES, centre_id)

    @blp.doc(security=BEARER)
    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, InvitationSchema)
    def post(self, data, centre_id):
        """Invite a colleague to the centre's staff by email or mobile number (its staff and
        admins). The link goes to the invitee only; 409 `already_staff` or `already_invited`
        when there is nothing to send."""
        return _invite(invitations.CENTRES, centre_id, data)


@blp.route("/municipalities/<int:municipality_id>/invitations")
class MunicipalityInvitations(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.response(200, InvitationSchema(many=True))
    def get(self, municipality_id):
        """The municipality's invitations not yet accepted or revoked, newest first (its staff
        and admins)."""
        return _invitations_of(invitations.MUNICIPALITIES, municipality_id)

    @blp.doc(security=BEARER)
    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, InvitationSchema)
    def post(self, data, municipality_id):
        """Invite a colleague to the municipality's staff by email or mobile number (its staff
        and admins); as for a centre."""
        return _invite(invitations.MUNICIPALITIES, municipality_id, data)


@blp.route("/invitations/<int:invitation_id>")
class Invitation(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.response(200, InvitationSchema)
    def delete(self, invitation_id):
        """Revoke an open invitation of your organisation: its link stops working."""
        invitation = invitations.revoke_invitation(require_login(), invitation_id)
        db.session.commit()
        return invitation


@blp.route("/invitations/accept")
class AcceptInvitation(MethodView):
    decorators = [login_required_api]

    @blp.doc(security=BEARER)
    @blp.arguments(InvitationAcceptSchema)
    @blp.response(201, StaffSchema)
    def post(self, data):
        """Accept an invitation sent to your email or verified mobile number: you become
        staff of its organisation. 404 `unknown_invitation`, 410 `invitation_expired` or
        `invitation_revoked`, 409 `invitation_used`, 403 `invitation_not_yours`."""
        membership = invitations.accept_invitation(require_login(), data["token"])
        db.session.commit()
        return membership
