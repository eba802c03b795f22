"""The buyer's checkout API calls run a fixed number of SQL statements, plus only the writes
each extra line or trainee needs (taking its stock, inserting its rows)."""


def test_checkout_api_query_counts(client, db, create_user, create_product, create_trainee,
                                   api_token, count_queries):
    def run(n_items):
        trainees = [create_trainee() for _ in range(n_items)]
        items = [create_product(trainee=t, stock=2) for t in trainees]
        headers = api_token(create_user())
        client.post("/api/v1/cart/lines", headers=headers, json={"product_id": items[0].id})
        with count_queries() as add:
            for item in items[1:]:
                client.post("/api/v1/cart/lines", headers=headers, json={"product_id": item.id})
        with count_queries() as cart:
            client.get("/api/v1/cart", headers=headers)
        with count_queries() as place:
            response = client.post("/api/v1/checkout", headers=headers, json={
                "contact_name": "S", "parts": [{"trainee_id": t.id, "fulfilment": "pickup"}
                                               for t in trainees]})
        assert response.status_code == 201, response.get_json()
        number = response.get_json()["number"]
        with count_queries() as pay:
            response = client.post(f"/api/v1/orders/{number}/payments", headers=headers,
                                   json={"provider": "pay_at_pickup"})
        assert response.status_code == 201, response.get_json()
        with count_queries() as orders:
            client.get("/api/v1/orders", headers=headers)
        return {"add": add.n / max(1, n_items - 1), "cart": cart.n, "place": place.n,
                "pay": pay.n, "orders": orders.n}

    two, four = run(2), run(4)
    assert two["add"] == four["add"]
    assert two["cart"] == four["cart"]
    assert two["pay"] == four["pay"]
    assert two["orders"] == four["orders"]
    # Per extra line: take its stock, insert its vendor order and line, delete its cart line.
    assert four["place"] - two["place"] <= 2 * 4
