"""The booths API and pages: permission matrix, bad input, the public market page."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import TraineeStatus
from marketplace.booths.models import (
    AllocationRun,
    Application,
    Assignment,
    AssignmentStatus,
    BoothBlock,
    Market,
    MarketDay,
)
from tests.booths.conftest import make_day_today


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def roles(world, create_trainee, create_municipal_staff, create_centre_staff, create_admin,
          create_user):
    """Everyone of the permission matrix, as a dict role -> user (None = anonymous)."""
    trainee = create_trainee()
    return {
        "staff": world.staff,
        "other_staff": create_municipal_staff(),
        "trainee": trainee.user,
        "other_trainee": create_trainee().user,
        "centre_staff": create_centre_staff(centre=trainee.centre),
        "admin": create_admin(),
        "buyer": create_user(),
        "anonymous": None,
    }


def call(client, api_token, user, method, url, json=None):
    headers = api_token(user) if user is not None else {}
    return client.open(url, method=method, json=json, headers=headers)


STAFF_ONLY = {"staff", "admin"}


def staff_actions(world, roles, db, create_assignment):
    """(name, method, url, body, success status) for every staff action of the API."""
    market, day, booth = world.market, world.market.days[0], world.booths[2]
    trainee = roles["trainee"].trainee
    return [
        ("list venues", "GET", "/api/v1/booths/venues", None, 200),
        ("venue", "GET", f"/api/v1/booths/venues/{world.venue.id}", None, 200),
        ("booths", "GET", f"/api/v1/booths/venues/{world.venue.id}/booths", None, 200),
        ("add booth", "POST", f"/api/v1/booths/venues/{world.venue.id}/booths",
         {"code": "Z1", "grid_x": 9, "grid_y": 5}, 201),
        ("block", "POST", f"/api/v1/booths/booths/{world.booths[3].id}/blocks",
         {"starts_on": day.day.isoformat(), "ends_on": day.day.isoformat(),
          "reason": "repairs"}, 201),
        ("applications", "GET", f"/api/v1/booths/markets/{market.id}/applications", None, 200),
        ("preview", "POST", f"/api/v1/booths/markets/{market.id}/allocation-runs", None, 201),
        ("assign", "POST", f"/api/v1/booths/markets/{market.id}/assignments",
         {"day_id": day.id, "booth_id": booth.id, "trainee_id": trainee.id}, 201),
        ("close day", "POST", f"/api/v1/booths/market-days/{market.days[2].id}/close",
         {"reason": "holiday"}, 200),
    ]


@pytest.mark.parametrize("role", ["staff", "other_staff", "trainee", "other_trainee",
                                  "centre_staff", "admin", "buyer", "anonymous"])
def test_permission_matrix_of_staff_actions(db, client, api_token, world, roles, role,
                                            create_assignment):
    user = roles[role]
    for name, method, url, body, ok in staff_actions(world, roles, db, create_assignment):
        response = call(client, api_token, user, method, url, body)
        if role in STAFF_ONLY:
            assert response.status_code == ok, (name, response.json)
        elif role == "anonymous":
            assert response.status_code == 401, name
        elif name == "list venues":
            assert response.status_code == 200 and response.json == [], name
        else:
            assert response.status_code == 404, (name, response.status_code)
    if role not in STAFF_ONLY:
        assert count(db, Assignment) == 0 and count(db, AllocationRun) == 0
        assert count(db, BoothBlock) == 0
        assert all(d.is_open for d in db.session.scalars(select(MarketDay)))


def test_permission_matrix_of_trainee_and_centre_actions(db, client, api_token, world, roles,
                                                         create_trainee):
    day = world.market.days[0]
    body = {"day_ids": [day.id], "category_ids": [world.category.id]}
    url = f"/api/v1/booths/markets/{world.market.id}/applications"
    assert call(client, api_token, None, "POST", url, body).status_code == 401
    for role in ("staff", "centre_staff", "buyer", "admin"):
        response = call(client, api_token, roles[role], "POST", url, body)
        assert response.status_code == 403, role
        assert response.json["error"]["code"] == "not_active_vendor"
    response = call(client, api_token, roles["trainee"], "POST", url, body)
    assert response.status_code == 201
    application_id = response.json["id"]

    nominate = f"/api/v1/booths/applications/{application_id}/nominate"
    for role in ("other_staff", "other_trainee", "trainee", "buyer", "staff"):
        assert call(client, api_token, roles[role], "POST", nominate,
                    {"note": "x"}).status_code == 404, role
    response = call(client, api_token, roles["centre_staff"], "POST", nominate,
                    {"note": "Excellent weaver"})
    assert response.status_code == 200 and response.json["is_nominated"]

    withdraw = f"/api/v1/booths/applications/{application_id}/withdraw-day"
    for role in ("other_trainee", "centre_staff", "staff", "buyer"):
        assert call(client, api_token, roles[role], "POST", withdraw,
                    {"day_id": day.id}).status_code == 404, role
    response = call(client, api_token, roles["trainee"], "POST", withdraw, {"day_id": day.id})
    assert response.status_code == 200 and response.json["status"] == "withdrawn"


def test_bad_applications_are_refused_with_a_code_and_nothing_written(
        db, client, api_token, world, roles, create_trainee, create_market, create_product,
        create_category):
    trainee = roles["trainee"]
    url = f"/api/v1/booths/markets/{world.market.id}/applications"
    other_market = create_market()
    foreign = create_product(trainee=roles["other_trainee"].trainee)
    unwelcomed = create_category()
    good = {"day_ids": [world.market.days[0].id], "category_ids": [world.category.id]}
    cases = [
        ({**good, "day_ids": [other_market.days[0].id]}, 422, "unknown_day"),
        ({**good, "day_ids": []}, 422, "no_days"),
        ({**good, "day_ids": [world.market.days[0].id] * 2}, 422, "duplicate_day"),
        ({**good, "category_ids": [unwelcomed.id]}, 422, "category_not_welcomed"),
        ({**good, "product_ids": [foreign.id]}, 422, "not_your_product"),
        ({**good, "preferred_booth_ids": [other_market.venue_id * 1000]}, 422, "unknown_booth"),
        ({**good, "surprise": 1}, 422, "validation_error"),
    ]
    for body, status, code in cases:
        response = call(client, api_token, trainee, "POST", url, body)
        assert response.status_code == status, (code, response.json)
        assert response.json["error"]["code"] == code
    assert count(db, Application) == 0

    assert call(client, api_token, trainee, "POST", url, good).status_code == 201
    twice = call(client, api_token, trainee, "POST", url, good)
    assert twice.status_code == 409 and twice.json["error"]["code"] == "already_applied"

    inactive = create_trainee(status=TraineeStatus.PENDING)
    response = call(client, api_token, inactive.user, "POST", url, good)
    assert response.status_code == 403 and response.json["error"]["code"] == "not_active_vendor"

    world.market.applications_close_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    late = call(client, api_token, roles["other_trainee"], "POST", url, good)
    assert late.status_code == 422 and late.json["error"]["code"] == "window_closed"
    assert count(db, Application) == 1


def test_manual_assignment_refuses_blocked_closed_and_unfit_booths(
        db, client, api_token, world, roles, create_application):
    staff, trainee = world.staff, roles["trainee"].trainee
    day, blocked_day = world.market.days[0], world.market.days[1]
    url = f"/api/v1/booths/markets/{world.market.id}/assignments"
    db.session.add(BoothBlock(booth_id=world.booths[1].id, starts_on=blocked_day.day,
                              ends_on=blocked_day.day, reason="repairs"))
    db.session.commit()
    create_application(world.market, trainee=trainee, category=world.category,
                       needs_power=True)
    response = call(client, api_token, staff, "POST", url, {
        "day_id": blocked_day.id, "booth_id": world.booths[1].id, "trainee_id": trainee.id})
    assert response.status_code == 422 and response.json["error"]["code"] == "booth_blocked"
    response = call(client, api_token, staff, "POST", url, {
        "day_id": day.id, "booth_id": world.booths[2].id, "trainee_id": trainee.id})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "booth_lacks_feature"
    call(client, api_token, staff, "POST", f"/api/v1/booths/market-days/{day.id}/close",
         {"reason": "rain"})
    response = call(client, api_token, staff, "POST", url, {
        "day_id": day.id, "booth_id": world.booths[0].id, "trainee_id": trainee.id})
    assert response.status_code == 422 and response.json["error"]["code"] == "day_closed"
    assert count(db, Assignment) == 0

    good = {"day_id": world.market.days[2].id, "booth_id": world.booths[0].id,
            "trainee_id": trainee.id}
    assert call(client, api_token, staff, "POST", url, good).status_code == 201
    again = call(client, api_token, staff, "POST", url, good)
    assert again.status_code == 409 and again.json["error"]["code"] == "booth_taken"
    other = roles["other_trainee"].trainee
    taken = call(client, api_token, staff, "POST", url, {**good, "trainee_id": other.id})
    assert taken.status_code == 409 and "already given" in taken.json["error"]["message"]
    assert call(client, api_token, staff, "POST", url,
                {**good, "trainee_id": other.id, "booth_id": world.booths[2].id}
                ).status_code == 201
    second_booth = call(client, api_token, staff, "POST", url,
                        {**good, "trainee_id": other.id, "booth_id": world.booths[3].id})
    assert second_booth.status_code == 409
    assert second_booth.json["error"]["code"] == "trainee_already_placed"


def test_market_creation_validates_recurrence(db, client, api_token, world):
    url = f"/api/v1/booths/venues/{world.venue.id}/markets"
    now = datetime.now(UTC)
    body = {"kind": "recurring", "name_fa": "بازارچه جمعه", "starts_on": "2027-03-21",
            "ends_on": "2027-09-21", "recurrence_rule": "FREQ=WEEKLY;BYDAY=FR",
            "applications_open_at": now.isoformat(),
            "applications_close_at": (now + timedelta(days=10)).isoformat(),
            "categories": [{"category_id": world.category.id, "cap": 3}]}
    before = count(db, Market)
    for rule, code in (("FREQ=WEEKLY;BYDAY=FR;COUNT=0", "recurrence_empty"),
                       ("FREQ=MINUTELY", "recurrence_invalid")):
        response = call(client, api_token, world.staff, "POST", url,
                        {**body, "recurrence_rule": rule})
        assert response.status_code == 422 and response.json["error"]["code"] == code
    response = call(client, api_token, world.staff, "POST", url,
                    {**body, "ends_on": "2031-01-01", "recurrence_rule": "FREQ=DAILY"})
    assert response.json["error"]["code"] == "recurrence_too_many"
    assert count(db, Market) == before
    too_much = call(client, api_token, world.staff, "POST", url,
                    {**body, "sales_fee_percent": 51})
    assert too_much.status_code == 422 and "sales_fee_percent" in too_much.json["error"]["fields"]
    response = call(client, api_token, world.staff, "POST", url,
                    {**body, "sales_fee_percent": 3})
    assert response.status_code == 201 and response.json["sales_fee_percent"] == 3
    assert len(response.json["days"]) == 26  # Fridays 26 Mar – 17 Sep 2027
    assert response.json["categories"] == [{"category_id": world.category.id, "cap": 3}]


def test_allocation_over_the_api_and_the_public_market_page(db, client, api_token, world,
                                                            roles, create_trainee):
    trainees = [roles["trainee"].trainee, roles["other_trainee"].trainee]
    for i, trainee in enumerate(trainees):
        response = call(client, api_token, trainee.user, "POST",
                        f"/api/v1/booths/markets/{world.market.id}/applications",
                        {"day_ids": [d.id for d in world.market.days],
                         "category_ids": [(world.category if i else world.other_category).id]})
        assert response.status_code == 201
    preview = call(client, api_token, world.staff, "POST",
                   f"/api/v1/booths/markets/{world.market.id}/allocation-runs")
    assert preview.status_code == 201 and len(preview.json["placements"]) == 6
    assert count(db, Assignment) == 0
    run_id = preview.json["id"]
    confirm = call(client, api_token, world.staff, "POST",
                   f"/api/v1/booths/allocation-runs/{run_id}/confirm")
    assert confirm.status_code == 200 and confirm.json["status"] == "confirmed"
    replay = call(client, api_token, world.staff, "GET",
                  f"/api/v1/booths/allocation-runs/{run_id}/replay")
    assert replay.json == {"run_id": run_id, "matches": True}

    who = client.get(f"/api/v1/booths/markets/{world.market.id}/who-is-where")
    assert who.status_code == 200 and len(who.json["entries"]) == 6
    page = client.get(f"/markets/{world.market.id}?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for trainee in trainees:
        assert f"/s/{trainee.store_slug}" in html and trainee.store_name in html
    assert "<svg" in html and "booth-taken" in html
    qr = client.get(f"/markets/{world.market.id}/booths/{world.booths[0].id}/qr.png")
    assert qr.status_code == 200 and qr.data.startswith(b"\x89PNG")

    mine = call(client, api_token, trainees[0].user, "GET", "/api/v1/booths/assignments/mine")
    code = mine.json[0]["check_in_code"]
    day_id = mine.json[0]["market_day_id"]
    make_day_today(db, db.session.get(MarketDay, day_id))
    response = call(client, api_token, world.staff, "POST",
                    f"/api/v1/booths/market-days/{day_id}/check-in", {"code": code})
    assert response.status_code == 200 and response.json["status"] == "checked_in"
    again = call(client, api_token, world.staff, "POST",
                 f"/api/v1/booths/market-days/{day_id}/check-in", {"code": code})
    assert again.status_code == 409
    assert db.session.scalar(select(Assignment).where(
        Assignment.check_in_code == code)).status == AssignmentStatus.CHECKED_IN


def test_staff_pages_are_hidden_from_others(client, login, world, roles):
    market, day = world.market, world.market.days[0]
    pages = ["/booths/venues", f"/booths/venues/{world.venue.id}/map",
             f"/booths/markets/{market.id}/manage", f"/booths/markets/{market.id}/applications",
             f"/booths/days/{day.id}/assign", f"/booths/days/{day.id}/check-in",
             f"/booths/days/{day.id}/print", "/booths/markets", "/booths/subsidies",
             f"/booths/markets/{market.id}/edit", f"/booths/venues/{world.venue.id}/edit"]
    login(world.staff)
    for page in pages:
        assert client.get(page).status_code == 200, page
    for role in ("other_staff", "trainee", "centre_staff", "buyer"):
        login(roles[role])
        for page in pages:
            expected = 200 if role == "other_staff" and page in (
                "/booths/venues", "/booths/markets", "/booths/subsidies") else 404
            assert client.get(page).status_code == expected, (role, page)


def test_trainee_pages(client, login, world, roles, db):
    trainee = roles["trainee"]
    login(trainee)
    assert client.get("/booths/open").status_code == 200
    form = client.get(f"/booths/markets/{world.market.id}/apply")
    assert form.status_code == 200
    response = client.post(f"/booths/markets/{world.market.id}/apply", data={
        "day_ids": [world.market.days[0].id, world.market.days[1].id],
        "category_ids": [world.category.id], "needs_power": "y"})
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.needs_power and len(application.days) == 2
    page = client.get("/booths/mine").get_data(as_text=True)
    assert world.market.name("en") in page
    response = client.post(f"/booths/applications/{application.id}/withdraw-day",
                           data={"day_id": world.market.days[0].id})
    assert response.status_code == 302
    db.session.refresh(application)
    assert sorted(d.status.value for d in application.days) == ["requested", "withdrawn"]


def test_public_market_page_in_persian_shows_jalali_days(client, world, roles,
                                                         create_assignment):
    trainee = roles["trainee"].trainee
    create_assignment(world.booths[0], world.market.days[0], trainee)
    html = client.get(f"/markets/{world.market.id}",
                      headers={"Accept-Language": "fa"}).get_data(as_text=True)
    from marketplace.core.i18n import jalali_date

    assert jalali_date(world.market.days[0].day, with_weekday=True) in html
    assert "غرفه ۱" in html and f"/s/{trainee.store_slug}" in html


@pytest.mark.parametrize("role", ["staff", "other_staff", "trainee", "other_trainee",
                                  "centre_staff", "admin", "buyer", "anonymous"])
def test_permission_matrix_of_runs_assignments_and_edits(db, client, api_token, world, roles,
                                                         role, create_application):
    from marketplace.booths.services import allocation_runs, assignments

    trainee = roles["trainee"].trainee
    create_application(world.market, trainee=trainee, category=world.category)
    run = allocation_runs.preview_allocation(world.staff, world.market)
    manual = assignments.assign_booth(world.staff, world.market.days[1], world.booths[3],
                                   roles["other_trainee"].trainee)
    on_the_day = assignments.assign_booth(world.staff, world.market.days[2], world.booths[3],
                                       roles["other_trainee"].trainee)
    db.session.commit()
    market, venue, booth = world.market, world.venue, world.booths[2]
    now = datetime.now(UTC)
    market_body = {"kind": "one_off", "name_fa": "جشنواره", "starts_on":
                   market.starts_on.isoformat(), "ends_on": market.ends_on.isoformat(),
                   "applications_open_at": (now - timedelta(days=1)).isoformat(),
                   "applications_close_at": (now + timedelta(days=1)).isoformat()}
    actions = [
        ("get run", "GET", f"/api/v1/booths/allocation-runs/{run.id}", None, 200),
        ("replay", "GET", f"/api/v1/booths/allocation-runs/{run.id}/replay", None, 200),
        ("edit venue", "PUT", f"/api/v1/booths/venues/{venue.id}",
         {"name_fa": "سالن", "grid_width": 10, "grid_height": 6}, 200),
        ("edit booth", "PUT", f"/api/v1/booths/booths/{booth.id}",
         {"code": "3", "grid_x": 2, "grid_y": 0, "fee_amount": 100}, 200),
        ("edit market", "PUT", f"/api/v1/booths/markets/{market.id}", market_body, 200),
        ("market assignments", "GET", f"/api/v1/booths/markets/{market.id}/assignments",
         None, 200),
        ("confirm", "POST", f"/api/v1/booths/allocation-runs/{run.id}/confirm", None, 200),
        ("cancel", "POST", f"/api/v1/booths/assignments/{manual.id}/cancel", None, 200),
    ]
    for name, method, url, body, ok in actions:
        response = call(client, api_token, roles[role], method, url, body)
        if role in STAFF_ONLY:
            assert response.status_code == ok, (name, response.json)
        else:
            assert response.status_code == (401 if role == "anonymous" else 404), name

    # Check-in only opens on the market day itself.
    make_day_today(db, world.market.days[2])
    response = call(client, api_token, roles[role], "POST",
                    f"/api/v1/booths/assignments/{on_the_day.id}/check-in")
    expected = 200 if role in STAFF_ONLY else (401 if role == "anonymous" else 404)
    assert response.status_code == expected
    db.session.expire_all()
    if role not in STAFF_ONLY:
        assert run.status.value == "preview" and manual.status == AssignmentStatus.ACTIVE
        assert world.venue.name_fa != "سالن" and world.booths[2].fee_amount == 0
    else:
        assert run.status.value == "confirmed" and manual.status == AssignmentStatus.CANCELLED


def test_openapi_describes_the_booths_api(client):
    spec = client.get("/api/openapi.json").json
    paths = spec["paths"]
    for path in ("/api/v1/booths/markets/{market_id}/applications",
                 "/api/v1/booths/markets/{market_id}/allocation-runs",
                 "/api/v1/booths/allocation-runs/{run_id}/confirm",
                 "/api/v1/booths/markets/{market_id}/who-is-where",
                 "/api/v1/booths/market-days/{day_id}/close"):
        assert path in paths, path
