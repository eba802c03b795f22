"""Staff invitations (issue 18): the staff's page of colleagues and invitations, and the
invitee's page that accepts one. Routes on the accounts blueprint (accounts.invitations holds
the rules).

Inviting takes two posts: the first shows who is about to get a staff role where, the second
(its `confirmed` field set) sends the invitation. Accepting is a page that says which role the
link gives, then a post."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts import invitations
from marketplace.accounts.forms import InvitationForm
from marketplace.accounts.invitations import CENTRES, MUNICIPALITIES
from marketplace.accounts.landing import landing_url
from marketplace.accounts.policies import can_manage_staff
from marketplace.accounts.views import bp
from marketplace.core.db import utcnow
from marketplace.core.errors import DomainError, Forbidden
from marketplace.core.forms import apply_domain_error
from marketplace.extensions import db

KINDS = f"any({CENTRES}, {MUNICIPALITIES})"


# --- staff: colleagues and invitations --------------------------------------------------------

@bp.get("/staff/colleagues")
@login_required
def my_colleagues():
    """The staff menu's entry: the one organisation's page, or a choice when there are several."""
    organisations = invitations.managed_organisations(current_user)
    if len(organisations) == 1:
        org = organisations[0]
        return redirect(url_for("accounts.staff_page", kind=invitations.kind_of(org),
                                org_id=org.id))
    if not organisations:
        if current_user.is_admin:
            return redirect(url_for("accounts.organisations"))
        raise Forbidden(_("Only centre and municipal staff have colleagues to invite."))
    return render_template("accounts/staff_choose.html", organisations=organisations,
                           kind_of=invitations.kind_of)


@bp.get(f"/staff/<{KINDS}:kind>/<int:org_id>")
@login_required
def staff_page(kind, org_id):
    return _staff_page(kind, org_id, InvitationForm())


def _staff_page(kind, org_id, form, status=200):
    org = invitations.organisation(kind, org_id)
    return render_template(
        "accounts/staff.html", org=org, kind=kind, form=form,
        colleagues=invitations.colleagues(current_user, org),
        invitations=invitations.open_invitations(current_user, org), now=utcnow()), status


@bp.post(f"/staff/<{KINDS}:kind>/<int:org_id>/invitations")
@login_required
def invite_staff(kind, org_id):
    org = invitations.organisation(kind, org_id)
    if not can_manage_staff(current_user, org):
        raise Forbidden(_("Only this organisation's staff can invite its staff."))
    form = InvitationForm()
    if not form.validate_on_submit():
        return _staff_page(kind, org_id, form, 422)
    try:
        invitee = invitations.parse_invitee(form.email.data, form.phone.data)
        if form.confirmed.data != "yes":
            return render_template("accounts/invite_confirm.html", org=org, kind=kind,
                                   form=form, invitee=invitee)
        invitations.invite_staff(current_user, org, invitee)
    except DomainError as error:
        if error.status not in (400, 409, 422):
            raise
        apply_domain_error(form, error)
        return _staff_page(kind, org_id, form, error.status)
    db.session.commit()
    flash(_("The invitation is sent. Your colleague becomes staff once they accept it."),
          "success")
    return redirect(url_for("accounts.staff_page", kind=kind, org_id=org_id))


@bp.post("/staff/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id):
    invitation = invitations.revoke_invitation(current_user, invitation_id)
    db.session.commit()
    org = invitation.organisation
    flash(_("The invitation is withdrawn; its link no longer works."), "info")
    return redirect(url_for("accounts.staff_page", kind=invitations.kind_of(org),
                            org_id=org.id))


# --- the invitee -------------------------------------------------------------------------------

@bp.get("/invitations/<token>")
def invitation(token):
    """What the link gives, and the button that accepts it; signed out, the way to sign in or
    sign up first and come back here."""
    try:
        found = invitations.invitation_for_token(token)
        if current_user.is_authenticated:
            invitations.check_invitee(current_user, found)
    except DomainError as error:
        return _invitation_refused(error)
    return render_template("accounts/invitation.html", invitation=found, token=token,
                           back_here=request.path)


@bp.post("/invitations/<token>")
@login_required
def accept_invitation(token):
    try:
        invitations.accept_invitation(current_user, token)
    except DomainError as error:
        return _invitation_refused(error)
    db.session.commit()
    flash(_("Welcome aboard: you are now staff here."), "success")
    return redirect(landing_url(current_user))


def _invitation_refused(error: DomainError):
    return render_template("accounts/invitation_invalid.html", message=error.message,
                           code=error.code), error.status
