"""The public page of a space: what citizens and centres see, linked from its courses, in
Persian (Persian digits, Jalali days, no English) and in English, in a constant number of
queries."""

from tests.storefront.persian_text import leaks


def test_a_space_shows_its_facts_and_upcoming_courses(client, db, world, api_token,
                                                      approved_course, afternoon_course,
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

    afternoon_course()
    with count_queries() as two:
        en = client.get(url + "?lang=en").get_data(as_text=True)
    assert two.n == one.n
    for text in ("Design classroom", "Up to 20 people", "Projector", "08:00", "Saturday",
                 "کارگاه رنگرزی"):
        assert text in en, text
    assert client.get("/courses/spaces/999999").status_code == 404
