"""The demo world that `make run` starts, seeded and driven in a real browser: in rials with the
Zarinpal stand-in (the seeds' own deployment), and in dollars with the Stripe stand-in.

The served app is switched to each world for one test (its currency, its payment providers and
the stand-in they talk to), and the demo world is seeded into the test database as
`flask seed-demo` does."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from devtools.stripe_standin import StandIn
from devtools.zarinpal_standin import ZarinpalStandIn
from marketplace import demo
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.demo.people import DEMO_PASSWORD
from marketplace.orders.models import Order, OrderStatus, ShippingRate
from marketplace.payments import gateway
from marketplace.payments.models import LedgerEntry, LedgerKind
from tests.e2e.persian_pages import log_in

BUYER = "buyer@demo.bazaarche.ir"


@contextmanager
def served_with(live_app, settings: dict) -> Iterator[None]:
    """The served app runs with `settings` until the block ends (its Stripe gateway remade)."""
    saved = {key: live_app.config.get(key) for key in settings}
    saved_gateway = live_app.extensions.pop(gateway.EXTENSION, None)
    live_app.config.update(settings)
    gateway.init_app(live_app)
    try:
        yield
    finally:
        live_app.config.update(saved)
        live_app.extensions.pop(gateway.EXTENSION, None)
        if saved_gateway is not None:
            live_app.extensions[gateway.EXTENSION] = saved_gateway


@pytest.fixture(scope="module")
def zarinpal_server():
    server = ZarinpalStandIn(port=0).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stripe_server():
    server = StandIn(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def rial_world(live_app, live_server, zarinpal_server):
    settings = {"MARKETPLACE_CURRENCY": "IRR",
                "PAYMENT_PROVIDERS": ("zarinpal", "pay_at_pickup"),
                "ZARINPAL_API_BASE": zarinpal_server.url,
                "ZARINPAL_MERCHANT_ID": "local-standin-merchant-0000000000000",
                # Zarinpal sends the buyer back to the callback under this address.
                "MARKETPLACE_BASE_URL": live_server.url}
    with served_with(live_app, settings):
        yield


@pytest.fixture
def dollar_world(live_app, stripe_server):
    settings = {"MARKETPLACE_CURRENCY": "USD",
                "PAYMENT_PROVIDERS": ("stripe", "pay_at_pickup"),
                "STRIPE_SECRET_KEY": "sk_test_standin",
                "STRIPE_WEBHOOK_SECRET": "whsec_test_secret",
                "STRIPE_API_BASE": stripe_server.url}
    with served_with(live_app, settings):
        yield


def seed_demo_world(db) -> None:
    demo.seed(lambda _message: None)
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser writes


def a_shipped_tableau(db) -> Product:
    """A one-of-a-kind tableau on sale from a trainee who ships."""
    return db.session.scalars(
        select(Product).join(ShippingRate, ShippingRate.trainee_id == Product.trainee_id)
        .where(Product.kind == ProductKind.ONE_OF_A_KIND, Product.stock > 0,
               Product.status == ProductStatus.ACTIVE)
        .order_by(Product.id)).first()


def buy_and_ship(page, fa, product_id: int) -> None:
    """The demo buyer puts the tableau in an empty cart, asks for it by post and places the
    order; the pay page is next."""
    log_in(page, fa, BUYER, DEMO_PASSWORD)
    page.goto(f"/p/{product_id}")
    page.get_by_role("button", name=fa("Add to cart"), exact=True).click()
    expect(page.get_by_text(fa("Added to your cart."))).to_be_visible()
    page.goto("/checkout")
    parts = page.locator("fieldset.vendor-part")
    for index in range(parts.count()):  # the demo buyer's cart may hold earlier demo items
        part = parts.nth(index)
        shipping = part.locator("input[value=shipping]")
        if shipping.count():
            shipping.check()
    page.locator("#shipping_address").fill("تهران، خیابان انقلاب، پلاک ۱۲")
    page.get_by_role("button", name=fa("Place order"), exact=True).click()


def test_the_rial_world_sells_a_tableau_paid_through_zarinpal(
        app, db, page, fa, screenshot, rial_world):
    seed_demo_world(db)
    product = a_shipped_tableau(db)
    assert product is not None and product.currency == "IRR"
    product_id = product.id

    buy_and_ship(page, fa, product_id)
    page.locator("#pay-zarinpal").click()
    # The stand-in's StartPay page, then back to our callback, which verifies with Zarinpal.
    expect(page.locator("#amount")).to_be_visible()
    page.locator("#pay").click()
    expect(page.get_by_text(
        fa("Thank you! Your order is paid. Each trainee prepares their part."))).to_be_visible()
    screenshot(page, "seeds-world-rial-zarinpal-paid")

    db.session.rollback()
    order = db.session.scalars(select(Order).order_by(Order.id.desc())).first()
    # The order number is a code to quote, kept in Latin letters; every other number is Persian.
    body = page.locator("main").inner_text().replace(order.number, "")
    latin = re.findall(r".{0,20}[0-9].{0,20}", body)
    assert not latin, f"Latin digits on a Persian page: {latin}"
    assert order.status == OrderStatus.PAID
    assert order.currency == "IRR"


def test_the_dollar_world_sells_a_tableau_paid_by_card(
        app, db, page, fa, screenshot, dollar_world):
    seed_demo_world(db)
    product = a_shipped_tableau(db)
    assert product is not None and product.currency == "USD"

    buy_and_ship(page, fa, product.id)
    page.get_by_role("button", name=fa("Test card: payment succeeds"), exact=True).click()
    expect(page.get_by_text(
        fa("Thank you! Your order is paid. Each trainee prepares their part."))).to_be_visible()
    screenshot(page, "seeds-world-dollar-stripe-paid")

    db.session.rollback()
    order = db.session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert order.status == OrderStatus.PAID
    assert order.currency == "USD"


def test_issue_16_done_when_a_mixed_order_in_rials_and_each_statement_to_the_rial(
        app, db, page, new_page, fa, screenshot, rial_world):
    """The demo buyer buys a tableau shipped from one trainee and another picked up from a
    second, pays the shipped part through the Zarinpal stand-in and the other at the booth, and
    each trainee's ledger is right to the rial."""
    app.config["COMMISSION_PERCENT"] = 10
    seed_demo_world(db)
    shipped = a_shipped_tableau(db)
    picked = db.session.scalars(
        select(Product).where(Product.kind == ProductKind.ONE_OF_A_KIND, Product.stock > 0,
                              Product.status == ProductStatus.ACTIVE,
                              Product.trainee_id != shipped.trainee_id)
        .order_by(Product.id)).first()
    fee = db.session.scalar(select(ShippingRate.amount).where(
        ShippingRate.trainee_id == shipped.trainee_id))
    ids = {"shipped": shipped.id, "picked": picked.id}
    sellers = {"shipped": shipped.trainee_id, "picked": picked.trainee_id}
    prices = {"shipped": shipped.price_amount, "picked": picked.price_amount}
    picked_email = picked.trainee.user.email
    db.session.rollback()

    log_in(page, fa, BUYER, DEMO_PASSWORD)
    page.goto("/cart")
    removes = page.get_by_role("button", name=fa("Remove"), exact=True)
    while removes.count():  # start from an empty cart
        before = removes.count()
        removes.first.click()
        expect(removes).to_have_count(before - 1)
    for product_id in ids.values():
        page.goto(f"/p/{product_id}")
        page.get_by_role("button", name=fa("Add to cart"), exact=True).click()
        expect(page.get_by_text(fa("Added to your cart."))).to_be_visible()
    page.goto("/checkout")
    page.locator(f'fieldset[data-trainee="{sellers["shipped"]}"] input[value="shipping"]').check()
    page.locator("#shipping_address").fill("تهران، خیابان انقلاب، پلاک ۱۲")
    page.get_by_label(fa("Pay online for shipped parts, at the booth for pickup parts")).check()
    page.get_by_role("button", name=fa("Place order"), exact=True).click()

    page.locator("#pay-zarinpal").click()
    # Zarinpal is asked for the shipped part only, in rials.
    expect(page.locator("#amount")).to_have_text(str(prices["shipped"] + fee))
    page.locator("#pay").click()
    expect(page.locator("#order-paid")).to_be_visible()
    screenshot(page, "seeds-world-mixed-order-paid")

    db.session.rollback()
    order = db.session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert order.status == OrderStatus.PAID and order.online_amount == prices["shipped"] + fee
    at_booth = next(vo for vo in order.vendor_orders if vo.trainee_id == sellers["picked"])
    booth_part_id = at_booth.id
    db.session.rollback()

    # The second trainee takes the cash at the booth and says so on the sale's page.
    trainee_page = new_page()
    log_in(trainee_page, fa, picked_email, DEMO_PASSWORD)
    trainee_page.goto(f"/sales/{booth_part_id}")
    trainee_page.get_by_role("button", name=fa("Paid at pickup"), exact=True).click()
    expect(trainee_page.get_by_text(fa("Marked as paid at pickup."))).to_be_visible()

    db.session.rollback()
    rows = {}
    for entry in db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.vendor_order_id.in_([vo.id for vo in order.vendor_orders]))):
        rows[(entry.trainee_id, entry.kind)] = rows.get((entry.trainee_id, entry.kind), 0) + \
            entry.amount
    commission = {k: (v * 10 + 50) // 100 for k, v in prices.items()}  # 10 %, half up
    assert rows == {
        (sellers["shipped"], LedgerKind.SALE): prices["shipped"],
        (sellers["shipped"], LedgerKind.SHIPPING): fee,
        (sellers["shipped"], LedgerKind.COMMISSION): -commission["shipped"],
        (sellers["picked"], LedgerKind.SALE): prices["picked"],
        (sellers["picked"], LedgerKind.COMMISSION): -commission["picked"],
        # The cash is already in the trainee's hand: what they owe is the commission.
        (sellers["picked"], LedgerKind.PAYOUT): -prices["picked"],
    }
