"""Demo catalogue: the category tree of issue 3 and about sixty believable listings, most of
them carpet tableaux woven by the Sardrud trainees, with photos drawn by `demo.pictures`.

Idempotent: categories and attributes are found by slug and key, products by maker and title.
"""

from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import select

from marketplace.accounts.models import Trainee, User
from marketplace.catalogue.models import (
    AttributeDefinition,
    AttributeType,
    Category,
    Product,
    ProductKind,
    ProductStatus,
)
from marketplace.catalogue.services import images, products, workflow
from marketplace.catalogue.services.listing_data import ListingData
from marketplace.core.digits import to_ascii_digits, to_persian_digits
from marketplace.core.money import Money
from marketplace.demo.people import demo_email
from marketplace.demo.pictures import draw_carpet, draw_object
from marketplace.extensions import db

KNOTS = [{"value": str(v), "fa": str(v), "en": str(v)} for v in (40, 50, 60, 70, 80)]
MATERIALS = [{"value": "wool", "fa": "پشم", "en": "Wool"},
             {"value": "silk", "fa": "ابریشم", "en": "Silk"},
             {"value": "wool_silk", "fa": "پشم و ابریشم", "en": "Wool and silk"}]
RUG_MATERIALS = [{"value": "wool", "fa": "پشم", "en": "Wool"},
                 {"value": "cotton", "fa": "پنبه", "en": "Cotton"},
                 {"value": "silk", "fa": "ابریشم", "en": "Silk"}]
SIZES = [{"value": v, "fa": v, "en": v} for v in ("S", "M", "L", "XL")]

INT, TEXT, CHOICE, BOOL = (AttributeType.INTEGER, AttributeType.TEXT, AttributeType.CHOICE,
                           AttributeType.BOOLEAN)

# slug, parent slug, name_fa, name_en, [(key, fa, en, type, unit_fa, unit_en, choices,
#                                        required, filterable)]
CATEGORIES = [
    ("carpet-tableaux", None, "تابلو فرش", "Carpet tableaux", [
        ("width_cm", "عرض", "Width", INT, "سانتی‌متر", "cm", None, True, True),
        ("height_cm", "ارتفاع", "Height", INT, "سانتی‌متر", "cm", None, True, True),
        ("knot_density", "رج‌شمار", "Knot density", CHOICE, "رج", "raj", KNOTS, True, True),
        ("material", "جنس", "Material", CHOICE, None, None, MATERIALS, True, True),
        ("colour_count", "تعداد رنگ", "Colour count", INT, "رنگ", "colours", None, False, True),
        ("design", "طرح و موضوع", "Design / subject", TEXT, None, None, None, False, False),
        ("framed", "قاب‌دار", "Framed", BOOL, None, None, None, False, True),
    ]),
    ("rugs-kilims", None, "فرش و گلیم", "Rugs and kilims", [
        ("length_cm", "طول", "Length", INT, "سانتی‌متر", "cm", None, True, True),
        ("width_cm", "عرض", "Width", INT, "سانتی‌متر", "cm", None, True, True),
        ("material", "جنس", "Material", CHOICE, None, None, RUG_MATERIALS, True, True),
    ]),
    ("hand-knotted-rugs", "rugs-kilims", "قالیچه‌ی دستباف", "Hand-knotted rugs", [
        ("knot_density", "رج‌شمار", "Knot density", CHOICE, "رج", "raj", KNOTS, False, True),
    ]),
    ("kilims", "rugs-kilims", "گلیم و جاجیم", "Kilims and jajims", []),
    ("handicrafts", None, "صنایع دستی", "Handicrafts", []),
    ("pottery", "handicrafts", "سفال و سرامیک", "Pottery and ceramics", [
        ("glazed", "لعاب‌دار", "Glazed", BOOL, None, None, None, False, True),
        ("height_cm", "ارتفاع", "Height", INT, "سانتی‌متر", "cm", None, False, False),
    ]),
    ("textiles-clothing", None, "منسوجات و پوشاک", "Textiles and clothing", [
        ("size", "اندازه", "Size", CHOICE, None, None, SIZES, False, True),
        ("fabric", "پارچه", "Fabric", TEXT, None, None, None, False, False),
    ]),
    ("woodwork", None, "صنایع چوبی", "Woodwork", [
        ("wood", "نوع چوب", "Wood", TEXT, None, None, None, False, False),
    ]),
    ("food", None, "محصولات غذایی", "Food products", [
        ("weight_g", "وزن", "Weight", INT, "گرم", "g", None, True, True),
        ("shelf_life_days", "ماندگاری", "Shelf life", INT, "روز", "days", None, False, False),
    ]),
]

# Sensible bounds of the number attributes, (category slug, key) -> (minimum, maximum): what a
# trainee's workshop makes, so a typing slip (a negative width, 4000 cm) is refused.
BOUNDS = {
    ("carpet-tableaux", "width_cm"): (10, 400), ("carpet-tableaux", "height_cm"): (10, 400),
    ("carpet-tableaux", "colour_count"): (1, 200),
    ("rugs-kilims", "length_cm"): (20, 1500), ("rugs-kilims", "width_cm"): (20, 1000),
    ("pottery", "height_cm"): (1, 300),
    ("food", "weight_g"): (1, 50_000), ("food", "shelf_life_days"): (1, 3650),
}

SUBJECTS = [
    ("گل و مرغ", "Flowers and birds"), ("منظره‌ی پاییزی", "Autumn landscape"),
    ("مینیاتور ساقی", "Miniature: the cup-bearer"), ("چهره‌ی مادربزرگ", "Grandmother's portrait"),
    ("آیه‌ی وان یکاد", "Van Yakad verse"), ("شکارگاه", "Hunting scene"),
    ("کاروان شتر در کویر", "Camel caravan"), ("باغ ارم شیراز", "Eram Garden, Shiraz"),
    ("حافظیه", "Tomb of Hafez"), ("درخت زندگی", "Tree of life"),
    ("اسب‌های وحشی", "Wild horses"), ("روستای ماسوله", "Masuleh village"),
    ("پل خواجو", "Khaju bridge"), ("مسجد کبود تبریز", "Blue Mosque of Tabriz"),
    ("ائل‌گلی تبریز", "El Goli, Tabriz"), ("رستم و سهراب", "Rostam and Sohrab"),
    ("لیلی و مجنون", "Leyli and Majnun"), ("گلدان شاه‌عباسی", "Shah Abbasi vase"),
    ("طاووس", "Peacock"), ("بازار تبریز", "Tabriz bazaar"), ("شب یلدا", "Yalda night"),
    ("کوه سهند", "Mount Sahand"), ("نقش ترنج", "Medallion design"),
    ("شام آخر", "The last supper"),
]

# trainee number -> list of extra (non-tableau) products:
# (category, title_fa, title_en, usd price, stock, kind, attributes, lead days)
OTHER_PRODUCTS = {
    9: [("pottery", "کاسه‌ی سفالی لعاب فیروزه‌ای", "Turquoise glazed bowl", 18, 12, "regular",
         {"glazed": True, "height_cm": 9}, None),
        ("pottery", "کوزه‌ی سفالی نقش آذربایجانی", "Clay jug, Azerbaijani pattern", 26, 6,
         "regular", {"glazed": False, "height_cm": 28}, None),
        ("pottery", "بشقاب دیواری سفالی", "Ceramic wall plate", 22, 8, "regular",
         {"glazed": True, "height_cm": 3}, None),
        ("pottery", "گلدان سرامیکی دست‌ساز", "Handmade ceramic vase", 35, 1, "one_of_a_kind",
         {"glazed": True, "height_cm": 32}, None)],
    10: [("food", "قرابیه‌ی تبریز، جعبه‌ی نیم‌کیلویی", "Tabriz qurabiya, 500 g box", 9, 30,
          "regular", {"weight_g": 500, "shelf_life_days": 20}, None),
         ("food", "نان برنجی سنتی", "Traditional rice cookies", 7, 40, "regular",
          {"weight_g": 400, "shelf_life_days": 30}, None),
         ("food", "ریس تبریز با مغز گردو", "Tabriz ris with walnuts", 11, 20, "regular",
          {"weight_g": 500, "shelf_life_days": 25}, None),
         ("food", "باسلوق گردویی", "Walnut baslogh", 10, 25, "regular",
          {"weight_g": 450, "shelf_life_days": 30}, None)],
    11: [("textiles-clothing", "شال دست‌دوز ابریشمی", "Hand-sewn silk shawl", 38, 5,
          "regular", {"size": "M", "fabric": "ابریشم"}, None),
         ("textiles-clothing", "لباس محلی آذربایجانی به سفارش", "Azerbaijani dress, to order",
          120, 3, "made_to_order", {"size": "L", "fabric": "مخمل"}, 21),
         ("textiles-clothing", "روسری نخی با چاپ قلمکار", "Cotton scarf, qalamkar print", 16,
          15, "regular", {"size": "M", "fabric": "نخ"}, None)],
    2: [("hand-knotted-rugs", "قالیچه‌ی دستباف هریس", "Heriz hand-knotted rug", 480, 1,
         "one_of_a_kind", {"length_cm": 150, "width_cm": 100, "material": "wool",
                           "knot_density": "40"}, None)],
    4: [("kilims", "گلیم دستباف سردرود", "Sardrud hand-woven kilim", 140, 2, "regular",
         {"length_cm": 200, "width_cm": 120, "material": "wool"}, None),
        ("kilims", "جاجیم رنگی", "Colourful jajim", 95, 3, "regular",
         {"length_cm": 180, "width_cm": 90, "material": "cotton"}, None)],
    12: [("woodwork", "تابلوی معرق چوب گل و بلبل", "Wood marquetry, flower and nightingale",
          75, 1, "one_of_a_kind", {"wood": "گردو و افرا"}, None)],
}
TABLEAU_MAKERS = (1, 2, 3, 4, 5, 6, 7, 8)
TABLEAUX_PER_MAKER = {1: 9, 2: 8, 3: 5, 4: 8, 5: 4, 6: 8, 7: 2, 8: 1}
RATES = {"IRR": 600_000, "IRT": 60_000, "JPY": 150, "EUR": 1, "GBP": 1, "USD": 1}


def _category(slug, parent, name_fa, name_en, position) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        category = Category(slug=slug, name_fa=name_fa, name_en=name_en, position=position,
                            parent=parent)
        db.session.add(category)
        db.session.flush()
    return category


def _definitions(category: Category, specs) -> None:
    existing = {d.key: d for d in category.attributes}
    for position, (key, fa, en, kind, unit_fa, unit_en, choices, required,
                   filterable) in enumerate(specs):
        minimum, maximum = BOUNDS.get((category.slug, key), (None, None))
        if key in existing:  # a world seeded before the bounds existed gets them
            existing[key].minimum, existing[key].maximum = minimum, maximum
            continue
        category.attributes.append(AttributeDefinition(
            key=key, name_fa=fa, name_en=en, type=kind, unit_fa=unit_fa, unit_en=unit_en,
            choices=choices, is_required=required, is_filterable=filterable,
            position=position, minimum=minimum, maximum=maximum))
    db.session.flush()


def price(usd: int, currency: str) -> int:
    """A price given in US dollars, in `currency` at the demo's rough rates."""
    return Money.from_decimal_string(str(usd * RATES.get(currency, 1)), currency).amount


def _user(n: int) -> User | None:
    return db.session.scalar(select(User).where(User.email == demo_email(f"trainee{n}")))


def _tableaux(maker: int, count: int, rng: random.Random):
    """(category, title_fa, title_en, usd, stock, kind, attributes, lead days) for a weaver."""
    for k in range(count):
        fa, en = SUBJECTS[(maker * 5 + k * 5) % len(SUBJECTS)]
        knots = rng.choice((40, 50, 60, 60, 70, 70, 80))
        material = rng.choice(("wool", "wool_silk", "silk", "wool_silk"))
        width = rng.choice((30, 40, 50, 60, 70, 80))
        height = width + rng.choice((10, 20, 30, 40))
        material_fa = {"wool": "", "silk": " ابریشمی", "wool_silk": " پشم و ابریشم"}[material]
        title = f"تابلو فرش {fa}{material_fa}"
        if k % 4 == 3:  # typed on a Persian keyboard: Persian digits
            title = f"تابلوفرش {fa} {to_persian_digits(str(knots))} رج"
        price = round(width * height * (knots / 40) * (2.2 if material == "silk" else 1.4)
                      / 10) + 40
        made_to_order = k % 6 == 5
        attributes = {"width_cm": width, "height_cm": height, "knot_density": str(knots),
                      "material": material, "colour_count": rng.randint(12, 48),
                      "design": fa, "framed": k % 3 != 0}
        yield ("carpet-tableaux", title, f"Carpet tableau: {en}", price,
               rng.choice((1, 2, 3)) if not made_to_order else 2,
               "made_to_order" if made_to_order else ("one_of_a_kind" if k % 2 == 0
                                                     else "regular"),
               attributes, 45 if made_to_order else None)


def _listing_plan():
    rng = random.Random(1404)
    for maker in TABLEAU_MAKERS:
        for item in _tableaux(maker, TABLEAUX_PER_MAKER[maker], rng):
            yield maker, item
    for maker, items in OTHER_PRODUCTS.items():
        for item in items:
            yield maker, item


def seed(echo) -> None:
    by_slug: dict[str, Category] = {}
    for position, (slug, parent, name_fa, name_en, specs) in enumerate(CATEGORIES):
        category = _category(slug, by_slug.get(parent) if parent else None, name_fa, name_en,
                             position)
        _definitions(category, specs)
        by_slug[slug] = category
    echo(f"catalogue: {len(CATEGORIES)} categories with their attributes")

    currency = current_app.config["MARKETPLACE_CURRENCY"]
    reviewers: dict[int, User | None] = {}
    created = existing = 0
    for index, (maker, (slug, title, title_en, usd, stock, kind, attributes,
                        lead)) in enumerate(_listing_plan()):
        user = _user(maker)
        if user is None or user.trainee is None:
            continue
        trainee: Trainee = user.trainee
        # A database seeded before the titles had Persian digits keeps its products.
        if db.session.scalar(select(Product.id).where(
                Product.trainee_id == trainee.id,
                Product.title_fa.in_({title, to_ascii_digits(title)}))):
            existing += 1
            continue
        product = products.create_product(user, ListingData(
            title_fa=title, title_en=title_en, category_id=by_slug[slug].id,
            description_fa=_description(slug, title, trainee),
            price_amount=price(usd, currency),
            stock=1 if kind == "one_of_a_kind" else stock, kind=ProductKind(kind),
            lead_time_days=lead, shipping_weight_g=900 if slug == "carpet-tableaux"
            else 600, attributes=attributes))
        picture = (draw_carpet(index) if slug in ("carpet-tableaux", "hand-knotted-rugs",
                                                  "kilims")
                   else draw_object(index, _kind_of(slug)))
        images.add_product_image(user, product, picture, alt_text=title)
        if slug == "carpet-tableaux" and index % 3 == 0:
            images.add_product_image(user, product, draw_carpet(index + 1000, 400, 520),
                                       alt_text=f"{title} — نمای نزدیک")
        _publish(product, user, trainee, index, reviewers)
        created += 1
    echo(f"catalogue: products — {created} created, {existing} already there")


def _kind_of(slug: str) -> str:
    return {"pottery": "pottery", "food": "food", "woodwork": "woodwork"}.get(slug, "cloth")


def _description(slug: str, title: str, trainee: Trainee) -> str:
    if slug == "carpet-tableaux":
        return (f"{title}، بافت دست در کارگاه {trainee.store_name} در {trainee.centre.city}. "
                "نقشه با دقت کدنویسی شده و پرزها با قیچی دستی پرداخت شده‌اند. "
                "مناسب هدیه و دیوار پذیرایی.")
    return f"{title}، ساخت {trainee.user.display_name} در {trainee.centre.city}."


def _publish(product: Product, user: User, trainee: Trainee, index: int, reviewers) -> None:
    """Most listings are approved by the maker's centre; a few wait in the review queue, one
    was sent back, and the unverified makers' stay drafts."""
    if not trainee.is_verified:
        return
    workflow.submit_product(user, product)
    if product.status != ProductStatus.SUBMITTED:
        return  # the centre auto-approves
    if index % 11 == 4:
        return  # waiting for review
    centre_id = trainee.centre_id
    if centre_id not in reviewers:
        reviewers[centre_id] = next((m.user for m in trainee.centre.staff), None)
    reviewer = reviewers[centre_id]
    if reviewer is None:
        return
    if index % 17 == 7:
        workflow.reject_product(reviewer, product,
                                "عکس تابلو کج و تار است؛ لطفاً در نور روز و از روبه‌رو عکس بگیرید.")
        return
    workflow.approve_product(reviewer, product)
