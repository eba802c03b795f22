"""Helpers for the accounts tests: pages in English."""

import pytest


@pytest.fixture(autouse=True)
def english_pages(client):
    """The deployment default is Persian; these tests read English messages unless they ask
    for Persian (tests/core/test_i18n.py covers the choice of language itself)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
