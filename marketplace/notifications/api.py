"""Notifications API: your notices (newest first, with the unread count), marking them read,
and your channels per kind of notice."""

from flask import request
from flask.views import MethodView

from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.pagination import page_args, paginate
from marketplace.extensions import db
from marketplace.notifications import feed
from marketplace.notifications.models import Channel, EventKind
from marketplace.notifications.schemas import (
    FEED_PAGE_SIZE,
    FeedArgsSchema,
    FeedPageSchema,
    NotificationSchema,
    PreferencesInSchema,
    PreferencesOutSchema,
    ReadAllSchema,
)

blp = api_blueprint("notifications_api", __name__, "/notifications",
                    "Your notices (the bell) and the channels each kind reaches you by.")


def preferences_out(choices) -> dict:
    return {"preferences": [
        {"kind": c.kind.value, "label": str(c.spec.label),
         "channels": [ch.value for ch in Channel if ch in c.channels]} for c in choices]}


@blp.route("")
class Notices(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(FeedArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, FeedPageSchema)
    @login_required_api
    def get(self, **_documented):
        """Your notices, newest first, and how many are unread."""
        user = require_login()
        page, per_page = page_args(request.args, FEED_PAGE_SIZE)
        result = paginate(db.session, feed.feed(user.id), page, per_page)
        return {"page": result.page, "per_page": result.per_page, "total": result.total,
                "pages": result.pages, "items": result.items,
                "unread": feed.unread_count(user.id)}


@blp.route("/<int:notification_id>/read")
class NoticeRead(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, NotificationSchema)
    @login_required_api
    def post(self, notification_id):
        """Mark one of your notices read (again is fine); anyone else's is a 404."""
        notice = feed.mark_read(require_login(), notification_id)
        db.session.commit()
        return notice


@blp.route("/read-all")
class NoticesReadAll(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReadAllSchema)
    @login_required_api
    def post(self):
        """Mark every notice of yours read."""
        marked = feed.mark_all_read(require_login())
        db.session.commit()
        return {"marked": marked}


@blp.route("/preferences")
class Preferences(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PreferencesOutSchema)
    @login_required_api
    def get(self):
        """The kinds of notice you may receive, each with the channels that reach you."""
        return preferences_out(feed.choices_of(require_login()))

    @blp.doc(security=BEARER)
    @blp.arguments(PreferencesInSchema)
    @blp.response(200, PreferencesOutSchema)
    @login_required_api
    def put(self, data):
        """Set the channels of the kinds listed (the others keep theirs)."""
        user = require_login()
        wanted = {EventKind(p["kind"]): {Channel(c) for c in p["channels"]}
                  for p in data["preferences"]}
        choices = feed.save_choices(user, wanted)
        db.session.commit()
        return preferences_out(choices)
