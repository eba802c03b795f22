"""Checkout and payment pages through the test client (cart, order and sales pages:
tests/orders/test_pages.py)."""

from sqlalchemy import func, select

from marketplace.catalogue.models import Product
from marketplace.orders.models import CartLine, Order


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- checkout and paying ---------------------------------------------------------------------

def checkout_form(shop, **extra):
    return {"contact_name": "Sara", "contact_phone": "09120000000",
            f"fulfilment_{shop.trainee_a.id}": "pickup",
            f"fulfilment_{shop.trainee_b.id}": "pickup", **extra}


def test_checkout_places_the_order_and_pay_at_pickup(client, db, login, shop, fill_cart,
                                                      outbox):
    fill_cart(shop.buyer, shop.tableau_a, shop.tableau_b)
    login(shop.buyer)
    page = client.get("/checkout?lang=en").get_data(as_text=True)
    assert "From " + shop.trainee_a.store_name in page
    response = client.post("/checkout", data=checkout_form(shop, expected_subtotal="215000"))
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert response.headers["Location"].endswith(f"/checkout/{order.number}/pay")
    assert len(order.vendor_orders) == 2
    assert count(db, CartLine) == 0

    response = client.post(f"/checkout/{order.number}/pay", data={"provider": "pay_at_pickup"})
    assert response.status_code == 302
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.payment_provider == "pay_at_pickup" and order.expires_at is None
    page = client.get(f"/orders/{order.number}?lang=en").get_data(as_text=True)
    assert "You pay each trainee when you pick up" in page
    assert page.count('class="card vendor-order"') == 2
    assert len(outbox()) == 3


def test_checkout_errors_are_shown_and_write_nothing(client, db, login, shop, fill_cart):
    fill_cart(shop.buyer, shop.tableau_a)
    login(shop.buyer)
    response = client.post("/checkout?lang=en", data={
        "contact_name": "", f"fulfilment_{shop.trainee_a.id}": "shipping"})
    assert response.status_code == 400
    assert "does not ship" in response.get_data(as_text=True)
    assert count(db, Order) == 0
    db.session.expire_all()
    assert db.session.get(Product, shop.tableau_a.id).stock == 1


def test_checkout_needs_login_and_a_cart(client, db, login, shop):
    response = client.get("/checkout")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(shop.buyer)
    response = client.get("/checkout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")


def test_sold_out_meanwhile_is_a_clear_409(client, db, login, shop, fill_cart,
                                           place_test_order):
    fill_cart(shop.buyer, shop.tableau_a)
    place_test_order(None, shop.tableau_a)  # somebody else was quicker
    login(shop.buyer)
    response = client.post("/checkout?lang=en", data=checkout_form(shop))
    assert response.status_code == 409
    assert "was just sold out" in response.get_data(as_text=True)
    assert count(db, Order) == 1


def test_paying_someone_elses_order_is_404(client, db, login, shop, place_test_order,
                                           create_user):
    order = place_test_order(shop.buyer, shop.cushion)
    login(create_user())
    assert client.get(f"/checkout/{order.number}/pay").status_code == 404
    assert client.post(f"/checkout/{order.number}/pay",
                       data={"provider": "pay_at_pickup"}).status_code == 404
    assert client.post(f"/checkout/{order.number}/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment_provider is None
