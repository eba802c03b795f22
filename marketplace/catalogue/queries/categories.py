"""The category tree, inherited attributes, and the cities and centres the search filters offer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import TrainingCentre
from marketplace.catalogue.models import AttributeDefinition, Category
from marketplace.core import page_cache
from marketplace.core.text import normalize
from marketplace.extensions import db


class CategoryTree:
    """Every category loaded in one query, with parents, children and inherited attributes."""

    def __init__(self, categories: list[Category]):
        self.by_id = {c.id: c for c in categories}
        self.children: dict[int | None, list[Category]] = {}
        for category in sorted(categories, key=lambda c: (c.position, c.id)):
            self.children.setdefault(category.parent_id, []).append(category)

    @property
    def units(self) -> frozenset[str]:
        """Every attribute unit, normalised (for number-and-unit phrases in queries)."""
        return frozenset(normalize(u) for c in self.by_id.values() for d in c.attributes
                         for u in (d.unit_fa, d.unit_en) if u and normalize(u))

    @property
    def roots(self) -> list[Category]:
        return self.children.get(None, [])

    def get(self, category_id: int | None) -> Category | None:
        return self.by_id.get(category_id) if category_id is not None else None

    def ancestors(self, category: Category) -> list[Category]:
        """From the root down to the category itself."""
        chain, seen = [], set()
        current: Category | None = category
        while current is not None and current.id not in seen:
            seen.add(current.id)
            chain.append(current)
            current = self.by_id.get(current.parent_id) if current.parent_id else None
        return list(reversed(chain))

    def descendant_ids(self, category: Category) -> list[int]:
        ids, stack = [], [category.id]
        while stack:
            current = stack.pop()
            ids.append(current)
            stack.extend(c.id for c in self.children.get(current, []))
        return sorted(ids)

    def definitions(self, category: Category) -> list[AttributeDefinition]:
        """The category's attributes: inherited ones first (root down), then its own."""
        return [d for c in self.ancestors(category) for d in c.attributes]

    def walk(self):
        """(depth, category) pairs in display order."""
        def visit(parent_id, depth):
            for category in self.children.get(parent_id, []):
                yield depth, category
                yield from visit(category.id, depth + 1)

        yield from visit(None, 0)


def category_tree() -> CategoryTree:
    """The tree loaded now, in this request's session: for editors and what writes."""
    return CategoryTree(_load_categories())


def shared_category_tree() -> CategoryTree:
    """The tree for pages and API answers that only read it (browse and search): kept in this
    process until the next public change, so a search page rendered afresh skips its two
    queries. Its categories belong to no session: read them, never attach them."""
    def load() -> CategoryTree:
        categories = _load_categories()
        _detach([*categories, *(d for c in categories for d in c.attributes)])
        return CategoryTree(categories)

    return page_cache.remember_in_process("category-tree", load)


def _load_categories() -> list[Category]:
    return list(db.session.scalars(
        select(Category).options(selectinload(Category.attributes))))


def _detach(objects: list) -> None:
    """Take loaded objects out of the session, to be shared by later requests
    (page_cache.remember_in_process): a later commit would expire them, and an expired object
    without a session cannot be read."""
    for instance in objects:
        if instance in db.session:  # a category's own expunge takes its definitions along
            db.session.expunge(instance)


def category_definitions(category: Category) -> list[AttributeDefinition]:
    """Inherited attributes of one category, without loading the whole tree."""
    chain: list[Category] = []
    current: Category | None = category
    while current is not None:
        chain.append(current)
        current = current.parent
    return [d for c in reversed(chain) for d in c.attributes]


def cities() -> list[str]:
    """The cities with a centre, for the search filters (kept like the shared category tree)."""
    return page_cache.remember_in_process("cities", lambda: list(db.session.scalars(
        select(TrainingCentre.city).distinct().order_by(TrainingCentre.city))))


def centres() -> list[TrainingCentre]:
    """Every centre, for the search filters (kept like the shared category tree: read only)."""
    def load() -> list[TrainingCentre]:
        rows = list(db.session.scalars(select(TrainingCentre).order_by(TrainingCentre.id)))
        _detach(rows)
        return rows

    return page_cache.remember_in_process("centres", load)

