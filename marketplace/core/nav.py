"""Navigation entries that blueprints register, shown in base.html by who may use them.

`main_nav(label, endpoint)` adds a public link; `user_nav(label, endpoint, visible=fn)` adds a
link for signed-in users for whom `visible(user)` is true (a trainee, centre staff …).
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy_gettext string
    endpoint: str
    visible: Callable | None = None
    order: int = 50


_MAIN: list[NavItem] = []
_USER: list[NavItem] = []


def main_nav(label, endpoint: str, order: int = 50) -> None:
    _MAIN.append(NavItem(label, endpoint, None, order))


def user_nav(label, endpoint: str, visible: Callable | None = None, order: int = 50) -> None:
    _USER.append(NavItem(label, endpoint, visible, order))


def _links(items: list[NavItem], user) -> list[dict]:
    seen, links = set(), []
    for item in sorted(items, key=lambda i: i.order):
        if item.endpoint in seen or (item.visible and not item.visible(user)):
            continue
        seen.add(item.endpoint)
        links.append({"label": str(item.label), "url": url_for(item.endpoint)})
    return links


def register_nav(app) -> None:
    @app.context_processor
    def nav_context():
        return {
            "main_nav_items": lambda: _links(_MAIN, current_user),
            "user_nav_items": lambda: _links(_USER, current_user),
        }
