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


def test_a_one_line_pickup_checkout_runs_few_statements(client, db, create_user, create_product,
                                                        api_token, count_queries):
    """The checkout burst's path, pinned: authenticate in one statement; a first add makes the
    cart without reading its (no) lines; placing reads the cart in one statement, reads no
    shipping fees when nobody ships and takes the single line's stock without a savepoint;
    paying locks the order, then reads it with its parts and payments in one statement and
    mails from what it read."""
    item = create_product(stock=1)
    headers = api_token(create_user())

    def run(method, path, **kwargs):
        db.session.expunge_all()  # a server starts each request with an empty session
        with count_queries() as counted:
            response = client.open(path, method=method, headers=headers, **kwargs)
        return response, counted

    added, add = run("POST", "/api/v1/cart/lines", json={"product_id": item.id})
    assert added.status_code == 201, added.get_json()
    placed, place = run("POST", "/api/v1/checkout", json={
        "contact_name": "S", "parts": [{"trainee_id": item.trainee_id,
                                        "fulfilment": "pickup"}]})
    assert placed.status_code == 201, placed.get_json()
    number = placed.get_json()["number"]
    paid, pay = run("POST", f"/api/v1/orders/{number}/payments",
                    json={"provider": "pay_at_pickup"})
    assert paid.status_code == 201, paid.get_json()

    # user; product; cart; INSERT cart; INSERT line
    assert add.n == 5, add.statements
    # user; cart with lines; pickup places; take stock; INSERT order, vendor order, line;
    # DELETE cart line
    assert place.n == 8, "\n".join(s[:150] for s in place.statements)
    assert not any("shipping_rates" in s for s in place.statements)
    assert not any(s.lstrip().upper().startswith("SAVEPOINT") for s in place.statements)
    # user; lock the order by number (FOR UPDATE); then read it with its parts and its payments
    # so far; UPDATE order; UPDATE its parts, all at once, to paid at pickup (each vendor order
    # knows how it is paid; a buyer who chose so at checkout skips it); INSERT payment — the
    # order mails are written from what was read.
    # The payments are read only once the lock is held: read in the locking statement they
    # came from before a concurrent starter's commit, and a double-click failed with a 500
    # (tests/payments/test_concurrent_starts.py). At the commit, the notices of the order
    # (buyer and trainees alike): their channel choices in one SELECT, their feed rows in one
    # INSERT — two statements however many people (notifications.service).
    assert pay.n == 8, "\n".join(s[:150] for s in pay.statements)
    assert sum("FROM notification_preferences" in s for s in pay.statements) == 1
    assert sum(s.startswith("INSERT INTO notifications") for s in pay.statements) == 1
    lock, read = pay.statements[1], pay.statements[2]
    assert " ".join(lock.split()).startswith("SELECT orders.id FROM orders WHERE"), lock
    if db.engine.dialect.name == "postgresql":  # SQLite's writers hold the lock from BEGIN
        assert lock.rstrip().endswith("FOR UPDATE"), lock
    assert "FROM orders LEFT OUTER JOIN payments" in " ".join(read.split()), read[:300]


def test_a_refused_add_writes_nothing(client, db, create_user, create_product, api_token,
                                      count_queries):
    """A sold-out item is refused before any cart is made: no INSERT, no cart left behind."""
    from marketplace.accounts.models import User
    from marketplace.catalogue.models import ProductStatus
    from marketplace.orders.models import Cart

    item_id = create_product(stock=0, status=ProductStatus.SOLD_OUT).id
    buyer_id = create_user().id
    headers = api_token(db.session.get(User, buyer_id))
    db.session.expunge_all()
    with count_queries() as counted:
        response = client.post("/api/v1/cart/lines", headers=headers,
                               json={"product_id": item_id})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "product_unavailable"
    assert not any(s.lstrip().upper().startswith("INSERT") for s in counted.statements)
    assert counted.n == 2  # the user, the product
    assert db.session.query(Cart).filter_by(user_id=buyer_id).count() == 0
