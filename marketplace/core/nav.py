"""The header's menus: entries shown by who may use them (the table is
marketplace.navigation, given to `register_nav` by the app factory).

Every page renders both menus, so each is built once per process for each (language, which
entries the reader may see, script root): the labels and URLs of a menu depend on nothing
else. A request pays only the `visible(user)` checks, no `url_for` and no translation lookups.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user

from marketplace.core.i18n import locale_code


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy_gettext string
    endpoint: str
    visible: Callable | None = None
    order: int = 50


def _links(items: tuple[NavItem, ...], shown: tuple[bool, ...]) -> list[dict]:
    return [{"label": str(item.label), "url": url_for(item.endpoint)}
            for item, show in zip(items, shown, strict=True) if show]


def menu_links(name: str, items: tuple[NavItem, ...], user) -> list[dict]:
    """The menu's links for `user` in the request's language, built once per process for each
    combination that decides them (callers only read the list)."""
    shown = tuple(item.visible is None or bool(item.visible(user)) for item in items)
    key = (name, locale_code(), shown, request.script_root)
    built = current_app.extensions.setdefault("nav_menus", {})
    links = built.get(key)
    if links is None:
        links = built[key] = _links(items, shown)
    return links


def register_nav(app, main: Iterable[NavItem], user: Iterable[NavItem]) -> None:
    main_items = tuple(sorted(main, key=lambda item: item.order))
    user_items = tuple(sorted(user, key=lambda item: item.order))

    @app.context_processor
    def nav_context():
        return {
            "main_nav_items": lambda: menu_links("main", main_items, current_user),
            "user_nav_items": lambda: menu_links("user", user_items, current_user),
        }
