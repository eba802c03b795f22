"""Who sees and changes what: every role against every protected order action."""

import pytest

from marketplace.orders.models import VendorOrder, VendorOrderStatus

ROLES = ["buyer", "other_buyer", "owning_trainee", "other_trainee", "centre_staff", "admin",
         "anonymous"]


@pytest.fixture
def world(create_user, create_trainee, create_centre_staff, create_admin, create_product,
          place_test_order):
    seller = create_trainee()
    product = create_product(trainee=seller, stock=3)
    buyer = create_user()
    order = place_test_order(buyer, product, paid=True)
    users = {
        "buyer": buyer, "other_buyer": create_user(), "owning_trainee": seller.user,
        "other_trainee": create_trainee().user,
        "centre_staff": create_centre_staff(centre=seller.centre), "admin": create_admin(),
        "anonymous": None,
    }
    return order, order.vendor_orders[0], users


def as_role(client, login, users, role):
    if users[role] is not None:
        login(users[role])
    return client


PAGE_ORDER = {"buyer": 200, "other_buyer": 404, "owning_trainee": 404, "other_trainee": 404,
              "centre_staff": 404, "admin": 200, "anonymous": 302}
PAGE_SALE = {"buyer": 200, "other_buyer": 404, "owning_trainee": 200, "other_trainee": 404,
             "centre_staff": 200, "admin": 200, "anonymous": 302}
PAGE_ACT = {"buyer": 403, "other_buyer": 404, "owning_trainee": 302, "other_trainee": 404,
            "centre_staff": 403, "admin": 302, "anonymous": 302}
API_ORDER = {**PAGE_ORDER, "anonymous": 401}
API_SALE = {**PAGE_SALE, "anonymous": 401}
API_ACT = {**PAGE_ACT, "owning_trainee": 200, "admin": 200, "anonymous": 401}
PAY = {"buyer": 302, "other_buyer": 404, "owning_trainee": 404, "other_trainee": 404,
       "centre_staff": 404, "admin": 404, "anonymous": 302}


@pytest.mark.parametrize("role", ROLES)
def test_order_and_sale_pages(client, login, world, role):
    order, vendor_order, users = world
    c = as_role(client, login, users, role)
    assert c.get(f"/orders/{order.number}").status_code == PAGE_ORDER[role]
    assert c.get(f"/sales/{vendor_order.id}").status_code == PAGE_SALE[role]


@pytest.mark.parametrize("role", ROLES)
def test_moving_a_vendor_order_on_the_page(client, db, login, world, role):
    _order, vendor_order, users = world
    c = as_role(client, login, users, role)
    response = c.post(f"/sales/{vendor_order.id}/mark_ready")
    assert response.status_code == PAGE_ACT[role]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    db.session.expire_all()
    expected = VendorOrderStatus.READY_FOR_PICKUP if role in ("owning_trainee", "admin") \
        else VendorOrderStatus.PAID
    assert db.session.get(VendorOrder, vendor_order.id).status == expected


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(client, db, login, api_token, world, role):
    order, vendor_order, users = world
    headers = api_token(users[role]) if users[role] is not None else {}
    assert client.get(f"/api/v1/orders/{order.number}",
                      headers=headers).status_code == API_ORDER[role]
    assert client.get(f"/api/v1/vendor-orders/{vendor_order.id}",
                      headers=headers).status_code == API_SALE[role]
    response = client.post(f"/api/v1/vendor-orders/{vendor_order.id}/transitions",
                           headers=headers, json={"action": "mark_ready"})
    assert response.status_code == API_ACT[role]
    db.session.expire_all()
    moved = db.session.get(VendorOrder, vendor_order.id).status == \
        VendorOrderStatus.READY_FOR_PICKUP
    assert moved == (API_ACT[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_paying_an_order(client, db, login, create_product, place_test_order, world, role):
    _order, _vendor_order, users = world
    unpaid = place_test_order(users["buyer"], create_product(stock=1))
    c = as_role(client, login, users, role)
    response = c.post(f"/checkout/{unpaid.number}/pay", data={"provider": "pay_at_pickup"})
    assert response.status_code == PAY[role]
    db.session.expire_all()
    held = db.session.get(type(unpaid), unpaid.id).payment_provider == "pay_at_pickup"
    assert held == (role == "buyer")


def test_centre_staff_follow_their_trainees_sales(client, login, world, create_centre_staff,
                                                  place_test_order, create_product):
    order, _vendor_order, users = world
    elsewhere = place_test_order(None, create_product(stock=1), paid=True)
    login(users["centre_staff"])
    page = client.get("/centre/sales?lang=en").get_data(as_text=True)
    assert "Trainees&#39; sales" in page or "Trainees' sales" in page
    assert order.number in page and elsewhere.number not in page
    assert 'data-action="mark_ready"' not in page  # read only
    login(users["admin"])
    page = client.get("/centre/sales").get_data(as_text=True)
    assert order.number in page and elsewhere.number in page
    for role in ("buyer", "owning_trainee", "other_buyer"):
        login(users[role])
        assert client.get("/centre/sales").status_code == 404
    assert client.get("/centre/sales?status=bogus").status_code == 404
