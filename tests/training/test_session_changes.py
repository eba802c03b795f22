"""Moving or cancelling an already-approved session (the space's municipal staff): the same
checks as approving, the centre and every citizen on the course told in their language, a
link from the conflicts page, the role matrix, and two moves into one slot → exactly one."""

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from marketplace.core.i18n import marketplace_zone
from marketplace.notifications.models import EventKind, Notification
from marketplace.training.models import SessionStatus, TrainingSession
from marketplace.training.services.bookings import BookingData, approve_sessions, request_booking
from tests.training.conftest import next_weekday
from tests.training.test_roles import ROLES, call


def notices(db, user, kind):
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(
        Notification.recipient_id == user.id, Notification.kind == kind)
        .order_by(Notification.id)))


def course_sessions(db, course) -> list[TrainingSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.booking_id == course["booking_id"]).order_by(TrainingSession.starts_at)))


@pytest.fixture
def course_with_citizens(client, api_token, approved_course, create_user):
    """A course on three approved Saturdays (10–12) with a Persian and an English citizen."""
    course = approved_course(capacity=1, waitlist_size=1)
    fa, en = create_user(locale="fa"), create_user(locale="en")
    for citizen in (fa, en):  # one registered, one waiting: both expect the sessions
        response = client.post(f"/api/v1/training/courses/{course['id']}/registrations",
                               headers=api_token(citizen))
        assert response.status_code == 201
    return course, fa, en


def test_staff_move_an_approved_session_and_everyone_is_told(
        client, db, api_token, world, course_with_citizens):
    course, fa, en = course_with_citizens
    first = course_sessions(db, course)[0]
    first_id, day = first.id, next_weekday(5)
    response = client.post(
        f"/api/v1/training/bookings/{course['booking_id']}/sessions/{first.id}/move",
        json={"day": day.isoformat(), "starts_at": "15:00", "ends_at": "17:00",
              "reason": "Roof repairs in the morning"}, headers=api_token(world.staff))
    assert response.status_code == 200, response.json
    moved = next(s for s in response.json["sessions"] if s["id"] == first_id)
    expected = datetime.combine(day, time(15, 0), tzinfo=marketplace_zone()).astimezone(UTC)
    assert moved["status"] == "approved"
    assert datetime.fromisoformat(moved["starts_at"]) == expected
    assert course_sessions(db, course)[0].starts_at == expected

    (centre_notice,) = notices(db, world.centre_staff, EventKind.SPACE_BOOKING_ANSWER)[-1:]
    assert centre_notice.context["event"] == "moved"
    assert "Roof repairs" in centre_notice.body
    (fa_notice,) = notices(db, fa, EventKind.COURSE_SESSION_CHANGED)
    (en_notice,) = notices(db, en, EventKind.COURSE_SESSION_CHANGED)
    assert en_notice.title.startswith("A session of") and "moved" in en_notice.title
    assert "۱۵:۰۰" in fa_notice.body and "15:00" not in fa_notice.body
    assert "15:00" in en_notice.body
    assert fa_notice.link == f"/courses/{course['id']}"


def test_a_move_is_held_to_the_approval_checks_and_writes_nothing_when_refused(
        client, db, api_token, world, course_with_citizens, request_booking):
    course, fa, _en = course_with_citizens
    sessions = course_sessions(db, course)
    first, second = sessions[0], sessions[1]
    url = f"/api/v1/training/bookings/{course['booking_id']}/sessions/{first.id}/move"
    staff = api_token(world.staff)
    saturday = next_weekday(5)
    # Another centre's approved afternoon session next Saturday.
    other = request_booking(starts_at="14:00", ends_at="16:00", title="Other")
    client.post(f"/api/v1/training/bookings/{other['id']}/approve",
                json={"session_ids": [other["sessions"][0]["id"]]}, headers=staff)
    client.post(f"/api/v1/training/spaces/{world.space.id}/blocks", json={
        "starts_on": (saturday + timedelta(days=1)).isoformat(),
        "ends_on": (saturday + timedelta(days=1)).isoformat(), "reason": "repairs"},
        headers=staff)
    second_day = second.starts_at.astimezone().date()
    cases = [
        ({"day": saturday.isoformat(), "starts_at": "15:00", "ends_at": "17:00"}, 409,
         "session_conflict"),
        # Onto the booking's own next session.
        ({"day": second_day.isoformat(), "starts_at": "10:00", "ends_at": "12:00"}, 409,
         "session_conflict"),
        ({"day": saturday.isoformat(), "starts_at": "19:00", "ends_at": "21:00"}, 422,
         "outside_opening_hours"),
        ({"day": (saturday + timedelta(days=1)).isoformat(), "starts_at": "10:00",
          "ends_at": "12:00"}, 422, "blocked_period"),
        ({"day": "2001-01-06", "starts_at": "10:00", "ends_at": "12:00"}, 422,
         "session_in_past"),
        ({"day": saturday.isoformat(), "starts_at": "12:00", "ends_at": "10:00"}, 422,
         "invalid_session_time"),
    ]
    for body, status, code in cases:
        response = client.post(url, json=body, headers=staff)
        assert response.status_code == status, (body, response.json)
        assert response.json["error"]["code"] == code
    # Unknown fields and a bad time are the schema's 422.
    assert client.post(url, json={"day": "x"}, headers=staff).status_code == 422
    assert [s.starts_at for s in course_sessions(db, course)] == [s.starts_at for s in sessions]
    assert notices(db, fa, EventKind.COURSE_SESSION_CHANGED) == []
    # A session not approved (or not of this booking) cannot be moved.
    pending = request_booking(starts_at="17:00", ends_at="18:00", title="Pending")
    response = client.post(
        f"/api/v1/training/bookings/{pending['id']}/sessions/{pending['sessions'][0]['id']}/move",
        json={"day": saturday.isoformat(), "starts_at": "17:00", "ends_at": "18:00"},
        headers=staff)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "session_not_pending"
    response = client.post(
        f"/api/v1/training/bookings/{course['booking_id']}/sessions/{pending['sessions'][0]['id']}"
        "/move", json={"day": saturday.isoformat(), "starts_at": "17:00", "ends_at": "18:00"},
        headers=staff)
    assert response.status_code == 404


def test_staff_cancel_an_approved_session_with_a_reason(client, db, api_token, world,
                                                        course_with_citizens):
    course, fa, en = course_with_citizens
    sessions = course_sessions(db, course)
    url = (f"/api/v1/training/bookings/{course['booking_id']}/sessions/{sessions[0].id}"
           "/cancel")
    staff = api_token(world.staff)
    for body in ({}, {"reason": "   "}):
        assert client.post(url, json=body, headers=staff).status_code == 422
    assert course_sessions(db, course)[0].status == SessionStatus.APPROVED

    response = client.post(url, json={"reason": "An official ceremony"}, headers=staff)
    assert response.status_code == 200, response.json
    assert [s["status"] for s in response.json["sessions"]] == ["rejected", "approved",
                                                                "approved"]
    assert response.json["status"] == "approved"  # two sessions still hold the space
    (en_notice,) = notices(db, en, EventKind.COURSE_SESSION_CHANGED)
    assert "cancelled" in en_notice.title and "An official ceremony" in en_notice.body
    (fa_notice,) = notices(db, fa, EventKind.COURSE_SESSION_CHANGED)
    assert "An official ceremony" in fa_notice.body
    assert notices(db, world.centre_staff,
                   EventKind.SPACE_BOOKING_ANSWER)[-1].context["event"] == "cancelled"
    # Cancelled once: not again; the freed time can be approved for someone else.
    assert client.post(url, json={"reason": "again"}, headers=staff).status_code == 409
    course_page = client.get(f"/api/v1/training/courses/{course['id']}").json
    assert len(course_page["sessions"]) == 2


def test_cancelling_every_session_cancels_the_course(client, db, api_token, world,
                                                     course_with_citizens):
    course, _fa, _en = course_with_citizens
    staff = api_token(world.staff)
    for session in course_sessions(db, course):
        response = client.post(f"/api/v1/training/bookings/{course['booking_id']}/sessions/"
                               f"{session.id}/cancel", json={"reason": "Closed"},
                               headers=staff)
        assert response.status_code == 200
    assert response.json["status"] == "rejected"
    assert client.get(f"/api/v1/training/courses/{course['id']}").json["is_cancelled"] is True


ALLOWED = {"space_staff", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_moving_and_cancelling(client, db, api_token, world, approved_course,
                                               create_municipal_staff, create_centre_staff,
                                               create_admin, create_user, role):
    people = {"space_staff": world.staff, "other_staff": create_municipal_staff(),
              "centre_staff": world.centre_staff, "other_centre": create_centre_staff(),
              "admin": create_admin(), "citizen": create_user(), "anonymous": None}
    course = approved_course()
    first, second = course_sessions(db, course)[:2]
    base = f"/api/v1/training/bookings/{course['booking_id']}/sessions"
    checks = {
        "move": ("POST", f"{base}/{first.id}/move", {
            "day": next_weekday(5).isoformat(), "starts_at": "15:00", "ends_at": "17:00"}),
        "cancel": ("POST", f"{base}/{second.id}/cancel", {"reason": "Repairs"}),
    }
    for action, (method, url, body) in checks.items():
        response = call(client, api_token, people[role], method, url, body)
        if role in ALLOWED:
            assert response.status_code == 200, (action, response.json)
        else:
            expected = {"other_staff": 404, "other_centre": 404, "citizen": 404,
                        "centre_staff": 403, "anonymous": 401}[role]
            assert response.status_code == expected, (action, response.status_code)
            assert response.json["error"]["code"]
        db.session.rollback()
    changed = {s.id: s for s in course_sessions(db, course)}
    assert (changed[second.id].status == SessionStatus.REJECTED) == (role in ALLOWED)


def test_the_conflicts_page_links_each_session_to_move_or_cancel_it(
        client, db, login, world, approved_course, create_municipal_staff):
    course = approved_course()
    first = course_sessions(db, course)[0]
    day = first.starts_at.astimezone(marketplace_zone()).date()
    login(world.staff)
    client.post(f"/training/spaces/{world.space.id}/block", data={
        "starts_on": day.isoformat(), "ends_on": day.isoformat(), "reason": "repairs"})
    html = client.get("/training/conflicts").get_data(as_text=True)
    link = f"/training/bookings/{course['booking_id']}/sessions/{first.id}/change"
    assert link in html
    page = client.get(link)
    assert page.status_code == 200 and 'id="move-form"' in page.get_data(as_text=True)

    # Refused in the form: the day is blocked, so the page comes back with the reason.
    response = client.post(link.replace("/change", "/move"), data={
        "day": day.isoformat(), "starts_at": "15:00", "ends_at": "17:00"})
    assert response.status_code == 422
    assert "blocked" in response.get_data(as_text=True)
    later = day + timedelta(days=1)
    response = client.post(link.replace("/change", "/move"), data={
        "day": later.isoformat(), "starts_at": "15:00", "ends_at": "17:00",
        "reason": "Repairs"})
    assert response.status_code == 302
    assert "data-session=" not in client.get("/training/conflicts").get_data(as_text=True)
    db.session.expire_all()
    moved = db.session.get(TrainingSession, first.id)
    assert moved.starts_at.astimezone(marketplace_zone()).date() == later

    # The web form to cancel needs a reason; then the session is off.
    second = course_sessions(db, course)[1]
    cancel = f"/training/bookings/{course['booking_id']}/sessions/{second.id}/cancel"
    assert client.post(cancel, data={"reason": ""}).status_code == 422
    assert client.post(cancel, data={"reason": "Ceremony"}).status_code == 302
    assert db.session.get(TrainingSession, second.id).status == SessionStatus.REJECTED

    login(create_municipal_staff())  # another municipality's staff
    assert client.get(link).status_code == 404
    login(world.centre_staff)
    assert client.get(link).status_code == 404


WORKERS = 20


def test_concurrent_moves_into_one_slot_give_exactly_one(app, db, world, api_token):
    """Approved sessions on WORKERS different days, all moved at once into one free slot."""
    start = next_weekday(5)
    ids = []
    for i in range(WORKERS):
        booking = request_booking(world.centre_staff, world.space, world.centre, BookingData(
            kind="class", title=f"Class {i}", expected_attendance=5, starts_at=time(9, 0),
            ends_at=time(10, 0), day=start + timedelta(days=i + 1)))
        approve_sessions(world.staff, booking, [booking.sessions[0].id])
        ids.append((booking.id, booking.sessions[0].id))
    db.session.commit()
    headers = api_token(world.staff)
    db.session.rollback()
    barrier = threading.Barrier(WORKERS)
    statuses: list[int] = []
    codes: list[str] = []
    lock = threading.Lock()

    def worker(booking_id, session_id):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(
                f"/api/v1/training/bookings/{booking_id}/sessions/{session_id}/move",
                json={"day": start.isoformat(), "starts_at": "15:00", "ends_at": "17:00"},
                headers=headers)
            db.session.remove()
        with lock:
            statuses.append(response.status_code)
            if response.status_code != 200:
                codes.append(response.json["error"]["code"])

    threads = [threading.Thread(target=worker, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * (WORKERS - 1)
    assert set(codes) == {"session_conflict"}
    db.session.expire_all()
    approved = list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.status == SessionStatus.APPROVED)))
    assert len(approved) == WORKERS  # every session still holds the space, once
    moved_into_slot = [s for s in approved
                       if s.starts_at.astimezone(marketplace_zone()).date() == start]
    assert len(moved_into_slot) == 1


def _start_at(db, session_id: int, starts_at: datetime) -> None:
    """Put an approved session at `starts_at` (two hours long), as if its day had come."""
    session = db.session.get(TrainingSession, session_id)
    session.starts_at, session.ends_at = starts_at, starts_at + timedelta(hours=2)
    db.session.commit()


@pytest.mark.parametrize("started", [timedelta(hours=1), timedelta(days=3)],
                         ids=["under_way", "taken_place"])
def test_a_session_that_has_started_is_neither_moved_nor_cancelled(
        client, db, api_token, world, course_with_citizens, started):
    course, fa, _en = course_with_citizens
    first = course_sessions(db, course)[0]
    first_id = first.id
    _start_at(db, first_id, datetime.now(UTC) - started)
    before = course_sessions(db, course)
    base = f"/api/v1/training/bookings/{course['booking_id']}/sessions/{first_id}"
    staff = api_token(world.staff)
    for action, body in (
            ("move", {"day": next_weekday(5).isoformat(), "starts_at": "15:00",
                      "ends_at": "17:00", "reason": "Repairs"}),
            ("cancel", {"reason": "Repairs"})):
        response = client.post(f"{base}/{action}", json=body, headers=staff)
        assert response.status_code == 409, (action, response.json)
        assert response.json["error"]["code"] == "session_started"
        assert "already started" in response.json["error"]["message"]
    after = course_sessions(db, course)
    assert [(s.starts_at, s.status, s.note) for s in after] == \
        [(s.starts_at, s.status, s.note) for s in before]
    assert notices(db, fa, EventKind.COURSE_SESSION_CHANGED) == []
    assert client.get(f"/api/v1/training/courses/{course['id']}").json["is_cancelled"] is False


def test_the_web_forms_refuse_a_session_that_has_started(client, db, login, world,
                                                         course_with_citizens):
    course, fa, _en = course_with_citizens
    first_id = course_sessions(db, course)[0].id
    _start_at(db, first_id, datetime.now(UTC) - timedelta(minutes=30))
    before = course_sessions(db, course)[0].starts_at
    login(world.staff)
    base = f"/training/bookings/{course['booking_id']}/sessions/{first_id}"
    response = client.post(f"{base}/move", data={
        "day": next_weekday(5).isoformat(), "starts_at": "15:00", "ends_at": "17:00",
        "reason": "Repairs"})
    assert response.status_code == 409
    assert "already started" in response.get_data(as_text=True)
    response = client.post(f"{base}/cancel", data={"reason": "Repairs"})
    assert response.status_code == 409
    assert "already started" in response.get_data(as_text=True)
    (session,) = course_sessions(db, course)[:1]
    assert (session.starts_at, session.status) == (before, SessionStatus.APPROVED)
    assert notices(db, fa, EventKind.COURSE_SESSION_CHANGED) == []


def test_a_session_cannot_be_moved_into_today_s_past_hours(client, db, api_token, world,
                                                         course_with_citizens):
    """Earlier today counts as the past, not only an earlier day."""
    course, _fa, _en = course_with_citizens
    first = course_sessions(db, course)[0]
    first_id, before = first.id, first.starts_at
    now = datetime.now(marketplace_zone())
    if now.hour < 1:
        pytest.skip("no hour of today has passed yet in the marketplace's zone")
    response = client.post(
        f"/api/v1/training/bookings/{course['booking_id']}/sessions/{first_id}/move",
        json={"day": now.date().isoformat(), "starts_at": "00:00",
              "ends_at": f"{now.hour:02d}:00"}, headers=api_token(world.staff))
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "session_in_past"
    assert course_sessions(db, course)[0].starts_at == before
