"""The public space page and the conflicts list in the API: the same data and the same scope
as their pages (anyone sees a space; only the space's municipal staff its conflicts),
documented in OpenAPI."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.training.models import TrainingSession
from tests.training.conftest import next_weekday


def test_the_public_space_needs_no_account_and_lists_its_coming_courses(
        client, db, world, approved_course, create_space):
    course = approved_course()
    elsewhere = create_space(venue=world.venue, name_fa="کارگاه")
    response = client.get(f"/api/v1/training/spaces/{world.space.id}/public")
    assert response.status_code == 200
    body = response.json
    assert body["id"] == world.space.id and body["city"] == "سردرود"
    assert body["venue_name_fa"] == "فرهنگسرای سردرود"
    assert body["capacity"] == 20 and body["equipment"] == ["power", "projector"]
    assert body["opens_at"] == "08:00:00" and body["open_weekdays"][0] == "MO"
    assert [c["id"] for c in body["courses"]] == [course["id"]]
    assert len(body["courses"][0]["sessions"]) == 3
    assert client.get(f"/api/v1/training/spaces/{elsewhere.id}/public").json["courses"] == []
    missing = client.get("/api/v1/training/spaces/999999/public")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "unknown_space"


def test_the_public_space_runs_a_constant_number_of_queries(client, db, world, approved_course,
                                                           afternoon_course, count_queries):
    approved_course()
    url = f"/api/v1/training/spaces/{world.space.id}/public"
    client.get(url)
    with count_queries() as one:
        client.get(url)
    afternoon_course()
    with count_queries() as two:
        assert len(client.get(url).json["courses"]) == 2
    assert two.n == one.n


@pytest.fixture
def conflicted(client, db, api_token, world, approved_course):
    """A course whose second Saturday a later block covers."""
    course = approved_course()
    second = next_weekday(5) + timedelta(days=7)
    response = client.post(f"/api/v1/training/spaces/{world.space.id}/blocks", json={
        "starts_on": second.isoformat(), "ends_on": second.isoformat(), "reason": "repairs",
        "note": "Roof"}, headers=api_token(world.staff))
    assert response.status_code == 201
    return course


def test_the_conflicts_list_is_the_pages_for_the_spaces_staff(
        client, db, api_token, world, conflicted, create_municipal_staff, create_admin,
        create_user, create_centre_staff):
    sessions = list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.booking_id == conflicted["booking_id"]).order_by(
        TrainingSession.starts_at)))
    response = client.get("/api/v1/training/conflicts", headers=api_token(world.staff))
    assert response.status_code == 200
    (row,) = response.json
    assert row["session_id"] == sessions[1].id and row["booking_id"] == conflicted["booking_id"]
    assert row["block"]["reason"] == "repairs" and row["block"]["note"] == "Roof"
    assert row["market_day"] is None and row["title"] == "Dyeing class"
    assert [r["session_id"] for r in client.get(
        "/api/v1/training/conflicts", headers=api_token(create_admin())).json] == [
        sessions[1].id]
    # Another municipality's staff see none of it; anyone else may not ask.
    assert client.get("/api/v1/training/conflicts",
                      headers=api_token(create_municipal_staff())).json == []
    for outsider in (world.centre_staff, create_centre_staff(), create_user()):
        response = client.get("/api/v1/training/conflicts", headers=api_token(outsider))
        assert response.status_code == 403
        assert response.json["error"]["code"] == "not_space_staff"
    assert client.get("/api/v1/training/conflicts").status_code == 401

    # Moved off the blocked day through the API, it leaves the list.
    move = client.post(f"/api/v1/training/bookings/{row['booking_id']}/sessions/"
                       f"{row['session_id']}/move", json={
                           "day": (next_weekday(5) + timedelta(days=8)).isoformat(),
                           "starts_at": "10:00", "ends_at": "12:00"},
                       headers=api_token(world.staff))
    assert move.status_code == 200, move.json
    assert client.get("/api/v1/training/conflicts", headers=api_token(world.staff)).json == []


def test_openapi_documents_the_new_training_operations(client):
    spec = client.get("/api/openapi.json").json
    paths = spec["paths"]
    public = paths["/api/v1/training/spaces/{space_id}/public"]["get"]
    assert "security" not in public or public["security"] in ([], [{}])
    assert "200" in public["responses"] and "default" in public["responses"]  # the envelope
    conflicts = paths["/api/v1/training/conflicts"]["get"]
    documented = conflicts["summary"] + conflicts.get("description", "")
    assert conflicts["security"] and "403 `not_space_staff`" in documented
    for action in ("move", "cancel"):
        operation = paths[f"/api/v1/training/bookings/{{booking_id}}/sessions/{{session_id}}/"
                          f"{action}"]["post"]
        assert operation["summary"] and "requestBody" in operation
    schemas = spec["components"]["schemas"]
    assert {"PublicSpace", "LateConflict", "MoveIn", "CancelSessionIn"} <= set(schemas)
