"""The accounts pages render in Persian (RTL) and English."""

import re

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import (
    Municipality,
    Trainee,
    TraineeStatus,
    TrainingCentre,
    User,
)

ANONYMOUS_PAGES = ["/login", "/signup", "/signup/trainee", "/password/forgot"]
SIGNED_IN_PAGES = ["/account", "/account/tokens", "/centre/trainees", "/admin/organisations"]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES + SIGNED_IN_PAGES)
@pytest.mark.parametrize("lang", ["fa", "en"])
def test_pages_render_in_both_languages(client, login, create_admin, create_trainee,
                                        create_municipality, path, lang):
    trainee = create_trainee(status=TraineeStatus.PENDING, bio="Silk and wool")
    create_municipality()
    if path in SIGNED_IN_PAGES:
        login(create_admin())
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "fa" else "ltr"}">' in body
    persian_words = re.findall(r"[\u0600-\u06FF]{3,}", re.sub(r"<[^>]+>", " ", body))
    if lang == "fa":
        assert len(persian_words) > 5
    if path == "/centre/trainees":
        assert trainee.user.display_name in body


def test_login_page_links_to_reset_and_both_signups(client):
    body = client.get("/login").get_data(as_text=True)
    for link in ('href="/password/forgot"', 'href="/signup"', 'href="/signup/trainee"'):
        assert link in body


def test_form_errors_are_shown_next_to_the_field(client):
    body = client.post("/signup?lang=fa", data={"email": "bad", "password": "x",
                                                "display_name": ""}).get_data(as_text=True)
    assert body.count('class="field has-error"') >= 2
    assert 'role="alert"' in body


def test_trainee_signup_lists_centres_in_the_chosen_language(client, create_centre):
    create_centre(name_fa="مرکز آموزش فنی و حرفه‌ای اسکو", name_en="Osku centre")
    assert "مرکز آموزش فنی و حرفه‌ای اسکو" in client.get("/signup/trainee?lang=fa").get_data(True)
    assert "Osku centre" in client.get("/signup/trainee?lang=en").get_data(True)


def test_trainee_signs_up_on_the_page_and_is_pending(client, db, create_centre,
                                                     create_centre_staff, outbox):
    centre = create_centre()
    create_centre_staff(centre=centre)
    response = client.post("/signup/trainee", data={
        "display_name": "لیلا", "email": "leila@example.org", "password": "a long password",
        "phone": "۰۹۱۴۰۰۰۰۰۰۰", "centre_id": str(centre.id), "trade": "carpet_weaving",
        "certificate_number": "۴۵۶", "store_name": "تابلو فرش لیلا", "bio": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    trainee = db.session.scalar(select(Trainee))
    assert trainee.status == TraineeStatus.PENDING
    assert (trainee.certificate_number, trainee.user.phone) == ("456", "+989140000000")
    assert len(outbox()) == 1
    assert "Waiting for verification" in client.get("/account").get_data(as_text=True)


def test_staff_verify_and_reject_from_their_page(client, db, login, create_trainee,
                                                create_centre_staff, outbox):
    first = create_trainee(status=TraineeStatus.PENDING)
    second = create_trainee(centre=first.centre, status=TraineeStatus.PENDING)
    login(create_centre_staff(centre=first.centre))
    page = client.get("/centre/trainees").get_data(as_text=True)
    assert f"/centre/trainees/{first.id}/verify" in page
    assert f"/centre/trainees/{second.id}/reject" in page

    assert client.post(f"/centre/trainees/{first.id}/verify").status_code == 302
    response = client.post(f"/centre/trainees/{second.id}/reject",
                           data={"reason": "Unreadable certificate"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Trainee, first.id).status == TraineeStatus.VERIFIED
    assert db.session.get(Trainee, second.id).status_reason == "Unreadable certificate"
    page = client.get("/centre/trainees").get_data(as_text=True)
    assert f"/centre/trainees/{first.id}/suspend" in page
    assert f"/centre/trainees/{second.id}/verify" in page  # a rejected trainee can be verified
    assert "No trainee is waiting." in page
    assert len(outbox()) == 2


def test_rejecting_without_a_reason_changes_nothing(client, db, login, create_trainee,
                                                    create_centre_staff):
    trainee = create_trainee(status=TraineeStatus.PENDING)
    login(create_centre_staff(centre=trainee.centre))
    response = client.post(f"/centre/trainees/{trainee.id}/reject", data={"reason": ""},
                           headers={"Referer": "http://localhost/centre/trainees"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).status == TraineeStatus.PENDING
    assert "Give a reason" in client.get("/centre/trainees").get_data(as_text=True)


def test_admin_creates_organisations_and_staff_on_the_page(client, db, login, create_admin,
                                                          create_user):
    login(create_admin())
    person = create_user(email="kazemi@example.org")
    client.post("/admin/centres", data={
        "centre-kind": "public", "centre-name_fa": "مرکز آموزش فنی و حرفه‌ای اسکو",
        "centre-name_en": "Osku centre", "centre-city": "اسکو",
        "centre-province": "آذربایجان شرقی"})
    client.post("/admin/municipalities", data={"muni-name_fa": "شهرداری سهند",
                                               "muni-city": "سهند"})
    centre = db.session.scalar(select(TrainingCentre))
    municipality = db.session.scalar(select(Municipality))
    assert client.post(f"/admin/centres/{centre.id}/staff",
                       data={"email": "Kazemi@example.org"}).status_code == 302
    assert client.post(f"/admin/municipalities/{municipality.id}/staff",
                       data={"email": "kazemi@example.org"}).status_code == 302
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.staff_centre_ids == {centre.id}
    assert person.staff_municipality_ids == {municipality.id}
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "kazemi@example.org" in page


def test_an_invalid_centre_form_is_shown_again_with_errors(client, db, login, create_admin):
    login(create_admin())
    response = client.post("/admin/centres", data={"centre-kind": "public"})
    assert response.status_code == 422
    assert 'class="field has-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TrainingCentre)) == 0
