"""Phone first (issue 17): one-time codes to verify a number, to sign up and to sign in
with it.

A code is six random digits, texted after commit (core.sms) and kept only as an HMAC under the
app's secret: six digits fall to a plain hash in a million tries, a keyed hash does not.
A code expires (`PHONE_CODE_TTL_SECONDS`), allows `PHONE_CODE_MAX_ATTEMPTS` tries, and a number
gets at most `PHONE_CODE_PER_NUMBER` codes per `PHONE_CODE_WINDOW_SECONDS` (the view adds a
per-address limit). Codes are never logged: they leave this module only to the SMS job,
wrapped in core.sms.Secret.

A wrong code counts as an attempt: `check_code` raises *after* counting it, and the caller
commits that count before showing the error (rolling back would give unlimited tries).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import CodePurpose, PhoneCode, User
from marketplace.core.db import rows_changed, utcnow
from marketplace.core.errors import BadRequest, Conflict, TooManyRequests
from marketplace.core.phone import InvalidPhone, parse_mobile
from marketplace.core.sms import send_code_after_commit
from marketplace.extensions import db

CODE_DIGITS = 6


def parse_phone_field(text: str, field: str = "phone") -> str:
    """E.164 of a typed number, or a 400 naming the form field."""
    try:
        return parse_mobile(text)
    except InvalidPhone:
        message = _("Enter a mobile number, like 0912 345 6789.")
        raise BadRequest(message, code=AccountErrorCode.INVALID_PHONE,
                         fields={field: [message]}) from None


def hash_code(phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def verified_owner(phone: str) -> User | None:
    return db.session.scalar(select(User).where(
        User.phone == phone, User.phone_verified_at.is_not(None)))


def request_code(phone: str, purpose: CodePurpose, locale: str,
                 user: User | None = None) -> PhoneCode:
    """Make a code for `phone` (E.164) and text it after commit.

    A sign-in code is texted only when a user has verified that number, but the row is made
    either way: the answer and the per-number limit must not tell who is registered."""
    config = current_app.config
    _check_number_limit(phone)
    if purpose in (CodePurpose.VERIFY_PHONE, CodePurpose.SIGN_UP):
        _check_not_taken(phone, user)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    now = utcnow()
    row = PhoneCode(phone=phone, purpose=purpose, user_id=getattr(user, "id", None),
                    code_hash=hash_code(phone, code), created_at=now,
                    expires_at=now + timedelta(seconds=config["PHONE_CODE_TTL_SECONDS"]))
    db.session.add(row)
    db.session.flush()
    if purpose is not CodePurpose.SIGN_IN or verified_owner(phone) is not None:
        send_code_after_commit(phone, code, locale, row.expires_at)
    return row


def _check_not_taken(phone: str, user: User | None) -> None:
    owner = verified_owner(phone)
    if owner is not None and owner.id != getattr(user, "id", None):
        raise Conflict(_("Another account has already verified that number."),
                       code=AccountErrorCode.PHONE_TAKEN,
                       fields={"phone": [_("Another account uses that number.")]})


def _check_number_limit(phone: str) -> None:
    config = current_app.config
    window = timedelta(seconds=config["PHONE_CODE_WINDOW_SECONDS"])
    since = utcnow() - window
    count, oldest = db.session.execute(
        select(func.count(), func.min(PhoneCode.created_at))
        .where(PhoneCode.phone == phone, PhoneCode.created_at > since)).one()
    if count >= config["PHONE_CODE_PER_NUMBER"]:
        retry_after = (oldest + window - utcnow()).total_seconds() if oldest else 60
        raise TooManyRequests(_("Too many codes to this number. Please wait and try again."),
                              retry_after=int(retry_after) + 1,
                              code=AccountErrorCode.TOO_MANY_CODES)


def check_code(phone: str, code: str, purpose: CodePurpose,
               user: User | None = None) -> PhoneCode:
    """Spend the latest live code for `phone` if `code` matches it; refuse otherwise.

    Every try is counted with one conditional UPDATE first, so concurrent tries cannot
    exceed the limit, and the code is marked used the same way, so it works once only."""
    row = _latest_live_code(phone, purpose, user)
    if row is None:
        message = _("That code has expired. Ask for a new one.")
        raise BadRequest(message, code=AccountErrorCode.CODE_EXPIRED, fields={"code": [message]})
    counted = rows_changed(db.session.execute(
        update(PhoneCode)
        .where(PhoneCode.id == row.id, PhoneCode.used_at.is_(None),
               PhoneCode.attempts < current_app.config["PHONE_CODE_MAX_ATTEMPTS"])
        .values(attempts=PhoneCode.attempts + 1)
        .execution_options(synchronize_session=False)))
    if not counted:
        message = _("Too many wrong codes. Ask for a new one.")
        raise BadRequest(message, code=AccountErrorCode.CODE_ATTEMPTS_EXHAUSTED,
                         fields={"code": [message]})
    typed = (code or "").strip()
    if not hmac.compare_digest(row.code_hash, hash_code(phone, typed)):
        raise _wrong_code()
    spent = rows_changed(db.session.execute(
        update(PhoneCode).where(PhoneCode.id == row.id, PhoneCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)))
    if not spent:
        message = _("That code has expired. Ask for a new one.")
        raise BadRequest(message, code=AccountErrorCode.CODE_EXPIRED, fields={"code": [message]})
    return row


def _latest_live_code(phone: str, purpose: CodePurpose, user: User | None) -> PhoneCode | None:
    query = (select(PhoneCode)
             .where(PhoneCode.phone == phone, PhoneCode.purpose == purpose,
                    PhoneCode.used_at.is_(None), PhoneCode.expires_at > utcnow())
             .order_by(PhoneCode.created_at.desc(), PhoneCode.id.desc()).limit(1))
    if user is not None:
        query = query.where(PhoneCode.user_id == user.id)
    return db.session.scalar(query)


def confirm_phone(user: User, phone: str, code: str) -> User:
    """The signed-in user proves `phone` is theirs: it becomes their verified number."""
    check_code(phone, code, CodePurpose.VERIFY_PHONE, user)
    _check_not_taken(phone, user)
    with _number_race(phone, user):
        user.phone = phone
        user.phone_verified_at = utcnow()
    return user


def sign_up_with_code(phone: str, code: str, display_name: str, locale: str) -> User:
    """A buyer account made from a proved number alone: no email, no password (the empty
    hash matches none); they sign in by phone, and may add an email later."""
    check_code(phone, code, CodePurpose.SIGN_UP)
    _check_not_taken(phone, None)
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["DEFAULT_LOCALE"]
    user = User(email=None, password_hash="", display_name=display_name.strip(), phone=phone,
                phone_verified_at=utcnow(), locale=locale)
    with _number_race(phone, None):
        db.session.add(user)
    return user


@contextmanager
def _number_race(phone: str, user: User | None):
    """Two people proving one number at the same moment both pass _check_not_taken; the
    partial unique index lets one through, and the other gets the same 409, not a 500."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError:
        _check_not_taken(phone, user)
        raise


def sign_in_with_code(phone: str, code: str) -> User:
    """The user whose verified number is `phone`, if `code` is that number's live code."""
    check_code(phone, code, CodePurpose.SIGN_IN)
    user = verified_owner(phone)
    if user is None or not user.is_active:
        raise _wrong_code()
    return user


def _wrong_code() -> BadRequest:
    message = _("That code is not right. Check the text message.")
    return BadRequest(message, code=AccountErrorCode.WRONG_CODE, fields={"code": [message]})
