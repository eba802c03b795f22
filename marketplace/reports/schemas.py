"""marshmallow schemas of the reports API: the choices a report takes and the table it gives
(the same table as the page and the downloads)."""

from marshmallow import Schema, fields, validate

from marketplace.accounts.trades import TRADES
from marketplace.core.api import MAX_ID
from marketplace.core.input import SingleLine
from marketplace.reports.periods import MAX_OFFSET, Calendar, Grain
from marketplace.reports.sales import DIMENSIONS
from marketplace.reports.tables import Kind


class ReportArgsSchema(Schema):
    grain = fields.String(load_default=Grain.MONTH.value,
                          validate=validate.OneOf([g.value for g in Grain]),
                          metadata={"description": "Months or weeks."})
    offset = fields.Integer(load_default=0, validate=validate.Range(0, MAX_OFFSET),
                            metadata={"description": "How many periods back (0: this one)."})
    calendar = fields.String(load_default=None, validate=validate.OneOf(
        [c.value for c in Calendar]), metadata={
            "description": "Jalali or Gregorian periods; by default the reader's language's."})


class SalesArgsSchema(ReportArgsSchema):
    by = fields.String(load_default="period", validate=validate.OneOf(DIMENSIONS),
                       metadata={"description": "What the rows are."})


class NeedsArgsSchema(ReportArgsSchema):
    city = SingleLine(load_default=None, validate=validate.Length(max=100),
                         metadata={"description": "Only searches filtered by this city."})
    category = fields.Integer(load_default=None, validate=validate.Range(1, MAX_ID),
                              metadata={"description": "Only searches in this category."})


class PeriodSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True, metadata={"description": "The day after the last."})
    label = fields.String(required=True)


class ColumnSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in Kind]),
                         metadata={"description": "money: integer minor units of `currency` "
                                                  "(rials for IRR)."})


class ReportSchema(Schema):
    name = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    period = fields.Nested(PeriodSchema, required=True)
    previous = fields.Nested(PeriodSchema, required=True)
    currency = fields.String(required=True)
    columns = fields.List(fields.Nested(ColumnSchema), required=True)
    rows = fields.List(fields.Dict(keys=fields.String()), required=True, metadata={
        "description": "One object per row, keyed by the columns' keys."})


class TermSkillSchema(Schema):
    """One entry of the staff-kept list: a search term read as a skill of a trade."""

    id = fields.Integer(dump_only=True)
    term = SingleLine(required=True, validate=validate.Length(min=1, max=120), metadata={
        "description": "The search term; kept in its search form (normalised)."})
    skill_fa = SingleLine(required=True, validate=validate.Length(min=1, max=120))
    skill_en = SingleLine(load_default="", validate=validate.Length(max=120))
    # null only on entries made before trades were asked for; a new entry must name one (the
    # service refuses null with invalid_term).
    trade = fields.String(required=True, allow_none=True, validate=validate.OneOf(TRADES),
                          metadata={"description": "A code of the trade list courses use "
                                                   "(null on entries made before trades were "
                                                   "asked for)."})
    created_at = fields.DateTime(dump_only=True)
