"""In a real browser, in Persian, on a 390 px phone: a market day is closed under a buyer's
pickup; the buyer's order page says so, and on the one page of choices she moves the pickup
to the trainee's next booth day; the order page then shows the new booth and her unchanged
handover code."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.booths.services import markets
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.orders.models import Fulfilment, VendorOrder
from marketplace.orders.services import cart as carts
from marketplace.payments.services import payments
from tests.e2e.persian_pages import expect_persian_rtl, log_in

PHONE = {"width": 390, "height": 844}
LATIN_DIGIT = re.compile(r"[0-9]")


def test_a_buyer_rebooks_her_pickup_after_a_closed_day(
        app, db, page, fa, screenshot, create_user, create_trainee, create_product,
        create_municipality, create_municipal_staff, create_venue, create_booth,
        create_market, create_assignment):
    municipality = create_municipality()
    staff = create_municipal_staff(municipality=municipality)
    venue = create_venue(municipality=municipality)
    booths = [create_booth(venue=venue, code="12"), create_booth(venue=venue, code="34")]
    market = create_market(venue=venue, days=2, name_fa="جشنواره تابلو فرش")
    trainee = create_trainee(store_name="تابلو فرش رحیمی")
    product = create_product(trainee=trainee, title_fa="تابلو فرش لچک ترنج", stock=3)
    for booth, day in zip(booths, market.days, strict=True):
        create_assignment(booth, day, trainee)
    buyer = create_user(locale="fa")
    cart = carts.get_or_create_cart(buyer, None)
    carts.add_to_cart(buyer, cart, product.id, 1)
    order = place_order(buyer, cart, CheckoutChoices(
        contact_name=buyer.display_name, fulfilment={trainee.id: Fulfilment.PICKUP}))
    payments.start_payment(buyer, order, "pay_at_pickup")
    db.session.commit()
    markets.close_market_day(staff, market.days[0], "باران شدید")
    db.session.commit()
    number, email, code = order.number, buyer.email, order.vendor_orders[0].handover_code
    second_day = market.days[1].id
    db.session.rollback()  # hold no transaction while the browser writes

    page.set_viewport_size(PHONE)
    log_in(page, fa, email)
    page.goto(f"/orders/{number}")
    expect_persian_rtl(page)
    page.get_by_role("link", name=fa("Choose another day, shipping or a refund"),
                     exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("Your pickup needs a new choice"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    main_text = page.locator("main").inner_text().replace(number, "")  # a code, not a number
    assert not LATIN_DIGIT.search(main_text), LATIN_DIGIT.findall(main_text)
    screenshot(page, "pickup-choice-phone")
    page.get_by_role("button", name=fa("Collect on that day"), exact=True).click()

    expect(page.get_by_role("status").filter(has_text=fa(
        "Your pickup is moved. Your handover code stays the same."))).to_be_visible()
    part = page.locator("section.vendor-order")
    expect(part).to_contain_text("۳۴")
    expect(part.locator(".handover-digits")).to_have_text(
        "".join("۰۱۲۳۴۵۶۷۸۹"[int(c)] for c in code))
    screenshot(page, "pickup-rebooked-phone")
    db.session.rollback()
    moved = db.session.scalar(select(VendorOrder).execution_options(populate_existing=True))
    assert moved.pickup_market_day_id == second_day and not moved.pickup_needs_choice
