"""In a real browser, on the demo catalogue: the search sidebar of every category is submitted
with every one of its controls set, and answers results (issue 13, part 1: it answered the
400 page «چنین فیلتری وجود ندارد.» with the filters lost). Choosing another category from a
filled sidebar carries the previous category's fields along; the page leaves those out and
still answers."""

import pytest
from flask import current_app
from playwright.sync_api import expect
from werkzeug.datastructures import MultiDict

from marketplace.catalogue.models import AttributeType, Product, ProductStatus
from marketplace.catalogue.queries.categories import category_tree
from marketplace.catalogue.queries.search import search_products
from marketplace.catalogue.queries.search_params import parse_search
from marketplace.core.digits import to_persian_digits
from marketplace.demo import catalogue as demo_catalogue
from marketplace.demo import people as demo_people


def _target(tree, category) -> Product | None:
    """A listed product of the category's subtree (in stock if any is) that every control
    can be set to keep; None where the demo lists nothing (woodwork's one piece waits for
    review)."""
    search = parse_search(MultiDict({"category": category.slug, "per_page": "100"}), tree,
                          current_app.config["MARKETPLACE_CURRENCY"])
    found = sorted(search_products(search, tree).items,
                   key=lambda p: (not (p.status == ProductStatus.ACTIVE and p.stock > 0), p.id))
    return found[0] if found else None


def _plan(tree, category, product) -> list[tuple[str, str, str]]:
    """(kind, name, value) for every control of the category's sidebar, set so that `product`
    still matches: ranges around its value, its choice ticked, its yes/no chosen."""
    if product is None:
        values = {}
        plan = [("fill", "q", ""), ("fill", "min_price", "۰"),
                ("fill", "max_price", "۹۹۹۹۹۹۹"), ("select", "city", ""),
                ("select", "centre", ""), ("select", "sort", "price_desc")]
    else:
        values = {v.definition.key: v for v in product.attribute_values}
        plan = [("fill", "q", product.title_fa.split()[0]),
                ("fill", "min_price", "۰"), ("fill", "max_price", "۹۹۹۹۹۹۹"),
                ("select", "city", product.trainee.centre.city),
                ("select", "centre", str(product.trainee.centre_id)),
                ("select", "sort", "price_asc")]
        if product.status == ProductStatus.ACTIVE and product.stock > 0:
            plan.append(("check", "in_stock", "1"))
    for definition in tree.definitions(category):
        if not definition.is_filterable:
            continue
        name = f"attr.{definition.key}"
        value = values.get(definition.key)
        if definition.is_numeric:
            number = to_persian_digits(value.value_text) if value else ""
            plan += [("fill", f"{name}.min", number), ("fill", f"{name}.max", number)]
        elif definition.type == AttributeType.CHOICE:
            if value:
                plan.append(("check", name, value.value_text))
        elif definition.type == AttributeType.BOOLEAN:
            plan.append(("select", name, value.value_text if value else ""))
        else:
            plan.append(("fill", name, value.value_text if value else ""))
    return plan


@pytest.fixture
def demo_world(app, db):
    demo_people.seed(lambda _message: None)
    demo_catalogue.seed(lambda _message: None)
    db.session.commit()
    tree = category_tree()
    plans = []
    for _depth, category in tree.walk():
        product = _target(tree, category)
        plans.append((category.slug, product.title_fa if product else None,
                      _plan(tree, category, product)))
    db.session.rollback()  # hold no transaction while the browser reads
    return plans


def test_every_categorys_sidebar_is_submitted_with_every_control(page, demo_world, screenshot):
    page.goto("/products")
    for slug, title, plan in demo_world:
        # Choosing the category (the select submits the form, with the previous
        # category's fields still in it).
        with page.expect_navigation() as chosen:
            page.locator("select#category").select_option(slug)
        assert chosen.value.status == 200, (slug, chosen.value.url)
        expect(page.locator("select#category")).to_have_value(slug)

        form = page.locator("#cat-search-form")
        for kind, name, value in plan:
            control = form.locator(f'[name="{name}"]')
            if kind == "fill":
                control.fill(value)
            elif kind == "select":
                control.select_option(value)
            else:
                form.locator(f'[name="{name}"][value="{value}"]').check()
        with page.expect_navigation() as submitted:
            form.get_by_role("button").last.click()
        assert submitted.value.status == 200, (slug, submitted.value.url)
        expect(page.locator(".cat-dropped")).to_have_count(0)
        if title is None:
            expect(page.locator(".cat-card")).to_have_count(0)
        else:
            expect(page.locator(".cat-card").filter(has_text=title).first).to_be_visible()
        for kind, name, value in plan:  # the filters are kept
            control = form.locator(f'[name="{name}"]')
            if kind == "check":
                expect(form.locator(f'[name="{name}"][value="{value}"]')).to_be_checked()
            elif name != "q" or value:
                expect(control).to_have_value(value)
        screenshot(page, f"search-sidebar-{slug}")
