"""WTForms pieces shared by every blueprint's forms."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

from marketplace.core.digits import parse_int, to_ascii_digits
from marketplace.core.input import text_problem


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


__all__ = ["Form", "LocalizedIntegerField", "ValidationError", "apply_domain_error",
           "ascii_digits", "text_rules"]
