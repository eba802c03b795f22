"""Public courses: publishing on an approved booking, registering with capacity and a
waitlist that moves up by itself, refusals, attendance and the CSV export."""

import csv
import io

from sqlalchemy import func, select

from marketplace.training.models import Registration, RegistrationStatus


def register(client, api_token, user, course_id):
    return client.post(f"/api/v1/training/courses/{course_id}/registrations",
                       headers=api_token(user))


def statuses(db, course_id):
    db.session.expire_all()
    return dict(db.session.execute(select(Registration.user_id, Registration.status).where(
        Registration.course_id == course_id)).all())


def test_capacity_waitlist_and_refusals(client, db, world, api_token, approved_course,
                                        create_user, outbox):
    course = approved_course(capacity=2, waitlist_size=1)
    a, b, c, d = (create_user() for _ in range(4))
    assert register(client, api_token, a, course["id"]).json["status"] == "registered"
    assert register(client, api_token, b, course["id"]).json["status"] == "registered"
    waiting = register(client, api_token, c, course["id"])
    assert waiting.status_code == 201 and waiting.json["status"] == "waitlisted"

    twice = register(client, api_token, a, course["id"])
    assert twice.status_code == 409 and twice.json["error"]["code"] == "already_registered"
    full = register(client, api_token, d, course["id"])
    assert full.status_code == 409 and full.json["error"]["code"] == "course_full"
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 3

    # b cancels: c moves up at once and is told; d may now wait.
    b_registration = db.session.scalar(select(Registration).where(Registration.user_id == b.id))
    response = client.delete(f"/api/v1/training/registrations/{b_registration.id}",
                             headers=api_token(b))
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert statuses(db, course["id"]) == {a.id: RegistrationStatus.REGISTERED,
                                          b.id: RegistrationStatus.CANCELLED,
                                          c.id: RegistrationStatus.REGISTERED}
    assert any(m["To"] == c.email for m in outbox())
    assert register(client, api_token, d, course["id"]).json["status"] == "waitlisted"
    # Someone else cannot cancel a's place.
    a_registration = db.session.scalar(select(Registration).where(Registration.user_id == a.id))
    assert client.delete(f"/api/v1/training/registrations/{a_registration.id}",
                         headers=api_token(d)).status_code == 404


def test_a_course_needs_an_approved_booking_and_fits_the_space(client, db, world, api_token,
                                                               request_booking):
    booking = request_booking()
    body = {"title": "T", "trade": "dyeing", "teacher": "R", "capacity": 5}
    url = f"/api/v1/training/bookings/{booking['id']}/course"
    response = client.post(url, json=body, headers=api_token(world.centre_staff))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "booking_not_approved"
    client.post(f"/api/v1/training/bookings/{booking['id']}/approve",
                json={"session_ids": [booking["sessions"][0]["id"]]},
                headers=api_token(world.staff))
    response = client.post(url, json={**body, "capacity": 50},
                           headers=api_token(world.centre_staff))
    assert response.status_code == 422 and response.json["error"]["code"] == "over_capacity"
    assert client.post(url, json=body, headers=api_token(world.staff)).status_code == 403
    response = client.post(url, json=body, headers=api_token(world.centre_staff))
    assert response.status_code == 201
    again = client.post(url, json=body, headers=api_token(world.centre_staff))
    assert again.status_code == 409 and again.json["error"]["code"] == "course_exists"


def test_the_public_calendar_filters_by_city_trade_and_day(client, db, world, api_token,
                                                          approved_course):
    course = approved_course()
    city = world.municipality.city
    assert [c["id"] for c in client.get("/api/v1/training/courses").json] == [course["id"]]
    assert [c["id"] for c in client.get(
        "/api/v1/training/courses", query_string={"city": city}).json] == [course["id"]]
    assert client.get("/api/v1/training/courses", query_string={"city": "Tabriz"}).json == []
    assert client.get("/api/v1/training/courses",
                      query_string={"trade": "pottery"}).json == []
    assert client.get("/api/v1/training/courses",
                      query_string={"since": "2099-01-01"}).json == []


def test_attendance_and_the_export(client, db, world, api_token, approved_course,
                                   create_user, login):
    course = approved_course(capacity=3)
    people = [create_user(display_name=name) for name in ("=cmd", "Nima")]
    for person in people:
        register(client, api_token, person, course["id"])
    registrations = client.get(f"/api/v1/training/courses/{course['id']}/registrations",
                               headers=api_token(world.centre_staff)).json
    first_session = course["sessions"][0]["id"]
    url = f"/api/v1/training/courses/{course['id']}/sessions/{first_session}/attendance"
    response = client.put(url, json={"registration_ids": [registrations[1]["id"]]},
                          headers=api_token(world.centre_staff))
    assert response.status_code == 200 and response.json == {"present": 1}
    # Not someone else's course, and only registered people.
    assert client.put(url, json={"registration_ids": []},
                      headers=api_token(world.staff)).status_code == 404
    response = client.put(url, json={"registration_ids": [999999]},
                          headers=api_token(world.centre_staff))
    assert response.status_code == 422

    login(world.centre_staff)
    export = client.get(f"/training/courses/{course['id']}/registrations.csv?lang=en")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Name", "Phone", "Email", "Status"]
    assert len(rows[0]) == 5 + len(course["sessions"])
    assert rows[1][0] == "'=cmd"  # never a formula in a spreadsheet
    assert rows[2][0] == "Nima" and rows[2][5] == "1" and rows[1][5] == ""


def test_a_course_follows_its_booking_when_sessions_are_withdrawn(client, db, world, api_token,
                                                                  approved_course):
    course = approved_course()
    first, *rest = course["sessions"]
    booking_url = f"/api/v1/training/bookings/{course['booking_id']}/withdraw"
    centre = api_token(world.centre_staff)
    assert client.post(booking_url, json={"session_ids": [first["id"]]},
                       headers=centre).status_code == 200
    shown = client.get(f"/api/v1/training/courses/{course['id']}").json
    assert [s["id"] for s in shown["sessions"]] == [s["id"] for s in rest]
    assert client.post(booking_url, json={}, headers=centre).json["status"] == "withdrawn"
    assert client.get(f"/api/v1/training/courses/{course['id']}").json["is_cancelled"] is True
    assert client.get("/api/v1/training/courses").json == []
