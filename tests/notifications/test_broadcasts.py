"""Staff notices to many trainees: a market day's by its municipality's staff, a centre's by
its staff; checked per object, as a matrix of roles."""

import pytest

from marketplace.booths.models import Assignment, AssignmentSource, AssignmentStatus
from marketplace.notifications.models import EventKind


@pytest.fixture
def scene(db, create_municipality, create_municipal_staff, create_venue, create_booth,
          create_market, create_centre, create_centre_staff, create_trainee, create_user,
          create_admin, phone_user):
    municipality = create_municipality()
    venue = create_venue(municipality=municipality)
    booths = [create_booth(venue=venue) for _ in range(3)]
    market = create_market(venue=venue)
    day = market.days[0]
    centre = create_centre()
    booked = [create_trainee(centre=centre, user=phone_user(locale="fa")) for _ in range(2)]
    not_booked = create_trainee(centre=centre)
    for booth, trainee in zip(booths, booked, strict=False):
        db.session.add(Assignment(booth_id=booth.id, market_day_id=day.id,
                                  trainee_id=trainee.id, source=AssignmentSource.MANUAL,
                                  status=AssignmentStatus.ACTIVE,
                                  check_in_code=f"{trainee.id:06d}"))
    db.session.commit()

    class Scene:
        pass

    s = Scene()
    s.day, s.market, s.centre, s.booked, s.not_booked = day, market, centre, booked, not_booked
    s.roles = {
        "anonymous": None,
        "buyer": create_user(),
        "trainee": booked[0].user,
        "municipal staff": create_municipal_staff(municipality=municipality),
        "other municipality's staff": create_municipal_staff(),
        "centre staff": create_centre_staff(centre=centre),
        "other centre's staff": create_centre_staff(),
        "admin": create_admin(),
    }
    return s


DAY_ALLOWED = {"municipal staff", "admin"}
CENTRE_ALLOWED = {"centre staff", "admin"}
ROLES = ["anonymous", "buyer", "trainee", "municipal staff", "other municipality's staff",
         "centre staff", "other centre's staff", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_market_day_notice_matrix(client, login, db, scene, role, notices_of, sms_outbox):
    user = scene.roles[role]
    if user is not None:
        login(user)
    url = f"/booths/days/{scene.day.id}/notice"
    page = client.get(url)
    sent = client.post(url, data={"message": "باران می‌آید؛ ساعت ۱۰ باز می‌کنیم."})
    if role in DAY_ALLOWED:
        assert page.status_code == 200 and sent.status_code == 302
        for trainee in scene.booked:
            (notice,) = notices_of(trainee.user)
            assert notice.kind == EventKind.STAFF_BROADCAST
            assert notice.title == f"اطلاعیه از {scene.market.name_fa}"
            assert notice.body == "باران می‌آید؛ ساعت ۱۰ باز می‌کنیم."
        assert notices_of(scene.not_booked.user) == []
        assert sorted(s["to"] for s in sms_outbox()) == sorted(
            t.user.phone for t in scene.booked)
    else:
        assert page.status_code in (302, 404) and sent.status_code in (302, 404)
        if user is not None:
            assert page.status_code == 404 and sent.status_code == 404
        for trainee in scene.booked:
            assert notices_of(trainee.user) == []


@pytest.mark.parametrize("role", ROLES)
def test_centre_notice_matrix(client, login, scene, role, notices_of):
    user = scene.roles[role]
    if user is not None:
        login(user)
    url = f"/centres/{scene.centre.id}/notices/new"
    page = client.get(url)
    sent = client.post(url, data={"message": "Workshop on Saturday."})
    receivers = [*scene.booked, scene.not_booked]
    if role in CENTRE_ALLOWED:
        assert page.status_code == 200 and sent.status_code == 302
        for trainee in receivers:
            assert [n.kind for n in notices_of(trainee.user)] == [EventKind.STAFF_BROADCAST]
    else:
        expected = 302 if user is None else 404
        assert page.status_code == expected and sent.status_code == expected
        for trainee in receivers:
            assert notices_of(trainee.user) == []


def test_an_empty_notice_is_refused_and_nothing_sent(client, login, scene, notices_of):
    login(scene.roles["centre staff"])
    response = client.post(f"/centres/{scene.centre.id}/notices/new", data={"message": "  "},
                           headers={"Referer": f"/centres/{scene.centre.id}/notices/new"})
    assert response.status_code in (302, 422)
    assert notices_of(scene.booked[0].user) == []


def test_the_centre_menu_entry_leads_to_the_staffs_centre(client, login, scene):
    login(scene.roles["centre staff"])
    response = client.get("/centre/notices")
    assert response.headers["Location"] == f"/centres/{scene.centre.id}/notices/new"
    login(scene.roles["buyer"])
    assert client.get("/centre/notices").status_code == 404
