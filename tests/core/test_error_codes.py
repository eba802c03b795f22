"""Error codes are enum members, one enum per package (`<package>/errors.py`), all registered
in the app factory and listed in the OpenAPI error schema; a free string is refused."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import marketplace
from marketplace import ERROR_CODES
from marketplace.core.errors import (
    BadRequest,
    CoreErrorCode,
    DomainError,
    ErrorCode,
    error_code_values,
)

PACKAGE = Path(marketplace.__file__).parent


def _import_everything() -> None:
    for module in pkgutil.walk_packages([str(PACKAGE)], "marketplace."):
        importlib.import_module(module.name)


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _all_subclasses(sub)
    return found


def test_the_error_schema_lists_every_registered_code(client):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    listed = schemas["ErrorDetail"]["properties"]["code"]["enum"]
    assert listed == error_code_values(*ERROR_CODES)
    assert {"bad_request", "payment_declined", "already_applied", "empty_cart",
            "store_not_found"} <= set(listed)


def test_every_enum_is_registered_and_lives_in_its_package_errors_module():
    _import_everything()
    enums = {enum for enum in _all_subclasses(ErrorCode) if enum.__module__.startswith(
        "marketplace.")}
    assert enums == set(ERROR_CODES)
    for enum in enums:
        assert enum.__module__.endswith(".errors"), enum


def test_a_code_lives_in_one_enum_only():
    owners: dict[str, list[str]] = {}
    for enum in ERROR_CODES:
        for member in enum:
            owners.setdefault(member.value, []).append(enum.__name__)
    assert {code: names for code, names in owners.items() if len(names) > 1} == {}


def _enum_references(tree: ast.AST, enum_names: set[str]):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in enum_names:
            yield node.value.id, node.attr, node.lineno


def test_every_code_raised_in_the_code_base_is_a_listed_member():
    """Every `<Enum>.MEMBER` written in marketplace/ names a member (so it is in the document),
    and no DomainError is given a code as a string literal."""
    _import_everything()
    enums = {enum.__name__: enum for enum in ERROR_CODES}
    refusals = {cls.__name__ for cls in _all_subclasses(DomainError)} | {"DomainError"}
    unknown, literal = [], []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for enum_name, member, line in _enum_references(tree, set(enums)):
            if member not in enums[enum_name].__members__:
                unknown.append(f"{path.relative_to(PACKAGE)}:{line} {enum_name}.{member}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                codes = [k.value for k in node.keywords if k.arg == "code"]
                if name in refusals and any(isinstance(c, ast.Constant) for c in codes):
                    literal.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if isinstance(node, ast.ClassDef) and node.name in refusals:
                for statement in node.body:
                    if isinstance(statement, ast.Assign | ast.AnnAssign) and \
                            isinstance(statement.value, ast.Constant) and \
                            "code" in ast.unparse(statement).split("=")[0]:
                        literal.append(f"{path.relative_to(PACKAGE)}:{statement.lineno}")
    assert unknown == []
    assert literal == []
    for refusal in _all_subclasses(DomainError) | {DomainError}:
        assert isinstance(refusal.code, ErrorCode), refusal


def test_a_free_string_is_not_a_code():
    with pytest.raises(TypeError):
        DomainError("refused", code="made_up")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        BadRequest("refused", code="bad_request")  # type: ignore[arg-type]
    error = BadRequest("refused", code=CoreErrorCode.BAD_PAGE)
    assert error.code == "bad_page" and error.code is CoreErrorCode.BAD_PAGE


def test_an_answer_carries_the_plain_string(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_data(as_text=True).count('"code":"not_found"') + \
        response.get_data(as_text=True).count('"code": "not_found"') == 1
