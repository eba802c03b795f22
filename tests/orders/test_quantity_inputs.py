"""QA P3: quantity inputs are text inputs (inputmode=numeric) so Persian digits can be typed,
show the locale's digits, and the server reads Persian digits (core.digits.parse_int)."""

import re

from marketplace.orders.models import CartLine


def _quantity_input(html):
    match = re.search(r'<input[^>]*name="quantity"[^>]*>', html.replace("\n", " "))
    assert match, html
    return match.group(0)


def test_product_and_cart_quantity_inputs_take_persian_digits(db, client, login, create_user,
                                                             create_product):
    buyer = create_user(locale="fa")
    product = create_product(stock=9)
    db.session.commit()
    login(buyer)

    tag = _quantity_input(client.get(f"/p/{product.id}").get_data(as_text=True))
    assert 'type="text"' in tag and 'inputmode="numeric"' in tag
    assert 'type="number"' not in tag and 'value="۱"' in tag

    response = client.post("/cart/add",
                           data={"product_id": product.id, "quantity": "۲"})
    assert response.status_code == 302
    line = db.session.query(CartLine).one()
    assert line.quantity == 2

    tag = _quantity_input(client.get("/cart").get_data(as_text=True))
    assert 'type="text"' in tag and 'inputmode="numeric"' in tag and 'value="۲"' in tag
    tag = _quantity_input(client.get("/cart?lang=en").get_data(as_text=True))
    assert 'value="2"' in tag

    response = client.post(f"/cart/lines/{line.id}", data={"quantity": "٣"})
    assert response.status_code == 302
    db.session.refresh(line)
    assert line.quantity == 3
