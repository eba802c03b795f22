"""marshmallow's own messages in the reader's language.

marshmallow has no translations: a field or validator that refuses a value formats an English
template ("Not a valid integer.", "Length must be between {min} and {max}."), and those reached
Persian API clients in English. The API's 422 replies pass each message through `translate`,
which knows marshmallow's templates (listed here with N_, so extraction and the catalogue's
test see them), reads the values back out of the English message, and fills the translated
template with them — bounds in the reader's digits. Messages the schemas give themselves are
already translated and match no template, so they are left as they are.

This reads messages after the fact rather than replacing marshmallow's `default_error_messages`
with lazy strings, because those are copied into every field when its schema class is built (at
import, in whatever order modules load) and marshmallow only formats messages that are `str`;
a marshmallow upgrade that rewords a message leaves it in English until it is added here
(tests/core/test_schema_messages.py checks the list against marshmallow's own)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext

from marketplace.core.i18n import localize_digits


def N_(text: str) -> str:
    """Marks a message for extraction; translated where it is used."""
    return text


TEMPLATES = (
    # fields (marshmallow.fields.*.default_error_messages) and schemas
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Invalid type."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Not a valid integer."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid time."),
    N_("Not a valid period of time."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Must be one of: {choices}."),
    # validators (marshmallow.validate); Range's as its constructor composes them
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be equal to {other}."),
    N_("String does not match expected pattern."),
    N_("Invalid input."),
    N_("One or more of the choices you made was not in: {choices}."),
)

_PLACEHOLDER = re.compile(r"\\\{(\w+)\\\}")  # a {name} after re.escape
_NUMBERS = {"min", "max", "equal"}  # one word each: "at least 1 and at most 2" is two


def _pattern(template: str) -> re.Pattern[str]:
    def group(found: re.Match[str]) -> str:
        name = found.group(1)
        return f"(?P<{name}>\\S+)" if name in _NUMBERS else f"(?P<{name}>.+)"

    return re.compile(_PLACEHOLDER.sub(group, re.escape(template)) + r"\Z", re.DOTALL)


# Built once: every refused API body's messages are matched against them.
_MATCHERS = tuple((template, _pattern(template)) for template in TEMPLATES)


def translate(message: str) -> str:
    """The message in the request's language when it is one of marshmallow's; else as is."""
    for template, pattern in _MATCHERS:
        found = pattern.match(message)
        if found:
            values = {name: localize_digits(value) if name in _NUMBERS else value
                      for name, value in found.groupdict().items()}
            return gettext(template).format(**values)
    return message


def translate_all(messages):
    """`translate` over webargs' nested messages: dicts (by field, index) and lists of text."""
    if isinstance(messages, dict):
        return {key: translate_all(value) for key, value in messages.items()}
    if isinstance(messages, str):
        return translate(messages)
    if isinstance(messages, Iterable):
        return [translate_all(message) for message in messages]
    return messages
