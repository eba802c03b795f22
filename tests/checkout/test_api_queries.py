"""The buyer's checkout API calls run a fixed number of SQL statements, plus only the writes
each extra line or trainee needs (taking its stock, inserting its rows)."""


def test_checkout_api_query_counts(client, db, create_user, create_product, create_trainee,
                                   api_token, count_queries):
    def fresh():
        # A server starts each request with an empty session; so do we.
        db.session.expunge_all()

    def run(n_items):
        trainees = [create_trainee() for _ in range(n_items)]
        item_ids = [create_product(trainee=t, stock=2).id for t in trainees]
        trainee_ids = [t.id for t in trainees]
        headers = api_token(create_user())
        client.post("/api/v1/cart/lines", headers=headers, json={"product_id": item_ids[0]})
        counts = {"add": []}
        for item_id in item_ids[1:]:
            fresh()
            with count_queries() as add:
                client.post("/api/v1/cart/lines", headers=headers, json={"product_id": item_id})
            counts["add"].append(add.n)
        fresh()
        with count_queries() as cart:
            client.get("/api/v1/cart", headers=headers)
        fresh()
        with count_queries() as place:
            response = client.post("/api/v1/checkout", headers=headers, json={
                "contact_name": "S", "parts": [{"trainee_id": t, "fulfilment": "pickup"}
                                               for t in trainee_ids]})
        assert response.status_code == 201, response.get_json()
        number = response.get_json()["number"]
        fresh()
        with count_queries() as pay:
            response = client.post(f"/api/v1/orders/{number}/payments", headers=headers,
                                   json={"provider": "pay_at_pickup"})
        assert response.status_code == 201, response.get_json()
        fresh()
        with count_queries() as orders:
            client.get("/api/v1/orders", headers=headers)
        return {"add": set(counts["add"]), "cart": cart.n, "place": place.n, "pay": pay.n,
                "orders": orders.n}

    two, four = run(2), run(4)
    assert len(four["add"]) == 1 and two["add"] == four["add"]
    assert two["cart"] == four["cart"]
    assert two["pay"] == four["pay"]
    assert two["orders"] == four["orders"]
    # Per extra line: take its stock, insert its vendor order and line, delete its cart line.
    assert four["place"] - two["place"] <= 2 * 4
