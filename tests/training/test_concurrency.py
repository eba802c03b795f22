"""100 concurrent approvals of overlapping requests for one space: exactly one wins, on SQLite
(serialised writers) and PostgreSQL (advisory lock, and the exclusion constraint beneath it)."""

import threading

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.training.models import Booking, SessionStatus, TrainingSession
from marketplace.training.services.bookings import BookingData, request_booking
from tests.training.conftest import next_weekday

WORKERS = 100


def _overlapping_requests(db, world, n):
    """n bookings of the same space, each a session overlapping all the others."""
    from datetime import time

    day = next_weekday(5)
    made = []
    for i in range(n):
        booking = request_booking(world.centre_staff, world.space, world.centre, BookingData(
            kind="class", title=f"Class {i}", expected_attendance=5,
            starts_at=time(9 + i % 3, 0), ends_at=time(12 + i % 3, 0), day=day))
        made.append(booking)
    db.session.commit()
    return [(b.id, b.sessions[0].id) for b in made]


def test_one_hundred_concurrent_approvals_of_overlapping_requests_give_exactly_one(
        app, db, world, api_token):
    requests = _overlapping_requests(db, world, WORKERS)
    headers = api_token(world.staff)
    db.session.rollback()  # the workers compete only with each other
    barrier = threading.Barrier(WORKERS)
    statuses: list[int] = []
    codes: list[str] = []
    lock = threading.Lock()

    def worker(booking_id, session_id):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(f"/api/v1/training/bookings/{booking_id}/approve",
                                   json={"session_ids": [session_id]}, headers=headers)
            db.session.remove()
        with lock:
            statuses.append(response.status_code)
            if response.status_code != 200:
                codes.append(response.json["error"]["code"])

    threads = [threading.Thread(target=worker, args=pair) for pair in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * (WORKERS - 1)
    assert set(codes) == {"session_conflict"}
    db.session.expire_all()
    approved = db.session.scalar(select(func.count()).select_from(TrainingSession).where(
        TrainingSession.status == SessionStatus.APPROVED))
    assert approved == 1
    assert db.session.scalar(select(func.count()).select_from(Booking)) == WORKERS


@pytest.mark.postgres_only("the exclusion constraint is PostgreSQL's (btree_gist)")
def test_the_database_itself_refuses_two_overlapping_approved_sessions(db, world):
    """Even a write that skips the service cannot approve two overlapping sessions."""
    (first, _), (second, _) = _overlapping_requests(db, world, 2)
    db.session.execute(update(TrainingSession).where(TrainingSession.booking_id == first)
                       .values(status="approved"))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(update(TrainingSession).where(TrainingSession.booking_id == second)
                           .values(status="approved"))
        db.session.flush()
    db.session.rollback()
    # Touching end to start is not an overlap ([) ranges), and another space is another space.
    db.session.execute(update(TrainingSession).where(TrainingSession.booking_id == first)
                       .values(status="withdrawn"))
    db.session.execute(update(TrainingSession).where(TrainingSession.booking_id == second)
                       .values(status="approved"))
    db.session.commit()
