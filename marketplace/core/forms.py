"""WTForms pieces shared by every blueprint's forms."""

from flask import current_app
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import Label
from wtforms.validators import ValidationError

from marketplace.core.digits import parse_int, to_ascii_digits
from marketplace.core.i18n import (
    amount_input_text,
    format_money,
    format_number,
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


class LocalizedIntegerField(IntegerField):
    """An integer typed with Latin, Persian or Arabic-Indic digits and optional separators."""

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


def apply_domain_error(form: FlaskForm, error) -> None:
    """Show a service's DomainError on the form: per field where it names fields."""
    placed = False
    for name, messages in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [str(m) for m in messages]
            placed = True
    if not placed:
        form.form_errors.append(str(error.message))


__all__ = ["AmountField", "Bounds", "Form", "LocalizedIntegerField", "ValidationError",
           "apply_domain_error", "ascii_digits", "strip", "text_rules"]
