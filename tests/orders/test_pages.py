"""Cart, order, sales and shipping-fee pages (orders.views) through the test client."""

import re

import pytest
from flask import g
from sqlalchemy import func, select

from marketplace.catalogue.models import Product, ProductStatus
from marketplace.orders.models import Cart, CartLine, Order, OrderStatus, VendorOrderStatus
from tests.factories.accounts import PASSWORD
from tests.tokens import with_changed_signature


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- cart ------------------------------------------------------------------------------------

def add(client, product, quantity=1, **extra):
    return client.post("/cart/add", data={"product_id": product.id, "quantity": quantity},
                       **extra)


def test_guest_cart_lives_behind_a_signed_cookie(client, db, shop):
    response = add(client, shop.cushion, 2)
    assert response.status_code == 302
    cookie = client.get_cookie("bz_cart")
    assert cookie is not None and cookie.http_only
    cart = db.session.scalar(select(Cart))
    assert cart.user_id is None and cart.token not in cookie.value  # signed, not bare
    page = client.get("/cart?lang=en").get_data(as_text=True)
    assert "Kilim cushion" in page and 'id="cart-total"' in page

    # A tampered cookie is no cart at all, and adds go to a new cart.
    client.set_cookie("bz_cart", with_changed_signature(cookie.value))
    assert "Your cart is empty." in client.get("/cart?lang=en").get_data(as_text=True)


def test_guest_cart_merges_at_login(client, db, shop):
    add(client, shop.tableau_a)
    add(client, shop.cushion, 3)
    response = client.post("/login", data={"email": shop.buyer.email, "password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    cart = db.session.scalar(select(Cart).where(Cart.user_id == shop.buyer.id))
    assert {line.product_id: line.quantity for line in cart.lines} == {
        shop.tableau_a.id: 1, shop.cushion.id: 3}
    assert count(db, Cart) == 1
    assert client.get_cookie("bz_cart") is None


@pytest.mark.parametrize("quantity, status", [(0, 400), (-2, 400), ("x", 400), (7, 422)])
def test_bad_quantities_on_the_page(client, db, login, shop, quantity, status):
    login(shop.buyer)
    response = add(client, shop.cushion, quantity)
    assert response.status_code == status
    assert count(db, CartLine) == 0


def test_inactive_product_and_foreign_line(client, db, login, shop, create_product,
                                           create_user, fill_cart):
    draft = create_product(status=ProductStatus.DRAFT)
    login(shop.buyer)
    assert add(client, draft).status_code == 422
    other = create_user()
    their_cart = fill_cart(other, shop.cushion)
    line_id = their_cart.lines[0].id
    fill_cart(shop.buyer, shop.tableau_b)
    assert client.post(f"/cart/lines/{line_id}", data={"quantity": 2}).status_code == 404
    assert client.post(f"/cart/lines/{line_id}/remove").status_code == 404
    db.session.expire_all()
    assert db.session.get(CartLine, line_id).quantity == 1


def test_cart_shows_price_and_stock_changes(client, db, login, shop, fill_cart):
    fill_cart(shop.buyer, (shop.cushion, 4))
    shop.cushion.price_amount = 9_500
    shop.cushion.stock = 2
    db.session.commit()
    login(shop.buyer)
    page = client.get("/cart?lang=en").get_data(as_text=True)
    assert 'id="cart-changed"' in page
    assert "Was $80.00 when you added it" in page
    assert "Only 2 left." in page
    client.post("/cart/accept-changes")
    page = client.get("/cart?lang=en").get_data(as_text=True)
    assert "when you added it" not in page


def test_cart_page_queries_do_not_grow_with_lines(client, db, login, shop, fill_cart,
                                                  create_product, count_queries):
    login(shop.buyer)
    fill_cart(shop.buyer, shop.cushion)
    with count_queries() as one:
        assert client.get("/cart").status_code == 200
    more = [create_product(stock=3) for _ in range(6)]
    fill_cart(shop.buyer, *more)
    with count_queries() as seven:
        assert client.get("/cart").status_code == 200
    assert seven.n == one.n, seven.statements


# --- orders and sales ------------------------------------------------------------------------

def test_buyer_cancels_an_unpaid_order(client, db, login, shop, place_test_order):
    order = place_test_order(shop.buyer, shop.tableau_b)
    login(shop.buyer)
    assert client.post(f"/checkout/{order.number}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.CANCELLED
    assert db.session.get(Product, shop.tableau_b.id).stock == 1


def test_trainee_marks_ready_then_handed_over(client, db, login, shop, place_test_order,
                                              outbox):
    order = place_test_order(shop.buyer, shop.tableau_a, paid=True)
    vendor_order = order.vendor_orders[0]
    login(shop.trainee_a.user)
    page = client.get("/my/sales?lang=en").get_data(as_text=True)
    assert order.number in page and 'data-action="mark_ready"' in page
    before = len(outbox())
    response = client.post(f"/sales/{vendor_order.id}/mark_ready")
    assert response.status_code == 302
    response = client.post(f"/sales/{vendor_order.id}/mark_shipped")  # a pickup order
    assert response.status_code == 409
    client.post(f"/sales/{vendor_order.id}/complete")
    db.session.expire_all()
    assert order.vendor_orders[0].status == VendorOrderStatus.COMPLETED
    assert len(outbox()) == before + 2
    assert client.post(f"/sales/{vendor_order.id}/teleport").status_code == 404


def test_paid_at_pickup_has_one_route_and_the_sale_page_posts_to_it(client, db, login, shop,
                                                                    place_test_order):
    from marketplace.payments.services import payments

    order = place_test_order(shop.buyer, shop.tableau_a)
    payments.start_payment(shop.buyer, order, "pay_at_pickup")
    db.session.commit()
    vendor_order = order.vendor_orders[0]
    login(shop.trainee_a.user)
    route = f"/payments/vendor-orders/{vendor_order.id}/paid-at-pickup"
    for page in (f"/sales/{vendor_order.id}", "/my/sales"):
        html = client.get(page).get_data(as_text=True)
        assert f'action="{route}"' in html and 'data-action="confirm_paid_at_pickup"' in html
    # The sales page's moves are fulfilment only: paying is payments' route.
    assert client.post(f"/sales/{vendor_order.id}/confirm_paid_at_pickup").status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, order.id).vendor_orders[0].status == \
        VendorOrderStatus.PENDING_PAYMENT
    response = client.post(route)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sales/{vendor_order.id}")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.PAID


def heading(client, order, lang="en") -> str:
    page = client.get(f"/orders/{order.number}?lang={lang}").get_data(as_text=True)
    return re.search(r'<h1 id="order-heading">(.*?)</h1>', page).group(1), page


def test_the_order_page_heading_follows_its_parts(client, db, login, shop, place_test_order,
                                                  set_shipping_fee):
    """Not "Paid" for ever: being prepared, then part by part (with the tracking code), then
    shipped and delivered, in the reader's language."""
    from marketplace.orders.services.fulfilment import mark_vendor_order

    set_shipping_fee(shop.trainee_a)
    set_shipping_fee(shop.trainee_b)
    order = place_test_order(shop.buyer, shop.tableau_a, shop.tableau_b, fulfilment="shipping",
                             paid=True)
    part_a, part_b = sorted(order.vendor_orders, key=lambda vo: vo.trainee_id != shop.trainee_a.id)
    login(shop.buyer)
    assert heading(client, order)[0] == "Being prepared"
    mark_vendor_order(shop.trainee_a.user, part_a, "mark_shipped", tracking_code="RR123456789IR")
    db.session.commit()
    text, page = heading(client, order)
    assert text == "1 part being prepared · 1 part shipped"
    assert 'tracking code: <bdi dir="ltr">RR123456789IR</bdi>' in page
    mark_vendor_order(shop.trainee_b.user, part_b, "mark_shipped")
    db.session.commit()
    assert heading(client, order)[0] == "Shipped"
    for part, trainee in ((part_a, shop.trainee_a), (part_b, shop.trainee_b)):
        mark_vendor_order(trainee.user, part, "complete")
    db.session.commit()
    assert heading(client, order, "fa")[0] == "تحویل شد"


def test_the_heading_words_for_pickup_refunds_and_cancelled_parts(app):
    from marketplace.orders.labels import order_heading
    from marketplace.orders.models import PaymentMethod, VendorOrder

    def order(*parts, status=OrderStatus.PAID):
        return Order(status=status, vendor_orders=[
            VendorOrder(status=part, payment_method=method) for part, method in parts])

    S, online, at_booth = VendorOrderStatus, PaymentMethod.ONLINE, PaymentMethod.AT_PICKUP
    g.pop("_flask_babel", None)  # the locale Flask-Babel chose for the app context
    with app.test_request_context("/?lang=en"):
        assert order_heading(order((S.READY_FOR_PICKUP, online), (S.CANCELLED, online))) == \
            "Ready for pickup"  # a cancelled part among live ones is left out
        assert order_heading(order((S.REFUNDED, online), (S.REFUNDED, online))) == "Refunded"
        assert order_heading(order((S.PENDING_PAYMENT, at_booth), (S.COMPLETED, online),
                                   (S.COMPLETED, online))) == \
            "1 part to pay at pickup · 2 parts delivered"
        assert order_heading(order((S.CANCELLED, online), status=OrderStatus.EXPIRED)) == \
            "Expired"
    g.pop("_flask_babel", None)
    with app.test_request_context("/?lang=fa"):
        assert order_heading(order((S.SHIPPED, online), (S.REFUNDED, online))) == \
            "۱ بخش ارسال شد · ۱ بخش بازپرداخت شد"


def test_my_sales_filters_and_rejects_unknown_status(client, login, shop, place_test_order):
    place_test_order(shop.buyer, shop.tableau_a, paid=True)
    login(shop.trainee_a.user)
    assert client.get("/my/sales?status=paid").status_code == 200
    assert client.get("/my/sales?status=bogus").status_code == 400
    login(shop.buyer)
    assert client.get("/my/sales").status_code == 404  # not a trainee


def test_order_pages_run_a_constant_number_of_queries(client, db, login, shop, create_product,
                                                      place_test_order, count_queries):
    place_test_order(shop.buyer, shop.cushion, paid=True)
    login(shop.buyer)
    with count_queries() as one:
        assert client.get("/my/orders").status_code == 200
    login(shop.trainee_a.user)
    with count_queries() as sales_one:
        assert client.get("/my/sales").status_code == 200
    for _ in range(4):
        place_test_order(shop.buyer, (shop.cushion, 1), create_product(trainee=shop.trainee_b),
                         paid=True)
    login(shop.buyer)
    with count_queries() as five:
        assert client.get("/my/orders").status_code == 200
    login(shop.trainee_a.user)
    with count_queries() as sales_five:
        assert client.get("/my/sales").status_code == 200
    assert five.n == one.n, five.statements
    assert sales_five.n == sales_one.n, sales_five.statements


def test_trainee_sets_a_shipping_fee(client, db, login, shop):
    from marketplace.orders.models import ShippingRate

    login(shop.trainee_a.user)
    assert client.get("/my/shipping").status_code == 200
    response = client.post("/my/shipping", data={"offers_shipping": "1", "amount": "۴.۵۰"})
    assert response.status_code == 302
    rate = db.session.scalar(select(ShippingRate))
    assert (rate.trainee_id, rate.amount) == (shop.trainee_a.id, 450)
    assert client.post("/my/shipping", data={"offers_shipping": "1",
                                             "amount": "-3"}).status_code == 400
    assert client.post("/my/shipping", data={"offers_shipping": "1",
                                             "amount": "1.234"}).status_code == 400
    client.post("/my/shipping", data={})
    assert count(db, ShippingRate) == 0
    login(shop.buyer)
    assert client.get("/my/shipping").status_code == 404
