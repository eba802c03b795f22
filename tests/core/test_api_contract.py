"""Every API operation keeps the promises of /api/openapi.json (schemathesis, in-process).

For each operation, without a token and with a buyer's, a trainee's, a staff member's (of the
seeded venue's municipality and the trainee's centre) and an admin's token, generated
requests that the document calls valid must be accepted (no 400/422 for schema-valid input),
never give a server error, and every answer — errors too — must match its documented schema.
Path parameters are either generated or name the seeded objects (tests/api_world.py), so the
operations reach their real code and not only a 404.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_world import (
    ROLES,
    SPEC,
    ServerErrors,
    api_schema,
    forget_request_globals,
)

# 8 requests per operation and role (five roles): the whole module costs about 1.5 CPU minutes
# (74 operations), within what CI can spend on it twice (SQLite and PostgreSQL). Generation is
# derandomised (the same requests every run) and not shrunk: a failure shows its first example.
EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", "8"))

# Rejections of schema-valid requests that depend on what is stored (an id that names nothing, a
# category's attribute definitions, the photos a product has), on the content of an upload, or
# on a rule across fields: OpenAPI 3.0 cannot state them. Operation → {error code: fields the
# error may name, or None for any}. Everything else a 400/422 answers to a schema-valid request
# is a constraint the document must state.
_PRODUCT_RULES = {
    # An id that names no category; the category's attribute definitions; lead time required
    # for made_to_order and a stock of at most 1 for one_of_a_kind (rules across fields).
    "validation_error": frozenset({"category_id", "attributes", "lead_time_days", "stock"}),
}
_MARKET_RULES = {
    "validation_error": frozenset({"recurrence_rule"}),  # needed by recurring markets
    # Dates in order, applications closing after they open, a rule that gives days; ids that
    # name nothing; booths reserved for welcomed categories; days that have assignments; at
    # most a year of days between the dates.
    **dict.fromkeys((
        "invalid_market", "dates_out_of_order", "recurrence_invalid", "recurrence_empty",
        "recurrence_too_many", "unknown_category", "unknown_booth", "duplicate_category",
        "duplicate_reservation", "reserved_category_not_welcomed", "invalid_cap",
        "days_in_use", "too_many_days")),
}
# Closing after opening; walkways and booths inside the grid (the venue's, for a booth), booths
# not overlapping, booth codes unique in the venue.
_VENUE_RULES = dict.fromkeys(("invalid_venue", "bad_break", "booths_outside_grid"))
_BOOTH_RULES = dict.fromkeys(("booth_outside_grid", "booth_overlaps", "duplicate_booth_code",
                              "invalid_booth", "unknown_category"))
# Check-in happens on the market day, once, for a live assignment with its code.
_CHECK_IN_RULES = dict.fromkeys(("not_market_day", "already_checked_in", "assignment_not_live",
                                 "day_closed", "unknown_check_in_code"))
_STOCK_RULES = {"not_enough_stock": None, "out_of_stock": None, "product_unavailable": None,
                "own_product": None, "cart_full": None}
# A phone number must be a mobile in its country's numbering plan (core.phone, phonenumbers).
_PHONE_RULES = {"invalid_phone": frozenset({"phone"})}
_TRAINING_SESSION_RULES = dict.fromkeys((
    "outside_opening_hours", "over_capacity", "equipment_missing", "session_in_past",
    "invalid_session_time", "series_empty", "series_too_long", "blocked_period", "market_day",
    "space_inactive", "no_session_chosen"))
# A staff invitation goes to an email, a mobile number or both: one of them (a rule across
# fields), and the number a mobile one.
_INVITATION_RULES = {**_PHONE_RULES, "invitee_required": frozenset({"email"})}
STATE_RULES: dict[str, dict[str, frozenset[str] | None]] = {
    "POST /api/v1/accounts/register": _PHONE_RULES,
    "POST /api/v1/accounts/register-trainee": _PHONE_RULES,
    "POST /api/v1/accounts/phone-codes": _PHONE_RULES,
    "POST /api/v1/centres/{centre_id}/invitations": _INVITATION_RULES,
    "POST /api/v1/municipalities/{municipality_id}/invitations": _INVITATION_RULES,
    # The code texted to that number, while it lives and has tries left.
    "POST /api/v1/accounts/phone-tokens": {**_PHONE_RULES, **dict.fromkeys((
        "wrong_code", "code_expired", "code_attempts_exhausted"))},
    "GET /api/v1/products": {"bad_filter": frozenset({"category"})},  # no such category
    "POST /api/v1/products": _PRODUCT_RULES,
    "PATCH /api/v1/products/{product_id}": _PRODUCT_RULES,
    # Every photo of the product once; the file's content.
    "PUT /api/v1/products/{product_id}/images": {"bad_image_order": None},
    "POST /api/v1/products/{product_id}/images": {
        "image_type": None, "image_empty": None, "image_pixels": None, "too_many_images": None},
    "POST /api/v1/trainees/{trainee_id}/{action}": {"reason_required": None},  # reject, suspend
    "POST /api/v1/cart/lines": _STOCK_RULES,
    "PATCH /api/v1/cart/lines/{line_id}": _STOCK_RULES,
    # One part per trainee of the cart, with a fulfilment that trainee offers.
    "POST /api/v1/checkout": {"invalid_checkout": None, "empty_cart": None, **_STOCK_RULES},
    # The providers this deployment has enabled.
    "POST /api/v1/orders/{number}/payments": {"unknown_provider": None},
    "POST /api/v1/booths/venues": {"municipality_required": None, **_VENUE_RULES},
    "PUT /api/v1/booths/venues/{venue_id}": _VENUE_RULES,
    "POST /api/v1/booths/venues/{venue_id}/booths": _BOOTH_RULES,
    "PUT /api/v1/booths/booths/{booth_id}": _BOOTH_RULES,
    "POST /api/v1/booths/booths/{booth_id}/blocks": {"dates_out_of_order": None},
    "POST /api/v1/booths/venues/{venue_id}/markets": _MARKET_RULES,
    "PUT /api/v1/booths/markets/{market_id}": _MARKET_RULES,
    "POST /api/v1/booths/market-days/{day_id}/close": {"day_already_closed": None},
    "POST /api/v1/booths/assignments/{assignment_id}/check-in": _CHECK_IN_RULES,
    "POST /api/v1/booths/market-days/{day_id}/check-in": _CHECK_IN_RULES,
    "POST /api/v1/booths/markets/{market_id}/assignments": dict.fromkeys((
        "booth_blocked", "booth_lacks_feature", "day_closed", "trainee_not_active")),
    "POST /api/v1/booths/applications/{application_id}/withdraw-day": dict.fromkeys((
        "already_withdrawn", "withdraw_cutoff_passed")),
    # A day the trainee has a booth on, shipping only when it costs nothing more (else its
    # payment, within the gateway's minimum); the code the buyer shows at the booth.
    "POST /api/v1/vendor-orders/{vendor_order_id}/pickup-choice": {
        "unknown_pickup_day": frozenset({"assignment_id"}), "shipping_needs_payment": None,
        "shipping_not_offered": None, "validation_error": frozenset({"shipping_address"})},
    "POST /api/v1/vendor-orders/{vendor_order_id}/shipping-payments": {
        "shipping_not_offered": None, "shipping_below_gateway_minimum": None,
        "validation_error": frozenset({"shipping_address"})},
    "POST /api/v1/vendor-orders/{vendor_order_id}/handover": {
        "wrong_handover_code": frozenset({"code"})},
    "POST /api/v1/booths/applications/{application_id}/nominate": {
        "application_withdrawn": None},
    "POST /api/v1/booths/markets/{market_id}/allocation-runs": {"no_open_days": None},
    "POST /api/v1/booths/allocation-runs/{run_id}/confirm": dict.fromkeys((
        "run_stale", "run_already_confirmed")),
    "POST /api/v1/booths/markets/{market_id}/applications": dict.fromkeys((
        "window_not_open", "window_closed", "unknown_day", "day_closed", "unknown_category",
        "category_not_welcomed", "unknown_booth", "not_your_product", "already_applied")),
    # Training: sessions in the space's hours and weekdays, outside blocks and market days, not
    # in the past, a series of 1 … 100 sessions, attendance within the space's capacity and its
    # equipment (issue 20).
    # A term with letters in it once in its search form (core.text.normalize).
    "POST /api/v1/reports/skills": {"invalid_term": frozenset({"term"})},
    "POST /api/v1/training/spaces": {"validation_error": frozenset({"closes_at"})},
    "PUT /api/v1/training/spaces/{space_id}": {"validation_error": frozenset({"closes_at"})},
    "POST /api/v1/training/spaces/{space_id}/blocks": {"dates_out_of_order": None},
    "POST /api/v1/training/spaces/{space_id}/bookings": _TRAINING_SESSION_RULES,
    "POST /api/v1/training/bookings/{booking_id}/approve": _TRAINING_SESSION_RULES,
    "POST /api/v1/training/bookings/{booking_id}/sessions/{session_id}/propose":
        _TRAINING_SESSION_RULES,
    "POST /api/v1/training/bookings/{booking_id}/sessions/{session_id}/accept":
        _TRAINING_SESSION_RULES,
    "POST /api/v1/training/bookings/{booking_id}/course": {"over_capacity": None},
    "PUT /api/v1/training/courses/{course_id}/sessions/{session_id}/attendance": {
        "not_registered": None},
}


def _rejected_for_a_stated_reason(case, response) -> bool:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    rules = STATE_RULES.get(f"{case.method.upper()} {case.path}", {})
    if error.get("code") not in rules:
        return False
    allowed = rules[error["code"]]
    return allowed is None or set(error.get("fields") or {}) <= allowed


def schema_valid_request_accepted(ctx, response, case):
    """schemathesis' positive_data_acceptance, except for the rejections in STATE_RULES."""
    if response.status_code in (400, 422) and _rejected_for_a_stated_reason(case, response):
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, schema_valid_request_accepted]
OPERATIONS = [(method.upper(), path) for path, item in SPEC["paths"].items()
              for method in item if method in ("get", "post", "put", "patch", "delete")]


@pytest.mark.parametrize(("method", "path"), OPERATIONS,
                         ids=[f"{m} {p.removeprefix('/api/v1')}" for m, p in OPERATIONS])
def test_operation_keeps_its_documented_contract(app, api_world, method, path):
    operation = api_schema(app)[path][method]
    names = re.findall(r"{(\w+)}", path)
    strategy = operation.as_strategy()
    if names:
        seeded = {name: api_world.path_parameters[name] for name in names
                  if name in api_world.path_parameters}
        strategy = st.one_of(operation.as_strategy(path_parameters=seeded), strategy)
    def run_as(role: str) -> None:
        headers = api_world.headers[role]

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def run(case):
            forget_request_globals()
            with ServerErrors() as errors:
                # This test's app: an operation keeps the app of the test that first loaded
                # it, whose engine would wait on this test's database locks.
                response = case.call(headers=headers, app=app)
                error = errors.take()
            forget_request_globals()
            try:
                case.validate_response(response, headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:
                failure.add_note(f"As: {role}")
                if error is not None:
                    failure.add_note(f"Behind the server error: {error!r}")
                raise

        run()

    for role in ROLES:  # anonymous first: the others may delete what it would read
        run_as(role)
