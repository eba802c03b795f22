"""Fixtures of the core tests."""

import pytest

from tests.api_world import FACTORIES, World, build_world


@pytest.fixture
def api_world(request) -> World:
    """The seeded marketplace every API operation can act on (tests/api_world.py)."""
    return build_world(**{name: request.getfixturevalue(name) for name in FACTORIES})
