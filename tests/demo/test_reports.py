"""The demo world's needs assessment: staff of the Sardrud centre open "what buyers look for"
and see, in Persian, the demand the demo's searches made, with the skills they ask for; the
demo's municipal staff see their booth use and a trainee their sales by month. Seeding twice
adds no search twice."""

from sqlalchemy import func, select

from marketplace.catalogue.models import SearchLog
from marketplace.demo import people
from marketplace.reports.models import TermSkill


def sign_in(client, who: str) -> None:
    response = client.post("/login", data={"email": people.demo_email(who),
                                           "password": people.DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_demo_s_needs_assessment_speaks_of_sardrud(runner, db, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    searches = db.session.scalar(select(func.count(SearchLog.id)))
    skills = db.session.scalar(select(func.count(TermSkill.id)))
    assert searches > 0 and skills == 4
    again = runner.invoke(args=["seed-demo"])
    assert "demo searches already there; 0 skill mappings added" in again.output
    assert db.session.scalar(select(func.count(SearchLog.id))) == searches

    sign_in(client, "staff.sardrud")
    html = client.get("/reports/needs?lang=fa").get_data(as_text=True)
    assert "<svg" in html
    assert "رنگرزی گیاهی" in html and "رنگرزی گیاهی الیاف" in html
    assert "تعمیر فرش" not in html  # two visitors: under the threshold
    download = client.get("/reports/needs?lang=fa&format=csv").get_data(as_text=True)
    assert "رنگرزی گیاهی" in download
    client.post("/logout")

    sign_in(client, "municipal.sardrud")
    assert client.get("/reports/booths?lang=fa").status_code == 200
    client.post("/logout")
    sign_in(client, "trainee1")
    assert client.get("/reports/sales?lang=fa&by=period").status_code == 200
