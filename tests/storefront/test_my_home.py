"""The signed-in home (/my, issue 18 "A home for every role"): each role's things to do, each
a count and a link; signing in lands there; a constant number of queries; grouped menus."""

import re
from datetime import timedelta

import pytest

from marketplace.accounts.models import TraineeStatus
from marketplace.booths.models import BoothOffer
from marketplace.catalogue.models import ProductStatus
from marketplace.core.db import utcnow
from marketplace.payments.models import LedgerKind
from marketplace.payments.services.ledger import post_entry
from tests.factories.accounts import PASSWORD


def todo_count(page: str, href: str) -> str:
    """The count shown on the to-do link to `href` (digits as the page writes them)."""
    found = re.search(r'<a href="' + re.escape(href) + r'">\s*<span class="todo-count">([^<]*)<',
                      page)
    assert found, f"no to-do link to {href}"
    return found.group(1)


@pytest.fixture
def centre(create_centre):
    return create_centre()


@pytest.fixture
def trainee(create_trainee, centre):
    return create_trainee(centre=centre)


def test_a_trainee_sees_returned_listings_booth_days_and_balance(
        client, login, db, app, trainee, create_product, create_market, create_booth,
        create_assignment, create_application):
    create_product(trainee, status=ProductStatus.REJECTED)
    create_product(trainee, status=ProductStatus.REJECTED)
    create_product(trainee)                                    # active: nothing to do
    create_product(status=ProductStatus.REJECTED)              # someone else's
    market = create_market(days=2)
    create_application(market, trainee=trainee)
    booth = create_booth(market.venue)
    for day in market.days:
        create_assignment(booth, day, trainee)
    create_market()                                             # open, not applied to
    later = create_market(days=1)
    db.session.add(BoothOffer(market_day_id=later.days[0].id, booth_id=create_booth(later.venue).id,
                              trainee_id=trainee.id, application_id=create_application(
                                  later, trainee=trainee).id,
                              expires_at=utcnow() + timedelta(hours=5)))
    post_entry(trainee.id, LedgerKind.BOOTH_FEE, -700, app.config["MARKETPLACE_CURRENCY"])
    db.session.commit()
    login(trainee.user)

    page = client.get("/my?lang=en").get_data(as_text=True)

    assert todo_count(page, "/my/products") == "2"
    assert todo_count(page, "/booths/mine") == "2"
    assert todo_count(page, "/booths/open") == "1"  # the market not applied to yet
    assert todo_count(page, "/booths/mine#my-offers") == "1"  # a pending waitlist offer
    assert "You owe" in page and 'href="/my/ledger"' in page
    assert "My training centre" not in page and "Running Bazaarche" not in page


def test_centre_staff_see_their_own_trainees_only(client, login, create_centre_staff,
                                                  create_trainee, create_product, centre,
                                                  create_centre):
    create_trainee(centre=centre, status=TraineeStatus.PENDING)
    create_trainee(centre=centre, status=TraineeStatus.PENDING)
    ours = create_trainee(centre=centre)
    create_product(ours, status=ProductStatus.SUBMITTED)
    other = create_centre()
    create_trainee(centre=other, status=TraineeStatus.PENDING)
    create_product(create_trainee(centre=other), status=ProductStatus.SUBMITTED)

    login(create_centre_staff(centre=centre))
    page = client.get("/my?lang=en").get_data(as_text=True)
    assert todo_count(page, "/centre/trainees") == "2"
    assert todo_count(page, "/centre/listings") == "1"
    assert 'href="/reports/needs"' in page

    login(create_centre_staff(centre=other))
    page = client.get("/my?lang=en").get_data(as_text=True)
    assert todo_count(page, "/centre/trainees") == "1"
    assert todo_count(page, "/centre/listings") == "1"


def test_municipal_staff_see_applications_check_in_and_next_days(
        client, login, create_municipal_staff, create_market, create_venue, create_application,
        create_booth, create_assignment, trainee):
    venue = create_venue()
    market = create_market(venue=venue, starts_in=0, days=2)
    create_application(market)
    create_application(market)
    booth = create_booth(venue)
    today = market.days[0]
    create_assignment(booth, today, trainee)
    create_application(create_market())                        # another municipality's

    login(create_municipal_staff(municipality=venue.municipality))
    page = client.get("/my?lang=en").get_data(as_text=True)
    assert todo_count(page, "/booths/markets") == "2"  # the applications to review
    assert todo_count(page, f"/booths/days/{today.id}/check-in") == "1"
    assert "Market days in the next two weeks" in page


def test_admin_sees_organisations_and_moderation(client, login, create_admin, create_centre,
                                                 create_municipality, create_product):
    create_centre()
    create_municipality()
    create_product(status=ProductStatus.SUBMITTED)  # makes a third centre (its trainee's)
    login(create_admin())
    page = client.get("/my?lang=en").get_data(as_text=True)
    assert todo_count(page, "/admin/organisations") == "3"
    assert "Listings waiting for moderation" in page


def test_a_trainee_who_is_also_centre_staff_sees_both_sections(
        client, login, trainee, create_centre_staff, centre):
    create_centre_staff(centre=centre, user=trainee.user)
    login(trainee.user)
    page = client.get("/my?lang=en").get_data(as_text=True)
    assert "My shop" in page and "My training centre" in page and "My shopping" in page


def test_persian_home_has_no_latin_digits(client, login, create_trainee, create_product):
    trainee = create_trainee(display_name="مریم احمدی")
    create_product(trainee, status=ProductStatus.REJECTED)
    login(trainee.user)
    page = client.get("/my?lang=fa").get_data(as_text=True)
    main = page.split('<main id="main" class="container">', 1)[1].split("</main>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    assert not re.search(r"[0-9]", text), re.findall(r".{0,30}[0-9].{0,30}", text)
    assert "آگهی‌هایی که برای اصلاح برگشته‌اند" in page


def test_the_home_runs_a_constant_number_of_queries(
        client, login, count_queries, trainee, create_centre_staff, centre, create_product,
        create_trainee):
    create_centre_staff(centre=centre, user=trainee.user)
    login(trainee.user)
    client.get("/my")
    with count_queries() as few:
        assert client.get("/my").status_code == 200
    for _ in range(5):
        create_product(trainee, status=ProductStatus.REJECTED)
        create_trainee(centre=centre, status=TraineeStatus.PENDING)
    with count_queries() as many:
        assert client.get("/my").status_code == 200
    assert many.n == few.n
    # The user, the buyer's, the trainee's and the centre's counts (4), then the reports'
    # headlines (reports.headlines): the summary's days, each sales figure's online lines,
    # their ledger rows and booth sales (2 × 3), the centre's city, the search summary's days
    # and its top search term.
    assert few.n <= 4 + 1 + 2 * 3 + 3


def test_the_home_needs_a_sign_in(client):
    response = client.get("/my")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["trainee", "staff", "municipal", "admin"])
def test_sign_in_lands_on_the_home(client, role, trainee, create_centre_staff, create_admin,
                                   create_municipal_staff):
    user = {"trainee": lambda: trainee.user, "staff": create_centre_staff,
            "municipal": create_municipal_staff, "admin": create_admin}[role]()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/my")


def test_a_buyer_lands_where_they_did_and_next_still_wins(client, create_user, trainee):
    buyer = create_user()
    response = client.post("/login", data={"email": buyer.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/")
    client.post("/logout")
    response = client.post("/login?next=/cart",
                           data={"email": trainee.user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/cart")


def test_phone_sign_in_lands_on_the_home(client, db, trainee):
    from marketplace.core.sms.outbox import outbox_messages

    trainee.user.phone, trainee.user.phone_verified_at = "+989121234567", utcnow()
    db.session.commit()
    client.post("/login/phone", data={"phone": "09121234567"})
    response = client.post("/login/phone/code", data={"code": outbox_messages()[-1]["code"]})
    assert response.headers["Location"].endswith("/my")


def test_the_header_groups_the_menu_into_disclosure_menus(client, login, trainee,
                                                          create_centre_staff, centre):
    create_centre_staff(centre=centre, user=trainee.user)
    login(trainee.user)
    page = client.get("/my?lang=en").get_data(as_text=True)
    header = page.split("</header>", 1)[0]
    menus = re.findall(r'<details class="nav-menu nav-menu-(\w+)"[^>]*>\s*<summary>([^<]+)<',
                       header)
    assert [name for name, _label in menus] == ["shop", "staff", "account"]
    staff = header.split("nav-menu-staff", 1)[1].split("</details>", 1)[0]
    assert 'href="/centre/trainees"' in staff and 'href="/my/products"' not in staff
    account = header.split("nav-menu-account", 1)[1].split("</details>", 1)[0]
    assert "Log out" in account and 'href="/account"' in account
    assert 'href="/my"' in header


def test_a_buyer_has_only_the_account_menu(client, login, create_user):
    login(create_user())
    header = client.get("/?lang=en").get_data(as_text=True).split("</header>", 1)[0]
    assert re.findall(r'<details class="nav-menu nav-menu-(\w+)"', header) == ["account"]
