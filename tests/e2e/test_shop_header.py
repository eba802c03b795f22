"""In a real browser, in Persian, on a 390 px phone: a buyer finds goods from the header of any
page — the category tree (a disclosure menu, no script needed) and the search box — and the
results come two to a row."""

import re

from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def _columns(page, selector: str) -> int:
    return page.evaluate(
        "s => getComputedStyle(document.querySelector(s)).gridTemplateColumns.split(' ').length",
        selector)


def test_a_buyer_on_a_phone_browses_and_searches_from_the_header(
        app, db, page, fa, screenshot, create_trainee, create_product, create_category):
    carpets = create_category(slug="carpets", name_fa="فرش", name_en="Carpets")
    tableaux = create_category(carpets, slug="tableaux", name_fa="تابلو فرش",
                               name_en="Tableaux")
    weaver = create_trainee(store_slug="rahimi")
    for n in range(3):
        create_product(weaver, category=tableaux, title_fa=f"تابلو فرش گل و مرغ {n}")
    create_product(weaver, category=carpets, title_fa="گلیم ساده")
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser reads
    page.set_viewport_size(PHONE)

    page.goto("/centres")
    menu = page.locator(".shop-menu")
    menu.get_by_text(fa("Categories"), exact=True).click()
    screenshot(page, "shop-header-categories-phone")
    menu.get_by_role("link", name="تابلو فرش", exact=True).click()
    expect(page).to_have_url(re.compile(r"/products\?category=tableaux$"))
    expect(page.locator(".cat-card")).to_have_count(3)
    assert _columns(page, ".cat-grid") == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(f"/s/{weaver.store_slug}")
    assert _columns(page, ".sf-grid") == 2
    search = page.get_by_role("searchbox", name=fa("Search products"))
    search.fill("گلیم")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/products\?q="))
    expect(page.locator(".cat-card")).to_have_count(1)
    expect(page.locator(".cat-card")).to_contain_text("گلیم ساده")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
