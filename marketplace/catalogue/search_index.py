"""The search key of a product (ARCHITECTURE §4).

`search_key` holds the normalised title, description, attribute values with their units
("60 رج"), category, maker, store, centre and city, with a space before and after every word;
then the same words written joined (runs of a short piece, pairs of a description), so a
compound typed joined finds one written apart. Services call `refresh_search_key` on every
change; `flask reindex-search` runs `reindex_in_batches` after bulk changes (a renamed
centre …) and after an upgrade that changes how keys are built.
The database indexes the key itself: on SQLite the FTS5 table `product_search`, on PostgreSQL
the table of words `search_words` and a GIN index of each key's words, all kept by triggers
(catalogue.models).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import pairwise

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Trainee
from marketplace.catalogue.models import (
    AttributeType,
    Category,
    Product,
    ProductAttributeValue,
)
from marketplace.core.text import normalize
from marketplace.extensions import db

# Before every word of a key, the first included, so that a short term can be looked for at
# the start of a word (" گل") with the same substring match as a long one; and after every
# word, the last included, so that a number is looked for whole (" 50 " is not in " 150 ").
WORD_START = " "
WORD_END = " "
# The longest word a key holds. PostgreSQL indexes each word of a key (ix_products_search_words,
# search_words) and refuses an index row over 2712 bytes: a longer word is kept as pieces of
# this many letters, each overlapping the next by half, so any part of it up to
# MAX_WORD // 2 + 1 letters is still found — on both databases, which read the same key.
MAX_WORD = 256
_CHUNK_STEP = MAX_WORD // 2


def capped_words(words: Iterable[str]) -> Iterator[str]:
    for word in words:
        if len(word) <= MAX_WORD:
            yield word
            continue
        for start in range(0, len(word) - _CHUNK_STEP, _CHUNK_STEP):
            yield word[start:start + MAX_WORD]


def joined_runs(normalised: str) -> list[str]:
    """A text's runs of adjacent words written as one («تابلو فرش ابریشم» → «تابلوفرشابریشم»):
    a run stops at a number, which stays a word of its own (core.text.normalize)."""
    runs: list[str] = []
    current: list[str] = []
    for word in normalised.split():
        if word.isdigit():
            if len(current) > 1:
                runs.append("".join(current))
            current = []
        else:
            current.append(word)
    if len(current) > 1:
        runs.append("".join(current))
    return runs


def joined_pairs(normalised: str) -> list[str]:
    """Each two adjacent words of a text written as one («دست باف» → «دستباف»)."""
    words = normalised.split()
    return [a + b for a, b in pairwise(words)
            if not (a.isdigit() or b.isdigit())]


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
    """The words of every piece, then the ways a buyer may write them joined: each run of
    adjacent words of a short piece (titles, attribute values, category, maker, store, centre,
    city) as one, so «تابلوفرش» and «پشموابریشم» find them, and each two adjacent words of a
    description («دست باف» is found by «دستباف»). Words start and end with a space
    (WORD_START, WORD_END); long ones are cut in pieces (MAX_WORD)."""
    trainee = product.trainee
    centre = trainee.centre if trainee else None
    category: Category | None = product.category
    short: list[str | None] = [
        product.title_fa, product.title_en,
        *(attribute_search_text(v) for v in sorted(product.attribute_values,
                                                   key=lambda v: v.definition_id)),
    ]
    while category is not None:
        short += [category.name_fa, category.name_en]
        category = category.parent
    if trainee is not None:
        short += [trainee.user.display_name, trainee.store_name]
    if centre is not None:
        short += [centre.name_fa, centre.name_en, centre.city]
    titles, rest = [normalize(p) for p in short[:2] if p], [normalize(p) for p in short[2:] if p]
    descriptions = [normalize(p) for p in (product.description_fa, product.description_en) if p]
    # The words in the order of the pieces as they always were: titles, descriptions, the rest.
    words = [word for piece in (*titles, *descriptions, *rest) for word in piece.split()]
    seen = set(words)
    joined = []
    for word in [*(run for piece in (*titles, *rest) for run in joined_runs(piece)),
                 *(pair for piece in descriptions for pair in joined_pairs(piece))]:
        if word not in seen:
            seen.add(word)
            joined.append(word)
    return WORD_START + " ".join(capped_words([*words, *joined])) + WORD_END


def refresh_search_key(product: Product) -> None:
    """Recompute the product's search key. Flushes."""
    product.search_key = build_search_key(product)
    db.session.flush()


def reindex_in_batches(batch_size: int = 1000) -> Iterator[int]:
    """Rebuild every product's search key, a batch at a time; yields how many are done after
    each batch, for the caller to commit it. Short transactions keep an edit from waiting for
    the whole catalogue.

    Each batch locks its rows first and then adds its new words in one sorted statement, the
    order every edit takes them in too (a row, then its words, sorted): words added row by
    row could cross an edit's and deadlock."""
    last_id, done = 0, 0
    while True:
        products = db.session.scalars(
            select(Product).where(Product.id > last_id).order_by(Product.id).limit(batch_size)
            .with_for_update()
            .options(selectinload(Product.attribute_values)
                     .joinedload(ProductAttributeValue.definition),
                     selectinload(Product.trainee).joinedload(Trainee.user),
                     selectinload(Product.trainee).joinedload(Trainee.centre),
                     selectinload(Product.category))).all()
        if not products:
            return
        for product in products:
            product.search_key = build_search_key(product)
        add_search_words(product.search_key for product in products)
        db.session.flush()
        done += len(products)
        last_id = products[-1].id
        yield done
        db.session.expunge_all()


def add_search_words(keys: Iterable[str]) -> None:
    """PostgreSQL: add the words of these keys to `search_words` in one statement, in the
    database's order like the triggers (which then find them there)."""
    if uses_search_table():
        return
    words = sorted({word for key in keys for word in key.split(" ") if word})
    if words:
        db.session.execute(text(
            "INSERT INTO search_words (word) SELECT word FROM unnest(CAST(:words AS text[])) "
            "AS word ORDER BY word ON CONFLICT DO NOTHING"), {"words": words})


def uses_search_table() -> bool:
    """SQLite finds words through the FTS5 table `product_search`; PostgreSQL through
    `search_words` and the GIN index of each key's words."""
    return db.session.get_bind().dialect.name == "sqlite"


def rebuild_search_table() -> None:
    """Rebuild SQLite's FTS5 index from every product's search key as stored (a repair, after
    a restore say: the triggers keep it in step otherwise)."""
    if uses_search_table():
        db.session.execute(text("INSERT INTO product_search (product_search) VALUES ('rebuild')"))
