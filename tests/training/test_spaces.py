"""Municipal staff describe spaces (fixed equipment list, hours, weekdays), block periods, and
add a photo checked like catalogue photos."""

import io

from PIL import Image
from sqlalchemy import func, select

from marketplace.training.models import Space


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (180, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_staff_describe_a_space_of_their_venue(client, db, world, api_token):
    body = {"venue_id": world.venue.id, "name_fa": "کارگاه دار قالی", "capacity": 12,
            "equipment": ["looms", "sinks", "looms"], "opens_at": "09:00", "closes_at": "18:00",
            "open_weekdays": ["SA", "SU", "MO"], "is_accessible": True}
    response = client.post("/api/v1/training/spaces", json=body,
                           headers=api_token(world.staff))
    assert response.status_code == 201, response.json
    assert response.json["equipment"] == ["looms", "sinks"]
    assert response.json["open_weekdays"] == ["MO", "SA", "SU"]

    bad = client.post("/api/v1/training/spaces", json={**body, "closes_at": "08:00"},
                      headers=api_token(world.staff))
    assert bad.status_code == 422 and "closes_at" in bad.json["error"]["fields"]
    unknown = client.post("/api/v1/training/spaces", json={**body, "equipment": ["piano"]},
                          headers=api_token(world.staff))
    assert unknown.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Space)) == 2  # world's + one


def test_a_photo_is_checked_and_shown(client, db, world, login):
    login(world.staff)
    response = client.post(f"/training/spaces/{world.space.id}/photo",
                           data={"photo": (io.BytesIO(_png()), "room.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    key = db.session.get(type(world.space), world.space.id).photo_key
    assert key and key.startswith(f"spaces/{world.space.id}/")
    page = client.get(f"/training/spaces/{world.space.id}").get_data(as_text=True)
    assert f"/media/{key}/large.webp" in page
    assert client.get(f"/media/{key}/large.webp").status_code == 200

    refused = client.post(f"/training/spaces/{world.space.id}/photo",
                          data={"photo": (io.BytesIO(b"not an image"), "room.png")},
                          content_type="multipart/form-data",
                          headers={"Referer": f"/training/spaces/{world.space.id}"})
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(world.space), world.space.id).photo_key == key


def test_a_blocked_period_is_listed_on_the_space_page(client, db, world, login):
    login(world.staff)
    response = client.post(f"/training/spaces/{world.space.id}/block", data={
        "starts_on": "2099-03-01", "ends_on": "2099-03-05", "reason": "repairs", "note": "roof"})
    assert response.status_code == 302
    page = client.get(f"/training/spaces/{world.space.id}?lang=en").get_data(as_text=True)
    assert "roof" in page and "Repairs" in page
