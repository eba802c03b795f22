"""Attribute filters are read against the chosen category's own attributes (issue 13, part 1).

Two categories may define one key with different rules: the demo gives `height_cm` to carpet
tableaux (filterable) and to pottery (not filterable); `width_cm` to tableaux and to rugs. The
sidebar submits every field of its category, empty ones included; choosing another category
submits the previous category's fields too. The search page leaves out what does not apply
(with a notice) and still searches; the API answers 400 with its error code.
"""

import pytest
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from marketplace.catalogue.models import AttributeType
from marketplace.catalogue.queries.categories import category_tree
from marketplace.catalogue.queries.search import search_products
from marketplace.catalogue.queries.search_params import DroppedFilter, parse_search
from marketplace.core.errors import BadRequest


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_SECONDS": 0}


@pytest.fixture
def shop(create_product, create_category, create_attribute, create_trainee, create_centre,
         carpet_category):
    osku = create_centre(name_fa="مرکز اسکو", city="اسکو")
    maker = create_trainee(centre=osku)
    crafts = create_category(slug="handicrafts", name_fa="صنایع دستی", name_en="Handicrafts")
    pottery = create_category(parent=crafts, slug="pottery", name_fa="سفال", name_en="Pottery")
    create_attribute(pottery, "glazed", AttributeType.BOOLEAN, name_fa="لعاب‌دار",
                     name_en="Glazed")
    create_attribute(pottery, "height_cm", AttributeType.INTEGER, name_fa="ارتفاع",
                     name_en="Height", is_filterable=False)
    rugs = create_category(slug="rugs", name_fa="فرش", name_en="Rugs")
    create_attribute(rugs, "width_cm", AttributeType.INTEGER, name_fa="عرض", name_en="Width")
    made = {}
    for title, category, attributes in [
        ("تابلو بلند", carpet_category, {"width_cm": 50, "height_cm": 90, "framed": True,
                                         "material": "silk", "knot_density": "60"}),
        ("تابلو کوتاه", carpet_category, {"width_cm": 50, "height_cm": 40,
                                          "material": "wool", "knot_density": "40"}),
        ("کوزه", pottery, {"glazed": True, "height_cm": 30}),
        ("فرش پهن", rugs, {"width_cm": 200}),
    ]:
        made[title] = create_product(trainee=maker, category=category, title_fa=title,
                                     title_en=None, attributes=attributes)
    return made


def run(args, dropped=None) -> list[str]:
    tree = category_tree()
    search = parse_search(MultiDict(args), tree, "USD", dropped)
    return sorted(p.title_fa for p in search_products(search, tree).items)


SIDEBAR_OF_TABLEAUX = [  # what the sidebar of carpet tableaux submits untouched
    ("q", ""), ("category", "carpet-tableaux"), ("min_price", ""), ("max_price", ""),
    ("city", ""), ("centre", ""), ("attr.width_cm.min", ""), ("attr.width_cm.max", ""),
    ("attr.height_cm.min", ""), ("attr.height_cm.max", ""), ("attr.knot_density.min", ""),
    ("attr.knot_density.max", ""), ("attr.colour_count.min", ""),
    ("attr.colour_count.max", ""), ("attr.framed", ""), ("sort", "newest"),
]


def test_empty_fields_of_the_sidebar_are_ignored(shop):
    assert run(SIDEBAR_OF_TABLEAUX) == ["تابلو بلند", "تابلو کوتاه"]
    assert run([("category", "carpet-tableaux"), ("attr.height_cm.min", "")]) == [
        "تابلو بلند", "تابلو کوتاه"]


def test_a_key_is_read_with_the_chosen_categorys_rules(shop):
    """height_cm is filterable on tableaux, whatever pottery says about its own height_cm."""
    assert run({"category": "carpet-tableaux", "attr.height_cm.min": "۵۰"}) == ["تابلو بلند"]
    with pytest.raises(BadRequest) as caught:
        run({"category": "pottery", "attr.height_cm.min": "10"})
    assert caught.value.code == "bad_filter"


def test_a_shared_key_filters_only_the_chosen_categorys_attribute(shop):
    assert run({"category": "rugs", "attr.width_cm.min": "100"}) == ["فرش پهن"]
    assert run({"category": "carpet-tableaux", "attr.width_cm.min": "40"}) == [
        "تابلو بلند", "تابلو کوتاه"]
    # Without a category, every category's filterable width counts.
    assert run({"attr.width_cm.min": "40"}) == ["تابلو بلند", "تابلو کوتاه", "فرش پهن"]


def test_the_page_leaves_out_a_filter_that_does_not_apply(shop):
    dropped: list[DroppedFilter] = []
    # Chosen pottery after ticking silk on tableaux: the tableau fields come along.
    args = [("category", "pottery"), ("attr.material", "silk"), ("attr.height_cm.min", "10"),
            ("attr.glazed", "true"), ("attr.width_cm.max", "")]
    assert run(args, dropped) == ["کوزه"]
    assert [d.name for d in dropped] == ["attr.material", "attr.height_cm.min"]


def test_search_page_shows_a_notice_and_results(client, shop):
    page = client.get("/products", query_string={
        "category": "pottery", "attr.knot_density.min": "60", "attr.glazed": "بله",
        "lang": "en"})
    assert page.status_code == 200
    assert "کوزه" in page.text
    with client.application.test_request_context("/?lang=en"):
        notice = gettext("These filters do not apply here and were left out:")
    assert notice in page.text and "Knot density (from)" in page.text


def test_search_page_notice_is_persian_in_persian(client, shop):
    page = client.get("/products", query_string={"category": "pottery",
                                                 "attr.material": "silk", "lang": "fa"})
    assert page.status_code == 200
    with client.application.test_request_context("/?lang=fa"):
        notice = gettext("These filters do not apply here and were left out:")
    assert notice != "These filters do not apply here and were left out:"
    assert notice in page.text and "جنس" in page.text


def test_the_api_keeps_its_400(client, shop):
    response = client.get("/api/v1/products", query_string={
        "category": "pottery", "attr.material": "silk"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_filter"
    ok = client.get("/api/v1/products", query_string={
        "category": "carpet-tableaux", "attr.height_cm.min": "", "attr.width_cm.min": ""})
    assert ok.status_code == 200 and ok.json["total"] == 2


def test_the_minimal_case_of_the_issue(client, shop):
    for field in ("height_cm", "width_cm"):
        page = client.get(f"/products?category=carpet-tableaux&attr.{field}.min=")
        assert page.status_code == 200, field
        assert "تابلو بلند" in page.text


@pytest.mark.parametrize(("word", "expected"), [
    ("بله", ["تابلو بلند"]), ("true", ["تابلو بلند"]), ("۱", ["تابلو بلند"]),
    ("TRUE", ["تابلو بلند"]), ("خیر", []), ("false", []), ("0", []),
])
def test_a_yes_no_filter_reads_persian_and_english(shop, word, expected):
    assert run({"category": "carpet-tableaux", "attr.framed": word}) == expected


@pytest.mark.parametrize("word", ["maybe", "بلی؟", "2", "نه که"])
def test_a_yes_no_filter_refuses_anything_else(shop, word):
    with pytest.raises(BadRequest) as caught:
        run({"category": "carpet-tableaux", "attr.framed": word})
    assert caught.value.code == "bad_filter"


def test_choices_are_read_by_value_or_label(shop):
    assert run({"attr.material": "ابريشم"}) == ["تابلو بلند"]  # the label, Arabic yeh
    assert run({"attr.material": "Silk"}) == ["تابلو بلند"]
    with pytest.raises(BadRequest):
        run({"attr.material": "gold"})


def test_city_is_compared_normalised(shop):
    assert run({"city": "اسكو"}) == run({"city": "اسکو"}) == [
        "تابلو بلند", "تابلو کوتاه", "فرش پهن", "کوزه"]
    assert run({"city": "تبریز"}) == []
