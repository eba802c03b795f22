"""WTForms pieces shared by every blueprint's forms."""

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import ValidationError

from marketplace.core.digits import parse_int, to_ascii_digits


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


__all__ = ["LocalizedIntegerField", "ValidationError", "apply_domain_error", "ascii_digits"]
