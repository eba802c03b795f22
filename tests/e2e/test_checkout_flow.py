"""In a real browser, in Persian: a buyer buys two carpet tableaux from two trainees with the
Stripe stand-in's test card and sees two vendor orders; a declined card says so clearly."""


import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from devtools.stripe_standin import StandIn
from marketplace.catalogue.models import ProductKind
from marketplace.orders.models import Order, OrderStatus, VendorOrderStatus
from marketplace.payments import gateway
from tests.e2e.persian_pages import log_in


@pytest.fixture(scope="module")
def stripe_standin():
    server = StandIn(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def card_payments(live_app, stripe_standin):
    """The served app takes cards through the stand-in for this test only."""
    settings = {"PAYMENT_PROVIDERS": ("stripe", "pay_at_pickup"),
                "STRIPE_SECRET_KEY": "sk_test_standin",
                "STRIPE_WEBHOOK_SECRET": "whsec_test_secret",
                "STRIPE_API_BASE": stripe_standin.url}
    saved = {key: live_app.config.get(key) for key in settings}
    saved_gateway = live_app.extensions.pop(gateway.EXTENSION, None)
    live_app.config.update(settings)
    # The app makes its one Stripe gateway from its settings when it starts: make it again.
    gateway.init_app(live_app)
    yield
    live_app.config.update(saved)
    live_app.extensions.pop(gateway.EXTENSION, None)
    if saved_gateway is not None:
        live_app.extensions[gateway.EXTENSION] = saved_gateway


def test_buyer_buys_two_tableaux_from_two_trainees_with_the_test_card(
        app, db, page, fa, screenshot, card_payments, create_trainee, create_product,
        create_category, create_user):
    carpets = create_category(slug="carpet-tableaux", name_fa="تابلو فرش",
                              name_en="Carpet tableaux")
    rahimi = create_trainee(store_name="تابلو فرش رحیمی", store_slug="rahimi")
    ahmadi = create_trainee(store_name="گالری فرش احمدی", store_slug="ahmadi")
    first = create_product(trainee=rahimi, category=carpets, kind=ProductKind.ONE_OF_A_KIND,
                           title_fa="تابلو فرش گل و مرغ", price_amount=120_000)
    second = create_product(trainee=ahmadi, category=carpets, kind=ProductKind.ONE_OF_A_KIND,
                            title_fa="تابلو فرش منظرهٔ سهند", price_amount=95_000)
    buyer = create_user(locale="fa", display_name="سارا محمدی")
    ids = (first.id, second.id)
    email = buyer.email
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser writes

    log_in(page, fa, email)
    for product_id in ids:
        page.goto(f"/p/{product_id}")
        page.get_by_role("button", name=fa("Add to cart"), exact=True).click()
        expect(page.get_by_text(fa("Added to your cart."))).to_be_visible()

    page.goto("/cart")
    expect(page.locator("tr.cart-line")).to_have_count(2)
    page.get_by_role("link", name=fa("Check out"), exact=True).click()
    expect(page.get_by_role("heading", name=fa("Checkout"), exact=True)).to_be_visible()
    expect(page.locator("fieldset.vendor-part")).to_have_count(2)
    page.get_by_role("button", name=fa("Place order"), exact=True).click()

    page.get_by_role("button", name=fa("Test card: payment succeeds"), exact=True).click()
    expect(page.get_by_text(
        fa("Thank you! Your order is paid. Each trainee prepares their part."))).to_be_visible()
    parts = page.locator("section.vendor-order")
    expect(parts).to_have_count(2)
    expect(parts.filter(has_text="تابلو فرش رحیمی")).to_contain_text("تابلو فرش گل و مرغ")
    expect(parts.filter(has_text="گالری فرش احمدی")).to_contain_text("تابلو فرش منظرهٔ سهند")
    expect(page.locator("section.vendor-order .status-paid")).to_have_count(2)
    screenshot(page, "checkout-paid-two-vendor-orders")

    db.session.rollback()
    order = db.session.scalar(select(Order))
    assert order.status == OrderStatus.PAID and order.total_amount == 215_000
    assert {vo.status for vo in order.vendor_orders} == {VendorOrderStatus.PAID}
    assert {vo.trainee_id for vo in order.vendor_orders} == {rahimi.id, ahmadi.id}


def test_a_declined_card_shows_a_clear_message_and_a_retry_pays(
        app, db, page, fa, card_payments, create_product, create_user, place_test_order):
    product = create_product(kind=ProductKind.ONE_OF_A_KIND, title_fa="تابلو فرش ترنج",
                             price_amount=80_000)
    buyer = create_user(locale="fa")
    order = place_test_order(buyer, product)
    number, email = order.number, buyer.email
    db.session.commit()
    db.session.rollback()

    log_in(page, fa, email)
    page.goto(f"/checkout/{number}/pay")
    page.get_by_role("button", name=fa("Test card: declined"), exact=True).click()
    alert = page.locator(".flash-error")
    expect(alert).to_have_text(
        fa("Your card was declined. Nothing was charged; please try another card."))
    expect(page.get_by_role("heading", name=fa("Pay for order %(number)s", number=number),
                            exact=True)).to_be_visible()
    db.session.rollback()
    assert db.session.scalar(select(Order.status)) == OrderStatus.PENDING_PAYMENT

    page.get_by_role("button", name=fa("Test card: payment succeeds"), exact=True).click()
    expect(page.locator("#order-paid")).to_be_visible()
    db.session.rollback()
    assert db.session.scalar(select(Order.status)) == OrderStatus.PAID


def test_on_a_phone_a_shipped_part_is_paid_by_card_and_a_pickup_part_at_the_booth(
        app, db, page, fa, screenshot, card_payments, create_trainee, create_product,
        create_user, set_shipping_fee):
    """A mixed order at 390 px: the tableau from Sardrud shipped and paid by card, the one from
    Osku picked up and paid at the booth."""
    sardrud = create_trainee(store_name="تابلو فرش سردرود", store_slug="sardrud")
    osku = create_trainee(store_name="گالری اسکو", store_slug="osku")
    set_shipping_fee(sardrud, 30_000)
    shipped = create_product(trainee=sardrud, kind=ProductKind.ONE_OF_A_KIND,
                             title_fa="تابلو فرش لچک ترنج", price_amount=120_000)
    picked = create_product(trainee=osku, kind=ProductKind.ONE_OF_A_KIND,
                            title_fa="تابلو فرش گلدانی", price_amount=95_000)
    buyer = create_user(locale="fa", display_name="مریم تهرانی")
    ids, sardrud_id, email = (shipped.id, picked.id), sardrud.id, buyer.email
    db.session.commit()
    db.session.rollback()

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, fa, email)
    for product_id in ids:
        page.goto(f"/p/{product_id}")
        page.get_by_role("button", name=fa("Add to cart"), exact=True).click()
        expect(page.get_by_text(fa("Added to your cart."))).to_be_visible()
    page.goto("/checkout")
    page.locator(f'fieldset[data-trainee="{sardrud_id}"] input[value="shipping"]').check()
    page.locator("#shipping_address").fill("تهران، خیابان انقلاب، پلاک ۷")
    choice = page.get_by_label(fa("Pay online for shipped parts, at the booth for pickup parts"))
    expect(choice).to_be_visible()
    choice.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "checkout-mixed-payment-choice-phone")
    page.get_by_role("button", name=fa("Place order"), exact=True).click()

    expect(page.get_by_text(fa("paid at the booth"))).to_be_visible()
    page.get_by_role("button", name=fa("Test card: payment succeeds"), exact=True).click()
    expect(page.locator("#order-paid")).to_contain_text(fa(
        "Thank you! Your online payment went through. Pay the parts marked “at the booth” to "
        "their trainees when you pick them up."))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "checkout-mixed-paid-phone")

    db.session.rollback()
    order = db.session.scalar(select(Order))
    assert order.status == OrderStatus.PAID and order.online_amount == 150_000
    assert {(vo.fulfilment.value, vo.payment_method.value, vo.status) for vo in
            order.vendor_orders} == {("shipping", "online", VendorOrderStatus.PAID),
                                     ("pickup", "at_pickup", VendorOrderStatus.PENDING_PAYMENT)}
