"""Flask-Login loaders: the session cookie for pages, a bearer token for /api/."""

from collections.abc import Mapping
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from marketplace.accounts.api_tokens import user_for_api_token
from marketplace.accounts.models import User
from marketplace.core.auth import bearer_token
from marketplace.extensions import db

# Every signed-in page asks who the user is and what they may do (the header's menu shows
# "My store" to trainees, the staff entries to centre and municipal staff): the user, their
# trainee profile and both staff memberships come in one statement instead of four. Built once
# per process; the memberships are a handful of rows at most.
_USER_WITH_ROLES = (
    select(User).where(User.id == bindparam("user_id"))
    .options(joinedload(User.trainee), joinedload(User.centre_memberships),
             joinedload(User.municipal_memberships)))


# Higher layers may add a value per signed-in page to that one statement (the bell's unread
# count, from notifications): name -> a scalar subquery correlated to `users`. The values are
# kept in the request's environ under "bazaarche.user.<name>" for their owner to read.
_EXTRA_KEY = "bazaarche_user_extras"
ENVIRON_PREFIX = "bazaarche.user."


def load_user_from_session(user_id: str) -> User | None:
    if request.path.startswith("/api/"):
        return None  # the API is cookie-free; see load_user_from_bearer_token
    raw_id = user_id.partition(":")[0]
    if not raw_id.isdigit():
        return None
    statement, names = current_app.extensions.get(_EXTRA_KEY, (_USER_WITH_ROLES, ()))
    row = db.session.execute(statement, {"user_id": int(raw_id)}).unique().one_or_none()
    if row is None or row[0].get_id() != user_id:
        return None  # no such user, or the password changed since this session was made
    user = row[0]
    for name, value in zip(names, row[1:], strict=True):
        request.environ[ENVIRON_PREFIX + name] = value
    return user


def load_user_from_bearer_token(_request) -> User | None:
    if not request.path.startswith("/api/"):
        return None
    token = bearer_token()
    return user_for_api_token(token) if token else None


def register_loaders(login_manager, app=None,
                     extra_columns: Mapping[str, Any] | None = None) -> None:
    """`extra_columns`: values a higher layer reads with the user on every signed-in page."""
    if app is not None and extra_columns:
        names = tuple(extra_columns)
        app.extensions[_EXTRA_KEY] = (
            _USER_WITH_ROLES.add_columns(*(extra_columns[n] for n in names)), names)
    login_manager.user_loader(load_user_from_session)
    login_manager.request_loader(load_user_from_bearer_token)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
