"""Shared pieces for training tests: a municipality with a venue and a classroom, its staff,
a training centre with its staff, and helpers to request a booking through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from marketplace.training.models import Space


def next_weekday(weekday: int, days_ahead: int = 7) -> date:
    """The first `weekday` (Monday 0) at least `days_ahead` days from now (in Tehran too)."""
    start = (datetime.now(UTC) + timedelta(days=days_ahead)).date()
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@dataclass
class World:
    municipality: object
    staff: object
    venue: object
    space: Space
    centre: object
    centre_staff: object


@pytest.fixture
def create_space(db, create_venue):
    def make(venue=None, **overrides) -> Space:
        values = {"name_fa": "کلاس طراحی", "name_en": "Design classroom", "capacity": 20,
                  "equipment": ["power", "projector"], "opens_at": time(8, 0),
                  "closes_at": time(20, 0), "open_weekdays": [0, 1, 2, 3, 4, 5, 6],
                  **overrides}
        space = Space(venue=venue or create_venue(), **values)
        db.session.add(space)
        db.session.commit()
        return space

    return make


@pytest.fixture
def world(create_municipality, create_municipal_staff, create_venue, create_space,
          create_centre, create_centre_staff):
    # Names without digits: Persian pages are checked for Latin digits.
    municipality = create_municipality(name_fa="شهرداری سردرود", city="سردرود")
    staff = create_municipal_staff(municipality=municipality)
    venue = create_venue(municipality=municipality, name_fa="فرهنگسرای سردرود")
    space = create_space(venue=venue)
    centre = create_centre(name_fa="آموزشگاه تابلو فرش سردرود", name_en="Sardrud institute")
    return World(municipality, staff, venue, space, centre, create_centre_staff(centre=centre))


def booking_body(world, **overrides) -> dict:
    """A one-session request for next Saturday 10:00–12:00, for 12 people."""
    body = {"centre_id": world.centre.id, "kind": "class", "title": "Dyeing class",
            "expected_attendance": 12, "equipment_needs": ["power"], "starts_at": "10:00",
            "ends_at": "12:00", "day": next_weekday(5).isoformat()}
    body.update(overrides)
    return body


@pytest.fixture
def request_booking(client, api_token, world):
    """request_booking(**overrides) -> the JSON of a booking requested by the centre."""
    headers = api_token(world.centre_staff)

    def make(space=None, **overrides) -> dict:
        space = space or world.space
        response = client.post(f"/api/v1/training/spaces/{space.id}/bookings",
                               json=booking_body(world, **overrides), headers=headers)
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def approved_course(client, api_token, world, request_booking):
    """A course on an approved weekly booking (three Saturdays), 2 places and a waitlist of 1."""
    def make(capacity=2, waitlist_size=1, **overrides) -> dict:
        saturday = next_weekday(5)
        booking = request_booking(day=None, series={
            "weekdays": ["SA"], "every_weeks": 1, "starts_on": saturday.isoformat(),
            "ends_on": (saturday + timedelta(days=14)).isoformat()})
        staff = api_token(world.staff)
        response = client.post(f"/api/v1/training/bookings/{booking['id']}/approve",
                               json={"session_ids": [s["id"] for s in booking["sessions"]]},
                               headers=staff)
        assert response.status_code == 200, response.json
        response = client.post(f"/api/v1/training/bookings/{booking['id']}/course", json={
            "title": "Carpet design for beginners", "trade": "carpet_design",
            "teacher": "Maryam", "capacity": capacity, "waitlist_size": waitlist_size,
            **overrides}, headers=api_token(world.centre_staff))
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def afternoon_course(client, api_token, world, request_booking):
    """A one-session course next Saturday afternoon (beside approved_course's mornings)."""
    def make(**overrides) -> dict:
        booking = request_booking(starts_at="14:00", ends_at="16:00", title="کارگاه رنگرزی")
        client.post(f"/api/v1/training/bookings/{booking['id']}/approve",
                    json={"session_ids": [s["id"] for s in booking["sessions"]]},
                    headers=api_token(world.staff))
        response = client.post(f"/api/v1/training/bookings/{booking['id']}/course", json={
            "title": "کارگاه رنگرزی", "trade": "dyeing", "teacher": "رضا", "capacity": 5,
            **overrides}, headers=api_token(world.centre_staff))
        assert response.status_code == 201, response.json
        return response.json

    return make
