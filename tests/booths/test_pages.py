"""Booth pages beyond the permission matrix: constant queries, staff forms, the store panel,
the waitlist after a staff cancellation, the subsidy report and the no-show command."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.booths.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Booth,
    Market,
    MarketKind,
    NoShowStrike,
    Venue,
)
from marketplace.booths.services import allocation_runs, applications, assignments, booth_writes
from tests.booths.conftest import accept_offers, make_day_today


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def fill(world, create_trainee, create_application, n):
    """n trainees, each with a booth on the first day and an application for the market."""
    for i in range(n):
        trainee = create_trainee()
        application = create_application(world.market, trainee=trainee, category=world.category)
        booth_writes.create_assignment(world.booths[i], world.market.days[0], trainee,
                                   source="manual", application=application, actor=None)
    from marketplace.extensions import db

    db.session.commit()


@pytest.mark.parametrize("path", ["/markets/{market}", "/booths/markets/{market}/applications",
                                  "/booths/days/{day}/check-in", "/booths/days/{day}/print",
                                  "/booths/days/{day}/assign",
                                  "/api/v1/booths/markets/{market}/who-is-where"])
def test_pages_run_a_constant_number_of_queries(client, login, world, create_trainee,
                                                create_application, count_queries, path):
    from marketplace.extensions import db

    url = path.format(market=world.market.id, day=world.market.days[0].id)
    login(world.staff)
    fill(world, create_trainee, create_application, 1)
    client.get(url)  # warm up (first-request work)
    db.session.expire_all()  # a server starts each request with nothing loaded
    with count_queries() as one:
        assert client.get(url).status_code == 200
    fill(world, create_trainee, create_application, 0)
    for i in range(1, 4):
        trainee = create_trainee()
        application = create_application(world.market, trainee=trainee,
                                         category=world.other_category)
        booth_writes.create_assignment(world.booths[i], world.market.days[0], trainee,
                                   source="manual", application=application, actor=None)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as four:
        assert client.get(url).status_code == 200
    assert four.n == one.n, (one.statements, four.statements)


def test_staff_create_a_venue_booths_and_a_recurring_market_with_forms(
        client, login, db, world, create_category):
    login(world.staff)
    response = client.post("/booths/venues/new", data={
        "municipality_id": world.municipality.id, "name_fa": "میدان سهند",
        "name_en": "Sahand square", "opens_at": "09:00", "closes_at": "14:00",
        "grid_width": "۱۰", "grid_height": "4", "walkways": "4,0,5,0",
        "standard_fee_amount": "500"})
    assert response.status_code == 302
    venue = db.session.scalar(select(Venue).where(Venue.name_fa == "میدان سهند"))
    assert venue.grid_breaks == [[4, 0, 5, 0]] and venue.grid_width == 10
    for x in (4, 5):
        assert client.post(f"/booths/venues/{venue.id}/map", data={
            "code": f"A{x}", "grid_x": str(x), "grid_y": "0", "width": "1", "height": "1",
            "location_score": "70", "fee_amount": "0", "reserved_category_id": "0",
            "is_active": "y"}).status_code == 302
    overlap = client.post(f"/booths/venues/{venue.id}/map", data={
        "code": "B1", "grid_x": "4", "grid_y": "0", "width": "1", "height": "1",
        "reserved_category_id": "0", "is_active": "y"})
    assert overlap.status_code == 200
    assert "overlap" in overlap.get_data(as_text=True)
    assert count(db, Booth) == 4 + 2
    page = client.get(f"/booths/venues/{venue.id}/map?booth="
                      f"{db.session.scalar(select(Booth.id).where(Booth.code == 'A4'))}")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    html = client.get(f"/booths/venues/{venue.id}/map").get_data(as_text=True)
    assert f"/booths/venues/{venue.id}/map?x=4&amp;y=0" not in html  # taken by A4
    assert f"/booths/venues/{venue.id}/map?x=3&amp;y=0" in html  # a free cell: add here
    prefilled = client.get(f"/booths/venues/{venue.id}/map?x=3&y=2").get_data(as_text=True)
    assert 'name="grid_x" type="text" value="3"' in prefilled
    assert 'name="grid_y" type="text" value="2"' in prefilled
    a4 = db.session.scalar(select(Booth.id).where(Booth.code == "A4"))

    now = datetime.now(UTC)
    fmt = "%Y-%m-%dT%H:%M"
    market_form = {
        "kind": "recurring", "name_fa": "بازارچه جمعه", "starts_on": "2027-03-21",
        "ends_on": "2027-05-21", "repeat": "weekly", "weekdays": ["FR"],
        "applications_open_at": now.strftime(fmt),
        "applications_close_at": (now + timedelta(days=9)).strftime(fmt),
        "category_ids": [world.category.id], f"cap_{world.category.id}": "۲",
        f"reserve_{a4}": str(world.category.id), "no_show_strike_limit": "2",
        "ineligibility_days": "30", "check_in_deadline_minutes": "45",
        "withdraw_cutoff_hours": "24", "sales_fee_percent": "۵"}
    too_much = client.post(f"/booths/venues/{venue.id}/markets/new",
                           data={**market_form, "sales_fee_percent": "51"})
    assert too_much.status_code == 200 and count(db, Market) == 1
    bad = client.post(f"/booths/venues/{venue.id}/markets/new",
                      data={**market_form, "weekdays": []})
    assert bad.status_code == 200 and count(db, Market) == 1
    response = client.post(f"/booths/venues/{venue.id}/markets/new", data=market_form)
    assert response.status_code == 302
    market = db.session.scalar(select(Market).where(Market.name_fa == "بازارچه جمعه"))
    assert market.kind == MarketKind.RECURRING and len(market.days) == 9
    assert market.sales_fee_percent == 5
    assert [(c.category_id, c.cap) for c in market.categories] == [(world.category.id, 2)]
    assert market.recurrence_rule == "FREQ=WEEKLY;BYDAY=FR"
    assert [(r.booth_id, r.category_id) for r in market.reserved_booths] == \
        [(a4, world.category.id)]
    assert client.get(f"/booths/markets/{market.id}/edit").status_code == 200


def test_store_page_shows_where_to_find_the_trainee(client, world, create_trainee,
                                                    create_assignment):
    trainee = create_trainee()
    create_assignment(world.booths[2], world.market.days[1], trainee)
    html = client.get(f"/s/{trainee.store_slug}?lang=en").get_data(as_text=True)
    assert "Find me at booth 3" in html
    assert world.market.name("en") in html


def test_staff_cancellation_offers_the_booth_day_to_the_waitlist(client, login, db, world,
                                                                 create_trainee):
    world.market.allow_clusters = True
    day = world.market.days[0]
    applicants = [create_trainee() for _ in range(5)]
    for trainee in applicants:
        applications.apply_for_market(trainee.user, world.market, applications.ApplicationData(
            day_ids=[day.id], category_ids=[world.category.id]))
    db.session.commit()
    allocation_runs.confirm_run(world.staff,
                                allocation_runs.preview_allocation(world.staff, world.market))
    db.session.commit()
    waiting = db.session.scalar(select(Application).where(
        Application.status == ApplicationStatus.WAITLISTED))
    given = db.session.scalars(select(Assignment)).first()
    login(world.staff)
    response = client.post(f"/booths/assignments/{given.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert given.status == AssignmentStatus.CANCELLED
    assert accept_offers(db) == 1  # offered to the one waiting, who accepts
    db.session.expire_all()
    assert waiting.status == ApplicationStatus.ACCEPTED
    assert db.session.scalar(select(Assignment).where(
        Assignment.trainee_id == waiting.trainee_id)).booth_id == given.booth_id


def test_subsidy_report_counts_free_booth_days(client, login, db, world, create_trainee):
    trainee = create_trainee(store_name="Sara sweets")
    assignments.assign_booth(world.staff, world.market.days[0], world.booths[0], trainee)
    assignments.assign_booth(world.staff, world.market.days[1], world.booths[2], trainee)
    cancelled = assignments.assign_booth(world.staff, world.market.days[2], world.booths[0],
                                      trainee)
    assignments.cancel_assignment(world.staff, cancelled)
    assignments.assign_booth(world.staff, world.market.days[0], world.booths[1], create_trainee())
    db.session.commit()
    login(world.staff)
    html = client.get("/booths/subsidies?lang=en").get_data(as_text=True)
    row = html.split("Sara sweets", 1)[1].split("</tr>", 1)[0]
    assert ">2<" in row and "$100.00" in row  # 2 free booth-days at the venue's 5000 cents


def test_mark_no_shows_command(runner, db, world, create_trainee):
    world.market.days[0].opens_at = datetime.now(UTC) - timedelta(hours=3)
    db.session.commit()
    assignment = assignments.assign_booth(world.staff, world.market.days[0], world.booths[0],
                                       create_trainee())
    db.session.commit()
    result = runner.invoke(args=["mark-no-shows"])
    assert result.exit_code == 0, result.output
    assert "1 no-shows marked" in result.output
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.NO_SHOW
    assert count(db, NoShowStrike) == 1


def test_home_page_lists_upcoming_markets(client, world):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Coming up at the bazaars" in html
    assert f"/markets/{world.market.id}" in html and world.market.name("en") in html


def test_centre_staff_nominate_from_their_page(client, login, db, world, create_trainee,
                                               create_centre_staff, create_application):
    trainee = create_trainee()
    application = create_application(world.market, trainee=trainee, category=world.category)
    stranger = create_application(world.market, category=world.category)
    staff = create_centre_staff(centre=trainee.centre)
    login(staff)
    html = client.get("/booths/centre").get_data(as_text=True)
    assert trainee.store_name in html and stranger.trainee.store_name not in html
    response = client.post(f"/booths/applications/{application.id}/nominate",
                           data={"note": "Best weaver of the class"})
    assert response.status_code == 302
    assert client.post(f"/booths/applications/{stranger.id}/nominate").status_code == 404
    db.session.expire_all()
    assert application.is_nominated and application.nomination_note == "Best weaver of the class"
    assert not stranger.is_nominated


def test_staff_check_in_by_code_on_the_page(client, login, db, world, create_trainee):
    trainee = create_trainee()
    assignment = assignments.assign_booth(world.staff, world.market.days[0], world.booths[0],
                                       trainee)
    db.session.commit()
    make_day_today(db, world.market.days[0])
    login(trainee.user)
    mine = client.get("/booths/mine").get_data(as_text=True)
    assert assignment.check_in_code in mine  # the trainee sees their code (en: Latin digits)
    login(world.staff)
    day_id = world.market.days[0].id
    other_code = "000000" if assignment.check_in_code != "000000" else "999999"
    wrong = client.post(f"/booths/days/{day_id}/check-in-code", data={"code": other_code},
                        headers={"Referer": f"/booths/days/{day_id}/check-in"})
    assert wrong.status_code == 302
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.ACTIVE
    persian = "".join("۰۱۲۳۴۵۶۷۸۹"[int(c)] for c in assignment.check_in_code)
    response = client.post(f"/booths/days/{day_id}/check-in-code", data={"code": persian})
    assert response.status_code == 302
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.CHECKED_IN
    page = client.get(f"/booths/days/{day_id}/check-in?lang=en").get_data(as_text=True)
    assert "Checked in" in page
