"""Marshmallow schemas of the training API. Unknown fields are refused (marshmallow's RAISE).
Times of day are local (MARKETPLACE_TIMEZONE); instants are UTC."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from marketplace.accounts.trades import TRADES
from marketplace.booths.models import BlockReason
from marketplace.core.api import MAX_AMOUNT, NOT_BLANK, amount_field, id_field, ids_field
from marketplace.core.input import SingleLine
from marketplace.training.labels import EQUIPMENT, RRULE_DAYS
from marketplace.training.models import (
    BookingKind,
    BookingStatus,
    RegistrationStatus,
    SessionStatus,
)
from marketplace.training.models.bookings import MAX_ATTENDANCE
from marketplace.training.recurrence import MAX_SESSIONS

TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
WEEKDAY_CODES = list(RRULE_DAYS)  # MO … SU


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


def _time(**kwargs):
    metadata = {"pattern": TIME_PATTERN, **kwargs.pop("metadata", {})}
    return fields.Time(metadata=metadata, **kwargs)


# --- input -----------------------------------------------------------------------------------

class TrainingSpaceInSchema(StrictSchema):
    venue_id = id_field(strict=False, required=True,
                        metadata={"description": "A venue of your municipality."})
    name_fa = SingleLine(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"pattern": NOT_BLANK})
    name_en = SingleLine(load_default=None, allow_none=True, validate=validate.Length(max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    capacity = fields.Integer(required=True, validate=validate.Range(1, 10000))
    equipment = fields.List(fields.String(validate=validate.OneOf(EQUIPMENT)),
                            load_default=list, validate=validate.Length(max=len(EQUIPMENT) * 2))
    is_accessible = fields.Boolean(load_default=False)
    accessibility_note = SingleLine(load_default="", validate=validate.Length(max=300))
    opens_at = _time(required=True)
    closes_at = _time(required=True)
    open_weekdays = fields.List(fields.String(validate=validate.OneOf(WEEKDAY_CODES)),
                                load_default=lambda: list(WEEKDAY_CODES),
                                validate=validate.Length(min=1, max=7),
                                metadata={"uniqueItems": True})
    used_by_markets = fields.Boolean(load_default=False)
    is_active = fields.Boolean(load_default=True)

    @validates_schema
    def hours_in_order(self, data, **_kwargs):
        if data["closes_at"] <= data["opens_at"]:
            raise ValidationError("Must be after the opening time.", "closes_at")


class TrainingBlockInSchema(StrictSchema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = fields.Enum(BlockReason, by_value=True, required=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class SeriesInSchema(StrictSchema):
    weekdays = fields.List(fields.String(validate=validate.OneOf(WEEKDAY_CODES)),
                           required=True, validate=validate.Length(max=7),
                           metadata={"description": "Weekdays as MO … SU. None: a 422 "
                                                    "`series_empty`."})
    every_weeks = fields.Integer(load_default=1, validate=validate.Range(1, 4))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": (
        f"At most {MAX_SESSIONS} sessions fall between the days (422 `series_too_long`).")})


class BookingInSchema(StrictSchema):
    centre_id = id_field(strict=False, required=True,
                         metadata={"description": "A centre you are staff of."})
    kind = fields.Enum(BookingKind, by_value=True, required=True)
    title = SingleLine(required=True, validate=validate.Length(min=1, max=200),
                       metadata={"pattern": NOT_BLANK})
    expected_attendance = fields.Integer(required=True, validate=validate.Range(1, MAX_ATTENDANCE))
    equipment_needs = fields.List(fields.String(validate=validate.OneOf(EQUIPMENT)),
                                  load_default=list,
                                  validate=validate.Length(max=len(EQUIPMENT) * 2))
    starts_at = _time(required=True, metadata={"description": "Local time each session starts."})
    ends_at = _time(required=True)
    day = fields.Date(load_default=None, allow_none=True,
                      metadata={"description": "The day of a single session."})
    # Optional, with no default: a default of null would document any object as valid.
    series = fields.Nested(SeriesInSchema,
                           metadata={"description": "A series instead of a single day."})
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    trade = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(TRADES),
                          metadata={"description": "The trade the course will teach, if said."})


class SessionIdsInSchema(StrictSchema):
    session_ids = ids_field(strict=False, required=True, validate=validate.Length(max=500),
                            metadata={"uniqueItems": True})


class RejectInSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"pattern": NOT_BLANK})
    session_ids = ids_field(strict=False, load_default=list, validate=validate.Length(max=500),
                            metadata={"uniqueItems": True,
                                      "description": "None: every session still waiting."})


class WithdrawInSchema(StrictSchema):
    session_ids = ids_field(strict=False, load_default=list, validate=validate.Length(max=500),
                            metadata={"uniqueItems": True,
                                      "description": "None: the whole booking."})


class ProposeInSchema(StrictSchema):
    day = fields.Date(required=True)
    starts_at = _time(required=True)
    ends_at = _time(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class MoveInSchema(StrictSchema):
    day = fields.Date(required=True)
    starts_at = _time(required=True, metadata={"description": "Local time."})
    ends_at = _time(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "Why, for the centre and the citizens."})


class CancelSessionInSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"pattern": NOT_BLANK,
                                     "description": "Why, for the centre and the citizens."})


class CourseInSchema(StrictSchema):
    title = SingleLine(required=True, validate=validate.Length(min=1, max=200),
                       metadata={"pattern": NOT_BLANK})
    trade = fields.String(required=True, validate=validate.OneOf(TRADES))
    teacher = SingleLine(required=True, validate=validate.Length(min=1, max=120),
                         metadata={"pattern": NOT_BLANK})
    audience = SingleLine(load_default="", validate=validate.Length(max=300))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    capacity = fields.Integer(required=True, validate=validate.Range(1, 10000))
    waitlist_size = fields.Integer(load_default=20, validate=validate.Range(0, 10000))
    fee_amount = amount_field(load_default=0, validate=validate.Range(0, MAX_AMOUNT))


class AttendanceInSchema(StrictSchema):
    registration_ids = ids_field(strict=False, required=True, validate=validate.Length(max=10000),
                                 metadata={"uniqueItems": True,
                                           "description": "Who was present; everyone else "
                                                          "is absent."})


class CalendarArgsSchema(Schema):
    city = fields.String(load_default=None, validate=validate.Length(max=100))
    trade = fields.String(load_default=None, validate=validate.OneOf(TRADES))
    since = fields.Date(load_default=None)
    centre = fields.String(load_default=None, validate=validate.Length(max=100),
                           metadata={"description": "A training centre's slug."})


# --- output ----------------------------------------------------------------------------------

class TrainingSpaceSchema(Schema):
    id = fields.Integer()
    venue_id = fields.Integer()
    name_fa = fields.String()
    name_en = fields.String(allow_none=True)
    city = fields.Function(lambda s: s.venue.municipality.city)
    description = fields.String()
    capacity = fields.Integer()
    equipment = fields.List(fields.String())
    is_accessible = fields.Boolean()
    accessibility_note = fields.String()
    opens_at = fields.Time()
    closes_at = fields.Time()
    open_weekdays = fields.Function(lambda s: [RRULE_DAYS[d] for d in s.open_weekdays or []])
    used_by_markets = fields.Boolean()
    is_active = fields.Boolean()


class TrainingBlockSchema(Schema):
    id = fields.Integer()
    space_id = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    reason = fields.Enum(BlockReason, by_value=True)
    note = fields.String()


class SessionCheckSchema(Schema):
    code = fields.String()
    message = fields.String()


class TrainingSessionSchema(Schema):
    id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    status = fields.Enum(SessionStatus, by_value=True)
    proposed_starts_at = fields.AwareDateTime(allow_none=True)
    proposed_ends_at = fields.AwareDateTime(allow_none=True)
    note = fields.String()
    # Filled for the space's staff: what stands in the way of approving it now.
    problems = fields.List(fields.Nested(SessionCheckSchema), dump_default=list)
    conflicting_session_ids = fields.List(fields.Integer(), dump_default=list)


class BookingSchema(Schema):
    id = fields.Integer()
    space_id = fields.Integer()
    centre_id = fields.Integer()
    kind = fields.Enum(BookingKind, by_value=True)
    title = fields.String()
    expected_attendance = fields.Integer()
    equipment_needs = fields.List(fields.String())
    note = fields.String()
    trade = fields.String(allow_none=True)
    recurrence_rule = fields.String(allow_none=True)
    status = fields.Enum(BookingStatus, by_value=True)
    rejection_reason = fields.String(allow_none=True)
    sessions = fields.List(fields.Nested(TrainingSessionSchema))


class CourseSessionSchema(Schema):
    id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()


class CourseSchema(Schema):
    id = fields.Integer()
    booking_id = fields.Integer()
    centre_id = fields.Integer()
    space_id = fields.Integer()
    city = fields.Function(lambda c: c.space.venue.municipality.city)
    title = fields.String()
    description = fields.String()
    trade = fields.String()
    teacher = fields.String()
    audience = fields.String()
    capacity = fields.Integer()
    waitlist_size = fields.Integer()
    fee_amount = amount_field()
    currency = fields.String()
    is_cancelled = fields.Boolean()
    sessions = fields.List(fields.Nested(CourseSessionSchema))


class RegistrationSchema(Schema):
    id = fields.Integer()
    course_id = fields.Integer()
    user_id = fields.Integer()
    name = fields.Function(lambda r: r.user.display_name)
    status = fields.Enum(RegistrationStatus, by_value=True)
    created_at = fields.AwareDateTime()
    registered_at = fields.AwareDateTime(allow_none=True)
    attended_session_ids = fields.Function(
        lambda r: sorted(a.session_id for a in r.attendances))


class AttendanceResultSchema(Schema):
    present = fields.Integer()


class PublicSpaceSchema(Schema):
    """A space as its public page shows it: where, how big, what is in it, when it is open,
    and the public courses coming up there."""

    id = fields.Function(lambda p: p.space.id)
    name_fa = fields.Function(lambda p: p.space.name_fa)
    name_en = fields.Function(lambda p: p.space.name_en)
    venue_id = fields.Function(lambda p: p.space.venue_id)
    venue_name_fa = fields.Function(lambda p: p.space.venue.name_fa)
    venue_name_en = fields.Function(lambda p: p.space.venue.name_en)
    address = fields.Function(lambda p: p.space.venue.address)
    city = fields.Function(lambda p: p.space.venue.municipality.city)
    description = fields.Function(lambda p: p.space.description)
    capacity = fields.Function(lambda p: p.space.capacity)
    equipment = fields.Function(lambda p: list(p.space.equipment or []))
    is_accessible = fields.Function(lambda p: p.space.is_accessible)
    accessibility_note = fields.Function(lambda p: p.space.accessibility_note)
    opens_at = fields.Function(lambda p: p.space.opens_at.isoformat())
    closes_at = fields.Function(lambda p: p.space.closes_at.isoformat())
    open_weekdays = fields.Function(lambda p: [RRULE_DAYS[d] for d in p.space.open_weekdays or []])
    is_active = fields.Function(lambda p: p.space.is_active,
                                metadata={"description": "Taking bookings."})
    courses = fields.List(fields.Nested(CourseSchema),
                          metadata={"description": "Public courses still to come, soonest "
                                                   "first."})


class ConflictBlockSchema(Schema):
    id = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    reason = fields.Enum(BlockReason, by_value=True)
    note = fields.String()


class ConflictMarketDaySchema(Schema):
    id = fields.Integer()
    day = fields.Date()
    market_id = fields.Integer()
    market_name_fa = fields.Function(lambda d: d.market.name_fa)
    market_name_en = fields.Function(lambda d: d.market.name_en)


class LateConflictSchema(Schema):
    """An approved session that a later block or open market day of its space falls on; move
    it (`POST …/sessions/{session_id}/move`) or cancel it (`…/cancel`)."""

    session_id = fields.Function(lambda c: c.session.id)
    booking_id = fields.Function(lambda c: c.session.booking_id)
    space_id = fields.Function(lambda c: c.session.space_id)
    centre_id = fields.Function(lambda c: c.session.booking.centre_id)
    title = fields.Function(lambda c: c.session.booking.title)
    starts_at = fields.Function(lambda c: c.session.starts_at.isoformat())
    ends_at = fields.Function(lambda c: c.session.ends_at.isoformat())
    block = fields.Nested(ConflictBlockSchema, allow_none=True)
    market_day = fields.Nested(ConflictMarketDaySchema, allow_none=True)


class WorkAlertSchema(Schema):
    course_id = fields.Integer()
    following = fields.Boolean(metadata={"description": "Whether you are told when the "
                                                        "course's graduates list work."})
