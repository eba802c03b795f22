"""Who may do what, as a matrix: every role against every protected training action,
including someone else's space, booking and course."""

import re

import pytest

from tests.training.conftest import booking_body

ROLES = ("space_staff", "other_staff", "centre_staff", "other_centre", "admin", "citizen",
         "anonymous")


@pytest.fixture
def people(world, create_municipal_staff, create_centre_staff, create_admin, create_user):
    return {"space_staff": world.staff, "other_staff": create_municipal_staff(),
            "centre_staff": world.centre_staff, "other_centre": create_centre_staff(),
            "admin": create_admin(), "citizen": create_user(), "anonymous": None}


def call(client, api_token, user, method, url, json=None):
    headers = api_token(user) if user is not None else {}
    return client.open(url, method=method, json=json, headers=headers)


# action -> the roles it succeeds for; everyone else gets a 401/403/404.
ALLOWED = {
    "edit_space": {"space_staff", "admin"},
    "block_space": {"space_staff", "admin"},
    "request": {"centre_staff"},
    "see_booking": {"space_staff", "admin", "centre_staff"},
    "approve": {"space_staff", "admin"},
    "withdraw": {"centre_staff"},
    "registrations": {"centre_staff", "admin"},
    "register": {"space_staff", "other_staff", "centre_staff", "other_centre", "admin",
                 "citizen"},
}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, db, world, api_token, people, request_booking, approved_course,
                     role):
    user = people[role]
    space = f"/api/v1/training/spaces/{world.space.id}"
    space_body = {"venue_id": world.venue.id, "name_fa": "کلاس", "capacity": 20,
                  "opens_at": "08:00", "closes_at": "20:00", "equipment": ["power"]}
    booking = request_booking(starts_at="14:00", ends_at="16:00")
    course = approved_course()  # Saturdays 10–12
    checks = {
        "edit_space": ("PUT", space, space_body, 200),
        "block_space": ("POST", f"{space}/blocks", {"starts_on": "2099-01-01",
                                                     "ends_on": "2099-01-02",
                                                     "reason": "repairs"}, 201),
        "request": ("POST", f"{space}/bookings", booking_body(world, title="X"), 201),
        "see_booking": ("GET", f"/api/v1/training/bookings/{booking['id']}", None, 200),
        "approve": ("POST", f"/api/v1/training/bookings/{booking['id']}/approve",
                    {"session_ids": [booking["sessions"][0]["id"]]}, 200),
        "withdraw": ("POST", f"/api/v1/training/bookings/{booking['id']}/withdraw", {}, 200),
        "registrations": ("GET", f"/api/v1/training/courses/{course['id']}/registrations",
                          None, 200),
        "register": ("POST", f"/api/v1/training/courses/{course['id']}/registrations", None,
                     201),
    }
    for action, (method, url, body, ok) in checks.items():
        response = call(client, api_token, user, method, url, body)
        if role in ALLOWED[action]:
            assert response.status_code == ok, (action, response.json)
        else:
            assert response.status_code in (401, 403, 404), (action, response.status_code)
            assert response.json["error"]["code"]
        db.session.rollback()


def test_the_public_calendar_and_course_page_need_no_account(client, db, approved_course):
    course = approved_course()
    assert client.get("/api/v1/training/courses").status_code == 200
    assert client.get(f"/api/v1/training/courses/{course['id']}").status_code == 200
    assert client.get(f"/courses/{course['id']}").status_code == 200
    assert client.get("/courses/mine").status_code == 302  # to the login page


LATIN_DIGIT = re.compile(r">[^<]*[0-9][^<]*<")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_pages_answer_in_both_languages(client, db, world, login, request_booking,
                                        approved_course, lang):
    course = approved_course()
    booking = request_booking(title="Weekly dyeing")
    pages = {
        world.staff: ["/training/spaces", f"/training/spaces/{world.space.id}",
                      f"/training/spaces/{world.space.id}/edit", "/training/spaces/new",
                      "/training/requests", f"/training/bookings/{booking['id']}",
                      "/training/conflicts",
                      f"/training/bookings/{course['booking_id']}/sessions/"
                      f"{course['sessions'][0]['id']}/change"],
        world.centre_staff: ["/training/book", f"/training/spaces/{world.space.id}/request",
                             "/training/bookings", "/training/courses",
                             f"/training/bookings/{booking['id']}",
                             f"/training/courses/{course['id']}/registrations"],
    }
    for user, urls in pages.items():
        user.locale = lang
        db.session.commit()
        login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            assert f'lang="{lang}"' in html
            if lang == "fa":
                # Persian digits only in text (times, counts, Jalali dates).
                body = html.split("<main", 1)[-1].split("</main>", 1)[0]
                leaks = [m for m in LATIN_DIGIT.findall(body) if "dir=\"ltr\"" not in m]
                assert not leaks, (url, leaks[:5])
    for url in ("/courses", f"/courses/{course['id']}"):
        response = client.get(url + f"?lang={lang}")
        assert response.status_code == 200
        if lang == "fa":
            body = response.get_data(as_text=True).split("<main", 1)[-1].split("</main>")[0]
            assert not LATIN_DIGIT.findall(body), LATIN_DIGIT.findall(body)[:5]
