"""The public page of a space: what citizens and centres see, linked from its courses, in
Persian (Persian digits, Jalali days, no English) and in English, in a constant number of
queries."""

from tests.storefront.persian_text import leaks


def _second_course(client, api_token, world, request_booking):
    booking = request_booking(starts_at="14:00", ends_at="16:00", title="کارگاه رنگرزی")
    client.post(f"/api/v1/training/bookings/{booking['id']}/approve",
                json={"session_ids": [s["id"] for s in booking["sessions"]]},
                headers=api_token(world.staff))
    response = client.post(f"/api/v1/training/bookings/{booking['id']}/course", json={
        "title": "کارگاه رنگرزی", "trade": "dyeing", "teacher": "رضا", "capacity": 5},
        headers=api_token(world.centre_staff))
    assert response.status_code == 201, response.json


def test_a_space_shows_its_facts_and_upcoming_courses(client, db, world, api_token,
                                                      approved_course, request_booking,
                                                      count_queries):
    course = approved_course(title="طراحی فرش برای نوآموزان")
    world.space.is_accessible, world.space.accessibility_note = True, "رمپ ورودی"
    world.space.open_weekdays = [5, 6, 0]
    db.session.commit()
    page = client.get(f"/courses/{course['id']}?lang=fa").get_data(as_text=True)
    url = f"/courses/spaces/{world.space.id}"
    assert f'href="{url}"' in page

    with count_queries() as one:
        fa = client.get(url, headers={"Accept-Language": "fa"})
    html = fa.get_data(as_text=True)
    assert fa.status_code == 200 and leaks(html) == []
    for text in (world.space.name_fa, "۲۰", "پروژکتور", "رمپ ورودی", "۰۸:۰۰", "۲۰:۰۰",
                 "شنبه", "طراحی فرش برای نوآموزان"):
        assert text in html, text
    assert "سه‌شنبه" not in html  # closed on Tuesdays

    _second_course(client, api_token, world, request_booking)
    with count_queries() as two:
        en = client.get(url + "?lang=en").get_data(as_text=True)
    assert two.n == one.n
    for text in ("Design classroom", "Up to 20 people", "Projector", "08:00", "Saturday",
                 "کارگاه رنگرزی"):
        assert text in en, text
    assert client.get("/courses/spaces/999999").status_code == 404
