"""The header's menus: entries shown by who may use them (the table is
marketplace.navigation, given to `register_nav` by the app factory).

The user menu's entries are grouped into a few disclosure menus (`grouped`: an entry's
endpoint names its menu; `TOP` entries stay plain links, unlisted ones go in `DEFAULT_MENU`),
so the header shows "My shop", "Staff" and "Account" instead of a long row of links.

Every page renders both menus, so each menu's HTML is rendered once per process for each
(language, which entries the reader may see, script root): the labels and URLs of a menu depend
on nothing else. A request pays only the `visible(user)` checks and swapping the log-out form's
CSRF token in, no `url_for`, no translation lookups and no template.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup

from marketplace.core.i18n import locale_code
from marketplace.core.page_cache import csrf_token_or_hole

# Where the request's CSRF token goes in a kept menu (never a character a label or URL holds).
CSRF_HOLE = "\x00bz-nav-csrf\x00"


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


def _grouped_links(menus: tuple[tuple[str, object, tuple[NavItem, ...]], ...],
                   shown: tuple[bool, ...]) -> list[dict]:
    """The non-empty menus in order, each {"name", "label", "links"}."""
    found, start = [], 0
    for name, label, items in menus:
        links = _links(items, shown[start:start + len(items)])
        start += len(items)
        if links:
            found.append({"name": name, "label": str(label), "links": links})
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
        # The user behind the proxy, once: each `visible` check reads several of its
        # attributes, and every read through `current_user` looks the user up again.
        def user():
            return current_user._get_current_object()

        return {
            "main_nav_html": lambda: main_nav_html(main_items, user()),
            "user_nav_html": lambda: user_nav_html(top_items, in_menus, user()),
        }


def _shown(items: tuple[NavItem, ...], user) -> tuple[bool, ...]:
    return tuple(item.visible is None or bool(item.visible(user)) for item in items)


def _kept_html(key: tuple, render: Callable[[], Markup]) -> Markup:
    built = current_app.extensions.setdefault("nav_html", {})
    html = built.get(key)
    if html is None:
        html = built[key] = render()
    return html


def render_fragment(template: str, **context) -> Markup:
    """A piece of every page that is the same for every reader with the same key, to keep:
    rendered with the environment's globals only (url_for, _), so no context processor can
    slip anything of the reader into it. The template escapes what it writes (.html)."""
    html = current_app.jinja_env.get_template(template).render(**context)
    return Markup(html)  # noqa: S704


def main_nav_html(items: tuple[NavItem, ...], user) -> Markup:
    shown = _shown(items, user)
    key = ("main", locale_code(), shown, request.script_root)
    return _kept_html(key, lambda: render_fragment("_nav/main.html", links=_links(items, shown)))


def user_nav_html(top: tuple[NavItem, ...],
                  menus: tuple[tuple[str, object, tuple[NavItem, ...]], ...], user) -> Markup:
    """The plain links and the disclosure menus of a signed-in reader."""
    shown_top = _shown(top, user)
    every = tuple(item for _name, _label, items in menus for item in items)
    shown = _shown(every, user)
    key = ("user", locale_code(), shown_top, shown, request.script_root)

    def render() -> Markup:
        return render_fragment("_nav/user.html", links=_links(top, shown_top),
                       menus=_grouped_links(menus, shown), csrf_hole=CSRF_HOLE)

    html = _kept_html(key, render)
    return html.replace(CSRF_HOLE, csrf_token_or_hole())  # Markup.replace escapes the token
