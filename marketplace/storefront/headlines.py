"""Headline figures on the signed-in home (/my): the one figure of each report that concerns a
role (a trainee's sales this month, a centre's, what buyers look for most, a market day's
occupancy), each a link to its report.

The reports sit above storefront, so storefront does not compute them: the app factory
registers a provider (reports.headlines) and /my shows what it gives. Each provider runs a
constant number of queries for its reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Headline:
    role: str          # the /my section it belongs in: "trainee", "centre" or "municipal"
    label: str
    figure: str        # formatted for the reader (digits, money, percent)
    url: str           # the report it comes from
    hint: str | None = None


Provider = Callable[[object, str], list[Headline]]
_KEY = "storefront_headlines"


def register_headlines(app, provider: Provider) -> None:
    app.extensions.setdefault(_KEY, []).append(provider)


def headlines_for(user, locale: str) -> list[Headline]:
    return [headline for provider in current_app.extensions.get(_KEY, ())
            for headline in provider(user, locale)]
