"""The catalogue API end to end: categories, create → photos → submit → approve, search."""

import io

from marketplace.catalogue.models import ProductStatus
from tests.factories.catalogue import png_bytes


def test_categories_come_as_a_tree_with_their_attributes(client, create_category,
                                                         carpet_category):
    crafts = create_category(slug="handicrafts")
    create_category(parent=crafts, slug="pottery")
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    by_slug = {c["slug"]: c for c in response.json}
    assert set(by_slug) == {"carpet-tableaux", "handicrafts"}
    assert [c["slug"] for c in by_slug["handicrafts"]["children"]] == ["pottery"]
    knots = next(a for a in by_slug["carpet-tableaux"]["attributes"]
                 if a["key"] == "knot_density")
    assert knots["type"] == "choice" and knots["unit_fa"] == "رج"
    assert [c["value"] for c in knots["choices"]] == ["40", "50", "60", "70", "80"]


def test_the_whole_listing_flow_through_the_api(db, client, api_token, create_trainee,
                                                create_centre_staff, carpet_category):
    trainee = create_trainee()
    owner = api_token(trainee.user)
    staff = api_token(create_centre_staff(centre=trainee.centre))
    created = client.post("/api/v1/products", headers=owner, json={
        "title_fa": "تابلو فرش ابریشم حافظیه", "title_en": "Hafez tomb tableau",
        "category_id": carpet_category.id, "price_amount": 45000, "kind": "made_to_order",
        "lead_time_days": 40, "stock": 2,
        "attributes": {"width_cm": 50, "knot_density": 70, "material": "silk"}})
    assert created.status_code == 201, created.json
    product_id = created.json["id"]
    assert created.json["attributes"]["knot_density"] == "70"

    ids = []
    for colour in ((10, 10, 10), (200, 200, 200)):
        response = client.post(f"/api/v1/products/{product_id}/images", headers=owner,
                               data={"image": (io.BytesIO(png_bytes(colour=colour)), "a.png")},
                               content_type="multipart/form-data")
        assert response.status_code == 201
        ids.append(response.json["id"])
    reordered = client.put(f"/api/v1/products/{product_id}/images", headers=owner,
                           json={"order": list(reversed(ids))})
    assert [i["id"] for i in reordered.json] == list(reversed(ids))
    assert client.put(f"/api/v1/products/{product_id}/images", headers=owner,
                      json={"order": ids[:1]}).status_code == 422
    assert client.delete(f"/api/v1/products/{product_id}/images/{ids[0]}",
                         headers=owner).status_code == 204

    mine = client.get("/api/v1/my/products", headers=owner)
    assert [p["id"] for p in mine.json["items"]] == [product_id]
    submitted = client.post(f"/api/v1/products/{product_id}/submit", headers=owner)
    assert submitted.json["status"] == "submitted"
    queue = client.get("/api/v1/centre/listings", headers=staff)
    assert [p["id"] for p in queue.json["items"]] == [product_id]
    rejected = client.post(f"/api/v1/products/{product_id}/reject", headers=staff,
                           json={"reason": "اندازه را بنویسید"})
    assert (rejected.json["status"], rejected.json["status_reason"]) == (
        "rejected", "اندازه را بنویسید")
    client.patch(f"/api/v1/products/{product_id}", headers=owner,
                 json={"attributes": {"width_cm": 50, "height_cm": 70, "knot_density": "70",
                                      "material": "silk"}})
    client.post(f"/api/v1/products/{product_id}/submit", headers=owner)
    approved = client.post(f"/api/v1/products/{product_id}/approve", headers=staff)
    assert approved.json["status"] == ProductStatus.ACTIVE.value

    found = client.get("/api/v1/products", query_string={"q": "حافظيه", "attr.height_cm.min": 70})
    assert found.status_code == 200
    assert [p["id"] for p in found.json["items"]] == [product_id]
    item = found.json["items"][0]
    assert item["maker"]["store_slug"] == trainee.store_slug
    assert item["images"][0]["urls"]["thumb"].startswith("/media/products/")
    assert found.json["total"] == 1 and found.json["per_page"] == 24

    paused = client.post(f"/api/v1/products/{product_id}/pause", headers=owner)
    assert paused.json["status"] == "paused"
    assert client.get("/api/v1/products", query_string={"q": "حافظيه"}).json["total"] == 0
    resumed = client.post(f"/api/v1/products/{product_id}/resume", headers=owner)
    assert resumed.json["status"] == "active"


def test_only_trainees_create_listings_and_only_staff_see_the_queue(client, api_token,
                                                                    create_user,
                                                                    carpet_category):
    buyer = api_token(create_user())
    response = client.post("/api/v1/products", headers=buyer, json={
        "title_fa": "x", "category_id": carpet_category.id, "price_amount": 100})
    assert (response.status_code, response.json["error"]["code"]) == (403, "not_a_trainee")
    assert client.get("/api/v1/centre/listings", headers=buyer).status_code == 403
    assert client.get("/api/v1/my/products", headers=buyer).status_code == 403
    anonymous = client.post("/api/v1/products", json={
        "title_fa": "x", "category_id": carpet_category.id, "price_amount": 100})
    assert anonymous.status_code == 401
