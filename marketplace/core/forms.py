"""WTForms pieces shared by every blueprint's forms."""

from datetime import date, datetime, time

from flask import current_app
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import Label
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, Input, ListWidget, TextInput

from marketplace.core.dates import (
    clock_input_text,
    day_input_text,
    is_persian,
    moment_input_text,
    parse_clock,
    parse_day,
    parse_moment,
)
from marketplace.core.digits import parse_int, to_ascii_digits, to_persian_digits
from marketplace.core.i18n import (
    amount_input_text,
    format_money,
    format_number,
    locale_code,
    localize_digits,
    money_unit,
)
from marketplace.core.input import text_problem
from marketplace.core.money import Money, example_amount, parse_amount


def text_rules(form, field) -> None:
    """core.input's rules for a text field: no control characters or broken Unicode, and no
    tabs or line breaks in a one-line field (every StringField but text areas and passwords)."""
    if not isinstance(field.data, str):
        return
    single_line = isinstance(field, StringField) and not isinstance(
        field, TextAreaField | PasswordField)
    problem = text_problem(field.data, single_line=single_line)
    if problem:
        raise ValidationError(str(problem))


class Form(FlaskForm):
    """The base of every HTML form: each text field also follows `text_rules`."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField):
                field.validators = [*field.validators, text_rules]
            return field

    def validate(self, extra_validators=None) -> bool:
        """Validate, then write every message's numbers in the reader's digits: WTForms' own
        («دست‌کم ۱۰ نویسه») and ours alike (digits only: a sentence's full stop stays)."""
        valid = super().validate(extra_validators)
        if not valid and is_persian(locale_code()):
            for field in self:
                if isinstance(field.errors, list):
                    field.errors = [to_persian_digits(str(e), separators=False)
                                    for e in field.errors]
            self.form_errors: list = [to_persian_digits(str(e), separators=False)
                                      for e in self.form_errors]
        return valid


class NumericInput(TextInput):
    """A text input with the phone's number pad: `type=number` refuses «۵۰۰»."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(field, **kwargs)


class LocalizedIntegerField(IntegerField):
    """An integer typed with Latin, Persian or Arabic-Indic digits and optional separators,
    shown back in the reader's digits, in a text input with the number pad."""

    widget = NumericInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return localize_digits(str(self.data)) if self.data is not None else ""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            self.data = parse_int(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value.")) from None


class AmountField(StringField):
    """An amount of money typed in the unit pages show it in — the currency's main unit
    ("12.50"), or toman for IRR in toman mode (kept as rials, ×10) — as an integer of minor
    units (`core.money.parse_amount`: Persian digits and separators welcome). The label says
    the unit («قیمت (تومان)»). The currency is the form's `meta.currency` when given
    (`SomeForm(meta={"currency": "IRR"})`), else the marketplace's. `message` says what to
    type when the text is not such an amount; its `%(example)s` becomes one in the right unit."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Enter an amount such as %(example)s.")
        bare = self.label.text
        self.label = Label(self.id, LazyString(
            lambda: _("%(label)s (%(unit)s)", label=bare, unit=money_unit(self.currency))))
        self.render_kw = {"inputmode": "decimal", **(self.render_kw or {})}

    @property
    def currency(self) -> str:
        return getattr(self.meta, "currency", None) or \
            current_app.config["MARKETPLACE_CURRENCY"]

    def example(self) -> str:
        """An amount as this field takes it, in the reader's digits: 12.50, ۱۲۵۰۰ (toman)."""
        return amount_input_text(example_amount(self.currency))

    def problem(self) -> str:
        """The message for text that is not an amount, with an example in this field's unit."""
        return str(self.message) % {"example": self.example()}

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        if not text or not text.strip():
            self.data = None
            return
        try:
            self.data = parse_amount(text, self.currency).amount
        except ValueError:
            self.data = None
            raise ValueError(self.problem()) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return amount_input_text(Money(self.data, self.currency)) \
            if isinstance(self.data, int) else ""


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (weekdays, categories): easier on a phone than
    a multiple select, which needs Ctrl-click on a computer."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LocalDateInput(Input):
    """A day in the reader's calendar: in Persian a text input the Jalali picker
    (static/js/dates.js) opens on, «۱۴۰۵/۰۹/۱۶»; otherwise the browser's own date input (or
    date-and-time input), which sends ISO."""

    input_type = "text"
    validation_attrs = ["required", "disabled", "readonly"]

    def __init__(self, with_time: bool = False):
        super().__init__()
        self.with_time = with_time

    def __call__(self, field, **kwargs):
        if is_persian(locale_code()):
            example = "۱۴۰۵/۰۹/۱۶ ۱۴:۳۰" if self.with_time else "۱۴۰۵/۰۹/۱۶"
            kwargs.update({"type": "text", "data-jdp": True})
            if not self.with_time:
                # The decimal pad has a separator key (۱۴۰۵٫۰۹٫۱۶ reads too); a number pad
                # on some phones has none.
                kwargs["data-jdp-only-date"] = True
                kwargs.setdefault("inputmode", "decimal")
            kwargs.setdefault("autocomplete", "off")
            kwargs.setdefault("placeholder", example)
        else:
            kwargs["type"] = "datetime-local" if self.with_time else "date"
        return super().__call__(field, **kwargs)


class _TextReadField(Field):
    """A value typed as text in the reader's calendar and digits: `read` turns the text into the
    value (ValueError when it cannot), `write` turns a value back into the text the field shows,
    and `problem()` says what to type. A refused text keeps that message: without
    `pre_validate`, DataRequired would replace "Enter a date such as …" with "This field is
    required."."""

    value_type: type = object

    def read(self, text: str):
        return text

    def write(self, value, locale: str) -> str:
        return str(value)

    def problem(self) -> str:
        return ""

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        if not text or not str(text).strip():
            self.data = None
            return
        try:
            self.data = self.read(text)
        except ValueError:
            self.data = None
            raise ValueError(self.problem()) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.write(self.data, locale_code()) if isinstance(self.data, self.value_type) \
            else ""


class LocalDateField(_TextReadField):
    """A calendar day typed in the reader's calendar (`core.dates.parse_day`: Jalali with any
    digits in Persian, Gregorian otherwise; an ISO date reads in both), as a `date`."""

    widget = LocalDateInput()
    value_type = date

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def read(self, text: str) -> date:
        return parse_day(text)

    def write(self, value, locale: str) -> str:
        return day_input_text(value, locale)

    def problem(self) -> str:
        example = day_input_text(date(2026, 12, 7), locale_code())
        return str(self.message or _("Enter a date such as %(example)s.", example=example))


class LocalDateTimeField(_TextReadField):
    """A day and a time of day in the reader's calendar, as a naive `datetime` in the
    marketplace's zone (the caller makes it aware)."""

    widget = LocalDateInput(with_time=True)
    value_type = datetime

    def read(self, text: str) -> datetime:
        return parse_moment(text)

    def write(self, value, locale: str) -> str:
        return moment_input_text(value, locale)

    def problem(self) -> str:
        example = moment_input_text(datetime(2026, 12, 7, 9, 30), locale_code())
        return _("Enter a date and time such as %(example)s.", example=example)


class LocalTimeField(_TextReadField):
    """A time of day («۰۹:۳۰») typed with any digits in a text input: a browser's time input
    shows its own digits and AM/PM, whatever the page's language."""

    widget = NumericInput()
    value_type = time

    def read(self, text: str) -> time:
        return parse_clock(text)

    def write(self, value, locale: str) -> str:
        return clock_input_text(value, locale)

    def problem(self) -> str:
        return _("Enter a time such as %(example)s.",
                 example=clock_input_text(time(9, 30), locale_code()))


class Bounds:
    """A number's smallest and largest value (either may be None), the message naming the
    bound in the reader's digits. Leaves a missing value to Optional/DataRequired."""

    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        if self.minimum is not None and field.data < self.minimum:
            raise ValidationError(_("Must be at least %(n)s.", n=self._shown(field, self.minimum)))
        if self.maximum is not None and field.data > self.maximum:
            raise ValidationError(_("Must be at most %(n)s.", n=self._shown(field, self.maximum)))

    @staticmethod
    def _shown(field, bound: int) -> str:
        """An amount's bound (minor units) as money in the unit the field takes."""
        if isinstance(field, AmountField):
            return format_money(Money(bound, field.currency))
        return format_number(bound)


def strip(value):
    """Filter: the text without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


def ascii_digits(value):
    """Filter for text fields that hold numbers (phone, certificate numbers)."""
    return to_ascii_digits(value) if isinstance(value, str) else value


def _readers_digits(message) -> str:
    """A message's numbers in the page's digits (services format some with %d)."""
    text = str(message)
    return to_persian_digits(text, separators=False) if is_persian(locale_code()) else text


def apply_domain_error(form: FlaskForm, error) -> None:
    """Show a service's DomainError on the form: per field where it names fields."""
    placed = False
    for name, messages in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [_readers_digits(m) for m in messages]
            placed = True
    if not placed:
        form.form_errors.append(_readers_digits(error.message))


__all__ = ["AmountField", "Bounds", "CheckboxesField", "Form", "LocalDateField",
           "LocalDateTimeField", "LocalTimeField", "LocalizedIntegerField", "NumericInput",
           "ValidationError",
           "apply_domain_error", "ascii_digits", "strip", "text_rules"]
