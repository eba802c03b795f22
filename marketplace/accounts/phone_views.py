"""Phone first (issue 17): add and verify a mobile number; sign up and sign in with number +
code.

Routes on the accounts blueprint. The number being verified or signed in with waits in the
session between the two steps, not in the URL. A wrong code is an attempt that must stick:
these views commit before showing it (accounts.phone_codes)."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from markupsafe import Markup

from marketplace.accounts import phone_codes
from marketplace.accounts.forms import PhoneCodeForm, PhoneForm, PhoneSignupForm
from marketplace.accounts.landing import landing_url
from marketplace.accounts.models import CodePurpose
from marketplace.accounts.views import bp, next_to_carry, only_posts
from marketplace.core.errors import DomainError, TooManyRequests
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import locale_code
from marketplace.core.phone import display_phone
from marketplace.core.redirects import next_target
from marketplace.extensions import db, limiter

SIGN_IN_KEY = "phone_sign_in"
VERIFY_KEY = "phone_to_verify"
SIGN_UP_KEY = "phone_sign_up"
SIGN_UP_NAME_KEY = "phone_sign_up_name"


def code_limit() -> str:
    return current_app.config["PHONE_CODE_IP_RATE_LIMIT"]


# --- sign in with number + code --------------------------------------------------------------

@bp.route("/login/phone", methods=["GET", "POST"])
@limiter.limit(code_limit, exempt_when=only_posts)
def phone_login():
    form = PhoneForm()
    if form.validate_on_submit() and _asked_for_code(form, CodePurpose.SIGN_IN, SIGN_IN_KEY):
        return redirect(url_for("accounts.phone_login_code", next=next_to_carry()))
    return render_template("accounts/phone_login.html", form=form)


@bp.route("/login/phone/code", methods=["GET", "POST"])
@limiter.limit(code_limit, exempt_when=only_posts)
def phone_login_code():
    phone = session.get(SIGN_IN_KEY)
    if not phone:
        return redirect(url_for("accounts.phone_login"))
    form = PhoneCodeForm()
    if form.validate_on_submit():
        try:
            user = phone_codes.sign_in_with_code(phone, form.code.data)
        except DomainError as error:
            db.session.commit()  # the wrong try is counted
            apply_domain_error(form, error)
        else:
            db.session.commit()
            session.pop(SIGN_IN_KEY, None)
            login_user(user)
            return redirect(next_target(landing_url(user)))
    return _code_page(form, phone, url_for("accounts.phone_login_code", next=next_to_carry()),
                      _("Log in"))


# --- sign up with number + code (buyers; no email needed) ------------------------------------

@bp.route("/signup/phone", methods=["GET", "POST"])
@limiter.limit(code_limit, exempt_when=only_posts)
def phone_signup():
    form = PhoneSignupForm()
    if form.validate_on_submit() and _asked_for_code(form, CodePurpose.SIGN_UP, SIGN_UP_KEY):
        session[SIGN_UP_NAME_KEY] = form.display_name.data
        return redirect(url_for("accounts.phone_signup_code", next=next_to_carry()))
    return render_template("accounts/phone_signup.html", form=form)


@bp.route("/signup/phone/code", methods=["GET", "POST"])
@limiter.limit(code_limit, exempt_when=only_posts)
def phone_signup_code():
    phone, name = session.get(SIGN_UP_KEY), session.get(SIGN_UP_NAME_KEY)
    if not (phone and name):
        return redirect(url_for("accounts.phone_signup"))
    form = PhoneCodeForm()
    if form.validate_on_submit():
        try:
            user = phone_codes.sign_up_with_code(phone, form.code.data, name, locale_code())
        except DomainError as error:
            db.session.commit()  # the wrong try is counted
            apply_domain_error(form, error)
        else:
            db.session.commit()
            session.pop(SIGN_UP_KEY, None)
            session.pop(SIGN_UP_NAME_KEY, None)
            login_user(user)
            flash(_("Welcome to Bazaarche!"), "success")
            return redirect(next_target(url_for("storefront.home")))
    return _code_page(form, phone, url_for("accounts.phone_signup_code", next=next_to_carry()),
                      _("Sign up"))


# --- add and verify a number -----------------------------------------------------------------

@bp.route("/account/phone", methods=["GET", "POST"])
@login_required
@limiter.limit(code_limit, exempt_when=only_posts)
def phone_add():
    form = PhoneForm()
    if form.validate_on_submit() \
            and _asked_for_code(form, CodePurpose.VERIFY_PHONE, VERIFY_KEY, current_user):
        return redirect(url_for("accounts.phone_verify"))
    return render_template("accounts/phone_add.html", form=form,
                           current=_ltr_phone(current_user.phone))


@bp.route("/account/phone/verify", methods=["GET", "POST"])
@login_required
@limiter.limit(code_limit, exempt_when=only_posts)
def phone_verify():
    phone = session.get(VERIFY_KEY)
    if not phone:
        return redirect(url_for("accounts.phone_add"))
    form = PhoneCodeForm()
    if form.validate_on_submit():
        try:
            phone_codes.confirm_phone(current_user, phone, form.code.data)
        except DomainError as error:
            db.session.commit()  # the wrong try is counted
            apply_domain_error(form, error)
        else:
            db.session.commit()
            session.pop(VERIFY_KEY, None)
            flash(_("Your mobile number is verified."), "success")
            return redirect(url_for("accounts.profile"))
    return _code_page(form, phone, url_for("accounts.phone_verify"), _("Verify"))


# --- shared steps ----------------------------------------------------------------------------

def _asked_for_code(form, purpose: CodePurpose, key: str, user=None) -> bool:
    """Text a code for the form's number; False (errors on the form) when refused. Too many
    codes to the number is a 429 with Retry-After (the error handler's page)."""
    try:
        phone = phone_codes.parse_phone_field(form.phone.data)
        phone_codes.request_code(phone, purpose, locale_code(), user)
    except TooManyRequests:
        raise
    except DomainError as error:
        apply_domain_error(form, error)
        return False
    db.session.commit()
    session[key] = phone
    return True


def _code_page(form, phone: str, action: str, button: str):
    status = 200 if not form.errors else 400
    return render_template("accounts/phone_code.html", form=form, action=action, button=button,
                           phone=_ltr_phone(phone)), status


def _ltr_phone(phone: str | None) -> Markup:
    """The number isolated left-to-right: on a Persian line its digit groups would otherwise
    read backwards."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(display_phone(phone, locale_code()))
