"""Flask-Login loaders: the session cookie for pages, a bearer token for /api/."""

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import User
from marketplace.accounts.services import user_for_api_token
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


def load_user_from_session(user_id: str) -> User | None:
    if request.path.startswith("/api/"):
        return None  # the API is cookie-free; see load_user_from_bearer_token
    raw_id = user_id.partition(":")[0]
    if not raw_id.isdigit():
        return None
    user = db.session.execute(_USER_WITH_ROLES, {"user_id": int(raw_id)}).unique() \
        .scalar_one_or_none()
    if user is None or user.get_id() != user_id:
        return None  # password changed since this session was made
    return user


def load_user_from_bearer_token(_request) -> User | None:
    if not request.path.startswith("/api/"):
        return None
    token = bearer_token()
    return user_for_api_token(token) if token else None


def register_loaders(login_manager) -> None:
    login_manager.user_loader(load_user_from_session)
    login_manager.request_loader(load_user_from_bearer_token)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
