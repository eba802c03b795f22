"""Running a search: the words matched against the search key, the filters, the page and the
category facets."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, exists, false, func, intersect, literal, or_, select, union_all

from marketplace.catalogue.models import (
    Product,
    ProductAttributeValue,
    ProductStatus,
    product_key_words,
    product_search,
    search_words,
)
from marketplace.catalogue.queries.categories import CategoryTree
from marketplace.catalogue.queries.listings import (
    _joined,
    card_options,
    products_in_order,
    public_product_conditions,
)
from marketplace.catalogue.queries.search_params import (
    MIN_INDEXED_TERM,
    AttributeFilter,
    ProductSearch,
    term_pattern,
)
from marketplace.catalogue.search_index import WORD_END, WORD_START, uses_search_table
from marketplace.core import page_cache
from marketplace.core.pagination import Page, paginate
from marketplace.extensions import db

# Search terms whose words each process keeps (PostgreSQL, _words_like).
KEPT_WORD_PATTERNS = 10_000


def _text_conditions(alternatives: list[list[str]]) -> list:
    """A product matches when its key holds every term of one of the alternatives
    (ProductSearch.term_alternatives), each as term_pattern says. Inside words two letters
    match nearly every key, and no trigram index can find them, while a space and two letters
    is a trigram. A one-letter word beside longer terms narrows nothing («و», and) and is left
    out. SQLite: one MATCH of its FTS5 table, each pattern a quoted phrase, which matches
    exactly the keys that contain it; PostgreSQL: the words that match each pattern, then the
    keys that hold one of them (_word_conditions)."""
    groups = []
    for terms in alternatives:
        patterns = [term_pattern(term) for term in terms]
        indexed = [p for p in patterns if len(p) >= MIN_INDEXED_TERM]
        groups.append((indexed, patterns))
    if not uses_search_table():
        per_group = _word_conditions([indexed for indexed, _all in groups if indexed])
        conditions = [next(per_group) if indexed else
                      [Product.search_key.like(f"%{p}%") for p in patterns]
                      for indexed, patterns in groups]
        return conditions[0] if len(conditions) == 1 else [or_(*(and_(*c) for c in conditions))]
    matches = [" AND ".join('"' + p.replace('"', '""') + '"' for p in indexed)
               for indexed, _all in groups if indexed]
    likes = [[Product.search_key.like(f"%{p}%") for p in patterns]
             for indexed, patterns in groups if not indexed]
    conditions = [[Product.id.in_(select(product_search.c.rowid).where(
        product_search.c.search_key.match(" OR ".join(f"({m})" for m in matches))))]] \
        if matches else []
    conditions += likes
    return conditions[0] if len(conditions) == 1 else [or_(*(and_(*c) for c in conditions))]


def _word_conditions(groups: list[list[str]]):
    """PostgreSQL: for each group of patterns, the conditions that its keys hold a word each
    pattern matches (_word_likes); one query finds the words of every pattern in
    `search_words` (catalogue.models); a pattern with none matches nothing. A phrase
    ("60 رج") needs its words side by side as well, which LIKE then checks on the keys that
    hold them all. Yields one list of conditions per group."""
    likes_of = {pattern: _word_likes(pattern) for group in groups for pattern in group}
    words_of = _words_like(like for group in likes_of.values() for like in group)
    for patterns in groups:
        conditions = []
        for pattern in patterns:
            group = likes_of[pattern]
            for like in group:
                words = words_of[like]
                conditions.append(product_key_words.overlap(words) if words else false())
            if len(group) > 1:
                conditions.append(Product.search_key.like(f"%{pattern}%"))
        yield conditions


def _words_like(likes) -> dict[str, list[str]]:
    """The words of `search_words` each LIKE pattern matches, in one query for those this
    process has not kept since the last public change (a new word comes with a change)."""
    kept = page_cache.memo_in_process("search-words", KEPT_WORD_PATTERNS)
    words_of: dict[str, list[str]] = {}
    missing = []
    for like in likes:
        words = kept.get(like)  # one read: another thread may drop the entry meanwhile
        if words is None:
            missing.append(like)
        else:
            words_of[like] = words
    if missing:
        word = search_words.c.word
        found = db.session.scalars(
            select(word).where(or_(*(word.like(like) for like in missing)))).all()
        for like in missing:
            words_of[like] = kept[like] = [w for w in found if _like_matches(like, w)]
    return words_of


def _word_likes(pattern: str) -> list[str]:
    """What the words of a key must match for the key to contain `pattern`, as LIKE patterns:
    a term anywhere in one; after WORD_START at the start of one, before WORD_END at its end
    (both: the whole word); a phrase's first word at the end of one (or whole), its last at
    the start of one and any between whole."""
    starts, ends = pattern.startswith(WORD_START), pattern.endswith(WORD_END)
    words = pattern.strip(" ").split(" ")
    head = "" if starts else "%"
    tail = "" if ends else "%"
    if len(words) == 1:
        return [head + words[0] + tail]
    return [head + words[0], *words[1:-1], words[-1] + tail]


def _like_matches(like: str, word: str) -> bool:
    """The LIKE of _word_likes in Python (its patterns have % only at their ends): sorts the
    words found back to the patterns that found them."""
    core = like.strip("%")
    if like.startswith("%") and like.endswith("%"):
        return core in word
    if like.startswith("%"):
        return word.endswith(core)
    if like.endswith("%"):
        return word.startswith(core)
    return word == core


def search_conditions(search: ProductSearch, tree: CategoryTree,
                      with_category: bool = True, per_row: bool = False) -> list:
    """The WHERE of a search. `per_row`: attribute filters as probes of each product row (for
    an ordered walk) instead of sets of matching ids (for visiting every match)."""
    conditions = public_product_conditions(search.centre_id, search.city)
    conditions += _text_conditions(search.term_alternatives)
    if with_category and search.category_id is not None:
        ids = tree.descendant_ids(tree.by_id[search.category_id])
        conditions.append(Product.category_id.in_(ids) if len(ids) > 1
                          else Product.category_id == ids[0])
    if search.price_min is not None:
        conditions.append(Product.price_amount >= search.price_min)
    if search.price_max is not None:
        conditions.append(Product.price_amount <= search.price_max)
    if search.trainee_id:
        conditions.append(Product.trainee_id == search.trainee_id)
    if search.in_stock:
        conditions += [Product.status == ProductStatus.ACTIVE, Product.stock > 0]
    for attribute in search.attributes:
        ids = attribute.definition_ids
        conditions.append(_attribute_probe(attribute, ids) if per_row
                          else Product.id.in_(_attribute_matches(attribute, ids)))
    return conditions


def _attribute_probe(attribute: AttributeFilter, definition_ids: list[int]):
    """The filter checked on one product row: a probe of the (product, definition) key. Cheap
    when the rows come from an ordered walk that stops after a page (page_ids)."""
    value = ProductAttributeValue
    bounds = [value.product_id == Product.id, value.definition_id.in_(definition_ids)]
    if attribute.values:
        bounds.append(value.value_text.in_(attribute.values))
    if attribute.minimum is not None:
        bounds.append(value.value_number >= attribute.minimum)
    if attribute.maximum is not None:
        bounds.append(value.value_number <= attribute.maximum)
    # OFFSET 0 keeps PostgreSQL from turning the probe into a join that starts from every
    # matching value (its estimate for several such joins is far too low); as a filter on each
    # row it lets the ordered walk stop after a page, as on SQLite.
    return exists(select(value.product_id).where(*bounds).offset(0))


def _attribute_matches(attribute: AttributeFilter, definition_ids: list[int]):
    """Products whose value passes one filter: each bound is an index range on
    (definition_id, value_number) or (definition_id, value_text), intersected — much cheaper
    than a correlated EXISTS per product row when every match must be visited (counts)."""
    value = ProductAttributeValue
    parts = []
    if attribute.values:
        parts.append(select(value.product_id).where(value.definition_id.in_(definition_ids),
                                                    value.value_text.in_(attribute.values)))
    if attribute.minimum is not None:
        parts.append(select(value.product_id).where(value.definition_id.in_(definition_ids),
                                                    value.value_number >= attribute.minimum))
    if attribute.maximum is not None:
        parts.append(select(value.product_id).where(value.definition_id.in_(definition_ids),
                                                    value.value_number <= attribute.maximum))
    return parts[0] if len(parts) == 1 else intersect(*parts)


def _order(search: ProductSearch) -> list:
    if search.sort == "price_asc":
        return [Product.price_amount.asc(), Product.id.asc()]
    if search.sort == "price_desc":
        return [Product.price_amount.desc(), Product.id.desc()]
    return [Product.created_at.desc(), Product.id.desc()]


def _page_statement(search: ProductSearch, tree: CategoryTree):
    return (_joined(select(Product)).where(*search_conditions(search, tree))
            .order_by(*_order(search)).options(*card_options()))


def search_products(search: ProductSearch, tree: CategoryTree) -> Page:
    """One page of public products: a count and a page query, plus one for the photos."""
    return paginate(db.session, _page_statement(search, tree), search.page, search.per_page)


def _direct_facets(search: ProductSearch, tree: CategoryTree) -> dict[int, int]:
    """Matches per category (not rolled up), kept for every visitor with the same filters:
    counting visits every match, the one part of a search that grows with the catalogue."""

    def count() -> dict[int, int]:
        statement = (select(Product.category_id, func.count())
                     .where(*search_conditions(search, tree, with_category=False))
                     .group_by(Product.category_id))
        return dict(db.session.execute(statement).all())

    return page_cache.remember(f"facets:{search.facet_key()}", count)


def _roll_up(direct: dict[int, int], tree: CategoryTree) -> dict[int, int]:
    totals: dict[int, int] = {}
    for category in tree.by_id.values():
        total = sum(direct.get(cid, 0) for cid in tree.descendant_ids(category))
        if total:
            totals[category.id] = total
    return totals


def category_facets(search: ProductSearch, tree: CategoryTree) -> dict[int, int]:
    """Matching products per category (including its subcategories), ignoring the category
    filter itself, so the sidebar shows where else the query has results. One query."""
    return _roll_up(_direct_facets(search, tree), tree)


def search_with_facets(search: ProductSearch, tree: CategoryTree,
                       load_items: Callable[[list[int]], list] | None = None
                       ) -> tuple[Page, dict]:
    """The page and the category facets, counting the matches once: the total is the sum of
    the facets over the chosen category's subtree (or all), exactly what count(*) would say.
    `load_items` turns the page's ids into its items: by default products_in_order."""
    if search.terms:
        direct, ids = _counted_matches_and_page_ids(search, tree)
    else:
        direct = _direct_facets(search, tree)
        ids = None
    subtree = None if search.category_id is None else \
        tree.descendant_ids(tree.by_id[search.category_id])
    total = sum(count for cid, count in direct.items() if subtree is None or cid in subtree)
    items: list = []
    if total:
        # The database sorts narrow rows, not whole products with their search keys.
        items = (load_items or products_in_order)(page_ids(search, tree) if ids is None else ids)
    return Page(items, search.page, search.per_page, total), _roll_up(direct, tree)


def _counted_matches_and_page_ids(search: ProductSearch,
                                  tree: CategoryTree) -> tuple[dict[int, int], list[int]]:
    """A word search in one statement: the matches are found once (a MATERIALIZED common
    table expression, which SQLite and PostgreSQL both keep), then counted per category and
    cut to the page — finding them is most of a word search's cost."""
    sort_column = Product.price_amount if search.sort.startswith("price") else \
        Product.created_at
    matches = (select(Product.id, Product.category_id, sort_column.label("sort_key"))
               .where(*search_conditions(search, tree, with_category=False))
               .cte("matches").prefix_with("MATERIALIZED"))
    counts = select(literal(0).label("part"), matches.c.category_id.label("value"),
                    func.count().label("number")).group_by(matches.c.category_id)
    descending = search.sort != "price_asc"

    def order(rows):
        return [rows.c.sort_key.desc(), rows.c.id.desc()] if descending else \
            [rows.c.sort_key.asc(), rows.c.id.asc()]

    # Cut to the page first (a top-N sort), then number those rows: their order must survive
    # the UNION ALL, and numbering every match would sort them all.
    in_category = select(matches.c.id, matches.c.sort_key)
    if search.category_id is not None:
        in_category = in_category.where(matches.c.category_id.in_(
            tree.descendant_ids(tree.by_id[search.category_id])))
    cut = in_category.order_by(*order(matches)).limit(search.per_page).offset(
        (search.page - 1) * search.per_page).subquery("cut")
    page = select(literal(1).label("part"), cut.c.id.label("value"),
                  func.row_number().over(order_by=order(cut)).label("number"))
    rows = db.session.execute(union_all(counts, page)).all()
    direct = {row.value: row.number for row in rows if row.part == 0}
    ids = [row.value for row in sorted((r for r in rows if r.part == 1),
                                       key=lambda r: r.number)]
    return direct, ids


def page_ids(search: ProductSearch, tree: CategoryTree) -> list[int]:
    """The ids of one page, in order.

    Browsing a category (no words to search) walks each of its categories' ordered index
    (ix_products_category_price / _created) and stops once it has enough rows for the page,
    checking the filters on each row; the walks are merged in one UNION ALL. A word search
    starts from the products that contain the words instead, and sorts those."""
    offset = (search.page - 1) * search.per_page
    if search.terms or search.category_id is None:
        return list(db.session.scalars(
            select(Product.id).where(*search_conditions(search, tree))
            .order_by(*_order(search)).limit(search.per_page).offset(offset)))
    conditions = search_conditions(search, tree, with_category=False, per_row=True)
    sort_column = Product.price_amount if search.sort.startswith("price") else \
        Product.created_at
    walks = [select(Product.id, sort_column.label("sort_key"))
             .where(*conditions, Product.category_id == category_id)
             .order_by(*_order(search)).limit(offset + search.per_page)
             for category_id in tree.descendant_ids(tree.by_id[search.category_id])]
    if len(walks) == 1:
        merged = walks[0].subquery()
    else:
        merged = union_all(*(select(walk.subquery()) for walk in walks)).subquery()
    descending = search.sort != "price_asc"
    order = [merged.c.sort_key.desc(), merged.c.id.desc()] if descending else \
        [merged.c.sort_key.asc(), merged.c.id.asc()]
    return list(db.session.scalars(select(merged.c.id).order_by(*order)
                                   .limit(search.per_page).offset(offset)))

