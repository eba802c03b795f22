"""A search read from a query string: the parsed ProductSearch, its terms and attribute filters."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import AttributeDefinition, AttributeType, Category
from marketplace.catalogue.queries.categories import CategoryTree, cities
from marketplace.catalogue.queries.listings import MAX_AMOUNT, MAX_ID, MAX_PAGE
from marketplace.catalogue.search_index import WORD_END, WORD_START
from marketplace.core.digits import parse_int, to_ascii_digits
from marketplace.core.errors import BadRequest, CoreErrorCode
from marketplace.core.i18n import format_number, locale_code, localize_digits
from marketplace.core.money import Money, example_amount, parse_amount
from marketplace.core.pagination import DEFAULT_PER_PAGE, page_args
from marketplace.core.text import normalize

SORTS = ("newest", "price_asc", "price_desc")
# The shortest pattern the trigram indexes (pg_trgm, SQLite's FTS5 trigram) can find.
MIN_INDEXED_TERM = 3


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
    return BadRequest(message, code=CatalogueErrorCode.BAD_FILTER, fields={name: [message]})


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


def _optional_price(args, name: str, currency: str, as_shown: bool) -> int | None:
    """A price bound: in the unit pages show (toman for IRR in toman mode) when `as_shown`,
    else in the currency's main unit (the API: rials for IRR)."""
    raw = to_ascii_digits(args.get(name) or "").strip()
    if not raw:
        return None
    try:
        amount = parse_amount(raw, currency).amount if as_shown else \
            Money.from_decimal_string(raw, currency).amount
    except ValueError:
        example = example_amount(currency)
        raise _bad(_("Must be an amount such as %(example)s.", example=localize_digits(
            example.to_shown_string() if as_shown else example.to_decimal_string())),
            name) from None
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
        by_word: dict[str, str] = {}
        for definition in definitions:
            for choice in definition.choices or []:
                value = str(choice["value"])
                for word in (value, choice.get("fa"), choice.get("en")):
                    if word:
                        by_word.setdefault(normalize(str(word)), value)
        values = []
        for raw in raw_values:
            chosen = by_word.get(normalize(raw))
            if chosen is None:
                choices = sorted({v for d in definitions for v in d.choice_values})
                raise _bad(_("Choose one of: %(values)s.", values=", ".join(choices)), name)
            values.append(chosen)
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
        raise BadRequest(message, code=CatalogueErrorCode.QUERY_TOO_LONG, fields={"q": [message]})
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
                 dropped: list[DroppedFilter] | None = None,
                 prices_as_shown: bool = False) -> ProductSearch:
    """Read a search from query-string arguments (a MultiDict); 400 on nonsense.

    Attribute filters: `attr.<key>=<value>` (repeatable: any of them), `attr.<key>.min=<n>`,
    `attr.<key>.max=<n>`; keys are those of the chosen category's filterable attributes (with
    inherited ones), or of any category without one. Given a `dropped` list (the search
    page), an attribute filter that does not apply is left out and noted there instead of a
    400. `min_price`/`max_price` are in the currency's main unit (rials for IRR), or with
    `prices_as_shown` (the search page) in the unit its prices are shown in (toman).
    """
    page, per_page = page_args(args)
    if page > MAX_PAGE:
        raise BadRequest(_("That page is too far."), code=CoreErrorCode.BAD_PAGE, fields={"page": [
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
    search.price_min = _optional_price(args, "min_price", currency, prices_as_shown)
    search.price_max = _optional_price(args, "max_price", currency, prices_as_shown)
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

