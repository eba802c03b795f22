"""The search key of a product and, on SQLite, its trigram rows (ARCHITECTURE §4).

`search_key` holds the normalised title, description, attribute values with their units
("60 رج"), category, maker, store, centre and city. Services call `refresh_search_key` on every
change; `flask reindex-search` calls `reindex_all` after bulk changes (a renamed centre …).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Trainee
from marketplace.catalogue.models import (
    AttributeType,
    Product,
    ProductAttributeValue,
    ProductTrigram,
)
from marketplace.core.text import normalize
from marketplace.extensions import db

TRIGRAM_LENGTH = 3


def attribute_search_text(value: ProductAttributeValue) -> str:
    definition = value.definition
    if definition.type == AttributeType.BOOLEAN:
        return f"{definition.name_fa} {definition.name_en}" if value.value_bool else ""
    if definition.type == AttributeType.CHOICE:
        labels = {definition.choice_label(value.value_text, "fa"),
                  definition.choice_label(value.value_text, "en")}
        unit = " ".join(u for u in (definition.unit_fa, definition.unit_en) if u)
        return " ".join(f"{label} {unit}".strip() for label in sorted(labels))
    if definition.type in (AttributeType.INTEGER, AttributeType.DECIMAL):
        parts = [f"{value.value_text} {unit}" for unit in (definition.unit_fa, definition.unit_en)
                 if unit]
        return " ".join(parts) or value.value_text
    return value.value_text


def build_search_key(product: Product) -> str:
    trainee = product.trainee
    centre = trainee.centre if trainee else None
    category = product.category
    pieces: list[str | None] = [
        product.title_fa, product.title_en, product.description_fa, product.description_en,
        *(attribute_search_text(v) for v in sorted(product.attribute_values,
                                                   key=lambda v: v.definition_id)),
    ]
    while category is not None:
        pieces += [category.name_fa, category.name_en]
        category = category.parent
    if trainee is not None:
        pieces += [trainee.user.display_name, trainee.store_name]
    if centre is not None:
        pieces += [centre.name_fa, centre.name_en, centre.city]
    return " ".join(filter(None, (normalize(p) for p in pieces)))


def trigrams(text: str) -> set[str]:
    """The distinct trigrams inside the words of a normalised text, plus a word-end trigram for
    every word ending in two digits ("160" → "60 "): it lets a number-and-unit phrase («۶۰ رج»
    → "60 رج") narrow the search although its words are too short for a trigram of their own."""
    grams: set[str] = set()
    for word in text.split():
        grams.update(trigrams_inside(word))
        if word[-2:].isdigit() and len(word) >= 2:
            grams.add(f"{word[-2:]} ")
    return grams


def trigrams_inside(word: str) -> set[str]:
    return {word[i:i + TRIGRAM_LENGTH] for i in range(len(word) - TRIGRAM_LENGTH + 1)}


def phrase_trigrams(phrase: str) -> set[str]:
    """Trigrams every search key containing `phrase` (words joined by one space) must have: the
    ones inside its words, and the word-end trigram of each word but the last that ends in two
    digits (a space follows it inside the phrase, so in the key too; the last word may go on)."""
    words = phrase.split(" ")
    grams = set().union(*(trigrams_inside(word) for word in words))
    grams.update(f"{word[-2:]} " for word in words[:-1]
                 if len(word) >= 2 and word[-2:].isdigit())
    return grams


def uses_trigram_table() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _write_trigrams(product_ids: Iterable[int], keys: dict[int, str]) -> None:
    ids = list(product_ids)
    if not ids:
        return
    db.session.execute(delete(ProductTrigram).where(ProductTrigram.product_id.in_(ids)))
    rows = [{"trigram": gram, "product_id": pid} for pid in ids for gram in trigrams(keys[pid])]
    if rows:
        db.session.execute(insert(ProductTrigram), rows)


def refresh_search_key(product: Product) -> None:
    """Recompute the product's search key (and trigram rows on SQLite). Flushes."""
    key = build_search_key(product)
    product.search_key = key
    db.session.flush()
    if uses_trigram_table():
        _write_trigrams([product.id], {product.id: key})


def reindex_all(batch_size: int = 1000, echo=None) -> int:
    """Rebuild every product's search key and trigram rows, in batches; returns the count."""
    last_id, done = 0, 0
    trigram_table = uses_trigram_table()
    while True:
        products = db.session.scalars(
            select(Product).where(Product.id > last_id).order_by(Product.id).limit(batch_size)
            .options(selectinload(Product.attribute_values)
                     .joinedload(ProductAttributeValue.definition),
                     selectinload(Product.trainee).joinedload(Trainee.user),
                     selectinload(Product.trainee).joinedload(Trainee.centre),
                     selectinload(Product.category))).all()
        if not products:
            return done
        keys = {}
        for product in products:
            keys[product.id] = product.search_key = build_search_key(product)
        db.session.flush()
        if trigram_table:
            _write_trigrams(keys, keys)
        done += len(products)
        last_id = products[-1].id
        if echo:
            echo(f"reindexed {done} products")
        db.session.expunge_all()
