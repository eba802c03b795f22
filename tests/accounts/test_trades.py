"""A trainee's trade is a code of the one trade list (accounts.trades): chosen from a select
at sign-up and on the profile, refused otherwise, shown in the reader's language; the data
migration mapped each free-text trade to the closest trade or left it empty."""

import importlib.util
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select

from marketplace.accounts.models import Trainee
from marketplace.accounts.trades import TRADES

MIGRATION = (Path(__file__).resolve().parents[2] / "migrations" / "versions" /
             "20261212_c4d8e2f1a7b3_trainee_trade_codes.py")


def migration():
    spec = importlib.util.spec_from_file_location("trainee_trade_codes", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("text", "code"), [
    ("بافت تابلو فرش", "carpet_weaving"), ("قالي‌بافی", "carpet_weaving"),
    ("carpet tableau", "carpet_weaving"), ("طراحی نقشه فرش", "carpet_design"),
    ("کدنویسی نقشه‌ی فرش", "pattern_coding"), ("رنگرزی سنتی", "dyeing"),
    ("سفالگری", "pottery"), ("خیاطی و طراحی لباس", "tailoring"), ("منبت و معرق", "woodwork"),
    ("Traditional pastry", "pastry"), ("dyeing", "dyeing"), ("صنایع دستی", ""), ("x", ""),
    ("", ""),
])
def test_free_text_maps_to_the_closest_trade_or_to_none(text, code):
    assert migration().closest_trade(text) == code
    assert code == "" or code in TRADES


def test_the_data_migration_rewrites_every_trainees_trade(db, create_trainee):
    texts = ["بافت تابلو فرش", "رنگرزی سنتی", "چیزی دیگر", "pottery"]
    ids = [create_trainee(trade=text).id for text in texts]
    db.session.commit()
    with db.engine.begin() as connection, \
            Operations.context(MigrationContext.configure(connection)):
        migration().upgrade()
    db.session.expire_all()
    trades = dict(db.session.execute(select(Trainee.id, Trainee.trade)).all())
    assert [trades[i] for i in ids] == ["carpet_weaving", "dyeing", "", "pottery"]


def test_sign_up_and_profile_take_a_trade_from_the_list_only(client, db, create_centre, login,
                                                            create_trainee):
    centre = create_centre()
    body = {"email": "t@example.org", "password": "a long enough password",
            "display_name": "T", "centre_id": centre.id, "store_name": "S"}
    for bad in ("carpet weaving", "", None):
        response = client.post("/api/v1/accounts/register-trainee", json={**body, "trade": bad})
        assert response.status_code == 422, bad
        assert "trade" in str(response.json["error"]["fields"])
    assert db.session.scalar(select(Trainee.id)) is None

    page = client.get("/signup/trainee?lang=en").get_data(as_text=True)
    assert '<select' in page and 'value="carpet_design"' in page and "Carpet design" in page

    trainee = create_trainee(trade="")
    login(trainee.user)
    profile = {"display_name": "T", "phone": "", "locale": "en", "store_name": "S", "bio": ""}
    assert client.post("/account", data={**profile, "trade": "knitting"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).trade == ""
    assert client.post("/account", data={**profile, "trade": "dyeing"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).trade == "dyeing"
    page = client.get("/account?lang=fa").get_data(as_text=True)
    assert "رنگرزی سنتی" in page
