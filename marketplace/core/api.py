"""flask-smorest glue: the Api object, the error envelope, the argument parser and
bearer-token security."""

from collections.abc import Iterable
from functools import wraps

from flask import current_app
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, fields, validate
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request

from marketplace.core.errors import ErrorCode, error_code_values, handle_http_exception
from marketplace.core.input import (
    CONTROL_CLASS,
    LINE_BREAK_CLASS,
    SingleLine,
    check_json_size,
    check_multidict,
    decode_json,
)

# Row ids are INTEGER columns (32-bit on PostgreSQL); a larger id names nothing.
MAX_ID = 2**31 - 1
# Amounts in minor units: far beyond any price or fee, well within BIGINT.
MAX_AMOUNT = 10**12


# Text that the services strip and require must keep a character that is not a space.
NOT_BLANK = r"^\s*\S"


def text_limits(maximum: int, required: bool = False, **metadata) -> dict:
    """Metadata documenting text a service checks itself, with its own error code and
    translated message: at most `maximum` characters and, if `required`, not only spaces."""
    limits = {"maxLength": maximum, **({"pattern": NOT_BLANK} if required else {})}
    return {**limits, **metadata}


def number_limits(minimum: int, maximum: int, **metadata) -> dict:
    """Metadata documenting the range of a number a service checks itself."""
    return {"minimum": minimum, "maximum": maximum, **metadata}


def id_field(strict: bool = True, **kwargs) -> fields.Integer:
    """An integer naming a row: 1 … MAX_ID, documented as such (`strict`: JSON numbers only,
    not numeric strings)."""
    return fields.Integer(strict=strict, validate=validate.Range(1, MAX_ID), **kwargs)


def ids_field(strict: bool = True, **kwargs) -> fields.List:
    return fields.List(id_field(strict=strict), **kwargs)


def integer_text(minimum: int, maximum: int, **metadata) -> dict:
    """Metadata documenting a query argument as an integer in [minimum, maximum] where the view
    reads it as text itself (Persian digits welcome) and answers 400 with its own error code."""
    return {"type": "integer", "minimum": minimum, "maximum": maximum, **metadata}


# Amounts in the API are never in the unit pages show (toman): one integer meaning everywhere.
AMOUNT_DESCRIPTION = ("Amount in minor units of the currency, an integer: cents for USD; for "
                      "IRR whole rials (never toman, whatever the pages show).")


def amount_field(**kwargs) -> fields.Integer:
    """An amount of money (output or input), documented with AMOUNT_DESCRIPTION."""
    metadata = {"description": AMOUNT_DESCRIPTION, **kwargs.pop("metadata", {})}
    return fields.Integer(metadata=metadata, **kwargs)


class MoneySchema(Schema):
    """An amount with its currency, as the API gives prices."""

    amount = amount_field()
    currency = fields.String(metadata={"description": "ISO 4217 code, e.g. IRR or USD."})


def amount_rules(_converter, field, ret: dict, **_kwargs) -> dict:
    """apispec attribute function: every `amount`/`*_amount` field without a description of its
    own says what unit it counts (AMOUNT_DESCRIPTION), so no schema can leave it unsaid."""
    name = field.data_key or field.name or ""
    if (name == "amount" or name.endswith("_amount")) and "description" not in ret:
        return {"description": AMOUNT_DESCRIPTION}
    return {}


class ErrorCodeField(fields.String):
    """An error's `code`: the document lists the codes registered with `Api.init_app` (every
    package's `ErrorCode` enum) as its `enum`."""


class ErrorDetailSchema(Schema):
    code = ErrorCodeField(required=True,
                          metadata={"description": "Stable machine-readable error code"})
    message = fields.String(required=True,
                            metadata={"description": "For people, in the request's language"})
    fields_ = fields.Dict(data_key="fields", required=True, metadata={
        "description": "Errors per input field: a list of messages, or an object of them for "
                       "nested input (by key or list position)"})
    fields_total = fields.Integer(metadata={
        "description": "Present when `fields` shows only the first few errors: how many fields "
                       "have errors in all"})


class ErrorEnvelopeSchema(Schema):
    """What every error looks like (core.errors), so the documented error responses match."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def text_rules(converter, field, ret: dict, **_kwargs) -> dict:
    """apispec attribute function: every free-text string in the document says what core.input
    refuses in every string (control characters) and, for a `SingleLine` field, line breaks
    and tabs too — so what the document calls valid is accepted."""
    if ret.get("type") != "string" or "enum" in ret or "format" in ret:
        return {}
    if ret.get("pattern") not in (None, NOT_BLANK):
        return {}  # a stricter pattern of its own (a time, digits) already leaves them out
    refused = CONTROL_CLASS + (LINE_BREAK_CLASS if isinstance(field, SingleLine) else "")
    if ret.get("pattern") == NOT_BLANK:
        return {"pattern": rf"^[^{refused}]*[^\s{refused}][^{refused}]*$"}
    return {"pattern": rf"^[^{refused}]*$"}


class Api(SmorestApi):
    """flask-smorest's Api with our `{"error": {...}}` envelope for every HTTP error, and the
    text rules of core.input stated in the document."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def __init__(self, *args, **kwargs):
        self.error_codes: list[str] = []
        super().__init__(*args, **kwargs)

    def init_app(self, app, *, spec_kwargs=None,
                 error_codes: Iterable[type[ErrorCode]] = ()):
        """flask-smorest's init_app, with the error-code enums whose codes the error schema
        lists (given here, before any blueprint documents a response with it)."""
        self.error_codes = error_code_values(*error_codes)
        super().init_app(app, spec_kwargs=spec_kwargs)

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(text_rules)
        self.ma_plugin.converter.add_attribute_function(amount_rules)

    def _register_responses(self):
        # flask-smorest documents the error schema here, inside _init_spec: the codes' enum
        # must be known to the converter before.
        def error_code_enum(_converter, field, ret, **_kwargs) -> dict:
            if isinstance(field, ErrorCodeField) and self.error_codes:
                return {"enum": list(self.error_codes)}
            return {}

        self.ma_plugin.converter.add_attribute_function(error_code_enum)
        super()._register_responses()

    def handle_http_exception(self, error):
        return handle_http_exception(error)

    def _register_error_handlers(self):
        # The app-wide handlers in core.errors already cover /api/; keep one envelope.
        pass


class Parser(FlaskParser):
    """webargs' parser with core.input's rules: JSON bodies decoded with limits, and every
    string of a body or form checked before any schema sees it (query strings are checked for
    every request, in the app's before_request)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return webargs_core.missing
        limit = current_app.config["MAX_JSON_BODY"]
        check_json_size(req.content_length, limit)  # before reading it
        data = req.get_data(cache=True)
        check_json_size(len(data), limit)  # sent in chunks, without a Content-Length
        return decode_json(data)

    def load_form(self, req, schema):
        check_multidict(req.form)
        return super().load_form(req, schema)


class Blueprint(SmorestBlueprint):
    """flask-smorest's Blueprint, parsing arguments with one schema instance per endpoint,
    with core.input's rules, and only once the caller may call the endpoint."""

    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema, *args, **kwargs):
        # Given a schema class, webargs builds a new instance on every request (its fields
        # deep-copied: 15-60 µs, ~3 % of a checkout request's CPU); loading keeps no state
        # in the instance, so one made here serves every request. The OpenAPI document is
        # the same either way.
        instance = schema() if isinstance(schema, type) else schema
        parse = super().arguments(instance, *args, **kwargs)

        def decorator(func):
            parsed = parse(func)
            guard = getattr(func, "access_guard", None)
            if guard is None:
                return parsed

            # `@login_required_api` / `@admin_required` sit below `@blp.arguments`, so they
            # would run after the body is parsed: a caller without a token would learn what
            # the body should look like (422) before hearing 401. Check access first.
            @wraps(parsed)
            def guarded(*f_args, **f_kwargs):
                guard()
                return parsed(*f_args, **f_kwargs)

            return guarded

        return decorator


def api_blueprint(name: str, import_name: str, url_prefix: str, description: str):
    """A flask-smorest blueprint under /api/v1 documented as needing a bearer token."""
    return Blueprint(name, import_name, url_prefix=f"/api/v1{url_prefix}",
                     description=description)


BEARER_SCHEME = {"type": "http", "scheme": "bearer", "description": "A personal API token."}
# `@blp.doc(security=BEARER)` marks an operation as needing a personal API token.
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
