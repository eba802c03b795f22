"""Generate the benchmark data set: centres, trainees, a category tree with typed attributes and
(by default) 100k products with Persian titles, attribute values and search keys.

    .venv/bin/python -m bench.generate --database-url sqlite:///bench/data/bench.sqlite3
    .venv/bin/python -m bench.generate --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/bz_bench

Rows go in with SQLAlchemy core `executemany` in batches; search keys come from the
catalogue's own `search_index`, so search sees exactly what the app would have written (SQLite's
word index is filled by the triggers on products, as for the app). The same --seed gives the
same data on both databases.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MARKETPLACE_ENV", "development")

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from bench import words
from marketplace import create_app
from marketplace.accounts.models import (
    CentreKind,
    Trainee,
    TraineeStatus,
    TrainingCentre,
    User,
)
from marketplace.catalogue import search_index
from marketplace.catalogue.models import (
    AttributeDefinition,
    AttributeType,
    Category,
    Product,
    ProductAttributeValue,
    ProductKind,
    ProductStatus,
)
from marketplace.core.db import utcnow
from marketplace.extensions import db

BATCH = 5_000
DEFAULT_SQLITE = Path(__file__).resolve().parent / "data" / "bench.sqlite3"
# Not a real password hash: generated trainees cannot sign in.
NO_PASSWORD = "!bench-generated"  # noqa: S105 - deliberately not a valid hash


@dataclass
class Counts:
    centres: int = 0
    trainees: int = 0
    categories: int = 0
    products: int = 0
    attribute_values: int = 0
    seconds: dict = field(default_factory=dict)


# --- the category tree ---------------------------------------------------------------------------

def choice(value, fa, en):
    return {"value": str(value), "fa": fa, "en": en}


def _definition(category, key, name_fa, name_en, kind, position, **extra):
    return AttributeDefinition(category=category, key=key, name_fa=name_fa, name_en=name_en,
                               type=kind, position=position, **extra)


def build_categories() -> dict[str, Category]:
    """The tree the issue describes: carpets (with carpet tableaux and rugs/kilims below, knot
    density and material inherited from it), handicrafts, textiles, woodwork and food."""
    carpets = Category(slug="carpets", name_fa="فرش و تابلو فرش", name_en="Carpets", position=1)
    tableaux = Category(slug="carpet-tableaux", name_fa="تابلو فرش", name_en="Carpet tableaux",
                        parent=carpets, position=1)
    rugs = Category(slug="rugs-kilims", name_fa="فرش و گلیم", name_en="Rugs and kilims",
                    parent=carpets, position=2)
    handicrafts = Category(slug="handicrafts", name_fa="صنایع دستی", name_en="Handicrafts",
                           position=2)
    textiles = Category(slug="textiles-clothing", name_fa="پوشاک و منسوجات",
                        name_en="Textiles and clothing", position=3)
    woodwork = Category(slug="woodwork", name_fa="کار چوب", name_en="Woodwork", position=4)
    food = Category(slug="food", name_fa="مواد غذایی", name_en="Food products", position=5)

    _definition(carpets, "knot_density", "رج", "Knot density", AttributeType.CHOICE, 1,
                choices=[choice(k, str(k), str(k)) for k in words.KNOT_DENSITIES],
                unit_fa="رج", unit_en="knots", is_filterable=True)
    _definition(carpets, "material", "جنس", "Material", AttributeType.CHOICE, 2,
                choices=[choice(v, fa, en) for v, fa, en in words.MATERIALS],
                is_required=True, is_filterable=True)
    _definition(tableaux, "width_cm", "عرض", "Width", AttributeType.INTEGER, 3,
                unit_fa="سانتی‌متر", unit_en="cm", is_required=True, is_filterable=True)
    _definition(tableaux, "height_cm", "ارتفاع", "Height", AttributeType.INTEGER, 4,
                unit_fa="سانتی‌متر", unit_en="cm", is_required=True, is_filterable=True)
    _definition(tableaux, "colour_count", "تعداد رنگ", "Colour count", AttributeType.INTEGER, 5,
                is_filterable=True)
    _definition(tableaux, "design", "طرح", "Design", AttributeType.TEXT, 6)
    _definition(tableaux, "framed", "قاب‌دار", "Framed", AttributeType.BOOLEAN, 7,
                is_filterable=True)
    _definition(rugs, "length_cm", "طول", "Length", AttributeType.INTEGER, 3,
                unit_fa="سانتی‌متر", unit_en="cm", is_filterable=True)
    _definition(food, "weight_g", "وزن", "Weight", AttributeType.INTEGER, 1,
                unit_fa="گرم", unit_en="g", is_filterable=True)
    return {c.slug: c for c in (carpets, tableaux, rugs, handicrafts, textiles, woodwork, food)}


# --- rows ----------------------------------------------------------------------------------------

def person(rng: random.Random) -> str:
    return f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"


def build_centres(count: int, rng: random.Random) -> list[TrainingCentre]:
    centres = []
    for i in range(count):
        city_fa, city_en = words.CITIES[i % len(words.CITIES)]
        if i < len(words.CITIES):
            kind, name_fa = CentreKind.PUBLIC, f"مرکز آموزش فنی و حرفه‌ای {city_fa}"
            name_en = f"{city_en} vocational training centre"
        else:
            kind = CentreKind.PRIVATE
            name_fa = f"{words.PRIVATE_INSTITUTES[i % len(words.PRIVATE_INSTITUTES)]} {city_fa}"
            name_en = f"Private institute {i} ({city_en})"
        centres.append(TrainingCentre(kind=kind, name_fa=name_fa, name_en=name_en,
                                      slug=f"centre-{i + 1}", city=city_fa,
                                      province=words.PROVINCE,
                                      auto_approve_listings=rng.random() < 0.2))
    return centres


TRADES = {"carpet-tableaux": "بافت تابلو فرش", "rugs-kilims": "بافت فرش و گلیم",
          "handicrafts": "صنایع دستی", "textiles-clothing": "خیاطی و بافتنی",
          "woodwork": "منبت و معرق", "food": "فرآوری مواد غذایی"}
# Each craft's trade code (accounts.trades; "" where no trade of the list fits).
TRADE_CODES = {"carpet-tableaux": "carpet_weaving", "rugs-kilims": "carpet_weaving",
               "handicrafts": "", "textiles-clothing": "tailoring", "woodwork": "woodwork",
               "food": "pastry"}
# Most products are carpet tableaux, as in Sardrud.
CRAFT_WEIGHTS = {"carpet-tableaux": 45, "rugs-kilims": 15, "handicrafts": 12,
                 "textiles-clothing": 10, "woodwork": 8, "food": 10}


def trainee_rows(count: int, centres: list[TrainingCentre], rng: random.Random):
    now = utcnow()
    users, trainees, crafts = [], [], []
    craft_names = list(CRAFT_WEIGHTS)
    weights = list(CRAFT_WEIGHTS.values())
    for i in range(1, count + 1):
        name = person(rng)
        craft = rng.choices(craft_names, weights)[0]
        roll = rng.random()
        status = (TraineeStatus.VERIFIED if roll < 0.95 else
                  TraineeStatus.PENDING if roll < 0.98 else TraineeStatus.SUSPENDED)
        created = now - timedelta(days=rng.randint(30, 900))
        users.append({"id": i, "email": f"bench-trainee-{i}@example.org",
                      "password_hash": NO_PASSWORD, "display_name": name, "locale": "fa",
                      "is_admin": False, "is_disabled": False, "password_changed_at": created,
                      "created_at": created, "updated_at": created})
        centre = rng.choice(centres)
        trainees.append({"id": i, "user_id": i, "centre_id": centre.id, "trade": TRADE_CODES[craft],
                         "bio": f"{name}، {TRADES[craft]} از {centre.city}.",
                         "store_name": f"{TRADES[craft]} {name.split()[0]} {i}",
                         "store_slug": f"store-{i}", "status": status,
                         "created_at": created, "updated_at": created})
        crafts.append(craft)
    return users, trainees, crafts


class ProductMaker:
    """Titles, descriptions, attributes and prices per category, from the word lists."""

    def __init__(self, rng: random.Random, categories: dict[str, Category], currency: str):
        self.rng = rng
        self.categories = categories
        self.currency = currency
        self.definitions = {d.key: d for c in categories.values() for d in c.attributes}

    def _value(self, key, value) -> SimpleNamespace:
        definition = self.definitions[key]
        number = None
        flag = None
        if definition.type == AttributeType.BOOLEAN:
            flag, text_value = bool(value), "true" if value else "false"
        else:
            text_value = str(value)
            if definition.is_numeric:
                number = float(value)
        return SimpleNamespace(definition=definition, definition_id=definition.id,
                               value_text=text_value, value_number=number, value_bool=flag)

    def tableau(self):
        rng = self.rng
        subject = rng.choice(words.TABLEAU_SUBJECTS)
        material_value, material_fa, material_en = rng.choice(words.MATERIALS)
        knots = rng.choice(words.KNOT_DENSITIES)
        width = rng.randrange(30, 151, 5)
        height = rng.randrange(40, 201, 5)
        extra = " ".join(rng.sample(words.TABLEAU_WORDS, rng.randint(0, 2)))
        title_fa = f"تابلو فرش {subject} {material_fa} {knots} رج {extra}".strip()
        title_en = f"{subject} carpet tableau, {material_en.lower()}, {knots} knots" \
            if rng.random() < 0.4 else None
        values = [self._value("knot_density", knots), self._value("material", material_value),
                  self._value("width_cm", width), self._value("height_cm", height),
                  self._value("colour_count", rng.randint(20, 120)),
                  self._value("design", subject), self._value("framed", rng.random() < 0.5)]
        low, high = words.TABLEAU_PRICES
        price = int(rng.randint(low, high) * (1 + (knots - 40) / 80) * (width * height) / 6000)
        return title_fa, title_en, values, max(price, low)

    def craft(self, slug):
        rng = self.rng
        nouns_fa, nouns_en, adjectives, (low, high) = words.CRAFTS[slug]
        index = rng.randrange(len(nouns_fa))
        adjective = " ".join(rng.sample(adjectives, rng.randint(1, 2)))
        title_fa = f"{nouns_fa[index]} {adjective}"
        title_en = nouns_en[index].capitalize() if rng.random() < 0.3 else None
        values = []
        if slug == "rugs-kilims":
            material_value, material_fa, _en = rng.choice(words.MATERIALS[:2])
            knots = rng.choice(words.KNOT_DENSITIES)
            title_fa = f"{title_fa} {material_fa}"
            values = [self._value("knot_density", knots),
                      self._value("material", material_value),
                      self._value("length_cm", rng.randrange(60, 301, 10))]
        elif slug == "food":
            weight = rng.choice([250, 500, 1000, 2000])
            title_fa = f"{title_fa} {weight} گرمی"
            values = [self._value("weight_g", weight)]
        return title_fa, title_en, values, rng.randint(low, high)

    def make(self, slug):
        return self.tableau() if slug == "carpet-tableaux" else self.craft(slug)

    def description(self, title_fa: str) -> str:
        rng = self.rng
        return (f"{title_fa}. {rng.choice(words.DESCRIPTION_OPENERS)}، "
                f"{rng.choice(words.DESCRIPTION_OPENERS)}. {rng.choice(words.DESCRIPTION_CLOSERS)}")


def status_and_kind(rng: random.Random, slug: str):
    roll = rng.random()
    status = (ProductStatus.ACTIVE if roll < 0.90 else ProductStatus.SOLD_OUT if roll < 0.94
              else ProductStatus.DRAFT if roll < 0.97 else ProductStatus.PAUSED)
    roll = rng.random()
    if slug == "carpet-tableaux" and roll < 0.6:
        return status, ProductKind.ONE_OF_A_KIND, None
    if roll < 0.8:
        return status, ProductKind.REGULAR, None
    return status, ProductKind.MADE_TO_ORDER, rng.choice([7, 14, 30, 45, 60, 90])


# --- writing -------------------------------------------------------------------------------------

def _reset_schema(url: str) -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        db.session.commit()
    db.drop_all()
    db.create_all()
    db.session.commit()


def _insert(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the data."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("users", "training_centres", "trainees", "categories",
                  "attribute_definitions", "products", "product_attribute_values"):
        # Table names come from the tuple above, never from input.
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


def generate(database_url: str, products: int = 100_000, trainees: int = 2_000,
             centres: int = 50, seed: int = 1, echo=print) -> Counts:
    """Drop and recreate every table of the database at `database_url`, then fill it."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    rng = random.Random(seed)
    counts = Counts()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        started = time.perf_counter()
        _reset_schema(database_url)

        centre_rows = build_centres(centres, rng)
        categories = build_categories()
        db.session.add_all(centre_rows + list(categories.values()))
        db.session.flush()
        counts.centres, counts.categories = len(centre_rows), len(categories)

        users, trainee_list, crafts = trainee_rows(trainees, centre_rows, rng)
        _insert(User.__table__, users)
        _insert(Trainee.__table__, trainee_list)
        counts.trainees = len(trainee_list)
        db.session.commit()
        counts.seconds["people"] = round(time.perf_counter() - started, 1)
        echo(f"{counts.centres} centres, {counts.trainees} trainees, "
             f"{counts.categories} categories")

        started = time.perf_counter()
        counts_out = _write_products(products, rng, categories, centre_rows, users, trainee_list,
                                     crafts, app.config["MARKETPLACE_CURRENCY"], echo)
        counts.products, counts.attribute_values = counts_out
        _fix_sequences()
        db.session.commit()
        counts.seconds["products"] = round(time.perf_counter() - started, 1)

        started = time.perf_counter()
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        if db.engine.dialect.name == "sqlite":
            # Leave no big WAL behind: the first commit of the benchmarked app would otherwise
            # pay for checkpointing the whole data set. (Outside any transaction.)
            raw = db.engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        counts.seconds["analyze"] = round(time.perf_counter() - started, 1)
    echo(f"{counts.products} products, {counts.attribute_values} attribute values in "
         f"{counts.seconds}")
    return counts


def _write_products(total, rng, categories, centres, users, trainee_list, crafts, currency,
                    echo):
    maker = ProductMaker(rng, categories, currency)
    centre_by_id = {c.id: c for c in centres}
    owners = [
        SimpleNamespace(id=t["id"], store_name=t["store_name"],
                        user=SimpleNamespace(display_name=u["display_name"]),
                        centre=centre_by_id[t["centre_id"]])
        for u, t in zip(users, trainee_list, strict=True)
    ]
    now = utcnow()
    value_id = n_values = 0
    product_rows, value_rows = [], []

    def flush():
        nonlocal product_rows, value_rows
        _insert(Product.__table__, product_rows)
        _insert(ProductAttributeValue.__table__, value_rows)
        product_rows, value_rows = [], []

    for product_id in range(1, total + 1):
        index = rng.randrange(len(owners))
        owner, craft = owners[index], crafts[index]
        # One trainee in four also sells something outside their main craft.
        slug = craft if rng.random() < 0.75 else rng.choice(list(CRAFT_WEIGHTS))
        category = categories[slug]
        title_fa, title_en, values, price = maker.make(slug)
        description_fa = maker.description(title_fa)
        status, kind, lead_time = status_and_kind(rng, slug)
        created = now - timedelta(days=rng.uniform(0, 730))
        published = created + timedelta(hours=rng.uniform(1, 96)) \
            if status in (ProductStatus.ACTIVE, ProductStatus.SOLD_OUT, ProductStatus.PAUSED) \
            else None
        stock = 0 if status == ProductStatus.SOLD_OUT else (
            1 if kind == ProductKind.ONE_OF_A_KIND else rng.randint(1, 40))
        key = search_index.build_search_key(SimpleNamespace(
            trainee=owner, category=category, title_fa=title_fa, title_en=title_en,
            description_fa=description_fa, description_en=None, attribute_values=values))
        product_rows.append({
            "id": product_id, "trainee_id": owner.id, "category_id": category.id,
            "title_fa": title_fa, "title_en": title_en, "description_fa": description_fa,
            "description_en": None, "price_amount": price, "currency": currency,
            "stock": stock, "kind": kind, "lead_time_days": lead_time,
            "shipping_weight_g": rng.randint(200, 8000), "status": status,
            "status_reason": None, "search_key": key, "published_at": published,
            "created_at": created, "updated_at": created})
        for value in values:
            value_id += 1
            value_rows.append({"id": value_id, "product_id": product_id,
                               "definition_id": value.definition_id,
                               "value_text": value.value_text,
                               "value_number": value.value_number,
                               "value_bool": value.value_bool})
        n_values += len(values)
        if product_id % BATCH == 0:
            flush()
            if product_id % (BATCH * 4) == 0:
                echo(f"  {product_id} products")
    flush()
    return total, n_values


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{DEFAULT_SQLITE}",
                        help="SQLite file or PostgreSQL URL; every table is dropped first")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--trainees", type=int, default=2_000)
    parser.add_argument("--centres", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.database_url, args.products, args.trainees, args.centres, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
