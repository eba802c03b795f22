"""Read-only queries: the category tree, inherited attributes, product lookups and search."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.catalogue.models import AttributeDefinition, Category
from marketplace.extensions import db


class CategoryTree:
    """Every category loaded in one query, with parents, children and inherited attributes."""

    def __init__(self, categories: list[Category]):
        self.by_id = {c.id: c for c in categories}
        self.children: dict[int | None, list[Category]] = {}
        for category in sorted(categories, key=lambda c: (c.position, c.id)):
            self.children.setdefault(category.parent_id, []).append(category)

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
            current = self.by_id.get(current.parent_id)
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
    categories = db.session.scalars(
        select(Category).options(selectinload(Category.attributes))).all()
    return CategoryTree(list(categories))


def category_definitions(category: Category) -> list[AttributeDefinition]:
    """Inherited attributes of one category, without loading the whole tree."""
    chain, current = [], category
    while current is not None:
        chain.append(current)
        current = current.parent
    return [d for c in reversed(chain) for d in c.attributes]
