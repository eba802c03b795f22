"""Input that must never reach a service, the database or a template as it came.

One set of rules for text, used by every entrance (ARCHITECTURE §7):

- **Every string** — JSON bodies (keys and values), query strings, HTML forms — is refused if it
  holds a control character other than tab, line feed and carriage return, or a lone surrogate
  (`"\\ud800"` in JSON: not text at all; it cannot even be encoded to UTF-8). PostgreSQL refuses
  NUL in text and SQLite stores it, so without this the same request fails differently on each.
- **Single-line fields** (names, titles, emails) also refuse tabs and line breaks:
  `SingleLine` for marshmallow schemas, and every `StringField` of a `core.forms.Form`.
- **JSON bodies** are decoded here, not by webargs' plain `json.loads`: at most
  `MAX_JSON_BODY` bytes, `MAX_JSON_DEPTH` levels, integers of at most `MAX_INTEGER_DIGITS`
  digits (Python's own limit, 4,300, raises ValueError), no NaN or Infinity (not JSON).

Each refusal is a `DomainError`, so the one handler answers with a code and nothing is written.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from marketplace.core.errors import CoreErrorCode, DomainError
from marketplace.core.i18n import format_number

MAX_JSON_DEPTH = 32
MAX_INTEGER_DIGITS = 100  # the largest column is a BIGINT (19 digits)
MAX_REPORTED_PROBLEMS = 20

# Controls (C0 without tab, LF and CR; DEL; C1) and surrogates, which a str can hold only when
# it came from a JSON escape; neither belongs in any text of ours.
_NEVER_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# What ends or indents a line; a single-line field holds none of it.
_LINE_BREAK_OR_TAB = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")

# The same rules as JSON Schema patterns (ECMA-262 syntax), for the API document: a character
# class of what no text may hold, and of what a single-line field may not hold besides.
CONTROL_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
LINE_BREAK_CLASS = r"\t\n\r\u2028\u2029"

CONTROL_CHARACTER = _l("This text contains a control character, which is not allowed.")
BROKEN_TEXT = _l("This text contains a broken character (a lone surrogate).")
LINE_BREAK = _l("Line breaks and tabs are not allowed here.")


def text_problem(value: str, *, single_line: bool = False):
    """Why `value` cannot be stored as text (a lazy message), or None if it can."""
    if _NEVER_IN_TEXT.search(value):
        return BROKEN_TEXT if _SURROGATE.search(value) else CONTROL_CHARACTER
    if single_line and _LINE_BREAK_OR_TAB.search(value):
        return LINE_BREAK
    return None


def printable(value: str, limit: int = 100) -> str:
    """`value` safe to echo in an error: bad characters replaced, at most `limit` long."""
    value = _NEVER_IN_TEXT.sub("\ufffd", value)
    return value if len(value) <= limit else value[:limit] + "…"


class InvalidText(DomainError):
    """Some strings of the request hold characters no text field accepts."""

    status = 422
    code = CoreErrorCode.VALIDATION_ERROR


class JsonTooDeep(DomainError):
    status = 400
    code = CoreErrorCode.JSON_TOO_DEEP


class NumberOutOfRange(DomainError):
    status = 400
    code = CoreErrorCode.VALUE_OUT_OF_RANGE


class BodyTooLarge(DomainError):
    status = 413
    code = CoreErrorCode.PAYLOAD_TOO_LARGE


def _invalid_text(problems: dict):
    first = next(iter(problems.values()))
    return InvalidText(first, fields=_nest(problems))


def _nest(problems: dict) -> dict:
    """{("attributes", "colour"): message} -> {"attributes": {"colour": [message]}}."""
    nested: dict = {}
    for path, message in problems.items():
        node = nested
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # a message already stands at this level
                break
        else:
            node.setdefault(path[-1] if path else "_body", []).append(message)
    return nested


# --- query strings and form fields -----------------------------------------------------------

def check_multidict(values) -> None:
    """Refuse a query string or form (a Werkzeug MultiDict) with a bad character in any name
    or value; each is reported under its (printable) name."""
    problems: dict = {}
    for name, value in values.items(multi=True):
        problem = text_problem(name) or (isinstance(value, str) and text_problem(value))
        if problem:
            problems.setdefault((printable(name),), problem)
            if len(problems) >= MAX_REPORTED_PROBLEMS:
                break
    if problems:
        raise _invalid_text(problems)


def check_request_text(request) -> None:
    """Every request: its query string; and an HTML form's fields (API forms are checked by
    core.api's parser, after authentication)."""
    if request.args:
        check_multidict(request.args)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data") \
            and not request.path.startswith("/api/"):
        check_multidict(request.form)


# --- JSON bodies -------------------------------------------------------------------------------

class _NotJson(ValueError):
    pass


class _IntegerTooLong(ValueError):
    pass


def _parse_int(digits: str) -> int:
    if len(digits) > MAX_INTEGER_DIGITS + 1:  # + 1 for a minus sign
        raise _IntegerTooLong
    return int(digits)


def _parse_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):  # 1e999
        raise _IntegerTooLong
    return number


def _refuse_constant(name: str):
    raise _NotJson(name)


def decode_json(data: bytes):
    """The JSON document in `data`, checked as the module says.

    Raises json.JSONDecodeError for what is not JSON (as `json.loads` does, so webargs answers
    its usual 400), and a DomainError for valid JSON that no endpoint takes."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise json.JSONDecodeError(f"not UTF-8: {error.reason}", "?", error.start) from None
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                           parse_constant=_refuse_constant)
    except RecursionError:
        raise _too_deep() from None
    except _IntegerTooLong:
        raise NumberOutOfRange(_l("A number in the request is out of range.")) from None
    except _NotJson as error:
        raise json.JSONDecodeError(f"{error} is not JSON", text, 0) from None
    check_json_value(value)
    return value


def _too_deep() -> JsonTooDeep:
    return JsonTooDeep(_("The JSON body is nested too deeply (at most %(n)s levels).",
                         n=format_number(MAX_JSON_DEPTH)))


def check_json_value(value) -> None:
    """Refuse a decoded JSON value nested deeper than MAX_JSON_DEPTH or holding a string
    (key or value) with a bad character. Iterative, so any depth is safe to look at."""
    problems: dict = {}
    stack: list[tuple[tuple, object, int]] = [((), value, 1)]
    while stack and len(problems) < MAX_REPORTED_PROBLEMS:
        path, node, depth = stack.pop()
        if isinstance(node, str):
            problem = text_problem(node)
            if problem:
                problems[path] = problem
            continue
        items: Iterable[tuple[object, object]]
        if isinstance(node, dict):
            items = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        for key, child in items:
            if isinstance(key, str):
                problem = text_problem(key)
                if problem:
                    problems[(*path, printable(key))] = problem
                    continue
            if isinstance(child, str | dict | list):
                stack.append(((*path, key), child, depth + 1))
    if problems:
        raise _invalid_text(problems)


def check_json_size(length: int | None, limit: int) -> None:
    """413 for a JSON body of more than `limit` bytes."""
    if length is not None and length > limit:
        raise BodyTooLarge(_("The request body is too large (at most %(n)s KB).",
                             n=format_number(limit // 1024)))


# --- marshmallow --------------------------------------------------------------------------------

class SingleLine(fields.String):
    """A one-line text field: names, titles, emails — no tabs or line breaks, no controls."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, single_line=True)
        if problem:
            raise ValidationError(str(problem))
        return text


class MultiLine(fields.String):
    """Text that may span lines (descriptions, addresses, notes): tab, LF and CR pass."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem:
            raise ValidationError(str(problem))
        return text
