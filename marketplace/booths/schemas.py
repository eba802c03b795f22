"""Marshmallow schemas of the booths API. Unknown fields are refused (marshmallow's RAISE)."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from marketplace.booths.models import BlockReason, MarketKind
from marketplace.booths.models.markets import (
    MAX_OFFER_HOURS,
    MAX_SALES_FEE_PERCENT,
    MIN_OFFER_HOURS,
)
from marketplace.core.api import MAX_AMOUNT, NOT_BLANK, id_field, ids_field
from marketplace.core.input import SingleLine

GRID_MAX = 200
# "09:30" or "09:30:15": what fields.Time reads, without the offsets it does not take.
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


def _cell_list(value):
    if not isinstance(value, list) or len(value) != 4 or \
            not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ValidationError("Each walkway is [x1, y1, x2, y2].")


# --- input -----------------------------------------------------------------------------------

class VenueInSchema(StrictSchema):
    municipality_id = id_field(strict=False, load_default=None, allow_none=True,
                               metadata={"description": "Required to create a venue."})
    name_fa = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    name_en = SingleLine(load_default=None, allow_none=True,
                            validate=validate.Length(max=200))
    address = fields.String(load_default="", validate=validate.Length(max=2000))
    opening_hours = SingleLine(load_default="", validate=validate.Length(max=200))
    opens_at = fields.Time(load_default=None, metadata={"pattern": TIME_PATTERN})
    closes_at = fields.Time(load_default=None, metadata={"pattern": TIME_PATTERN})
    grid_width = fields.Integer(load_default=10, validate=validate.Range(1, GRID_MAX))
    grid_height = fields.Integer(load_default=6, validate=validate.Range(1, GRID_MAX))
    grid_breaks = fields.List(
        fields.Raw(validate=_cell_list, metadata={
            "type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4}),
        load_default=list, metadata={"description": "Walkways: cells [x1, y1, x2, y2] inside "
                                                    "the grid."})
    standard_fee_amount = fields.Integer(load_default=0, validate=validate.Range(0, MAX_AMOUNT))


class BoothInSchema(StrictSchema):
    code = SingleLine(required=True, validate=validate.Length(min=1, max=20))
    # Inside the venue's grid (at most GRID_MAX cells a side).
    grid_x = fields.Integer(required=True, validate=validate.Range(0, GRID_MAX - 1))
    grid_y = fields.Integer(required=True, validate=validate.Range(0, GRID_MAX - 1))
    width = fields.Integer(load_default=1, validate=validate.Range(1, 50))
    height = fields.Integer(load_default=1, validate=validate.Range(1, 50))
    has_power = fields.Boolean(load_default=False)
    is_corner = fields.Boolean(load_default=False)
    is_covered = fields.Boolean(load_default=False)
    is_accessible = fields.Boolean(load_default=False)
    location_score = fields.Integer(load_default=50, validate=validate.Range(0, 100))
    fee_amount = fields.Integer(load_default=0, validate=validate.Range(0, MAX_AMOUNT))
    reserved_category_id = id_field(strict=False, load_default=None, allow_none=True)
    is_active = fields.Boolean(load_default=True)


class BlockInSchema(StrictSchema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = fields.Enum(BlockReason, by_value=True, required=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class CategoryCapSchema(StrictSchema):
    category_id = id_field(strict=False, required=True)
    cap = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))


class ReservedBoothSchema(StrictSchema):
    booth_id = id_field(strict=False, required=True)
    category_id = id_field(strict=False, required=True)


class BoothMarketInSchema(StrictSchema):
    kind = fields.Enum(MarketKind, by_value=True, required=True)
    name_fa = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    name_en = SingleLine(load_default=None, allow_none=True,
                            validate=validate.Length(max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    recurrence_rule = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(max=300))
    applications_open_at = fields.AwareDateTime(required=True)
    applications_close_at = fields.AwareDateTime(required=True)
    allow_clusters = fields.Boolean(load_default=False)
    no_show_strike_limit = fields.Integer(load_default=2, validate=validate.Range(1, 50))
    ineligibility_days = fields.Integer(load_default=60, validate=validate.Range(0, 3660))
    check_in_deadline_minutes = fields.Integer(load_default=60,
                                               validate=validate.Range(0, 24 * 60))
    withdraw_cutoff_hours = fields.Integer(load_default=48, validate=validate.Range(0, 24 * 60))
    sales_fee_percent = fields.Integer(load_default=0,
                                       validate=validate.Range(0, MAX_SALES_FEE_PERCENT))
    offer_hours = fields.Integer(load_default=24,
                                 validate=validate.Range(MIN_OFFER_HOURS, MAX_OFFER_HOURS))
    categories = fields.List(fields.Nested(CategoryCapSchema), load_default=list)
    reserved_booths = fields.List(fields.Nested(ReservedBoothSchema), load_default=list)
    published_seed = fields.Integer(load_default=None, allow_none=True,
                                    validate=validate.Range(0, 2**53))

    @validates_schema
    def recurring_needs_rule(self, data, **_kwargs):
        if data.get("kind") == MarketKind.RECURRING and not data.get("recurrence_rule"):
            raise ValidationError("A recurring market needs a recurrence rule.",
                                  "recurrence_rule")


class CloseDayInSchema(StrictSchema):
    # Blank after stripping: services.close_market_day answers 422 `reason_required`.
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"pattern": NOT_BLANK})


class BoothApplicationInSchema(StrictSchema):
    # At least one, each once: checked by services.apply_for_market (`no_days`, `duplicate_day`,
    # `no_category`, `duplicate_category`).
    day_ids = ids_field(strict=False, required=True,
                        metadata={"minItems": 1, "uniqueItems": True})
    category_ids = ids_field(strict=False, required=True, metadata={
        "minItems": 1, "uniqueItems": True, "description": "Most wanted first."})
    product_ids = ids_field(strict=False, load_default=list)
    preferred_booth_ids = ids_field(strict=False, load_default=list)
    needs_power = fields.Boolean(load_default=False)
    needs_accessible = fields.Boolean(load_default=False)
    needs_covered = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class WithdrawDayInSchema(StrictSchema):
    day_id = id_field(strict=False, required=True)
    confirm_pickups = fields.Boolean(
        load_default=False,
        metadata={"description": "Withdraw even though buyers pick up at your booth that day "
                                 "(without it such a withdrawal is a 409 `pickups_at_stake`)."})


class NominateInSchema(StrictSchema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class AssignInSchema(StrictSchema):
    day_id = id_field(strict=False, required=True)
    booth_id = id_field(strict=False, required=True)
    trainee_id = id_field(strict=False, required=True)


class CheckInCodeSchema(StrictSchema):
    code = SingleLine(required=True, validate=validate.Length(min=1, max=12))


# --- output ----------------------------------------------------------------------------------

class VenueSchema(Schema):
    id = fields.Integer()
    municipality_id = fields.Integer()
    name_fa = fields.String()
    name_en = fields.String(allow_none=True)
    address = fields.String()
    opening_hours = fields.String()
    opens_at = fields.Time()
    closes_at = fields.Time()
    grid_width = fields.Integer()
    grid_height = fields.Integer()
    grid_breaks = fields.List(fields.List(fields.Integer()))
    standard_fee_amount = fields.Integer()
    currency = fields.String()


class BlockSchema(Schema):
    id = fields.Integer()
    booth_id = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    reason = fields.Enum(BlockReason, by_value=True)
    note = fields.String()


class BoothSchema(Schema):
    id = fields.Integer()
    venue_id = fields.Integer()
    code = fields.String()
    grid_x = fields.Integer()
    grid_y = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    has_power = fields.Boolean()
    is_corner = fields.Boolean()
    is_covered = fields.Boolean()
    is_accessible = fields.Boolean()
    location_score = fields.Integer()
    fee_amount = fields.Integer()
    currency = fields.String()
    reserved_category_id = fields.Integer(allow_none=True)
    is_active = fields.Boolean()
    neighbour_ids = fields.List(fields.Integer())


class BoothMarketDaySchema(Schema):
    id = fields.Integer()
    day = fields.Date()
    opens_at = fields.AwareDateTime()
    status = fields.String()
    closed_reason = fields.String(allow_none=True)


class MarketCategoryOutSchema(Schema):
    category_id = fields.Integer()
    cap = fields.Integer(allow_none=True)


class BoothMarketSchema(Schema):
    id = fields.Integer()
    venue_id = fields.Integer()
    kind = fields.Enum(MarketKind, by_value=True)
    name_fa = fields.String()
    name_en = fields.String(allow_none=True)
    description = fields.String()
    recurrence_rule = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    applications_open_at = fields.AwareDateTime()
    applications_close_at = fields.AwareDateTime()
    allow_clusters = fields.Boolean()
    no_show_strike_limit = fields.Integer()
    ineligibility_days = fields.Integer()
    check_in_deadline_minutes = fields.Integer()
    withdraw_cutoff_hours = fields.Integer()
    sales_fee_percent = fields.Integer()
    offer_hours = fields.Integer()
    published_seed = fields.Integer()
    days = fields.List(fields.Nested(BoothMarketDaySchema))
    categories = fields.List(fields.Nested(MarketCategoryOutSchema))


class BoothApplicationDayOutSchema(Schema):
    market_day_id = fields.Integer()
    status = fields.String()
    reason_code = fields.String(allow_none=True)


class BoothApplicationSchema(Schema):
    id = fields.Integer()
    market_id = fields.Integer()
    trainee_id = fields.Integer()
    status = fields.String()
    reason_code = fields.String(allow_none=True)
    needs_power = fields.Boolean()
    needs_accessible = fields.Boolean()
    needs_covered = fields.Boolean()
    note = fields.String()
    category_ids = fields.List(fields.Integer())
    is_nominated = fields.Boolean()
    nomination_note = fields.String(allow_none=True)
    days = fields.List(fields.Nested(BoothApplicationDayOutSchema))
    created_at = fields.AwareDateTime()


class BoothAssignmentSchema(Schema):
    id = fields.Integer()
    booth_id = fields.Integer()
    market_day_id = fields.Integer()
    trainee_id = fields.Integer()
    application_id = fields.Integer(allow_none=True)
    source = fields.String()
    status = fields.String()
    checked_in_at = fields.AwareDateTime(allow_none=True)


class MyBoothAssignmentSchema(BoothAssignmentSchema):
    check_in_code = fields.String()


class PlacementOutSchema(Schema):
    application_id = fields.Integer()
    trainee_id = fields.Integer()
    booth_id = fields.Integer()
    booth_code = fields.String()
    day_id = fields.Integer()
    day = fields.Date()
    reason = fields.String()
    reason_text = fields.String()


class UnservedOutSchema(Schema):
    application_id = fields.Integer()
    trainee_id = fields.Integer()
    day_id = fields.Integer()
    day = fields.Date()
    reason = fields.String()
    reason_text = fields.String()
    detail = fields.String()


class DroppedOutSchema(PlacementOutSchema):
    """A placement of the preview that confirming left out, and why."""

    reason = fields.String(metadata={"description": "no_longer_requested, not_active_vendor, "
                                     "struck_out, day_closed, booth_unavailable, booth_blocked, "
                                     "booth_taken or trainee_already_placed"})


class AllocationRunSchema(Schema):
    id = fields.Integer()
    market_id = fields.Integer()
    scope = fields.String()
    status = fields.String()
    seed = fields.Integer()
    created_at = fields.AwareDateTime()
    confirmed_at = fields.AwareDateTime(allow_none=True)
    placements = fields.List(fields.Nested(PlacementOutSchema))
    unserved = fields.List(fields.Nested(UnservedOutSchema))
    dropped = fields.List(fields.Nested(DroppedOutSchema), metadata={
        "description": "Placements of the preview left out at confirmation because they no "
                       "longer held; see confirm_policy."})
    confirm_policy = fields.String(metadata={
        "description": "What confirming does with a world that changed since the preview."})


class AllocationReplaySchema(Schema):
    run_id = fields.Integer()
    matches = fields.Boolean()


class WhoIsWhereEntrySchema(Schema):
    day = fields.Date()
    booth_code = fields.String()
    booth_id = fields.Integer()
    store_name = fields.String()
    store_slug = fields.String()
    store_url = fields.String()


class WhoIsWhereSchema(Schema):
    market_id = fields.Integer()
    name = fields.String()
    venue = fields.String()
    entries = fields.List(fields.Nested(WhoIsWhereEntrySchema))


class NoShowSummarySchema(Schema):
    no_shows = fields.Integer()
    strikes = fields.Integer()
    ineligible = fields.Integer()
