"""The staff-kept term → skill list through the API (/api/v1/reports/skills), for whom its
page is: centre staff and administrators keep it; to every other role it does not exist (404),
and without a token the answer is 401."""

import pytest

from marketplace.reports.models import TermSkill
from tests.reports.test_scope import ROLES, user_of

KEEPERS = {"admin", "staff_x", "staff_y"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_and_keeps_the_list_as_on_the_page(world, role, client, login, db,
                                                           api_token):
    db.session.add(TermSkill(term="نقشه", skill_fa="کدنویسی نقشه", skill_en="Pattern coding",
                             trade="carpet_weaving"))
    db.session.commit()
    user = user_of(world, role)
    headers = api_token(user)
    login(user)
    page = client.get("/reports/skills?lang=en").status_code
    listed = client.get("/api/v1/reports/skills", headers=headers)
    added = client.post("/api/v1/reports/skills", headers=headers, json={
        "term": "رنگرزي گياهي", "skill_fa": "رنگرزی گیاهی", "skill_en": "Natural dyeing",
        "trade": "dyeing"})
    if role not in KEEPERS:
        assert (page, listed.status_code, added.status_code) == (404, 404, 404)
        assert db.session.query(TermSkill).count() == 1
        return
    assert (page, listed.status_code, added.status_code) == (200, 200, 201)
    assert [(e["term"], e["skill_en"], e["trade"]) for e in listed.get_json()] == [
        ("نقشه", "Pattern coding", "carpet_weaving")]
    assert added.get_json()["term"] == "رنگرزی گیاهی"  # kept in its search form
    again = client.post("/api/v1/reports/skills", headers=headers, json={
        "term": "رنگرزی گیاهی", "skill_fa": "x", "trade": "dyeing"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "term_taken"
    gone = client.delete(f"/api/v1/reports/skills/{added.get_json()['id']}", headers=headers)
    assert gone.status_code == 204
    assert [e.term for e in db.session.query(TermSkill)] == ["نقشه"]


def test_bad_input_is_a_clear_4xx_and_nothing_is_written(world, client, db, api_token):
    headers = api_token(world.staff_x)
    unknown_trade = client.post("/api/v1/reports/skills", headers=headers, json={
        "term": "گلیم", "skill_fa": "گلیم‌بافی", "trade": "alchemy"})
    no_letters = client.post("/api/v1/reports/skills", headers=headers, json={
        "term": "!!!", "skill_fa": "x", "trade": "dyeing"})
    assert unknown_trade.status_code == 422 and "trade" in str(unknown_trade.get_json())
    assert no_letters.status_code == 422
    assert no_letters.get_json()["error"]["code"] == "invalid_term"
    assert client.delete("/api/v1/reports/skills/999999", headers=headers).status_code == 404
    assert db.session.query(TermSkill).count() == 0


def test_the_list_needs_a_token(client):
    assert client.get("/api/v1/reports/skills").status_code == 401
