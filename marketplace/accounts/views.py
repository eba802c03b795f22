"""Accounts pages: sign-up, sign-in, passwords, profile, tokens, verification, organisations."""

from typing import cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user, user_logged_in
from sqlalchemy import select

from marketplace.accounts import api_tokens, queries, services
from marketplace.accounts.forms import (
    CentreForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    MunicipalityForm,
    ProfileForm,
    ReasonForm,
    ResetPasswordForm,
    SignupForm,
    StaffForm,
    TokenForm,
    TraineeDetailsForm,
    TraineeSignupForm,
)
from marketplace.accounts.landing import landing_url
from marketplace.accounts.models import ApiToken, TraineeStatus, TrainingCentre
from marketplace.core.auth import admin_required
from marketplace.core.errors import DomainError, Forbidden
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import choice_made_signed_out, locale_code
from marketplace.core.phone import display_phone
from marketplace.core.redirects import next_target
from marketplace.extensions import db, limiter

bp = Blueprint("accounts", __name__)



def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def only_posts() -> bool:
    return request.method != "POST"


def centre_choices() -> list[tuple[int, str]]:
    centres = db.session.scalars(select(TrainingCentre).order_by(TrainingCentre.name_fa))
    locale = locale_code()
    return [(c.id, f"{c.name(locale)} — {c.city}") for c in centres]


# --- sign-in ---------------------------------------------------------------------------------

@bp.app_template_global("next_to_carry")
def next_to_carry() -> str | None:
    """The request's `next` when it is a path on this site, for the links and forms of the
    sign-in and sign-up steps to pass on (None: url_for leaves the parameter out), so that
    the page a visitor was sent from is where they land after signing up too."""
    return next_target("") or None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, exempt_when=only_posts)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            form.form_errors.append(str(error.message))
        else:
            login_user(user, remember=form.remember.data)
            return redirect(next_target(landing_url(user)))
    return render_template("accounts/login.html", form=form)


@user_logged_in.connect
def keep_the_language_chosen_before_signing_in(_app, user, **_extra):
    """A visitor who switched language before signing in (or signing up) stays in it: the
    account's saved language would otherwise take over."""
    chosen = choice_made_signed_out()
    if chosen and chosen != user.locale:
        user.locale = chosen
        db.session.commit()


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("storefront.home"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        data = services.SignUp(form.email.data, form.password.data, form.display_name.data,
                               form.phone.data, locale=_current_language())
        try:
            user = services.register_buyer(data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to Bazaarche!"), "success")
            return redirect(next_target(url_for("storefront.home")))
    return render_template("accounts/signup.html", form=form)


@bp.route("/signup/trainee", methods=["GET", "POST"])
def signup_trainee():
    if current_user.is_authenticated:
        return _become_trainee()
    form = TraineeSignupForm()
    form.centre_id.choices = centre_choices()
    if form.validate_on_submit():
        data = services.TraineeSignUp(
            form.email.data, form.password.data, form.display_name.data, form.phone.data,
            locale=_current_language(), centre_id=form.centre_id.data, trade=form.trade.data,
            certificate_number=form.certificate_number.data, store_name=form.store_name.data,
            bio=form.bio.data or "")
        try:
            user = services.register_trainee(data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your trainee account is waiting for your centre to verify it."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/signup_trainee.html", form=form)


def _become_trainee():
    """Signed in already (a buyer who signed up with a phone number alone, say): only the
    training and store parts of the form; the account is theirs already."""
    if current_user.trainee is not None:
        return redirect(url_for("accounts.profile"))
    form = TraineeDetailsForm()
    form.centre_id.choices = centre_choices()
    if form.validate_on_submit():
        try:
            services.become_trainee(current_user, form.details())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your trainee account is waiting for your centre to verify it."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/signup_trainee.html", form=form)


def _current_language() -> str:
    return locale_code()


# --- passwords -------------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(reset_limit, exempt_when=only_posts)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses that email, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(reset_limit, exempt_when=only_posts)
def reset_password(token):
    try:
        services.user_for_reset_token(token)
    except DomainError as error:
        return render_template("accounts/reset_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


# --- profile, password, tokens ---------------------------------------------------------------

@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user
    form = _profile_form(user)
    if form.validate_on_submit():
        try:
            services.update_profile(user, display_name=form.display_name.data,
                                    phone=form.phone.data, locale=form.locale.data,
                                    bio=form.bio.data, store_name=form.store_name.data,
                                    trade=form.trade.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form,
                           password_form=ChangePasswordForm(prefix="pw"),
                           again_form=_again_form(user))


def _again_form(user, form: TraineeDetailsForm | None = None) -> TraineeDetailsForm | None:
    """A rejected trainee's details to correct and send again, filled with what they sent;
    None for everyone else."""
    trainee = user.trainee
    if trainee is None or trainee.status != TraineeStatus.REJECTED:
        return None
    if form is None:
        form = TraineeDetailsForm(prefix="again", formdata=None, obj=trainee)
    form.centre_id.choices = centre_choices()
    return form


@bp.post("/account/trainee/resubmit")
@login_required
def resubmit_trainee():
    services.rejected_trainee_of(current_user)  # nothing to send again: a 404 or 409
    form = cast(TraineeDetailsForm,
                _again_form(current_user, TraineeDetailsForm(prefix="again")))
    if form.validate_on_submit():
        try:
            services.resubmit_trainee(current_user, form.details())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your details are sent again. Your centre will check them."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=_profile_form(current_user),
                           password_form=ChangePasswordForm(prefix="pw"), again_form=form), 422


def _profile_form(user) -> ProfileForm:
    form = ProfileForm(obj=user)
    # Trainee fields live on the profile row, not the user: fill them unless this request is
    # the profile form being submitted.
    if user.trainee and (request.method == "GET" or request.endpoint != "accounts.profile"):
        form.store_name.data = user.trainee.store_name
        form.trade.data = user.trainee.trade
        form.bio.data = user.trainee.bio
    if request.method == "GET":
        form.phone.data = display_phone(user.phone, locale_code())  # as typed, not +98…
    return form


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.new_password.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # new session id for the new password
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=_profile_form(current_user),
                           password_form=form, again_form=_again_form(current_user)), 422


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _row, new_token = api_tokens.create_api_token(current_user, form.name.data)
        db.session.commit()
        form = TokenForm(formdata=None)
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                              .order_by(ApiToken.id.desc())).all()
    return render_template("accounts/tokens.html", form=form, tokens=rows, new_token=new_token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    api_tokens.revoke_api_token(current_user, token_id)
    db.session.commit()
    flash(_("The token is revoked."), "info")
    return redirect(url_for("accounts.tokens"))


# --- centre staff: verification --------------------------------------------------------------

@bp.get("/centre/trainees")
@login_required
def centre_trainees():
    if not (current_user.is_centre_staff or current_user.is_admin):
        raise Forbidden(_("Only training-centre staff can review trainees."))
    centre_ids = None if current_user.is_admin else current_user.staff_centre_ids
    pending = db.session.scalars(queries.trainees(centre_ids, TraineeStatus.PENDING)).all()
    everyone = db.session.scalars(queries.trainees(centre_ids).limit(500)).all()
    return render_template("accounts/centre_trainees.html", pending=pending, trainees=everyone,
                           form=ReasonForm())


@bp.post("/centre/trainees/<int:trainee_id>/<any(verify, reject, suspend, reinstate):action>")
@login_required
def change_trainee_status(trainee_id, action):
    form = ReasonForm()
    trainee = services.get_trainee(trainee_id)
    services.change_trainee_status(current_user, trainee, action, form.reason.data)
    db.session.commit()
    flash(_("%(name)s: %(status)s", name=trainee.user.display_name, status=_(trainee.status.value)),
          "success")
    return redirect(url_for("accounts.centre_trainees"))


# --- admin: centres, municipalities, staff ---------------------------------------------------

@bp.get("/admin/organisations")
@admin_required
def organisations():
    return _organisations_page(CentreForm(prefix="centre"), MunicipalityForm(prefix="muni"))


def _organisations_page(centre_form, municipality_form, status=200):
    centres = db.session.scalars(queries.centres_with_staff()).all()
    municipalities = db.session.scalars(queries.municipalities_with_staff()).all()
    return render_template("accounts/organisations.html", centres=centres,
                           municipalities=municipalities, centre_form=centre_form,
                           municipality_form=municipality_form, staff_form=StaffForm()), status


@bp.post("/admin/centres")
@admin_required
def create_centre():
    form = CentreForm(prefix="centre")
    if not form.validate_on_submit():
        return _organisations_page(form, MunicipalityForm(prefix="muni"), 422)
    services.create_centre(current_user, kind=form.kind.data, name_fa=form.name_fa.data,
                           name_en=form.name_en.data, city=form.city.data,
                           province=form.province.data,
                           auto_approve_listings=form.auto_approve_listings.data)
    db.session.commit()
    flash(_("The centre is created."), "success")
    return redirect(url_for("accounts.organisations"))


@bp.post("/admin/municipalities")
@admin_required
def create_municipality():
    form = MunicipalityForm(prefix="muni")
    if not form.validate_on_submit():
        return _organisations_page(CentreForm(prefix="centre"), form, 422)
    services.create_municipality(current_user, name_fa=form.name_fa.data,
                                 name_en=form.name_en.data, city=form.city.data,
                                 province=form.province.data or "")
    db.session.commit()
    flash(_("The municipality is created."), "success")
    return redirect(url_for("accounts.organisations"))


@bp.post("/admin/<any(centres, municipalities):kind>/<int:org_id>/staff")
@admin_required
def add_staff(kind, org_id):
    form = StaffForm()
    if not form.validate_on_submit():
        flash(_("Enter a valid email."), "error")
        return redirect(url_for("accounts.organisations"))
    if kind == "centres":
        services.add_centre_staff(current_user, services.get_centre(org_id), form.email.data)
    else:
        services.add_municipal_staff(current_user, services.get_municipality(org_id),
                                     form.email.data)
    db.session.commit()
    flash(_("Staff member added."), "success")
    return redirect(url_for("accounts.organisations"))
