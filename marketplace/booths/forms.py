"""HTML forms for booth pages. Rules beyond field shape live in services."""

from datetime import UTC, datetime, time
from typing import overload
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.booths.labels import BLOCK_REASON_LABELS, MARKET_KIND_LABELS
from marketplace.booths.models.markets import (
    MAX_OFFER_HOURS,
    MAX_SALES_FEE_PERCENT,
    MIN_OFFER_HOURS,
)
from marketplace.booths.recurrence import (
    FREQUENCY_LABELS,
    WEEKDAY_CODES,
    WEEKDAY_LABELS,
    WEEKLY,
    Recurrence,
    choice_of,
    describe,
    rule_for,
)
from marketplace.booths.walkways import parse_edges
from marketplace.core.api import MAX_AMOUNT
from marketplace.core.forms import (
    AmountField,
    Bounds,
    CheckboxesField,
    Form,
    LocalDateField,
    LocalDateTimeField,
    LocalizedIntegerField,
    LocalTimeField,
    ValidationError,
    ascii_digits,
)
from marketplace.core.i18n import localize_digits

# The most booths a market gives one category (a cap is a count of booth-days' places).
MAX_CATEGORY_CAP = 10_000


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
    opens_at = LocalTimeField(_l("Opens at"), default=time(9, 0), validators=[DataRequired()])
    closes_at = LocalTimeField(_l("Closes at"), default=time(18, 0), validators=[DataRequired()])
    grid_width = LocalizedIntegerField(_l("Map width (cells)"), default=10,
                                       validators=[DataRequired(), NumberRange(1, 200)])
    grid_height = LocalizedIntegerField(_l("Map height (cells)"), default=6,
                                        validators=[DataRequired(), NumberRange(1, 200)])
    # The lines ticked on the drawn grid (booths.walkways): "x1,y1,x2,y2" each, checked by
    # the service (a grid of any size may come back, so no fixed list of choices).
    walkways = CheckboxesField(_l("Walkways and pillars"), validate_choice=False)
    standard_fee_amount = AmountField(
        _l("Going rate of a booth-day (values subsidised booths)"), default=0,
        validators=[Optional(), Bounds(0, MAX_AMOUNT)])

    def parsed_breaks(self) -> list[list[str]]:
        return parse_edges(self.walkways.data)


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
    starts_on = LocalDateField(_l("From"), validators=[DataRequired()])
    ends_on = LocalDateField(_l("To"), validators=[DataRequired()])
    reason = SelectField(_l("Reason"),
                         choices=lambda: [(k, str(v)) for k, v in BLOCK_REASON_LABELS.items()])
    note = StringField(_l("Note"), validators=[Length(max=1000)])


KEEP_RULE = "keep"


class MarketForm(Form):
    """A market. A recurring one is chosen in words (`repeat` + `weekdays`, booths.recurrence);
    caps and reserved booths come as one field per category (`cap_<id>`) and per booth
    (`reserve_<id>`), added by `market_form` for the venue's booths and the categories."""

    kind = SelectField(_l("Kind"),
                       choices=lambda: [(k, str(v)) for k, v in MARKET_KIND_LABELS.items()])
    name_fa = StringField(_l("Name (Persian)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    starts_on = LocalDateField(_l("First day"), validators=[DataRequired()])
    ends_on = LocalDateField(_l("Last day"), validators=[DataRequired()])
    repeat = SelectField(_l("How often (recurring markets)"), default=WEEKLY,
                         choices=lambda: [(k, str(v)) for k, v in FREQUENCY_LABELS.items()])
    weekdays = CheckboxesField(_l("On these days of the week"), choices=lambda: [
        (code, str(WEEKDAY_LABELS[code])) for code in WEEKDAY_CODES])
    applications_open_at = LocalDateTimeField(_l("Applications open"),
                                              validators=[DataRequired()])
    applications_close_at = LocalDateTimeField(_l("Applications close"),
                                               validators=[DataRequired()])
    category_ids = CheckboxesField(_l("Welcomed categories"), coerce=int)
    allow_clusters = BooleanField(_l("Allow booths of the same craft side by side"))
    no_show_strike_limit = LocalizedIntegerField(_l("No-shows before a trainee is struck out"),
                                                 default=2, validators=[Bounds(1, 50)])
    ineligibility_days = LocalizedIntegerField(_l("Days a struck-out trainee must wait"),
                                               default=60, validators=[Bounds(0, 3660)])
    check_in_deadline_minutes = LocalizedIntegerField(
        _l("Check-in deadline (minutes after opening)"), default=60,
        validators=[Bounds(0, 1440)])
    withdraw_cutoff_hours = LocalizedIntegerField(
        _l("Withdrawals close (hours before opening)"), default=48,
        validators=[Bounds(0, 1440)])
    sales_fee_percent = LocalizedIntegerField(
        _l("Market's fee on booth sales (percent, 0 = none)"), default=0,
        validators=[Bounds(minimum=0, maximum=MAX_SALES_FEE_PERCENT)])
    offer_hours = LocalizedIntegerField(
        _l("Hours a waitlisted trainee has to accept a freed booth"), default=24,
        validators=[Bounds(minimum=MIN_OFFER_HOURS, maximum=MAX_OFFER_HOURS)])

    category_fields: list[tuple[int, str]] = []   # (category id, field name), set per class
    booth_fields: list[tuple[int, str]] = []      # (booth id, field name)
    kept_rule: str | None = None   # a rule no choice stands for, kept when "repeat" says so

    def validate_weekdays(self, field) -> None:
        if self.kind.data == "recurring" and self.repeat.data != KEEP_RULE and not field.data:
            raise ValidationError(_l("Choose the days of the week the market is held on."))

    def recurrence_rule(self) -> str | None:
        if self.kind.data != "recurring":
            return None
        if self.repeat.data == KEEP_RULE:
            return self.kept_rule
        return rule_for(Recurrence(self.repeat.data, tuple(self.weekdays.data or ())))

    def show_rule(self, rule: str | None) -> None:
        """Fill the words from a kept rule; offer to keep one they cannot say."""
        choice = choice_of(rule)
        if choice is not None:
            self.repeat.data, self.weekdays.data = choice.frequency, list(choice.weekdays)
        elif rule:
            self.offer_to_keep(rule)
            self.repeat.data = KEEP_RULE

    def offer_to_keep(self, rule: str) -> None:
        self.kept_rule = rule
        self.repeat.choices = [(KEEP_RULE, _("As it is now (%(pattern)s)",
                                              pattern=describe(rule))),
                               *self.repeat.choices]

    def caps(self) -> dict[int, int]:
        return {category_id: self[name].data for category_id, name in self.category_fields
                if self[name].data is not None}

    def reserved(self) -> list[tuple[int, int]]:
        return [(booth_id, self[name].data) for booth_id, name in self.booth_fields
                if self[name].data]


def market_form(categories, booths, locale: str, **kwargs) -> MarketForm:
    """A MarketForm with a cap field per category and a reservation choice per booth."""

    class VenueMarketForm(MarketForm):
        pass

    category_choices = [(c.id, c.name(locale)) for c in categories]
    reserve_choices = [(0, _("Anyone")), *category_choices]
    VenueMarketForm.category_fields = []
    for category in categories:
        name = f"cap_{category.id}"
        setattr(VenueMarketForm, name, LocalizedIntegerField(
            category.name(locale), validators=[Optional(), Bounds(0, MAX_CATEGORY_CAP)]))
        VenueMarketForm.category_fields.append((category.id, name))
    VenueMarketForm.booth_fields = []
    for booth in booths:
        name = f"reserve_{booth.id}"
        setattr(VenueMarketForm, name, SelectField(
            _("Booth %(code)s", code=localize_digits(booth.code)), coerce=int, default=0,
            choices=lambda: reserve_choices))
        VenueMarketForm.booth_fields.append((booth.id, name))
    form = VenueMarketForm(**kwargs)
    form.category_ids.choices = category_choices
    return form


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
