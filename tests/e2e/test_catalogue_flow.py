"""In a real browser, in Persian: a trainee lists a carpet tableau with a photo, their centre
approves it, and a buyer finds it by typing «تابلو فرش ابريشم» (with an Arabic ي) and opens it."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.catalogue.models import Product, ProductImage, ProductStatus
from tests.e2e.images import natural_width_once_loaded
from tests.e2e.persian_pages import log_in, open_menu
from tests.factories.catalogue import png_bytes


def test_a_tableau_is_listed_approved_found_and_opened(app, db, page, new_page, fa, screenshot,
                                                       create_centre, create_trainee,
                                                       create_centre_staff, create_user,
                                                       carpet_category):
    sardrud = create_centre(name_fa="آموزشگاه آزاد تابلو فرش سردرود", city="سردرود")
    weaver = create_trainee(centre=sardrud, display_name="زهرا رحیمی",
                            store_name="تابلو فرش رحیمی", store_slug="rahimi-tableau")
    weaver.user.locale = "fa"
    staff = create_centre_staff(centre=sardrud, locale="fa")
    create_trainee(display_name="بافنده‌ی دیگر")  # another trainee's listing must not show up
    weaver_email, staff_email, category_id = weaver.user.email, staff.email, carpet_category.id
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser writes

    # --- the trainee lists a tableau ------------------------------------------------------
    log_in(page, fa, weaver_email)
    open_menu(page, "shop")
    page.get_by_role("link", name=fa("My products"), exact=True).click()
    page.get_by_role("link", name=fa("List a new product"), exact=True).click()
    page.wait_for_load_state()  # the deferred script that reloads the form is listening
    page.get_by_label(fa("Category"), exact=True).select_option(str(category_id))
    # The script reloads the form with the category's own fields.
    expect(page.locator('[name="attr.knot_density"]')).to_be_visible()
    page.get_by_label(fa("Title (Persian)"), exact=True).fill("تابلو فرش ابریشم گل و مرغ")
    page.get_by_label(fa("Description (Persian)"), exact=True).fill(
        "بافت دست در سردرود، ۷۰ رج، با قاب چوب گردو.")
    page.get_by_label(fa("Price (%(currency)s)", currency="USD"), exact=True).fill("۳۲۰")
    page.get_by_label(fa("Kind"), exact=True).select_option("one_of_a_kind")
    page.locator('[name="attr.width_cm"]').fill("۴۰")
    page.locator('[name="attr.height_cm"]').fill("60")
    page.locator('[name="attr.knot_density"]').select_option("70")
    page.locator('[name="attr.material"]').select_option("silk")
    page.locator('[name="attr.framed"]').check()
    page.get_by_role("button", name=fa("Save"), exact=True).click()
    expect(page.get_by_text(fa("Saved as a draft. Add photos, then send it for review."))
           ).to_be_visible()

    page.get_by_label(fa("Add a photo"), exact=True).set_input_files(files=[{
        "name": "tableau.png", "mimeType": "image/png",
        "buffer": png_bytes(320, 420, colour=(128, 24, 32))}])
    page.locator("#alt_text").fill("تابلو فرش گل و مرغ در قاب")
    page.get_by_role("button", name=fa("Upload"), exact=True).click()
    expect(page.get_by_text(fa("The photo is added."))).to_be_visible()
    expect(page.locator(".cat-photo img")).to_have_count(1)
    page.get_by_role("button", name=fa("Send for review"), exact=True).click()
    expect(page.get_by_text(fa("Sent to your training centre for review."))).to_be_visible()
    screenshot(page, "catalogue-editor-submitted")

    db.session.rollback()
    product = db.session.scalar(select(Product))
    assert product.status == ProductStatus.SUBMITTED
    assert product.price_amount == 32000 and product.stock == 1
    assert db.session.scalar(select(ProductImage)).product_id == product.id
    product_id = product.id
    db.session.rollback()

    # --- the centre approves it -----------------------------------------------------------
    reviewer = new_page()
    log_in(reviewer, fa, staff_email)
    open_menu(reviewer, "staff")
    reviewer.get_by_role("link", name=fa("Listings to review"), exact=True).click()
    card = reviewer.locator(".cat-review").filter(has_text="تابلو فرش ابریشم گل و مرغ")
    expect(card).to_be_visible()
    card.get_by_role("button", name=fa("Approve"), exact=True).click()
    expect(reviewer.get_by_text(fa("Nothing is waiting for review."))).to_be_visible()

    # --- a buyer finds it, typing with an Arabic ي, and opens it ---------------------------
    buyer = new_page()
    buyer.goto("/")
    buyer.get_by_role("link", name=fa("Products"), exact=True).first.click()
    buyer.get_by_label(fa("Search"), exact=True).fill("تابلو فرش ابريشم")
    buyer.get_by_label(fa("Search"), exact=True).press("Enter")
    result = buyer.locator(".cat-card").filter(has_text="تابلو فرش ابریشم گل و مرغ")
    expect(result).to_have_count(1)
    expect(result.locator("img")).to_have_attribute("alt", "تابلو فرش گل و مرغ در قاب")
    screenshot(buyer, "catalogue-search-arabic-yeh")
    result.get_by_role("link").click()
    expect(buyer).to_have_url(re.compile(rf"/p/{product_id}$"))
    expect(buyer.get_by_role("heading", level=1)).to_have_text("تابلو فرش ابریشم گل و مرغ")
    provenance = buyer.locator(".cat-provenance")
    expect(provenance).to_contain_text("زهرا رحیمی")
    expect(provenance).to_contain_text("آموزشگاه آزاد تابلو فرش سردرود")
    expect(provenance).to_contain_text(fa("Verified by the training centre"))
    expect(buyer.locator(".cat-attributes")).to_contain_text("۷۰")
    photo = buyer.locator(".cat-main-photo img")
    expect(photo).to_be_visible()
    assert natural_width_once_loaded(photo) > 0  # the media route served it
    screenshot(buyer, "catalogue-product-page")
