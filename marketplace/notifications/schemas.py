"""Marshmallow schemas of the notifications API. Unknown fields are refused."""

from marshmallow import RAISE, Schema, fields, validate

from marketplace.core.pagination import MAX_PAGE, MAX_PER_PAGE
from marketplace.notifications.models import Channel, EventKind

FEED_PAGE_SIZE = 20
CHANNELS = [c.value for c in Channel]


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class FeedArgsSchema(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=FEED_PAGE_SIZE,
                              validate=validate.Range(1, MAX_PER_PAGE))


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.Function(lambda n: n.kind.value, metadata={"type": "string"})
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    context = fields.Dict(metadata={"description": "What the notice was written from; dates "
                                                   "as {\"$date\": \"YYYY-MM-DD\"}."})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class FeedPageSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
    unread = fields.Integer()
    items = fields.List(fields.Nested(NotificationSchema))


class ReadAllSchema(Schema):
    marked = fields.Integer()


class PreferenceSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in EventKind]))
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(max=len(CHANNELS)))


class PreferenceOutSchema(Schema):
    kind = fields.String()
    label = fields.String()
    channels = fields.List(fields.String())


class PreferencesInSchema(StrictSchema):
    preferences = fields.List(fields.Nested(PreferenceSchema), required=True,
                              validate=validate.Length(max=len(EventKind)))


class PreferencesOutSchema(Schema):
    preferences = fields.List(fields.Nested(PreferenceOutSchema))
