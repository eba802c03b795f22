"""From the needs assessment to a course: a skill buyers want reads in the one trade list
courses use, the report shows the courses of its trade held and planned, and centre staff
propose a course for it in one step (the trade and title carried to the request form, then to
the course)."""

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import insert, select, update

from marketplace.catalogue.models import SearchLog
from marketplace.core.db import utcnow
from marketplace.core.text import normalize
from marketplace.reports.models import TermSkill
from marketplace.training.models import Booking, Course


def _searched(db, term: str, city: str, visitors: int = 6) -> None:
    db.session.execute(insert(SearchLog), [
        {"query": normalize(term), "filters": {"city": city}, "result_count": 0,
         "duration_ms": 5, "source": "html", "created_at": utcnow(), "visitor": f"v{n:015d}"}
        for n in range(visitors)])
    db.session.add(TermSkill(term=normalize("رنگرزی"), skill_fa="رنگرزی گیاهی",
                             skill_en="Natural dyeing", trade="dyeing"))
    db.session.commit()


def _skills_rows(html: str) -> dict[str, str]:
    """The skills section's cells of its one row, by column key."""
    return dict(re.findall(r'data-col="(trade|courses_held|courses_planned|skill)">([^<]*)<',
                           html))


def test_a_wanted_skill_shows_its_courses_and_becomes_a_proposal(
        client, db, login, world, api_token, approved_course, afternoon_course):
    city = world.municipality.city
    _searched(db, "رنگرزی گیاهی", city)
    held = approved_course(trade="dyeing")
    afternoon_course(trade="dyeing")  # still to come: planned
    soon_over = utcnow() - timedelta(hours=1)
    db.session.execute(update(Course).where(Course.id == held["id"]).values(
        first_session_at=soon_over - timedelta(hours=2), last_session_at=soon_over))
    db.session.commit()

    login(world.centre_staff)
    page = client.get("/reports/needs", query_string={"lang": "en", "grain": "year",
                                                      "city": city}).get_data(as_text=True)
    assert _skills_rows(page) == {"skill": "Natural dyeing", "trade": "Traditional dyeing",
                                  "courses_held": "1", "courses_planned": "1"}
    (link,) = re.findall(r'data-propose="dyeing" href="([^"]+)"', page)
    login(world.staff)  # municipal staff read the report but do not propose courses
    other = client.get("/reports/needs", query_string={"lang": "en", "city": city})
    assert other.status_code == 200 and "data-propose" not in other.get_data(as_text=True)

    login(world.centre_staff)
    spaces = client.get(unescape(link) + "&lang=en").get_data(as_text=True)
    request_url = unescape(re.search(
        rf'href="(/training/spaces/{world.space.id}/request[^"]+)"', spaces).group(1))
    form = client.get(request_url + "&lang=en").get_data(as_text=True)
    assert 'value="Natural dyeing"' in form
    assert re.search(r'<option[^>]*selected[^>]*value="dyeing"|<option[^>]*value="dyeing"'
                     r'[^>]*selected', form)

    # The request carries the trade, and the course form starts from it.
    response = client.post(f"/api/v1/training/spaces/{world.space.id}/bookings", json={
        "centre_id": world.centre.id, "kind": "workshop", "title": "Natural dyeing",
        "expected_attendance": 10, "starts_at": "16:00", "ends_at": "18:00",
        "day": (utcnow() + timedelta(days=30)).date().isoformat(), "trade": "pottery"},
        headers=api_token(world.centre_staff))
    assert response.status_code == 201 and response.json["trade"] == "pottery"
    booking_id = response.json["id"]
    client.post(f"/api/v1/training/bookings/{booking_id}/approve",
                json={"session_ids": [s["id"] for s in response.json["sessions"]]},
                headers=api_token(world.staff))
    course_form = client.get(f"/training/bookings/{booking_id}/course?lang=en")
    assert re.search(r'<option[^>]*selected[^>]*value="pottery"|<option[^>]*value="pottery"'
                     r'[^>]*selected', course_form.get_data(as_text=True))
    before = db.session.scalar(select(Booking.id).order_by(Booking.id.desc()))
    refused = client.post(f"/api/v1/training/spaces/{world.space.id}/bookings", json={
        "centre_id": world.centre.id, "kind": "class", "title": "x", "expected_attendance": 5,
        "starts_at": "10:00", "ends_at": "11:00", "day": "2099-01-03", "trade": "alchemy"},
        headers=api_token(world.centre_staff))
    assert refused.status_code == 422
    assert db.session.scalar(select(Booking.id).order_by(Booking.id.desc())) == before
