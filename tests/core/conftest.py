"""Fixtures of the core tests."""

import pytest

from tests.api_world import FACTORIES, World, build_world


@pytest.fixture
def api_world(request) -> World:
    """The seeded marketplace every API operation can act on (tests/api_world.py)."""
    return build_world(**{name: request.getfixturevalue(name) for name in FACTORIES})


@pytest.fixture
def owner(create_trainee):
    """A trainee who owns what the input tests write."""
    return create_trainee()


@pytest.fixture
def product_body(carpet_category):
    """A valid product body, for the input tests to spoil."""
    return {"title_fa": "تابلو فرش", "category_id": carpet_category.id, "price_amount": 50000,
            "stock": 2, "attributes": {"width_cm": 40}}
