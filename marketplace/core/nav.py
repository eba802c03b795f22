"""The header's menus: entries shown by who may use them (the table is
marketplace.navigation, given to `register_nav` by the app factory).

The user menu's entries are grouped into a few disclosure menus (`grouped`: an entry's
endpoint names its menu; `TOP` entries stay plain links, unlisted ones go in `DEFAULT_MENU`),
so the header shows "My shop", "Staff" and "Account" instead of a long row of links.

Every page renders both menus, so each is built once per process for each (language, which
entries the reader may see, script root): the labels and URLs of a menu depend on nothing
else. A request pays only the `visible(user)` checks, no `url_for` and no translation lookups.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from flask import current_app, request, url_for
from flask_login import current_user

from marketplace.core.i18n import locale_code


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy_gettext string
    endpoint: str
    visible: Callable | None = None
    order: int = 50
    menu: str | None = None  # which disclosure menu of the header (see `grouped`)


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


TOP = "top"
DEFAULT_MENU = "account"


class GroupedItems(tuple):
    """A user menu's entries together with its disclosure menus: (name, lazy label) in the
    header's order. Made by `grouped`; register_nav reads `menus` from it."""

    menus: tuple[tuple[str, object], ...] = ()


def grouped(items: Iterable[NavItem], groups: Mapping[str, str],
            menus: Iterable[tuple[str, object]]) -> GroupedItems:
    """`items` with each entry's menu (`groups`: endpoint -> menu name; an entry not listed
    goes in DEFAULT_MENU), so the table stays one list and the app factory is unchanged."""
    result = GroupedItems(replace(item, menu=groups.get(item.endpoint, DEFAULT_MENU))
                          for item in items)
    result.menus = tuple(menus)
    return result


def grouped_menus(menus: tuple[tuple[str, object, tuple[NavItem, ...]], ...], user) -> list[dict]:
    """The user's non-empty menus in order, each {"name", "label", "links"}; built once per
    process for each (language, entries shown, script root) like `menu_links`."""
    every = tuple(item for _name, _label, items in menus for item in items)
    shown = tuple(item.visible is None or bool(item.visible(user)) for item in every)
    key = ("menus", locale_code(), shown, request.script_root)
    built = current_app.extensions.setdefault("nav_menus", {})
    found = built.get(key)
    if found is None:
        found, start = [], 0
        for name, label, items in menus:
            links = _links(items, shown[start:start + len(items)])
            start += len(items)
            if links:
                found.append({"name": name, "label": str(label), "links": links})
        built[key] = found
    return found


def register_nav(app, main: Iterable[NavItem], user: Iterable[NavItem]) -> None:
    """`user` may come from `grouped`: its entries then go in their disclosure menus, and
    only TOP ones stay plain links (`user_nav_items`)."""
    menus = tuple(getattr(user, "menus", ()))
    main_items = tuple(sorted(main, key=lambda item: item.order))
    user_items = tuple(sorted(user, key=lambda item: item.order))
    top_items = tuple(item for item in user_items if not menus or item.menu == TOP)
    in_menus = tuple((name, label, tuple(item for item in user_items if item.menu == name))
                     for name, label in menus)

    @app.context_processor
    def nav_context():
        return {
            "main_nav_items": lambda: menu_links("main", main_items, current_user),
            "user_nav_items": lambda: menu_links("user", top_items, current_user),
            "user_nav_menus": lambda: grouped_menus(in_menus, current_user),
        }
