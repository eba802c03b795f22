"""Report pages in Persian and English, their downloads (CSV parsed, XLSX read back with
openpyxl) matching the page, the API giving the same rows, the skills page, and a constant
number of queries."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from marketplace.reports.models import TermSkill

LATIN_DIGIT = re.compile(r"[0-9]")


def visible_text(html: str) -> str:
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return body


@pytest.mark.parametrize("name", ["sales", "needs", "booths", "employment", "platform"])
def test_each_report_page_in_persian_has_a_chart_summary_and_no_latin_digit(
        world, client, login, log_searches, name):
    log_searches("رنگرزی گیاهی", visitors=6, city="سردرود")
    login(world.admin)
    response = client.get(f"/reports/{name}?lang=fa")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "data-summary" in html and "<table" in html
    assert LATIN_DIGIT.search(visible_text(html)) is None, name
    if name in ("sales", "needs", "booths"):
        assert "<svg" in html


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_trainee_sees_their_sales_by_month(world, client, login, lang):
    login(world.trainee_a.user)
    html = client.get(f"/reports/sales?lang={lang}").get_data(as_text=True)
    assert "<svg" in html and "Store B" not in html


def test_csv_and_xlsx_match_the_table(world, client, login, app):
    login(world.admin)
    page = client.get("/reports/sales?lang=en&by=trainee")
    assert page.status_code == 200
    api = client.get("/api/v1/reports/sales?by=trainee", headers=None)
    assert api.status_code == 401  # the API wants a token, never the session
    csv_response = client.get("/reports/sales?lang=en&by=trainee&format=csv")
    assert csv_response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Trainee", "Sales", "Items", "Gross (USD)"]
    by_store = {row[0]: row for row in body}
    assert by_store["Store A"][1:7] == ["3", "4", "17500", "1470", "3000", "13030"]
    assert by_store["Store B"][1:7] == ["1", "1", "4000", "400", "0", "3600"]
    xlsx = client.get("/reports/sales?lang=en&by=trainee&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:4] == header[:4]
    read_back = {row[0]: row for row in values[1:]}
    assert read_back["Store A"][1:7] == (3, 4, 17500, 1470, 3000, 13030) or \
        list(read_back["Store A"][1:7]) == [3, 4, 17500, 1470, 3000, 13030]
    # The page shows the same figures, formatted.
    text = page.get_data(as_text=True)
    assert "$130.30" in text and "$36.00" in text


def test_the_api_gives_the_page_s_rows(world, client, api_token):
    headers = api_token(world.admin)
    body = client.get("/api/v1/reports/sales?by=trainee", headers=headers).get_json()
    rows = {row["label"]: row for row in body["rows"]}
    assert (rows["Store A"]["net"], rows["Store B"]["net"]) == (13030, 3600)
    assert body["currency"] == "USD" and body["period"]["start"]
    assert {c["key"]: c["kind"] for c in body["columns"]}["gross"] == "money"
    assert client.get("/api/v1/reports/sales?grain=year", headers=headers).status_code == 422


def test_needs_page_for_centre_staff_defaults_to_their_city(world, client, login,
                                                             log_searches):
    log_searches("رنگرزی گیاهی", visitors=6, city="سردرود")
    log_searches("سفال لعابی", visitors=6, city="اسکو")
    login(world.staff_x)  # centre X is in Sardrud
    html = client.get("/reports/needs?lang=fa").get_data(as_text=True)
    assert "رنگرزی گیاهی" in html and "سفال لعابی" not in html
    every_city = client.get("/reports/needs?lang=fa&city=").get_data(as_text=True)
    assert "سفال لعابی" in every_city


def test_queries_do_not_grow_with_the_rows(world, client, login, count_queries, log_searches,
                                           place_test_order, create_product):
    login(world.admin)
    for name in ("sales", "needs", "booths", "employment", "platform"):
        with count_queries() as before:
            client.get(f"/reports/{name}?lang=en&by=product")
        more = create_product(trainee=world.trainee_b, category=world.category_2, stock=9)
        for _ in range(3):
            place_test_order(world.buyer, more, fulfilment="shipping", paid=True)
        log_searches("گلیم", visitors=7)
        with count_queries() as after:
            client.get(f"/reports/{name}?lang=en&by=product")
        assert after.n == before.n, name


def test_staff_keep_the_term_skill_list(world, client, login, db):
    login(world.staff_x)
    page = client.get("/reports/skills?lang=en")
    assert page.status_code == 200
    response = client.post("/reports/skills?lang=en", data={
        "term": "رنگرزي گياهي", "skill_fa": "رنگرزی گیاهی", "skill_en": "Natural dyeing",
        "trade": "dyeing"}, follow_redirects=True)
    assert response.status_code == 200
    entry = db.session.query(TermSkill).one()
    assert entry.term == "رنگرزی گیاهی"  # kept in its search form
    assert entry.trade == "dyeing"  # a code of the trade list courses use
    again = client.post("/reports/skills?lang=en", data={
        "term": "رنگرزی گیاهی", "skill_fa": "x", "skill_en": "", "trade": "dyeing"})
    assert "already has a skill" in again.get_data(as_text=True)
    client.post("/reports/skills?lang=en", data={
        "term": "گلیم", "skill_fa": "گلیم‌بافی", "trade": "basket_weaving"})
    assert db.session.query(TermSkill).count() == 1  # a trade not on the list
    client.post(f"/reports/skills/{entry.id}/delete")
    assert db.session.query(TermSkill).count() == 0
    login(world.trainee_a.user)
    assert client.get("/reports/skills").status_code == 404


@pytest.mark.parametrize("query", ["offset=abc&grain=year&by=nothing",
                                   "offset=99999999999&category=99999999999999",
                                   "offset=۲&grain=week&category=۵", "city=" + "س" * 300])
def test_odd_choices_fall_back_to_defaults(world, client, login, query):
    login(world.admin)
    for name in ("sales", "needs"):
        assert client.get(f"/reports/{name}?{query}").status_code == 200


def test_the_api_refuses_choices_out_of_range(world, client, api_token):
    headers = api_token(world.admin)
    for query in ("offset=-1", "offset=100000", "by=nothing", "category=0"):
        assert client.get(f"/api/v1/reports/needs?{query}" if "category" in query else
                          f"/api/v1/reports/sales?{query}", headers=headers).status_code == 422
