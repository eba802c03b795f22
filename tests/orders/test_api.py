"""The cart, orders and checkout API with bearer tokens."""

from sqlalchemy import func, select

from marketplace.catalogue.models import ProductKind, ProductStatus
from marketplace.orders.models import CartLine, Order, OrderStatus, VendorOrderStatus


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_cart_api_rules(client, db, create_user, create_product, api_token):
    buyer = create_user()
    headers = api_token(buyer)
    product = create_product(stock=3, price_amount=1_500)
    unique = create_product(kind=ProductKind.ONE_OF_A_KIND)
    draft = create_product(status=ProductStatus.DRAFT)

    assert client.get("/api/v1/cart", headers=headers).get_json()["lines"] == []
    response = client.post("/api/v1/cart/lines", headers=headers,
                           json={"product_id": product.id, "quantity": 2})
    assert response.status_code == 201
    body = response.get_json()
    assert body["total_amount"] == 3_000 and body["lines"][0]["seen_price_amount"] == 1_500
    line_id = body["lines"][0]["id"]

    for payload, status, code in [
        ({"product_id": product.id, "quantity": 0}, 400, "bad_quantity"),
        ({"product_id": product.id, "quantity": -1}, 400, "bad_quantity"),
        ({"product_id": product.id, "quantity": "2"}, 422, "validation_error"),
        ({"product_id": product.id, "quantity": 2}, 422, "not_enough_stock"),
        ({"product_id": unique.id, "quantity": 2}, 422, "not_enough_stock"),
        ({"product_id": draft.id}, 422, "product_unavailable"),
        ({"product_id": 424242}, 404, "not_found"),
        ({"product_id": product.id, "extra": 1}, 422, "validation_error"),
    ]:
        response = client.post("/api/v1/cart/lines", headers=headers, json=payload)
        assert response.status_code == status, payload
        assert response.get_json()["error"]["code"] == code, payload
    assert db.session.scalar(select(CartLine.quantity)) == 2

    assert client.patch(f"/api/v1/cart/lines/{line_id}", headers=headers,
                        json={"quantity": 3}).status_code == 200
    assert client.patch(f"/api/v1/cart/lines/{line_id}", headers=headers,
                        json={"quantity": 4}).status_code == 422

    # Someone else's line: 404, nothing changes.
    intruder = api_token(create_user())
    client.post("/api/v1/cart/lines", headers=intruder, json={"product_id": unique.id})
    assert client.patch(f"/api/v1/cart/lines/{line_id}", headers=intruder,
                        json={"quantity": 1}).status_code == 404
    assert client.delete(f"/api/v1/cart/lines/{line_id}", headers=intruder).status_code == 404
    db.session.expire_all()
    assert db.session.get(CartLine, line_id).quantity == 3
    assert client.delete(f"/api/v1/cart/lines/{line_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/cart").status_code == 401


def test_place_pay_and_move_through_the_api(client, db, create_user, create_product,
                                            create_trainee, api_token):
    first, second = create_trainee(), create_trainee()
    a = create_product(trainee=first, price_amount=1_000, stock=2)
    b = create_product(trainee=second, price_amount=2_000, stock=2)
    buyer = create_user()
    headers = api_token(buyer)
    client.post("/api/v1/cart/lines", headers=headers, json={"product_id": a.id})
    client.post("/api/v1/cart/lines", headers=headers, json={"product_id": b.id})

    response = client.post("/api/v1/checkout", headers=headers, json={
        "contact_name": "Sara", "expected_subtotal": 3_000,
        "parts": [{"trainee_id": first.id, "fulfilment": "pickup"},
                  {"trainee_id": second.id, "fulfilment": "pickup"}]})
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert order["status"] == "pending_payment" and len(order["vendor_orders"]) == 2
    number = order["number"]

    other = api_token(create_user())
    assert client.post(f"/api/v1/orders/{number}/payments", headers=other,
                       json={"provider": "pay_at_pickup"}).status_code == 404
    assert client.get(f"/api/v1/orders/{number}", headers=other).status_code == 404
    response = client.post(f"/api/v1/orders/{number}/payments", headers=headers,
                           json={"provider": "pay_at_pickup"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["provider"] == "pay_at_pickup"

    seller = api_token(first.user)
    sales = client.get("/api/v1/vendor-orders", headers=seller).get_json()
    assert sales["total"] == 1 and sales["items"][0]["buyer_name"] == "Sara"
    vendor_order_id = sales["items"][0]["id"]
    assert "confirm_paid_at_pickup" in sales["items"][0]["allowed_actions"]
    response = client.post(f"/api/v1/vendor-orders/{vendor_order_id}/transitions",
                           headers=seller, json={"action": "mark_shipped"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_transition"
    response = client.post(f"/api/v1/vendor-orders/{vendor_order_id}/transitions",
                           headers=seller, json={"action": "confirm_paid_at_pickup"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == VendorOrderStatus.COMPLETED.value
    # Another trainee cannot see or move it.
    stranger = api_token(second.user)
    assert client.get(f"/api/v1/vendor-orders/{vendor_order_id}",
                      headers=stranger).status_code == 404
    assert client.post(f"/api/v1/vendor-orders/{vendor_order_id}/transitions", headers=stranger,
                       json={"action": "complete"}).status_code == 404

    mine = client.get("/api/v1/orders", headers=headers).get_json()
    assert mine["total"] == 1 and mine["items"][0]["number"] == number


def test_checkout_api_bad_input(client, db, create_user, create_product, api_token):
    product = create_product(stock=2)
    buyer = create_user()
    headers = api_token(buyer)
    response = client.post("/api/v1/checkout", headers=headers, json={"parts": []})
    assert response.status_code == 404  # no cart yet
    client.post("/api/v1/cart/lines", headers=headers, json={"product_id": product.id})
    response = client.post("/api/v1/checkout", headers=headers, json={
        "parts": [{"trainee_id": product.trainee_id, "fulfilment": "shipping"}]})
    assert response.status_code == 400
    assert f"fulfilment_{product.trainee_id}" in response.get_json()["error"]["fields"]
    response = client.post("/api/v1/checkout", headers=headers, json={
        "expected_subtotal": 1, "parts": [{"trainee_id": product.trainee_id,
                                           "fulfilment": "pickup"}]})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "prices_changed"
    response = client.post("/api/v1/checkout", headers=headers, json={
        "parts": [{"trainee_id": product.trainee_id, "fulfilment": "teleport"}]})
    assert response.status_code == 422
    assert count(db, Order) == 0


def test_cancel_through_the_api(client, db, create_user, place_test_order, create_product,
                                api_token):
    product = create_product(stock=1)
    order = place_test_order(None, product)
    assert client.post(f"/api/v1/orders/{order.number}/cancel",
                       headers=api_token(create_user())).status_code == 404
    response = client.post(f"/api/v1/orders/{order.number}/cancel",
                           headers=api_token(order.buyer))
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.CANCELLED
