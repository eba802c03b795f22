"""The issue-3 scenarios: browse with filters, Persian text search, product page."""

from __future__ import annotations

import random
from urllib.parse import urlencode

from sqlalchemy import select

from bench import words
from bench.scenarios import scenario
from marketplace.accounts.models import Trainee, TraineeStatus, User
from marketplace.catalogue.models import PUBLISHED_STATUSES, Product
from marketplace.extensions import db
from marketplace.storefront.links import product_path

SORTS = ("newest", "price_asc", "price_desc")
# Arabic letter forms a buyer's keyboard may produce; search must fold them.
ARABIC_FORMS = str.maketrans({"ی": "ي", "ک": "ك"})


def _public_ids() -> list[int]:
    return list(db.session.scalars(
        select(Product.id).join(Trainee, Product.trainee_id == Trainee.id)
        .join(User, Trainee.user_id == User.id)
        .where(Product.status.in_(PUBLISHED_STATUSES), Trainee.status == TraineeStatus.VERIFIED,
               User.is_disabled.is_(False))
        .order_by(Product.id)))


def _browse_args(rng: random.Random) -> dict:
    roll = rng.random()
    if roll < 0.6:
        args = {"category": "carpet-tableaux",
                "attr.material": rng.choice([m[0] for m in words.MATERIALS])}
        if rng.random() < 0.7:
            args["attr.knot_density.min"] = rng.choice([50, 60, 70])
        if rng.random() < 0.3:
            args["attr.framed"] = "true"
        if rng.random() < 0.3:
            args["attr.width_cm.max"] = rng.choice([60, 80, 100, 120])
    elif roll < 0.75:
        args = {"category": "carpets", "attr.material": rng.choice(["wool", "silk"]),
                "attr.knot_density.min": rng.choice([40, 60])}
    elif roll < 0.9:
        args = {"category": "rugs-kilims", "attr.length_cm.min": rng.choice([100, 150, 200])}
    else:
        args = {"category": "food", "attr.weight_g": rng.choice([250, 500, 1000])}
    _narrow(args, rng)
    args["sort"] = rng.choice(SORTS)
    if rng.random() < 0.2:
        args["page"] = rng.randint(2, 4)
    return args


def _narrow(args: dict, rng: random.Random) -> None:
    """What buyers add to a browse: a city, a price range (in the unit prices are shown in),
    only what can be bought now. Without them the mix holds fewer than 1,000 different URLs,
    which any cache holds whole (issue 15 asks for at least 10,000)."""
    if rng.random() < 0.35:
        args["city"] = rng.choice(words.CITIES)[0]
    if rng.random() < 0.3:
        args["min_price"] = rng.choice([100, 500, 1_000, 2_000, 5_000])
    if rng.random() < 0.3:
        args["max_price"] = rng.choice([10_000, 20_000, 50_000, 100_000, 300_000])
    if rng.random() < 0.2:
        args["in_stock"] = 1


@scenario("browse", "Category + attribute filters + sort, a page of 24 (/products)",
          targets={"sqlite": 0.30, "postgresql": 0.20},
          signed_in_targets={"sqlite": 0.25, "postgresql": 0.15})
def browse_paths(rng: random.Random, count: int) -> list[str]:
    return ["/products?" + urlencode(_browse_args(rng)) for _ in range(count)]


def search_queries(rng: random.Random, count: int) -> list[str]:
    """2–4 word Persian queries: three in four cut from real titles (they find something),
    the rest drawn from the word lists (some find nothing, as real searches do); one in four
    typed with Arabic ي/ك."""
    ids = _public_ids()
    sample = rng.sample(ids, min(len(ids), count))
    titles = dict(db.session.execute(
        select(Product.id, Product.title_fa).where(Product.id.in_(sample))).all())
    vocabulary = (words.TABLEAU_SUBJECTS + words.TABLEAU_WORDS
                  + [m[1] for m in words.MATERIALS] + [c[0] for c in words.CITIES]
                  + [n for craft in words.CRAFTS.values() for n in craft[0] + craft[2]])
    queries = []
    for i in range(count):
        if i % 4 != 3 and sample:
            title = titles[sample[i % len(sample)]].split()
            size = min(len(title), rng.randint(2, 4))
            start = rng.randint(0, len(title) - size)
            query = " ".join(title[start:start + size])
        else:
            query = " ".join(rng.sample(vocabulary, rng.randint(2, 3)))
            query = " ".join(query.split()[:4])
        if rng.random() < 0.25:
            query = query.translate(ARABIC_FORMS)
        queries.append(query)
    return queries


@scenario("search", "Text search, 2–4 Persian words (/products?q=)",
          targets={"sqlite": 0.10, "postgresql": 0.10}, max_p99_ms=100,
          signed_in_targets={"sqlite": 0.15, "postgresql": 0.10})
def search_paths(rng: random.Random, count: int) -> list[str]:
    return ["/products?" + urlencode({"q": q}) for q in search_queries(rng, count)]


@scenario("product", "Product page (/p/<id>)", targets={"sqlite": 0.30, "postgresql": 0.20},
          signed_in_targets={"sqlite": 0.35, "postgresql": 0.30})
def product_paths(rng: random.Random, count: int) -> list[str]:
    ids = _public_ids()
    return [product_path(rng.choice(ids)) for _ in range(count)]
