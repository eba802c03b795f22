"""Read-only queries: the category tree, inherited attributes, product lookups and search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import (
    and_,
    bindparam,
    exists,
    false,
    func,
    intersect,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import contains_eager, defer, joinedload, selectinload

from marketplace.accounts.models import Trainee, TraineeStatus, TrainingCentre, User
from marketplace.catalogue.models import (
    PUBLISHED_STATUSES,
    AttributeDefinition,
    AttributeType,
    Category,
    Product,
    ProductAttributeValue,
    ProductStatus,
    product_key_words,
    product_search,
    search_words,
)
from marketplace.catalogue.search_index import WORD_END, WORD_START, uses_search_table
from marketplace.core import page_cache
from marketplace.core.digits import parse_int, to_ascii_digits
from marketplace.core.errors import BadRequest
from marketplace.core.i18n import format_number, locale_code
from marketplace.core.money import Money
from marketplace.core.pagination import DEFAULT_PER_PAGE, Page, page_args, paginate
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
    chain, current = [], category
    while current is not None:
        chain.append(current)
        current = current.parent
    return [d for c in reversed(chain) for d in c.attributes]


# --- search ------------------------------------------------------------------------------------

SORTS = ("newest", "price_asc", "price_desc")
# Larger numbers in a query string are nonsense and overflow the columns: ids are 32-bit
# INTEGER on PostgreSQL, amounts BIGINT.
MAX_ID = 2**31 - 1
MAX_AMOUNT = 10**15
MAX_PAGE = 100_000
# The shortest pattern the trigram indexes (pg_trgm, SQLite's FTS5 trigram) can find.
MIN_INDEXED_TERM = 3
# Search terms whose words each process keeps (PostgreSQL, _words_like).
KEPT_WORD_PATTERNS = 10_000


@dataclass
class AttributeFilter:
    key: str
    definition_ids: list[int]  # the attribute(s) this filter reads (filterable_definitions)
    values: list[str] = field(default_factory=list)  # any of these (choice, text, boolean)
    minimum: float | None = None
    maximum: float | None = None

    def as_log(self) -> dict:
        entry: dict = {}
        if self.values:
            entry["in"] = self.values
        if self.minimum is not None:
            entry["min"] = self.minimum
        if self.maximum is not None:
            entry["max"] = self.maximum
        return entry


@dataclass
class ProductSearch:
    """A parsed search: the same object serves /products, /api/v1/products and the logs."""

    q: str = ""
    category_id: int | None = None
    price_min: int | None = None  # minor units
    price_max: int | None = None
    city: str | None = None
    centre_id: int | None = None
    trainee_id: int | None = None
    attributes: list[AttributeFilter] = field(default_factory=list)
    in_stock: bool = False
    sort: str = "newest"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    units: frozenset[str] = frozenset()

    @property
    def terms(self) -> list[str]:
        """The normalised words of `q`; a number followed by a unit of some attribute
        ("۶۰ رج", "50 cm") stays one phrase, so it finds that value and not any 60 and any رج."""
        return list(dict.fromkeys(self._words()))

    def _words(self) -> list[str]:
        """The words of `q` in order, repeats kept, number-and-unit phrases as one."""
        words = normalize(self.q).split()
        terms: list[str] = []
        index = 0
        while index < len(words):
            word = words[index]
            following = words[index + 1] if index + 1 < len(words) else None
            if following is not None and word.isdigit() and following in self.units:
                terms.append(f"{word} {following}")
                index += 2
                continue
            terms.append(word)
            index += 1
        return terms

    @property
    def term_alternatives(self) -> list[list[str]]:
        """The ways the query's words may be meant; a product matching any of them is found.
        A buyer may write apart what a product writes joined, or the other way round:
        - every word on its own (`terms`): «دست باف» finds «دستباف», each being in it;
        - a word of one or two letters joined to the word before it: «خانه ها» is «خانهها»
          (on its own, «ها» would have to start a word);
        - the runs of adjacent words joined («تابلو فرش ابریشم» → «تابلوفرشابریشم»), which a
          key holds for its titles (search_index.build_search_key).
        A number is never joined: it stays a whole number."""
        words = self._words()
        alternatives = [self.terms]
        glued: list[str] = []
        for word in words:
            if glued and len(word) < MIN_INDEXED_TERM and _is_letters(word) and \
                    _is_letters(glued[-1]):
                glued[-1] += word
            else:
                glued.append(word)
        joined: list[str] = []
        for word in words:
            if joined and _is_letters(word) and _is_letters(joined[-1]):
                joined[-1] += word
            else:
                joined.append(word)
        for alternative in (glued, joined):
            alternative = list(dict.fromkeys(alternative))
            if alternative not in alternatives:
                alternatives.append(alternative)
        return alternatives

    def facet_key(self) -> str:
        """Everything the category counts depend on: the filters but category, sort, page."""
        attributes = sorted((f.key, f.definition_ids, sorted(f.values), f.minimum,
                             f.maximum) for f in self.attributes)
        return repr(([sorted(a) for a in self.term_alternatives], self.price_min,
                     self.price_max, self.city, self.centre_id, self.trainee_id, self.in_stock,
                     attributes))

    def filters_for_log(self) -> dict:
        """The filters in force, without anything personal (ids of public objects only)."""
        entries = {
            "category_id": self.category_id, "price_min": self.price_min,
            "price_max": self.price_max, "city": self.city, "centre_id": self.centre_id,
            "trainee_id": self.trainee_id, "in_stock": self.in_stock or None,
            "attributes": {f.key: f.as_log() for f in self.attributes} or None,
            "sort": self.sort if self.sort != "newest" else None,
        }
        return {k: v for k, v in entries.items() if v is not None}


def _is_letters(term: str) -> bool:
    """A word without digits (normalised text keeps numbers as words of their own)."""
    return not any(c.isdigit() for c in term)


def term_pattern(term: str) -> str:
    """What a key must contain for a term to match it:
    - a number, whole: " 50 " (not in " 150 ");
    - a number and unit, the number whole and the unit at the start of a word: " 60 رج";
    - a word of three letters or more, anywhere («فرش» finds «تابلوفرش»);
    - a shorter word at the start of a word («گل» finds «گلیم», not «سنگلاخ»)."""
    if term.isdigit():
        return WORD_START + term + WORD_END
    if term.split(" ", 1)[0].isdigit():
        return WORD_START + term
    return term if len(term) >= MIN_INDEXED_TERM else WORD_START + term


def _bad(message: str, name: str) -> BadRequest:
    return BadRequest(message, code="bad_filter", fields={name: [message]})


def _optional_int(args, name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_int(raw)
    except ValueError:
        raise _bad(_("Must be a whole number."), name) from None
    if value < 1:
        raise _bad(_("Must be at least %(n)s.", n=1), name)
    if value > MAX_ID:
        raise _bad(_("That number is too large."), name)
    return value


def _optional_number(raw: str, name: str) -> float | None:
    raw = to_ascii_digits(raw or "").replace(",", "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _bad(_("Must be a number."), name) from None
    if value != value or abs(value) > 1e15:  # NaN or absurd
        raise _bad(_("Must be a number."), name)
    return value


def _optional_price(args, name: str, currency: str) -> int | None:
    raw = to_ascii_digits(args.get(name) or "").strip()
    if not raw:
        return None
    try:
        amount = Money.from_decimal_string(raw, currency).amount
    except ValueError:
        raise _bad(_("Must be an amount such as 12.50."), name) from None
    if amount > MAX_AMOUNT:
        raise _bad(_("That number is too large."), name)
    return amount


_TRUE_ARGS = {"1", "true", "yes", "on"}
# A yes/no filter, read after normalising (Persian digits, case): anything else is refused.
_YES = {"1", "true", "بله"}
_NO = {"0", "false", "خیر"}
# The longest query, normalised: longer ones are refused, never cut (a cut drops words and
# widens the search).
MAX_QUERY_LENGTH = 200
# What a query string may hold before it is even normalised.
MAX_RAW_QUERY_LENGTH = 4000


@dataclass
class DroppedFilter:
    """A filter the search page left out, with why (ProductSearch.dropped)."""

    name: str  # the argument, attr.<key>[.min|.max]
    label: str  # what the page calls it: the attribute's name, or the key nobody defines
    message: str


def _filter_kind(definition: AttributeDefinition) -> str:
    """How a filter value of this attribute is read: definitions of one key compare only when
    they agree (without a category, one key may belong to several categories)."""
    if definition.type == AttributeType.BOOLEAN:
        return "boolean"
    if definition.is_numeric:
        return "number"
    return definition.type.value


def filterable_definitions(tree: CategoryTree, category: Category | None
                           ) -> dict[str, list[AttributeDefinition]]:
    """The filterable attributes by key: of the category (with inherited ones) — at most one
    per key, since a key is defined once along a branch — or, with no category, of every
    category that defines the key with the same kind of value."""
    if category is not None:
        return {d.key: [d] for d in tree.definitions(category) if d.is_filterable}
    found: dict[str, list[AttributeDefinition]] = {}
    for each in tree.by_id.values():
        for definition in each.attributes:
            if definition.is_filterable:
                found.setdefault(definition.key, []).append(definition)
    return {key: sorted(group, key=lambda d: d.id) for key, group in found.items()
            if len({_filter_kind(d) for d in group}) == 1}


def _attribute_filter_values(definitions: list[AttributeDefinition], raw_values: list[str],
                             name: str) -> list[str]:
    """The stored values (value_text) that the given values of a filter stand for."""
    first = definitions[0]
    if first.type == AttributeType.BOOLEAN:
        values = []
        for raw in raw_values:
            word = normalize(raw)
            if word not in _YES | _NO:
                raise _bad(_("Must be yes or no."), name)
            values.append("true" if word in _YES else "false")
        return values
    if first.type == AttributeType.CHOICE:
        by_word = {}
        for definition in definitions:
            for choice in definition.choices or []:
                value = str(choice["value"])
                for word in (value, choice.get("fa"), choice.get("en")):
                    if word:
                        by_word.setdefault(normalize(str(word)), value)
        values = []
        for raw in raw_values:
            value = by_word.get(normalize(raw))
            if value is None:
                choices = sorted({v for d in definitions for v in d.choice_values})
                raise _bad(_("Choose one of: %(values)s.", values=", ".join(choices)), name)
            values.append(value)
        return values
    return [to_ascii_digits(v).strip()[:200] for v in raw_values]


def _attribute_filters(args, tree: CategoryTree, category: Category | None,
                       dropped: list[DroppedFilter] | None) -> list[AttributeFilter]:
    """The `attr.…` arguments read against the category's own filterable attributes. Empty
    ones are ignored. One that does not apply (no such attribute here, not filterable, a range
    of a non-number) or has a bad value: 400, or, given a `dropped` list, left out and noted
    there, so the rest of the search still runs."""
    definitions = filterable_definitions(tree, category)
    filters: dict[str, AttributeFilter] = {}
    for name in args:
        if not name.startswith("attr."):
            continue
        raw_values = [v for v in args.getlist(name) if v.strip()]
        if not raw_values:
            continue
        key, _dot, bound = name[5:].partition(".")
        try:
            group = definitions.get(key)
            if group is None or bound not in ("", "min", "max"):
                raise _bad(_("There is no such filter."), name)
            if bound and not all(d.is_numeric for d in group):
                raise _bad(_("Only numbers have a minimum and a maximum."), name)
            if bound:
                value = _optional_number(raw_values[0], name)
                values = []
            else:
                value = None
                values = _attribute_filter_values(group, raw_values, name)
        except BadRequest as error:
            if dropped is None:
                raise
            dropped.append(DroppedFilter(name, _filter_label(tree, key, bound), error.message))
            continue
        entry = filters.setdefault(key, AttributeFilter(key, [d.id for d in group]))
        if bound == "min":
            entry.minimum = value
        elif bound == "max":
            entry.maximum = value
        else:
            entry.values += values
    return [f for f in filters.values() if f.values or f.minimum is not None
            or f.maximum is not None]


def _filter_label(tree: CategoryTree, key: str, bound: str) -> str:
    named = next((d for c in tree.by_id.values() for d in c.attributes if d.key == key), None)
    label = named.name(locale_code()) if named is not None else key
    if bound == "min":
        return _("%(name)s (from)", name=label)
    if bound == "max":
        return _("%(name)s (to)", name=label)
    return label


def _query_text(args) -> str:
    """The words asked for: normalised first, then held to MAX_QUERY_LENGTH (400 beyond it)."""
    raw = args.get("q") or ""
    if len(raw) > MAX_RAW_QUERY_LENGTH or len(normalize(raw)) > MAX_QUERY_LENGTH:
        message = _("Search for at most %(n)s characters.", n=format_number(MAX_QUERY_LENGTH))
        raise BadRequest(message, code="query_too_long", fields={"q": [message]})
    return raw


def _city(args) -> str | None:
    """The city asked for, spelt as stored: compared normalised (اسكو with an Arabic kaf is
    اسکو). A city no centre is in stays as given, and finds nothing."""
    asked = (args.get("city") or "").strip()
    if not asked:
        return None
    wanted = normalize(asked)
    return next((city for city in cities() if normalize(city) == wanted), asked)


def parse_search(args, tree: CategoryTree, currency: str,
                 dropped: list[DroppedFilter] | None = None) -> ProductSearch:
    """Read a search from query-string arguments (a MultiDict); 400 on nonsense.

    Attribute filters: `attr.<key>=<value>` (repeatable: any of them), `attr.<key>.min=<n>`,
    `attr.<key>.max=<n>`; keys are those of the chosen category's filterable attributes (with
    inherited ones), or of any category without one. Given a `dropped` list (the search
    page), an attribute filter that does not apply is left out and noted there instead of a
    400.
    """
    page, per_page = page_args(args)
    if page > MAX_PAGE:
        raise BadRequest(_("That page is too far."), code="bad_page", fields={"page": [
            _("That page is too far.")]})
    search = ProductSearch(q=_query_text(args), page=page, per_page=per_page, units=tree.units)
    category = args.get("category") or ""
    found = None
    if category:
        by_slug = {c.slug: c for c in tree.by_id.values()}
        found = by_slug.get(category)
        if found is None:
            try:
                found = tree.get(parse_int(category))
            except ValueError:
                found = None
        if found is None:
            raise _bad(_("No such category."), "category")
        search.category_id = found.id
    search.price_min = _optional_price(args, "min_price", currency)
    search.price_max = _optional_price(args, "max_price", currency)
    search.city = _city(args)
    search.centre_id = _optional_int(args, "centre")
    search.trainee_id = _optional_int(args, "trainee")
    search.in_stock = (args.get("in_stock") or "").strip().lower() in _TRUE_ARGS
    sort = args.get("sort") or "newest"
    if sort not in SORTS:
        raise _bad(_("Sort by one of: %(values)s.", values=", ".join(SORTS)), "sort")
    search.sort = sort
    search.attributes = _attribute_filters(args, tree, found, dropped)
    return search


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
    words_of = {like: kept.get(like) for like in likes}
    missing = [like for like, words in words_of.items() if words is None]
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


def listed_makers(centre_id: int | None = None, city: str | None = None):
    """Trainees whose products are listed: verified and enabled (and of one centre or city).

    Products are filtered by `trainee_id IN (this)`: a short list the database builds once
    per statement, checked on each product from its index entry, where joining every product
    to its trainee and user costs two lookups per product."""
    makers = (select(Trainee.id).join(User, Trainee.user_id == User.id)
              .where(Trainee.status == TraineeStatus.VERIFIED, User.is_disabled.is_(False)))
    if centre_id:
        makers = makers.where(Trainee.centre_id == centre_id)
    if city:
        makers = makers.join(TrainingCentre, Trainee.centre_id == TrainingCentre.id).where(
            TrainingCentre.city == city)
    # Never correlated: a page query joins trainees too, for the cards.
    return makers.correlate(None)


def public_product_conditions(centre_id: int | None = None, city: str | None = None) -> list:
    """Listed for everyone: approved (for sale or sold out), by a verified, enabled trainee."""
    return [Product.status.in_(PUBLISHED_STATUSES),
            Product.trainee_id.in_(listed_makers(centre_id, city))]


def _joined(statement):
    """Products with their maker, the maker's account and centre: what a card shows."""
    return (statement.join(Trainee, Product.trainee_id == Trainee.id)
            .join(User, Trainee.user_id == User.id)
            .join(TrainingCentre, Trainee.centre_id == TrainingCentre.id))


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


def card_options() -> list:
    """What a product card shows: its maker's store, name and centre (joined) and photos (one
    more query). Only those columns of the maker's rows, and not the product's long texts
    (descriptions, search key): the widest parts of each row, which no card shows."""
    maker = contains_eager(Product.trainee)
    return [maker.load_only(Trainee.store_name, Trainee.store_slug, Trainee.status,
                            Trainee.user_id, Trainee.centre_id),
            maker.contains_eager(Trainee.user).load_only(User.display_name),
            maker.contains_eager(Trainee.centre).load_only(
                TrainingCentre.name_fa, TrainingCentre.name_en, TrainingCentre.slug,
                TrainingCentre.city),
            selectinload(Product.images),
            defer(Product.description_fa), defer(Product.description_en),
            defer(Product.search_key)]


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
    items = []
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
    cut = select(matches.c.id, matches.c.sort_key)
    if search.category_id is not None:
        cut = cut.where(matches.c.category_id.in_(
            tree.descendant_ids(tree.by_id[search.category_id])))
    cut = cut.order_by(*order(matches)).limit(search.per_page).offset(
        (search.page - 1) * search.per_page).subquery("cut")
    page = select(literal(1).label("part"), cut.c.id.label("value"),
                  func.row_number().over(order_by=order(cut)).label("number"))
    _plan_for_these_words()
    rows = db.session.execute(union_all(counts, page)).all()
    direct = {row.value: row.number for row in rows if row.part == 0}
    ids = [row.value for row in sorted((r for r in rows if r.part == 1),
                                       key=lambda r: r.number)]
    return direct, ids


def _plan_for_these_words() -> None:
    """PostgreSQL, for this transaction only (one round trip):
    - plan the word search for its own words. psycopg prepares a statement run five times on
      one connection, and PostgreSQL may then keep one generic plan for every later search of
      that shape, made without knowing the words: for common words it ran twice as slow
      («رج هدیه»: 105 ms instead of 46);
    - price a random page as on an SSD (1.1): the cards' query by id that follows then reads
      through indexes (0.9 ms instead of 1.4 on average). Browsing keeps the default, which
      its plans measured better with."""
    if not uses_search_table():
        db.session.execute(text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                                "set_config('random_page_cost', '1.1', true)"))


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


# Products by id with what their cards show. Built once: building the loader options and
# their SQL-cache key cost ~0.7 ms on each call, a quarter of loading a page of cards.
_CARDS_BY_ID = (_joined(select(Product)).where(Product.id.in_(bindparam("ids", expanding=True)))
                .options(*card_options()))


def products_in_order(ids: list[int]) -> list[Product]:
    """These products, in this order, with what their cards show (card_options)."""
    if not ids:
        return []
    by_id = {p.id: p for p in db.session.scalars(_CARDS_BY_ID, {"ids": ids})}
    return [by_id[i] for i in ids if i in by_id]


def newest_products(limit: int = 8) -> list[Product]:
    statement = (_joined(select(Product)).where(*public_product_conditions())
                 .order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
                 .options(*card_options()))
    return list(db.session.scalars(statement).unique())


def product_page_options() -> list:
    """Everything the product page shows; the category with two levels of parents (deeper
    trees load the rest lazily, one query per extra level)."""
    return [joinedload(Product.category).joinedload(Category.parent)
            .joinedload(Category.parent),
            joinedload(Product.trainee).joinedload(Trainee.user),
            joinedload(Product.trainee).joinedload(Trainee.centre),
            selectinload(Product.images),
            selectinload(Product.attribute_values).joinedload(ProductAttributeValue.definition)]


def load_product(product_id: int) -> Product | None:
    """A product with everything its page shows, in a constant number of queries."""
    if not 0 < product_id <= MAX_ID:
        return None
    return db.session.scalars(select(Product).where(Product.id == product_id)
                              .options(*product_page_options())).first()


def trainee_products(trainee_id: int, page: int = 1, per_page: int = 50) -> Page:
    page = min(page, MAX_PAGE)
    statement = (select(Product).where(Product.trainee_id == trainee_id)
                 .order_by(Product.updated_at.desc(), Product.id.desc())
                 .options(selectinload(Product.images), joinedload(Product.category)))
    return paginate(db.session, statement, page, per_page)


def review_queue(centre_ids: set[int] | None, page: int = 1, per_page: int = 24) -> Page:
    """Listings waiting for review: of the given centres' trainees, or all (admins: None)."""
    page = min(page, MAX_PAGE)
    statement = (_joined(select(Product)).where(Product.status == ProductStatus.SUBMITTED)
                 .order_by(Product.updated_at.asc(), Product.id.asc())
                 .options(*card_options(), joinedload(Product.category),
                          selectinload(Product.attribute_values)
                          .joinedload(ProductAttributeValue.definition)))
    if centre_ids is not None:
        statement = statement.where(Trainee.centre_id.in_(centre_ids or {-1}))
    return paginate(db.session, statement, page, per_page)


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
