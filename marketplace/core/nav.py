"""The header's menus: entries shown by who may use them (the table is
marketplace.navigation, given to `register_nav` by the app factory).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy_gettext string
    endpoint: str
    visible: Callable | None = None
    order: int = 50


def _links(items: tuple[NavItem, ...], user) -> list[dict]:
    return [{"label": str(item.label), "url": url_for(item.endpoint)}
            for item in items if item.visible is None or item.visible(user)]


def register_nav(app, main: Iterable[NavItem], user: Iterable[NavItem]) -> None:
    main_items = tuple(sorted(main, key=lambda item: item.order))
    user_items = tuple(sorted(user, key=lambda item: item.order))

    @app.context_processor
    def nav_context():
        return {
            "main_nav_items": lambda: _links(main_items, current_user),
            "user_nav_items": lambda: _links(user_items, current_user),
        }
