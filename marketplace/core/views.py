"""Pages that belong to no domain: the language switch, the favicon, the health check.
(The home page reads the catalogue and the markets, so it lives in storefront.)"""

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from marketplace.core.errors import CoreErrorCode, json_error
from marketplace.core.i18n import CHOSEN_SIGNED_OUT
from marketplace.core.redirects import safe_redirect_target
from marketplace.extensions import db

bp = Blueprint("core", __name__)

@bp.post("/language")
def set_language():
    """The language switch: remembered in the session, and on the account when signed in (or
    as soon as the visitor signs in: accounts)."""
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        session.pop(CHOSEN_SIGNED_OUT, None)
        current_user.locale = locale
        db.session.commit()
    else:
        session[CHOSEN_SIGNED_OUT] = True
    return redirect(safe_redirect_target(request.form.get("next"), "/"))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; send them to the SVG icon."""
    response = redirect(url_for("static", filename="img/favicon.svg"), code=301)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        db.session.rollback()
        return json_error(503, CoreErrorCode.DATABASE_UNAVAILABLE, "The database does not answer.")
    return {"status": "ok"}
