"""Requests and decisions through the API: bad input is a clear 4xx that writes nothing,
conflicts are shown session by session before approval, approvals never overlap, staff of
another municipality cannot decide, proposals and withdrawals."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.booths.models import BlockReason
from marketplace.notifications.models import EventKind, Notification
from marketplace.training.models import (
    Booking,
    SessionStatus,
    SpaceBlock,
    TrainingSession,
)
from tests.training.conftest import booking_body, next_weekday


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def post_booking(client, api_token, world, space=None, **overrides):
    space = space or world.space
    return client.post(f"/api/v1/training/spaces/{space.id}/bookings",
                       json=booking_body(world, **overrides),
                       headers=api_token(world.centre_staff))


def test_a_single_session_request_waits_for_the_municipality(client, db, world, api_token,
                                                              outbox):
    response = post_booking(client, api_token, world)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "pending"
    (session,) = response.json["sessions"]
    assert session["status"] == "requested"
    # Saturday 10:00 in Tehran (UTC+3:30) is 06:30 UTC.
    assert session["starts_at"].endswith("06:30:00+00:00")
    assert [m["To"] for m in outbox()] == [world.staff.email]
    # ...and on their bell, through the notification centre.
    (notice,) = db.session.scalars(select(Notification).where(
        Notification.recipient_id == world.staff.id)).all()
    assert notice.kind == EventKind.SPACE_BOOKING and notice.link.startswith("/")


def test_a_weekly_series_chosen_in_words_makes_one_session_a_week(client, db, world,
                                                                   api_token):
    saturday = next_weekday(5)
    response = post_booking(client, api_token, world, day=None, series={
        "weekdays": ["SA", "MO"], "every_weeks": 1, "starts_on": saturday.isoformat(),
        "ends_on": (saturday + timedelta(days=20)).isoformat()})
    assert response.status_code == 201, response.json
    assert response.json["recurrence_rule"] == "FREQ=WEEKLY;INTERVAL=1;WKST=SA;BYDAY=MO,SA"
    assert len(response.json["sessions"]) == 6


def _far_saturday(weeks: int) -> str:
    return next_weekday(5, 7 * weeks).isoformat()


@pytest.mark.parametrize(("overrides", "status", "code"), [
    ({"starts_at": "06:00", "ends_at": "09:00"}, 422, "outside_opening_hours"),
    ({"starts_at": "19:00", "ends_at": "21:00"}, 422, "outside_opening_hours"),
    ({"expected_attendance": 21}, 422, "over_capacity"),
    ({"equipment_needs": ["looms"]}, 422, "equipment_missing"),
    ({"day": (datetime.now(UTC) - timedelta(days=3)).date().isoformat()}, 422,
     "session_in_past"),
    ({"starts_at": "12:00", "ends_at": "10:00"}, 422, "invalid_session_time"),
    ({"day": None}, 422, "series_empty"),
    ({"day": None, "series": {"weekdays": [], "starts_on": _far_saturday(1),
                              "ends_on": _far_saturday(3)}}, 422, "series_empty"),
    ({"day": None, "series": {"weekdays": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
                              "starts_on": _far_saturday(1), "ends_on": _far_saturday(300)}},
     422, "series_too_long"),
    ({"kind": "party"}, 422, "validation_error"),
    ({"expected_attendance": 0}, 422, "validation_error"),
])
def test_bad_requests_are_refused_and_write_nothing(client, db, world, api_token, overrides,
                                                    status, code):
    response = post_booking(client, api_token, world, **overrides)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert count(db, Booking) == 0
    assert count(db, TrainingSession) == 0


def test_a_blocked_period_and_a_market_day_refuse_the_session(client, db, world, api_token,
                                                              create_market):
    saturday = next_weekday(5)
    db.session.add(SpaceBlock(space=world.space, starts_on=saturday, ends_on=saturday,
                              reason=BlockReason.REPAIRS))
    db.session.commit()
    response = post_booking(client, api_token, world)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "blocked_period"

    world.space.used_by_markets = True
    db.session.commit()
    market = create_market(venue=world.venue, days=1, starts_in=(
        next_weekday(0, 14) - datetime.now(UTC).date()).days)
    response = post_booking(client, api_token, world, day=market.days[0].day.isoformat())
    assert response.status_code == 422
    assert response.json["error"]["code"] == "market_day"
    # The same day in a space the markets do not use is fine.
    world.space.used_by_markets = False
    db.session.commit()
    assert post_booking(client, api_token, world,
                        day=market.days[0].day.isoformat()).status_code == 201
    assert count(db, Booking) == 1


def test_only_the_centres_own_staff_request_for_it(client, db, world, api_token,
                                                   create_centre_staff):
    outsider = create_centre_staff()
    response = client.post(f"/api/v1/training/spaces/{world.space.id}/bookings",
                           json=booking_body(world), headers=api_token(outsider))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "not_centre_staff"
    assert count(db, Booking) == 0


def test_conflicts_are_shown_session_by_session_and_approval_never_overlaps(
        client, db, world, api_token, request_booking):
    saturday = next_weekday(5)
    series = {"weekdays": ["SA"], "every_weeks": 1, "starts_on": saturday.isoformat(),
              "ends_on": (saturday + timedelta(days=14)).isoformat()}
    first = request_booking(day=None, series=series)
    other = request_booking(title="Seminar", starts_at="11:00", ends_at="13:00",
                            day=(saturday + timedelta(days=7)).isoformat())
    staff = api_token(world.staff)
    client.post(f"/api/v1/training/bookings/{other['id']}/approve",
                json={"session_ids": [other["sessions"][0]["id"]]}, headers=staff)

    seen = client.get(f"/api/v1/training/bookings/{first['id']}", headers=staff).json
    conflicts = [s["conflicting_session_ids"] for s in seen["sessions"]]
    assert conflicts == [[], [other["sessions"][0]["id"]], []]
    # The centre does not see the staff's checks.
    mine = client.get(f"/api/v1/training/bookings/{first['id']}",
                      headers=api_token(world.centre_staff)).json
    assert all(s["conflicting_session_ids"] == [] for s in mine["sessions"])

    ids = [s["id"] for s in first["sessions"]]
    response = client.post(f"/api/v1/training/bookings/{first['id']}/approve",
                           json={"session_ids": ids}, headers=staff)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "session_conflict"
    db.session.expire_all()
    assert count(db, TrainingSession) == 4
    assert db.session.scalar(select(func.count()).select_from(TrainingSession).where(
        TrainingSession.status == SessionStatus.APPROVED)) == 1

    # Approve the free ones, propose another time for the other; the centre accepts.
    response = client.post(f"/api/v1/training/bookings/{first['id']}/approve",
                           json={"session_ids": [ids[0], ids[2]]}, headers=staff)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "pending"
    busy_day = saturday + timedelta(days=7)
    response = client.post(
        f"/api/v1/training/bookings/{first['id']}/sessions/{ids[1]}/propose",
        json={"day": busy_day.isoformat(), "starts_at": "14:00", "ends_at": "16:00"},
        headers=staff)
    assert response.status_code == 200, response.json
    assert [s["status"] for s in response.json["sessions"]] == ["approved", "proposed",
                                                                "approved"]
    # Only the centre accepts.
    assert client.post(f"/api/v1/training/bookings/{first['id']}/sessions/{ids[1]}/accept",
                       headers=staff).status_code == 403
    response = client.post(
        f"/api/v1/training/bookings/{first['id']}/sessions/{ids[1]}/accept",
        headers=api_token(world.centre_staff))
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"
    moved = response.json["sessions"][1]
    assert moved["status"] == "approved" and moved["starts_at"].endswith("10:30:00+00:00")


def test_a_proposed_time_must_be_free_and_open(client, db, world, api_token,
                                               request_booking):
    booking = request_booking()
    session_id = booking["sessions"][0]["id"]
    url = f"/api/v1/training/bookings/{booking['id']}/sessions/{session_id}/propose"
    staff = api_token(world.staff)
    response = client.post(url, json={"day": next_weekday(5).isoformat(), "starts_at": "21:00",
                                      "ends_at": "22:00"}, headers=staff)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "outside_opening_hours"


def test_staff_of_another_municipality_cannot_decide(client, db, world, api_token,
                                                     request_booking, create_municipal_staff):
    booking = request_booking()
    outsider = api_token(create_municipal_staff())
    ids = [s["id"] for s in booking["sessions"]]
    for path, body in (("approve", {"session_ids": ids}), ("reject", {"reason": "no"})):
        response = client.post(f"/api/v1/training/bookings/{booking['id']}/{path}", json=body,
                               headers=outsider)
        # They cannot even see it: someone else's booking is as good as missing.
        assert response.status_code == 404
        assert response.json["error"]["code"] == "unknown_booking"
    db.session.expire_all()
    assert db.session.scalars(select(TrainingSession.status)).all() == [SessionStatus.REQUESTED]


def test_rejecting_needs_a_reason_the_centre_reads(client, db, world, api_token,
                                                   request_booking, outbox):
    booking = request_booking()
    staff = api_token(world.staff)
    url = f"/api/v1/training/bookings/{booking['id']}/reject"
    assert client.post(url, json={"reason": "   "}, headers=staff).status_code == 422
    response = client.post(url, json={"reason": "Official ceremony that day"}, headers=staff)
    assert response.status_code == 200
    assert response.json["status"] == "rejected"
    assert response.json["rejection_reason"] == "Official ceremony that day"
    mails = [m for m in outbox() if m["To"] == world.centre_staff.email]
    assert mails and "Official ceremony that day" in mails[-1].get_content()
    # A closed booking takes no more decisions.
    response = client.post(f"/api/v1/training/bookings/{booking['id']}/approve",
                           json={"session_ids": [booking["sessions"][0]["id"]]}, headers=staff)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "booking_closed"


def test_withdrawing_frees_the_space(client, db, world, api_token, request_booking):
    first = request_booking()
    staff = api_token(world.staff)
    client.post(f"/api/v1/training/bookings/{first['id']}/approve",
                json={"session_ids": [first["sessions"][0]["id"]]}, headers=staff)
    second = request_booking(title="Another class")
    url = f"/api/v1/training/bookings/{second['id']}/approve"
    body = {"session_ids": [second["sessions"][0]["id"]]}
    assert client.post(url, json=body, headers=staff).status_code == 409
    response = client.post(f"/api/v1/training/bookings/{first['id']}/withdraw", json={},
                           headers=api_token(world.centre_staff))
    assert response.json["status"] == "withdrawn"
    assert client.post(url, json=body, headers=staff).status_code == 200
