"""Any JSON body to any write operation of the API is answered with a 4xx or a success, never a
server error: nested values, text with lone surrogates and control characters, integers far
beyond any column, nesting deeper than Python's recursion limit.

Operations come from /api/openapi.json; the buyer's token authenticates every call, and path
parameters name the seeded objects (tests/api_world.py) so the bodies reach the code behind the
authentication. Any server error fails the test, with the exception behind it.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.api_world import SPEC, ServerErrors, api_schema

WRITES = [(method.upper(), path) for path, item in SPEC["paths"].items()
          for method in item if method in ("post", "put", "patch", "delete")]
EXAMPLES = int(os.environ.get("API_ANY_BODY_EXAMPLES", "25"))


class Huge(int):
    """An integer written out in full, past Python's 4300-digit conversion limit."""

    digits: str


def _huge(digits: int) -> Huge:
    value = Huge(1)
    value.digits = "9" * digits
    return value


def to_json(value) -> str:
    """json.dumps that also writes Huge integers (json.dumps refuses them)."""
    if isinstance(value, Huge):
        return value.digits
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


NASTY_TEXT = ["", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202e", "\x1b[2J", "\x7f\x85",
              "۱۲۳", "9" * 300]
# Every code point, lone surrogates and control characters included (JSON escapes them).
text = st.text(st.characters(codec=None), max_size=40) | st.sampled_from(NASTY_TEXT)
numbers = (st.integers() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.integers(4301, 6000).map(_huge)
           | st.floats(allow_nan=False, allow_infinity=False))
scalars = st.none() | st.booleans() | numbers | text
json_values = st.recursive(
    scalars, lambda children: st.lists(children, max_size=5)
    | st.dictionaries(text, children, max_size=5), max_leaves=25)
# What a spoilt field gets: mostly one of the values known to have broken servers.
spoilers = st.sampled_from(NASTY_TEXT) | st.integers(4301, 6000).map(_huge) | json_values


def _field_names(operation: dict) -> list[str]:
    """The documented body properties, so that many bodies look almost right."""
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return sorted(schema.get("properties", {}))


def _spoil(body: dict, name: str, value) -> dict:
    return {**body, name: value}


def bodies(operation: dict, valid):
    """JSON text: a valid body with one field spoilt (so the rest passes validation and the bad
    value travels far), a body of the documented fields with any values, any JSON value, or
    nesting deeper than the recursion limit."""
    names = _field_names(operation)
    shaped = (st.dictionaries(st.sampled_from(names), json_values, max_size=len(names))
              if names else st.nothing())
    spoilt = (valid.filter(lambda body: isinstance(body, dict)).flatmap(
        lambda body: st.builds(_spoil, st.just(body), st.sampled_from(names), spoilers))
        if names else st.nothing())
    deep = st.integers(1_000, 100_000).map(lambda n: "[" * n + "]" * n) | st.integers(
        1_000, 50_000).map(lambda n: '{"a":' * n + "1" + "}" * n)
    return st.one_of(spoilt.map(to_json), shaped.map(to_json), json_values.map(to_json), deep)


@pytest.mark.parametrize(("method", "path"), WRITES,
                         ids=[f"{m} {p.removeprefix('/api/v1')}" for m, p in WRITES])
def test_any_json_body_is_never_a_server_error(app, client, api_world, method, path):
    url = re.sub(r"{(\w+)}", lambda m: str(api_world.path_parameters[m.group(1)]), path)
    operation = SPEC["paths"][path][method.lower()]
    valid = api_schema(app)[path][method].as_strategy().map(lambda case: case.body)
    headers = api_world.headers["buyer"]
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(body=bodies(operation, valid))
    def run(body):
        with ServerErrors() as errors:
            response = client.open(url, method=method, data=body.encode("utf-8", "surrogatepass"),
                                   content_type="application/json", headers=headers)
            error = errors.take()
        assert 200 <= response.status_code < 500, (
            f"{method} {url} answered {response.status_code} to {body[:300]!r}: {error!r}")

    run()
