"""Accounts use cases. Each checks its policy, changes rows and flushes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from marketplace.accounts import policies
from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import (
    TRAINEE_TRANSITIONS,
    CentreKind,
    CentreStaff,
    Municipality,
    MunicipalStaff,
    Trainee,
    TraineeStatus,
    TrainingCentre,
    User,
)
from marketplace.accounts.phone_codes import parse_phone_field
from marketplace.accounts.signals import trainee_registered, trainee_status_changed
from marketplace.accounts.trades import TRADES
from marketplace.core.auth import hash_password, verify_password
from marketplace.core.db import utcnow
from marketplace.core.errors import (
    Conflict,
    CoreErrorCode,
    DomainError,
    Forbidden,
    NotFound,
    RuleViolation,
)
from marketplace.core.i18n import format_number
from marketplace.core.mail import send_mail_after_commit
from marketplace.core.text import slugify
from marketplace.core.urls import external_url
from marketplace.extensions import db

RESET_SALT = "password-reset"


def N_(message: str) -> str:
    """Mark a mail subject for the catalogue; it is translated when the mail is rendered in the
    recipient's language (core.mail), not now in the actor's."""
    return message


# --- lookups ---------------------------------------------------------------------------------

def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def get_centre(centre_id: int) -> TrainingCentre:
    centre = db.session.get(TrainingCentre, centre_id)
    if centre is None:
        raise NotFound(_("That training centre does not exist."),
                       code=AccountErrorCode.UNKNOWN_CENTRE,
                       fields={"centre_id": [_("Choose a centre from the list.")]})
    return centre


def get_municipality(municipality_id: int) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None:
        raise NotFound(_("That municipality does not exist."),
                       code=AccountErrorCode.UNKNOWN_MUNICIPALITY)
    return municipality


def get_trainee(trainee_id: int) -> Trainee:
    trainee = db.session.get(Trainee, trainee_id)
    if trainee is None:
        raise NotFound(_("That trainee does not exist."), code=AccountErrorCode.UNKNOWN_TRAINEE)
    return trainee


# --- registration ----------------------------------------------------------------------------

@dataclass
class SignUp:
    email: str
    password: str
    display_name: str
    phone: str | None = None
    locale: str = "fa"


def check_password_strength(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise RuleViolation(
            _("Choose a password of at least %(n)s characters.", n=format_number(minimum)),
            code=AccountErrorCode.WEAK_PASSWORD,
            fields={"password": [_("At least %(n)s characters.", n=format_number(minimum))]},
        )


def register_buyer(data: SignUp) -> User:
    email = normalize_email(data.email)
    check_password_strength(data.password)
    if find_user_by_email(email) is not None:
        raise Conflict(_("An account with this email already exists."),
                       code=AccountErrorCode.EMAIL_TAKEN,
                       fields={"email": [_("This email is already registered.")]})
    if data.locale not in current_app.config["LANGUAGES"]:
        data.locale = current_app.config["DEFAULT_LOCALE"]
    user = User(email=email, password_hash=hash_password(data.password),
                display_name=data.display_name.strip(), phone=_optional_phone(data.phone),
                locale=data.locale)
    db.session.add(user)
    db.session.flush()
    return user


@dataclass
class TraineeSignUp(SignUp):
    centre_id: int = 0
    trade: str = ""
    certificate_number: str | None = None
    store_name: str = ""
    bio: str = ""


@dataclass(frozen=True)
class TraineeDetails:
    """What a trainee tells about their training and store (at sign-up, or later as a buyer)."""

    centre_id: int
    trade: str
    certificate_number: str | None = None
    store_name: str = ""
    bio: str = ""


def unique_store_slug(store_name: str) -> str:
    base = slugify(store_name) or "store"
    slug, n = base, 1
    while db.session.scalar(select(func.count()).where(Trainee.store_slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def check_trade(trade: str | None) -> str:
    """A trade code of the one list (accounts.trades), or a 422 on the `trade` field."""
    if trade not in TRADES:
        raise RuleViolation(_("Choose your trade from the list."),
                            code=AccountErrorCode.INVALID_TRADE,
                            fields={"trade": [_("Choose your trade from the list.")]})
    return trade


def register_trainee(data: TraineeSignUp) -> User:
    """A buyer account plus a pending trainee profile; the chosen centre's staff are told."""
    get_centre(data.centre_id)  # validate before the first write
    check_trade(data.trade)
    user = register_buyer(data)
    _add_trainee_profile(user, data, data.display_name)
    return user


def become_trainee(user: User, data: TraineeDetails) -> Trainee:
    """A signed-in buyer (one who signed up with a phone number alone, say) asks to sell: a
    pending trainee profile, as at trainee sign-up; the chosen centre's staff are told."""
    if user.trainee is not None:
        raise Conflict(_("You already have a trainee profile."),
                       code=AccountErrorCode.ALREADY_TRAINEE)
    return _add_trainee_profile(user, data, user.display_name)


def _add_trainee_profile(user: User, data: TraineeDetails | TraineeSignUp,
                         display_name: str) -> Trainee:
    centre = get_centre(data.centre_id)
    trade = check_trade(data.trade)
    store_name = (data.store_name or display_name).strip()
    trainee = Trainee(user=user, centre=centre, trade=trade,
                      certificate_number=(data.certificate_number or None),
                      store_name=store_name, store_slug=unique_store_slug(store_name),
                      bio=data.bio or "", status=TraineeStatus.PENDING)
    db.session.add(trainee)
    db.session.flush()
    # The centre's staff are told (notifications, through the signal: it sits above accounts).
    trainee_registered.send(trainee)
    return trainee


# --- verification ----------------------------------------------------------------------------

def change_trainee_status(actor: User, trainee: Trainee, action: str,
                          reason: str | None = None) -> Trainee:
    """verify / reject / suspend / reinstate, by staff of the trainee's centre or an admin."""
    if not policies.can_review_trainee(actor, trainee):
        # Someone else's trainee is reported as missing, not as forbidden, so ids can't be probed.
        raise NotFound(_("That trainee does not exist."), code=AccountErrorCode.UNKNOWN_TRAINEE)
    target = TRAINEE_TRANSITIONS.get((trainee.status, action))
    if target is None:
        raise Conflict(
            _("A %(status)s trainee cannot be changed that way.", status=_(trainee.status.value)),
            code=CoreErrorCode.INVALID_TRANSITION)
    if action in ("reject", "suspend") and not (reason or "").strip():
        raise RuleViolation(_("Give a reason, so the trainee knows what to fix."),
                            code=AccountErrorCode.REASON_REQUIRED,
                            fields={"reason": [_("Required.")]})
    previous = trainee.status
    trainee.status = target
    trainee.status_reason = (reason or "").strip() or None
    trainee.status_changed_at = utcnow()
    trainee.status_changed_by_id = actor.id
    db.session.flush()
    # Higher layers react in this transaction: booths free a suspended trainee's booth-days,
    # notifications tell the trainee.
    trainee_status_changed.send(trainee, actor=actor, old=previous, new=target)
    return trainee


def rejected_trainee_of(user: User) -> Trainee:
    """The user's trainee profile when their centre rejected it; a 404 or 409 otherwise."""
    trainee = user.trainee
    if trainee is None:
        raise NotFound(_("You have no trainee profile."), code=AccountErrorCode.UNKNOWN_TRAINEE)
    if trainee.status != TraineeStatus.REJECTED:
        raise Conflict(_("Only details your centre did not verify can be sent again."),
                       code=CoreErrorCode.INVALID_TRANSITION)
    return trainee


def resubmit_trainee(user: User, data: TraineeDetails) -> Trainee:
    """A trainee their centre did not verify corrects their details and asks again (issue 18):
    pending once more, and the staff of the centre (the one chosen now) are told again. The
    centre's reason stays on the row, so whoever reviews next sees what was asked for."""
    trainee = rejected_trainee_of(user)
    centre, trade = get_centre(data.centre_id), check_trade(data.trade)  # before any change
    trainee.centre, trainee.trade = centre, trade
    trainee.certificate_number = data.certificate_number or None
    trainee.store_name = (data.store_name or user.display_name).strip()
    trainee.bio = data.bio or ""
    trainee.status = TraineeStatus.PENDING
    trainee.status_changed_at = utcnow()
    trainee.status_changed_by_id = user.id
    db.session.flush()
    trainee_status_changed.send(trainee, actor=user, old=TraineeStatus.REJECTED,
                                new=TraineeStatus.PENDING)
    trainee_registered.send(trainee, resubmitted=True)
    return trainee


def pending_trainees_for(actor: User) -> list[Trainee]:
    centre_ids = actor.staff_centre_ids
    if actor.is_admin:
        condition = Trainee.status == TraineeStatus.PENDING
    elif centre_ids:
        condition = (Trainee.status == TraineeStatus.PENDING) & Trainee.centre_id.in_(centre_ids)
    else:
        raise Forbidden(_("Only training-centre staff can review trainees."))
    return list(db.session.scalars(select(Trainee).where(condition).order_by(Trainee.id)))


# --- organisations (admin) -------------------------------------------------------------------

def _require_admin(actor: User) -> None:
    if not policies.can_manage_organisations(actor):
        raise Forbidden(_("Only platform administrators can do that."))


def _unique_slug(model, text: str) -> str:
    base = slugify(text) or model.__tablename__
    slug, n = base, 1
    while db.session.scalar(select(func.count()).where(model.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_centre(actor: User, *, kind: str, name_fa: str, name_en: str | None, city: str,
                  province: str, auto_approve_listings: bool = False) -> TrainingCentre:
    _require_admin(actor)
    try:
        centre_kind = CentreKind(kind)
    except ValueError:
        raise RuleViolation(_("Unknown kind of centre."), code=AccountErrorCode.INVALID_KIND,
                            fields={"kind": [_("Choose public or private.")]}) from None
    centre = TrainingCentre(kind=centre_kind, name_fa=name_fa.strip(),
                            name_en=(name_en or "").strip() or None,
                            slug=_unique_slug(TrainingCentre, name_en or name_fa),
                            city=city.strip(), province=province.strip(),
                            auto_approve_listings=auto_approve_listings)
    db.session.add(centre)
    db.session.flush()
    return centre


def create_municipality(actor: User, *, name_fa: str, name_en: str | None, city: str,
                        province: str = "") -> Municipality:
    _require_admin(actor)
    municipality = Municipality(name_fa=name_fa.strip(), name_en=(name_en or "").strip() or None,
                                slug=_unique_slug(Municipality, name_en or name_fa),
                                city=city.strip(), province=province.strip())
    db.session.add(municipality)
    db.session.flush()
    return municipality


def _staff_user(email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise NotFound(_("No account uses that email; ask the person to sign up first."),
                       code=AccountErrorCode.UNKNOWN_USER,
                       fields={"email": [_("No account with this email.")]})
    return user


Organisation = TrainingCentre | Municipality


def add_member(user: User, organisation: Organisation) -> CentreStaff | MunicipalStaff:
    """Make `user` staff of `organisation` (no policy here: callers check who may)."""
    membership: CentreStaff | MunicipalStaff
    if isinstance(organisation, TrainingCentre):
        if organisation.id in user.staff_centre_ids:
            raise Conflict(_("That person is already staff of this centre."),
                           code=AccountErrorCode.ALREADY_STAFF)
        membership = CentreStaff(user=user, centre=organisation)
    else:
        if organisation.id in user.staff_municipality_ids:
            raise Conflict(_("That person is already staff of this municipality."),
                           code=AccountErrorCode.ALREADY_STAFF)
        membership = MunicipalStaff(user=user, municipality=organisation)
    db.session.add(membership)
    db.session.flush()
    return membership


def add_centre_staff(actor: User, centre: TrainingCentre, email: str) -> CentreStaff:
    _require_admin(actor)
    return cast(CentreStaff, add_member(_staff_user(email), centre))


def add_municipal_staff(actor: User, municipality: Municipality, email: str) -> MunicipalStaff:
    _require_admin(actor)
    return cast(MunicipalStaff, add_member(_staff_user(email), municipality))


# --- sign-in, passwords, profile ---------------------------------------------------------------

def authenticate(email: str, password: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        hash_password(password or "")  # take as long as a real check, so emails can't be probed
    if user is None or not verify_password(user.password_hash, password) or user.is_disabled:
        raise DomainError(_("Wrong email or password."),
                          code=AccountErrorCode.INVALID_CREDENTIALS, status=401)
    return user


def set_password(user: User, new_password: str) -> None:
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise RuleViolation(_("The current password is not right."),
                            code=AccountErrorCode.WRONG_PASSWORD,
                            fields={"current_password": [_("Not right.")]})
    set_password(user, new_password)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_reset_token(user: User) -> str:
    # The password's change time is signed in: once the password changes, the link is spent.
    return _reset_serializer().dumps(
        {"user": user.id, "since": user.password_stamp})


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_user_by_email(email)
    if user is None or user.is_disabled:
        return
    link = external_url("accounts.reset_password", token=make_reset_token(user))
    send_mail_after_commit(user.email, N_("Reset your password"), "password_reset",
                           locale=user.locale, name=user.display_name, link=link,
                           minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)


def user_for_reset_token(token: str) -> User:
    invalid = DomainError(_("This reset link is not valid. Ask for a new one."),
                          code=AccountErrorCode.INVALID_TOKEN, status=400)
    try:
        data = _reset_serializer().loads(token,
                                         max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise DomainError(_("This reset link has expired. Ask for a new one."),
                          code=AccountErrorCode.EXPIRED_TOKEN, status=400) from None
    except BadSignature:
        raise invalid from None
    if not isinstance(data, dict):
        raise invalid
    user = db.session.get(User, data.get("user"))
    if user is None or user.password_stamp != data.get("since"):
        raise DomainError(_("This reset link was already used. Ask for a new one."),
                          code=AccountErrorCode.USED_TOKEN, status=400)
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    set_password(user, new_password)
    return user


def update_profile(user: User, *, display_name: str, phone: str | None, locale: str,
                   bio: str | None = None, store_name: str | None = None,
                   trade: str | None = None) -> User:
    if locale not in current_app.config["LANGUAGES"]:
        raise RuleViolation(_("Unknown language."), code=AccountErrorCode.INVALID_LOCALE,
                            fields={"locale": [_("Choose fa or en.")]})
    if trade:
        check_trade(trade)
    user.display_name = display_name.strip()
    phone = _optional_phone(phone)
    if phone != user.phone:
        user.phone, user.phone_verified_at = phone, None  # a new number is proved anew
    user.locale = locale
    if user.trainee is not None:
        if bio is not None:
            user.trainee.bio = bio
        if store_name:
            user.trainee.store_name = store_name.strip()
        if trade:
            user.trainee.trade = trade
    db.session.flush()
    return user


def _optional_phone(text: str | None) -> str | None:
    """A contact number in E.164, or None when left empty."""
    return parse_phone_field(text) if text and text.strip() else None
