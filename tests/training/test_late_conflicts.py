"""Sessions approved before a later block or market day on their space: listed for the
space's municipal staff (theirs only), found when staff block a period."""

from datetime import timedelta

from sqlalchemy import select

from marketplace.training.models import TrainingSession
from tests.training.conftest import next_weekday


def test_blocks_and_market_days_after_approval_are_listed_for_the_space_staff(
        client, db, login, world, approved_course, request_booking, create_market,
        create_municipal_staff, create_user):
    course = approved_course()  # three approved Saturdays, 10:00–12:00
    first, second, third = (next_weekday(5) + timedelta(days=7 * n) for n in range(3))
    # Still waiting on the day blocked below: a request, never a conflict.
    request_booking(day=second.isoformat(), starts_at="14:00", ends_at="16:00")
    world.space.used_by_markets = True
    db.session.commit()
    create_market(venue=world.venue, starts_on=third, ends_on=third)

    login(world.staff)
    response = client.post(f"/training/spaces/{world.space.id}/block", data={
        "starts_on": second.isoformat(), "ends_on": second.isoformat(), "reason": "repairs",
        "note": "تعمیر سقف"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == "/training/conflicts"  # the block caught a session
    sessions = {s.starts_at.date(): s.id for s in db.session.scalars(
        select(TrainingSession).where(TrainingSession.booking_id == course["booking_id"]))}
    assert f'data-session="{sessions[first]}"' not in html
    assert f'data-session="{sessions[second]}"' in html and "تعمیر سقف" in html
    assert f'data-session="{sessions[third]}"' in html and 'data-reason="market"' in html
    assert html.count("data-session=") == 2

    login(create_municipal_staff())  # another municipality's staff: not theirs
    assert "data-session=" not in client.get("/training/conflicts").get_data(as_text=True)
    for outsider in (world.centre_staff, create_user()):
        login(outsider)
        assert client.get("/training/conflicts").status_code == 404
