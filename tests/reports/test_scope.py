"""Who sees what, as a matrix of roles × other organisations' data: no row of a trainee, centre
or municipality outside the reader's scope ever appears, on the pages or the API."""

import pytest

from marketplace.core.errors import NotFound
from marketplace.reports.build import Choices, build
from marketplace.reports.scope import Report, can_see

ROLES = ("admin", "trainee_a", "trainee_b", "staff_x", "staff_y", "municipal_1",
         "municipal_2", "buyer")


def user_of(world, role):
    return getattr(world, role) if not role.startswith("trainee") else \
        getattr(world, role).user


# role -> the stores whose sales they may see (by trainee)
SALES_SEEN = {
    "admin": {"Store A", "Store B"}, "trainee_a": {"Store A"}, "trainee_b": {"Store B"},
    "staff_x": {"Store A"}, "staff_y": {"Store B"},
    "municipal_1": {"Store A"},  # only the booth sale at M1's market
    "municipal_2": set(), "buyer": None,
}
# role -> may open the report at all
OPENS = {
    Report.SALES: {"admin", "trainee_a", "trainee_b", "staff_x", "staff_y", "municipal_1",
                   "municipal_2"},
    Report.NEEDS: {"admin", "staff_x", "staff_y", "municipal_1", "municipal_2"},
    Report.BOOTHS: {"admin", "municipal_1", "municipal_2"},
    Report.EMPLOYMENT: {"admin", "staff_x", "staff_y"},
    Report.PLATFORM: {"admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_sales_rows_per_role(world, role):
    user = user_of(world, role)
    expected = SALES_SEEN[role]
    if expected is None:
        with pytest.raises(NotFound):
            build(user, Report.SALES, Choices(by="trainee"), "en")
        return
    result = build(user, Report.SALES, Choices(by="trainee"), "en")
    assert {row["label"] for row in result.table.rows} == expected
    if role == "municipal_1":
        assert result.table.rows[0]["gross"] == 2500


@pytest.mark.parametrize("report", list(Report))
@pytest.mark.parametrize("role", ROLES)
def test_who_opens_which_report(world, role, report):
    assert can_see(user_of(world, role), report) is (role in OPENS[report])


@pytest.mark.parametrize("role", ["admin", "municipal_1", "municipal_2"])
def test_booth_use_rows_per_municipality(world, role):
    result = build(user_of(world, role), Report.BOOTHS, Choices(), "en")
    markets = {row["market_id"] for row in result.table.rows}
    expected = {"admin": {world.market_1.id, world.market_2.id},
                "municipal_1": {world.market_1.id}, "municipal_2": {world.market_2.id}}[role]
    assert markets == expected


@pytest.mark.parametrize("role", ["admin", "staff_x", "staff_y"])
def test_employment_rows_per_centre(world, role):
    result = build(user_of(world, role), Report.EMPLOYMENT, Choices(), "en")
    expected = {"admin": {"Store A", "Store B"}, "staff_x": {"Store A"},
                "staff_y": {"Store B"}}[role]
    assert {row["trainee"] for row in result.table.rows} == expected


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_answer_404_outside_the_scope(world, role, client, login, api_token):
    user = user_of(world, role)
    login(user)
    headers = api_token(user)
    for report, allowed in OPENS.items():
        page = client.get(f"/reports/{report.value}?lang=en")
        api = client.get(f"/api/v1/reports/{report.value}", headers=headers)
        expected = 200 if role in allowed else 404
        assert (page.status_code, api.status_code) == (expected, expected), report
        if report == Report.SALES and expected == 200:
            stores = {row.get("label") for row in
                      client.get("/api/v1/reports/sales?by=trainee",
                                 headers=headers).get_json()["rows"]}
            assert stores == SALES_SEEN[role]
