"""HTML forms of the training pages. Rules beyond field shape live in services."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.accounts.trades import TRADE_LABELS
from marketplace.booths.labels import BLOCK_REASON_LABELS
from marketplace.core.api import MAX_AMOUNT
from marketplace.core.forms import (
    AmountField,
    Bounds,
    Form,
    LocalDateField,
    LocalizedIntegerField,
    LocalTimeField,
)
from marketplace.training.labels import (
    BOOKING_KIND_LABELS,
    EQUIPMENT_LABELS,
    WEEKDAY_LABELS,
)


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (equipment, weekdays): nothing to type."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(labels: dict):
    return lambda: [(k, str(v)) for k, v in labels.items()]


class SpaceForm(Form):
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[DataRequired()])
    name_fa = StringField(_l("Name (Persian)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    capacity = LocalizedIntegerField(_l("Capacity (people)"), default=20,
                                     validators=[DataRequired(), Bounds(1, 10000)])
    equipment = CheckboxesField(_l("Equipment"), choices=_choices(EQUIPMENT_LABELS))
    is_accessible = BooleanField(_l("Accessible (step-free entrance, accessible toilet)"))
    accessibility_note = StringField(_l("Accessibility notes"), validators=[Length(max=300)])
    opens_at = LocalTimeField(_l("Opens at"), default=time(8, 0), validators=[DataRequired()])
    closes_at = LocalTimeField(_l("Closes at"), default=time(20, 0), validators=[DataRequired()])
    open_weekdays = CheckboxesField(_l("Open on"), coerce=int,
                                    choices=_choices(WEEKDAY_LABELS),
                                    default=list(WEEKDAY_LABELS))
    used_by_markets = BooleanField(_l("The venue's markets use this space on their days"))
    is_active = BooleanField(_l("Taking bookings"), default=True)


class BlockForm(Form):
    starts_on = LocalDateField(_l("From"), validators=[DataRequired()])
    ends_on = LocalDateField(_l("To"), validators=[DataRequired()])
    reason = SelectField(_l("Reason"), choices=_choices(BLOCK_REASON_LABELS))
    note = StringField(_l("Note"), validators=[Length(max=1000)])


class RequestForm(Form):
    centre_id = SelectField(_l("Training centre"), coerce=int, validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=_choices(BOOKING_KIND_LABELS))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    trade = SelectField(_l("Trade it teaches"), default="",
                        choices=lambda: [("", str(_l("Not said yet")))] +
                        [(k, str(v)) for k, v in TRADE_LABELS.items()])
    expected_attendance = LocalizedIntegerField(_l("Expected attendance"), default=15,
                                                validators=[DataRequired(),
                                                            Bounds(1, 10000)])
    equipment_needs = CheckboxesField(_l("Equipment you need"),
                                      choices=_choices(EQUIPMENT_LABELS))
    repeat = RadioField(_l("Sessions"), default="once",
                        choices=lambda: [("once", str(_l("One session"))),
                                         ("series", str(_l("A series")))])
    day = LocalDateField(_l("Day (one session)"), validators=[Optional()])
    weekdays = CheckboxesField(_l("On (series)"), coerce=int, choices=_choices(WEEKDAY_LABELS))
    every_weeks = SelectField(_l("Repeats"), coerce=int, default=1,
                              choices=lambda: [(1, str(_l("Every week"))),
                                               (2, str(_l("Every two weeks")))])
    starts_on = LocalDateField(_l("From (series)"), validators=[Optional()])
    ends_on = LocalDateField(_l("To (series)"), validators=[Optional()])
    starts_at = LocalTimeField(_l("Starts at"), default=time(9, 0), validators=[DataRequired()])
    ends_at = LocalTimeField(_l("Ends at"), default=time(12, 0), validators=[DataRequired()])
    note = TextAreaField(_l("Note to the municipality"), validators=[Length(max=2000)])


class RejectForm(Form):
    reason = TextAreaField(_l("Reason (the centre reads it)"),
                           validators=[DataRequired(), Length(max=2000)])


class ProposeForm(Form):
    day = LocalDateField(_l("Day"), validators=[DataRequired()])
    starts_at = LocalTimeField(_l("Starts at"), validators=[DataRequired()])
    ends_at = LocalTimeField(_l("Ends at"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Length(max=500)])


class MoveSessionForm(Form):
    day = LocalDateField(_l("New day"), validators=[DataRequired()])
    starts_at = LocalTimeField(_l("Starts at"), validators=[DataRequired()])
    ends_at = LocalTimeField(_l("Ends at"), validators=[DataRequired()])
    reason = StringField(_l("Reason (the centre and the citizens read it)"),
                         validators=[Length(max=2000)])


class CancelSessionForm(Form):
    reason = TextAreaField(_l("Reason (the centre and the citizens read it)"),
                           validators=[DataRequired(), Length(max=2000)])


class CourseForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    trade = SelectField(_l("Trade"), choices=_choices(TRADE_LABELS))
    teacher = StringField(_l("Teacher"), validators=[DataRequired(), Length(max=120)])
    audience = StringField(_l("Who it is for"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    capacity = LocalizedIntegerField(_l("Places"), default=15,
                                     validators=[DataRequired(), Bounds(1, 10000)])
    waitlist_size = LocalizedIntegerField(_l("Places on the waitlist (0 = none)"), default=10,
                                          validators=[Optional(), Bounds(0, 10000)])
    fee_amount = AmountField(_l("Fee (0 = free)"), default=0,
                             validators=[Optional(), Bounds(0, MAX_AMOUNT)])


class CalendarForm(Form):
    """The public calendar's filters (GET, so no CSRF)."""

    class Meta:
        csrf = False

    city = SelectField(_l("City"), default="")
    trade = SelectField(_l("Trade"), default="")
    since = LocalDateField(_l("From"), validators=[Optional()])
