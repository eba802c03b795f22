"""Notice pages: the feed behind the bell, marking read, the channels per kind of notice,
and a centre's notice to its trainees. The bell itself is in base.html (`unread_notices()`).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.errors import AccountErrorCode
from marketplace.core.errors import NotFound
from marketplace.core.i18n import localize_digits
from marketplace.core.pagination import page_args, paginate
from marketplace.core.redirects import safe_redirect_target
from marketplace.extensions import db
from marketplace.notifications import broadcasts, feed
from marketplace.notifications.events import EventKind
from marketplace.notifications.models import Channel
from marketplace.notifications.schemas import FEED_PAGE_SIZE

bp = Blueprint("notifications", __name__)


def register_bell(app) -> None:
    """`unread_notices()` in every template: the signed-in reader's unread count, one query
    per request and none for visitors (whose pages the page cache keeps)."""

    @app.context_processor
    def bell_context():
        def unread_notices() -> int:
            if not current_user.is_authenticated:
                return 0
            return feed.bell_count(current_user)

        return {"unread_notices": unread_notices}


@bp.get("/notifications")
@login_required
def notices():
    page, per_page = page_args(request.args, FEED_PAGE_SIZE)
    result = paginate(db.session, feed.feed(current_user.id), page, per_page)
    return render_template("notifications/list.html", page=result)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    """Mark one read; with `open`, go on to what it is about."""
    notice = feed.mark_read(current_user, notification_id)
    db.session.commit()
    if request.form.get("open") and notice.link:
        return redirect(safe_redirect_target(notice.link, url_for("notifications.notices")))
    return redirect(safe_redirect_target(request.form.get("next"),
                                         url_for("notifications.notices")))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    feed.mark_all_read(current_user)
    db.session.commit()
    flash(_("Every notice is marked read."), "success")
    return redirect(url_for("notifications.notices"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    if request.method == "POST":
        kinds = {c.kind for c in feed.choices_of(current_user)}
        wanted = {kind: {channel for channel in Channel
                         if request.form.get(f"{kind.value}:{channel.value}")}
                  for kind in kinds}
        feed.save_choices(current_user, wanted)
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html",
                           choices=feed.choices_of(current_user), channels=list(Channel))


@bp.get("/centre/notices")
@login_required
def centre_broadcast_start():
    """The menu's entry: the first centre the reader is staff of."""
    centre_ids = sorted(current_user.staff_centre_ids)
    if not centre_ids:
        raise NotFound(_("Only centre staff write to trainees."),
                       code=AccountErrorCode.UNKNOWN_CENTRE)
    return redirect(url_for("notifications.centre_broadcast", centre_id=centre_ids[0]))


@bp.route("/centres/<int:centre_id>/notices/new", methods=["GET", "POST"])
@login_required
def centre_broadcast(centre_id):
    """Centre staff write to every verified trainee of their centre."""
    centre = broadcasts.get_centre_for_broadcast(current_user, centre_id)
    recipients = len(broadcasts.centre_trainee_users(centre))
    message, errors = "", []
    if request.method == "POST":
        message = request.form.get("message", "")
        count = broadcasts.broadcast_to_centre(current_user, centre, message)
        db.session.commit()
        flash(_("Your notice went to %(n)s trainees.", n=localize_digits(str(count))),
              "success")
        return redirect(url_for("notifications.centre_broadcast", centre_id=centre.id))
    return render_template("notifications/centre_broadcast.html", centre=centre,
                           recipients=recipients, message=message, errors=errors,
                           max_length=broadcasts.MESSAGE_MAX, kind=EventKind.STAFF_BROADCAST)
