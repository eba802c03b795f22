"""In a real browser, in Persian, on a 390-px phone: a trainee signs in and lands on their home
page of things to do (issue 18), opens the grouped header menus and follows a to-do link."""

import re

from playwright.sync_api import expect

from marketplace.catalogue.models import ProductStatus
from tests.e2e.persian_pages import expect_persian_rtl, log_in, open_menu

PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_trainee_lands_on_their_home_on_a_phone(app, db, page, fa, screenshot, create_trainee,
                                                  create_product, create_centre_staff):
    weaver = create_trainee(display_name="زهرا رحیمی", store_name="تابلو فرش رحیمی")
    weaver.user.locale = "fa"
    create_centre_staff(centre=weaver.centre, user=weaver.user)  # two roles, two sections
    create_product(weaver, status=ProductStatus.REJECTED, title_fa="تابلو فرش برگشتی")
    email = weaver.user.email
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser writes

    page.set_viewport_size(PHONE)
    log_in(page, fa, email)

    expect(page).to_have_url(re.compile(r"/my$"))
    expect_persian_rtl(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("My page"))
    returned = page.locator(".todo a[href='/my/products']")
    expect(returned).to_contain_text(fa("Listings returned to you for changes"))
    expect(returned.locator(".todo-count")).to_have_text("۱")
    expect(page.get_by_role("heading", name=fa("My training centre"))).to_be_visible()
    assert fits_the_screen(page)
    # No Latin digit anywhere on the page's visible text.
    assert not any(ch in "0123456789" for ch in page.locator("main").inner_text())
    screenshot(page, "my-home-trainee-fa-390")

    # The grouped menus open without leaving the screen.
    for name in ("shop", "staff", "account"):
        open_menu(page, name)
        panel = page.locator(f"header details.nav-menu-{name} .nav-menu-panel")
        expect(panel).to_be_visible()
        box = panel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
        assert fits_the_screen(page)
    screenshot(page, "my-home-menus-fa-390")

    returned.click()
    expect(page).to_have_url(re.compile(r"/my/products$"))
    expect(page.locator("main")).to_contain_text("تابلو فرش برگشتی")

    # The same home in English, on the phone and on a desktop screen.
    page.goto("/my?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My page")
    expect(page.locator(".todo a[href='/my/products'] .todo-count")).to_have_text("1")
    assert fits_the_screen(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    open_menu(page, "staff")
    assert fits_the_screen(page)
    screenshot(page, "my-home-en-desktop")
