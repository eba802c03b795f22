"""HTML forms for booth pages. Rules beyond field shape live in services."""

from datetime import UTC, datetime, time
from typing import overload
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.booths.labels import BLOCK_REASON_LABELS, MARKET_KIND_LABELS
from marketplace.booths.models.markets import (
    MAX_OFFER_HOURS,
    MAX_SALES_FEE_PERCENT,
    MIN_OFFER_HOURS,
)
from marketplace.core.api import MAX_AMOUNT
from marketplace.core.forms import AmountField, Bounds, Form, LocalizedIntegerField, ascii_digits


@overload
def local_to_utc(value: datetime) -> datetime: ...
@overload
def local_to_utc(value: None) -> None: ...
def local_to_utc(value: datetime | None) -> datetime | None:
    """A datetime-local input is in the marketplace's zone; services want aware UTC."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["MARKETPLACE_TIMEZONE"])
    return value.replace(tzinfo=zone).astimezone(UTC)


def utc_to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["MARKETPLACE_TIMEZONE"])
    return value.astimezone(zone).replace(tzinfo=None)


class VenueForm(Form):
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[DataRequired()])
    name_fa = StringField(_l("Name (Persian)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Length(max=2000)])
    opening_hours = StringField(_l("Opening hours (as shown to visitors)"),
                                validators=[Length(max=200)])
    opens_at = TimeField(_l("Opens at"), default=time(9, 0), validators=[DataRequired()])
    closes_at = TimeField(_l("Closes at"), default=time(18, 0), validators=[DataRequired()])
    grid_width = LocalizedIntegerField(_l("Map width (cells)"), default=10,
                                       validators=[DataRequired(), NumberRange(1, 200)])
    grid_height = LocalizedIntegerField(_l("Map height (cells)"), default=6,
                                        validators=[DataRequired(), NumberRange(1, 200)])
    grid_breaks = StringField(
        _l("Walkways and pillars (x1,y1,x2,y2 per pair of cells, separated by ;)"),
        filters=[ascii_digits], validators=[Optional(), Length(max=4000)])
    standard_fee_amount = AmountField(
        _l("Going rate of a booth-day (values subsidised booths)"), default=0,
        validators=[Optional(), Bounds(0, MAX_AMOUNT)])

    def parsed_breaks(self) -> list[list[str]]:
        breaks = []
        for part in (self.grid_breaks.data or "").split(";"):
            if part.strip():
                breaks.append([p.strip() for p in part.split(",")])
        return breaks


class BoothForm(Form):
    code = StringField(_l("Code"), filters=[ascii_digits],
                       validators=[DataRequired(), Length(max=20)])
    grid_x = LocalizedIntegerField(_l("Column (x, from 0)"), default=0,
                                   validators=[Optional(), NumberRange(min=0)])
    grid_y = LocalizedIntegerField(_l("Row (y, from 0)"), default=0,
                                   validators=[Optional(), NumberRange(min=0)])
    width = LocalizedIntegerField(_l("Width (cells)"), default=1,
                                  validators=[DataRequired(), NumberRange(1, 50)])
    height = LocalizedIntegerField(_l("Depth (cells)"), default=1,
                                   validators=[DataRequired(), NumberRange(1, 50)])
    has_power = BooleanField(_l("Power"))
    is_corner = BooleanField(_l("Corner"))
    is_covered = BooleanField(_l("Covered"))
    is_accessible = BooleanField(_l("Accessible"))
    location_score = LocalizedIntegerField(_l("Location score (0–100)"), default=50,
                                           validators=[Optional(), NumberRange(0, 100)])
    fee_amount = AmountField(_l("Fee per day (0 = subsidised)"), default=0,
                             validators=[Optional(), Bounds(0, MAX_AMOUNT)])
    reserved_category_id = SelectField(_l("Reserved for category"), coerce=int, default=0)
    is_active = BooleanField(_l("In use"), default=True)


class BlockForm(Form):
    starts_on = DateField(_l("From"), validators=[DataRequired()])
    ends_on = DateField(_l("To"), validators=[DataRequired()])
    reason = SelectField(_l("Reason"),
                         choices=lambda: [(k, str(v)) for k, v in BLOCK_REASON_LABELS.items()])
    note = StringField(_l("Note"), validators=[Length(max=1000)])


class MarketForm(Form):
    kind = SelectField(_l("Kind"),
                       choices=lambda: [(k, str(v)) for k, v in MARKET_KIND_LABELS.items()])
    name_fa = StringField(_l("Name (Persian)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    recurrence_rule = StringField(_l("Recurrence rule (recurring markets), e.g. "
                                     "FREQ=WEEKLY;BYDAY=FR"),
                                  validators=[Optional(), Length(max=300)])
    applications_open_at = DateTimeLocalField(_l("Applications open"),
                                              format="%Y-%m-%dT%H:%M",
                                              validators=[DataRequired()])
    applications_close_at = DateTimeLocalField(_l("Applications close"),
                                               format="%Y-%m-%dT%H:%M",
                                               validators=[DataRequired()])
    category_ids = SelectMultipleField(_l("Welcomed categories"), coerce=int)
    caps = StringField(_l("Caps per category (category id:cap, separated by ;)"),
                       filters=[ascii_digits], validators=[Optional(), Length(max=2000)])
    reserved = StringField(_l("Reserved booths (booth code:category id, separated by ;)"),
                           filters=[ascii_digits], validators=[Optional(), Length(max=2000)])
    allow_clusters = BooleanField(_l("Allow booths of the same craft side by side"))
    no_show_strike_limit = LocalizedIntegerField(_l("No-shows before a trainee is struck out"),
                                                 default=2, validators=[NumberRange(1, 50)])
    ineligibility_days = LocalizedIntegerField(_l("Days a struck-out trainee must wait"),
                                               default=60, validators=[NumberRange(0, 3660)])
    check_in_deadline_minutes = LocalizedIntegerField(
        _l("Check-in deadline (minutes after opening)"), default=60,
        validators=[NumberRange(0, 1440)])
    withdraw_cutoff_hours = LocalizedIntegerField(
        _l("Withdrawals close (hours before opening)"), default=48,
        validators=[NumberRange(0, 1440)])
    sales_fee_percent = LocalizedIntegerField(
        _l("Market's fee on booth sales (percent, 0 = none)"), default=0,
        validators=[Bounds(minimum=0, maximum=MAX_SALES_FEE_PERCENT)])
    offer_hours = LocalizedIntegerField(
        _l("Hours a waitlisted trainee has to accept a freed booth"), default=24,
        validators=[Bounds(minimum=MIN_OFFER_HOURS, maximum=MAX_OFFER_HOURS)])


class ApplyForm(Form):
    day_ids = SelectMultipleField(_l("Days"), coerce=int)
    category_ids = SelectMultipleField(_l("What you will sell"), coerce=int)
    product_ids = SelectMultipleField(_l("Products you will bring"), coerce=int)
    preferred_booth_ids = SelectMultipleField(_l("Preferred booths"), coerce=int)
    needs_power = BooleanField(_l("I need power"))
    needs_accessible = BooleanField(_l("I need an accessible booth"))
    needs_covered = BooleanField(_l("I need a covered booth"))
    note = TextAreaField(_l("Note to the organisers"), validators=[Length(max=2000)])


class AssignForm(Form):
    booth_id = SelectField(_l("Booth"), coerce=int, validators=[DataRequired()])
    trainee_id = SelectField(_l("Trainee"), coerce=int, validators=[DataRequired()])
