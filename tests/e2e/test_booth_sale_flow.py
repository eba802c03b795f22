"""In a real browser, in Persian, on a 390 px phone: a trainee at her booth opens a tableau from
its QR tag's page, records the sale with Persian digits, sees it among today's sales, and the
tableau is sold out in the online store at once; a second sale of it is refused. With no signal
the page opens from its service worker, and what is typed then is sent back online."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.booths.models import BoothSale, BoothSalePayment
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.catalogue.services.stock import take_stock
from marketplace.payments.services.booth_sales import BoothSaleData, record_booth_sale
from tests.e2e.persian_pages import expect_persian_rtl, log_in

PHONE = {"width": 390, "height": 844}
LATIN_DIGIT = re.compile(r"[0-9]")


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_trainee_records_a_booth_sale_on_a_phone_in_persian(
        app, db, page, new_page, fa, screenshot, create_trainee, create_product):
    trainee = create_trainee(store_name="تابلو فرش رحیمی", store_slug="rahimi")
    trainee.user.locale = "fa"
    tableau = create_product(trainee=trainee, kind=ProductKind.ONE_OF_A_KIND,
                             title_fa="تابلو فرش لچک ترنج", price_amount=1_200_000)
    create_product(trainee=trainee, title_fa="کوسن گلیمی", price_amount=250_000, stock=4)
    email, tableau_id = trainee.user.email, tableau.id
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser writes

    page.set_viewport_size(PHONE)
    log_in(page, fa, email)
    # The QR tag on the piece opens its page; its trainee goes on from there.
    page.goto(f"/p/{tableau_id}")
    page.get_by_role("link", name=fa("Sell this at the booth"), exact=True).click()
    expect_persian_rtl(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("Sell at the booth"))
    product = page.get_by_label(fa("Product"), exact=True)
    expect(product).to_have_value(str(tableau_id))
    page.get_by_label(fa("Quantity"), exact=True).fill("۱")
    page.get_by_label(fa("Card reader"), exact=True).check()
    page.get_by_label(fa("Card reader receipt number (optional)"), exact=True).fill("۸۸۱۲۰۳")
    fits_the_phone(page)
    screenshot(page, "booth-sale-form-phone")
    page.get_by_role("button", name=fa("Record the sale"), exact=True).click()

    expect(page.get_by_role("status").filter(has_text=fa(
        "Sale recorded: %(n)s × %(title)s.", n="۱", title="تابلو فرش لچک ترنج"))).to_be_visible()
    today = page.locator("#booth-sales-today")
    expect(today).to_contain_text("تابلو فرش لچک ترنج")
    expect(today).to_contain_text("۸۸۱۲۰۳")
    # The sold tableau is no longer offered; the cushions still are.
    expect(product.locator("option")).to_have_count(1)
    main_text = page.locator("main").inner_text()
    assert not LATIN_DIGIT.search(main_text), LATIN_DIGIT.findall(main_text)
    fits_the_phone(page)
    screenshot(page, "booth-sale-recorded-phone")

    db.session.rollback()
    sale = db.session.scalar(select(BoothSale))
    assert (sale.product_id, sale.quantity, sale.payment_kind, sale.card_reference) == (
        tableau_id, 1, BoothSalePayment.CARD, "881203")
    gone = db.session.get(Product, tableau_id, populate_existing=True)
    assert (gone.stock, gone.status) == (0, ProductStatus.SOLD_OUT)
    db.session.rollback()

    # Online, at once: a visitor sees it sold out, with nothing to add to a cart.
    visitor = new_page()
    visitor.goto(f"/p/{tableau_id}")
    expect(visitor.get_by_text(fa("Sold out"), exact=True).first).to_be_visible()
    expect(visitor.get_by_role("button", name=fa("Add to cart"), exact=True)).to_have_count(0)


def test_sales_typed_without_signal_are_sent_back_online_and_a_piece_sold_meanwhile_refused(
        app, db, page, fa, screenshot, create_trainee, create_product):
    trainee = create_trainee(store_name="گالری اسکو", store_slug="osku")
    trainee.user.locale = "fa"
    tableau = create_product(trainee=trainee, kind=ProductKind.ONE_OF_A_KIND,
                             title_fa="تابلو فرش گلدانی", price_amount=950_000)
    cushions = create_product(trainee=trainee, title_fa="کوسن گلیمی", price_amount=250_000,
                              stock=4)
    email, tableau_id, cushions_id = trainee.user.email, tableau.id, cushions.id
    db.session.commit()
    db.session.rollback()

    page.set_viewport_size(PHONE)
    log_in(page, fa, email)
    page.goto("/booths/sell")
    page.context.set_offline(True)
    for product_id, quantity in ((tableau_id, "۱"), (cushions_id, "۲")):
        page.get_by_label(fa("Product"), exact=True).select_option(str(product_id))
        page.get_by_label(fa("Quantity"), exact=True).fill(quantity)
        page.get_by_role("button", name=fa("Record the sale"), exact=True).click()
    expect(page.locator("#booth-sale-queued")).to_have_text(fa(
        "No signal: this sale is kept on this phone and sent when you are back online."))
    waiting = page.locator("#booth-sale-queue-list li")
    expect(waiting).to_have_count(2)
    expect(waiting.nth(0)).to_contain_text("تابلو فرش گلدانی × ۱")
    expect(waiting.nth(1)).to_contain_text("کوسن گلیمی × ۲")
    expect(waiting.nth(1)).to_contain_text(fa("Waiting for a signal"))
    fits_the_phone(page)
    screenshot(page, "booth-sale-queued-offline-phone")

    # Meanwhile an online buyer takes the tableau.
    assert take_stock(tableau_id, 1)
    db.session.commit()
    db.session.rollback()

    page.context.set_offline(False)
    expect(page.locator("#booth-sales-today")).to_contain_text("کوسن گلیمی")
    refused = page.locator("#booth-sale-queue-list li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(fa(
        "Sorry, “%(title)s” is sold out or has fewer left than that. Nothing was recorded.",
        title="تابلو فرش گلدانی"))
    fits_the_phone(page)
    screenshot(page, "booth-sale-queue-sent-phone")
    refused.get_by_role("button", name=fa("Dismiss"), exact=True).click()
    expect(page.locator("#booth-sale-queue")).to_be_hidden()

    db.session.rollback()
    sales = list(db.session.scalars(select(BoothSale)))
    assert [(s.product_id, s.quantity) for s in sales] == [(cushions_id, 2)]
    assert db.session.get(Product, cushions_id, populate_existing=True).stock == 2


def test_with_no_signal_the_page_opens_from_its_service_worker_and_the_sale_goes_back_online(
        app, db, page, fa, screenshot, create_trainee, create_product):
    trainee = create_trainee(store_name="گلیم سهند", store_slug="sahand")
    trainee.user.locale = "fa"
    cushions = create_product(trainee=trainee, title_fa="کوسن گلیمی", price_amount=250_000,
                              stock=4)
    rug = create_product(trainee=trainee, title_fa="گلیم دستباف", price_amount=900_000, stock=2)
    email, cushions_id = trainee.user.email, cushions.id
    db.session.commit()
    db.session.rollback()

    page.set_viewport_size(PHONE)
    log_in(page, fa, email)
    page.goto("/booths/sell")
    # The worker has kept the page and its files.
    expect(page.locator("html[data-offline-ready]")).to_have_count(1)
    # A sale online: the page it comes back to (and the worker keeps) says it was recorded.
    page.get_by_label(fa("Product"), exact=True).select_option(str(cushions_id))
    page.get_by_label(fa("Quantity"), exact=True).fill("۱")
    page.get_by_role("button", name=fa("Record the sale"), exact=True).click()
    recorded = page.get_by_role("status").filter(has_text=fa(
        "Sale recorded: %(n)s × %(title)s.", n="۱", title="کوسن گلیمی"))
    expect(recorded).to_be_visible()
    # Sold meanwhile from another phone: a page fetched now would list it, the kept copy not.
    record_booth_sale(trainee.user, BoothSaleData(product_id=rug.id, quantity=1,
                                                  payment_kind=BoothSalePayment.CASH))
    db.session.commit()
    db.session.rollback()

    page.context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("Sell at the booth"))
    expect(page.locator("#booth-sales-today")).not_to_contain_text("گلیم دستباف")
    expect(page.locator("#booth-sales-today")).to_contain_text("کوسن گلیمی")
    expect(recorded).to_have_count(0)  # that message was for the visit that kept the page
    expect_persian_rtl(page)  # the kept stylesheet and scripts are there too
    page.get_by_label(fa("Product"), exact=True).select_option(str(cushions_id))
    page.get_by_label(fa("Quantity"), exact=True).fill("۲")
    page.get_by_role("button", name=fa("Record the sale"), exact=True).click()
    waiting = page.locator("#booth-sale-queue-list li")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("کوسن گلیمی × ۲")
    fits_the_phone(page)
    screenshot(page, "booth-sale-offline-from-worker-phone")

    page.context.set_offline(False)
    today = page.locator("#booth-sales-today")
    expect(today).to_contain_text("کوسن گلیمی")
    expect(today).to_contain_text("گلیم دستباف")  # the page is fresh again
    expect(page.locator("#booth-sale-queue")).to_be_hidden()

    db.session.rollback()
    sales = db.session.scalars(select(BoothSale).order_by(BoothSale.id))
    assert [(s.product_id, s.quantity) for s in sales] == [
        (cushions_id, 1), (rug.id, 1), (cushions_id, 2)]
