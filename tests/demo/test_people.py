"""`flask seed-demo` builds the demo people and organisations once, prints the demo logins, and
every printed login signs in."""

from sqlalchemy import func, select

from marketplace.accounts.models import (
    CentreStaff,
    Municipality,
    MunicipalStaff,
    Trainee,
    TraineeStatus,
    TrainingCentre,
    User,
)
from marketplace.demo import people


def test_seed_demo_builds_the_world_once(runner, db, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "accounts: training centres" in first.output
    assert f"Demo logins (password for all: {people.DEMO_PASSWORD}):" in first.output
    assert all(email in first.output for _role, email in people.DEMO_LOGINS)
    counts = {model: db.session.scalar(select(func.count()).select_from(model))
              for model in (User, TrainingCentre, Municipality, Trainee, CentreStaff,
                            MunicipalStaff)}
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "0 created" in second.output
    assert counts == {model: db.session.scalar(select(func.count()).select_from(model))
                      for model in counts}

    names = set(db.session.scalars(select(TrainingCentre.name_fa)))
    assert "مرکز آموزش فنی و حرفه‌ای اسکو" in names
    assert any("سهند" in n for n in names) and any("سردرود" in n for n in names)
    assert set(db.session.scalars(select(Municipality.name_fa))) == {"شهرداری سهند",
                                                                     "شهرداری سردرود"}
    sardrud = db.session.scalar(select(TrainingCentre).where(
        TrainingCentre.slug == "sardrud-carpet-tableau-institute"))
    statuses = [t.status for t in sardrud.trainees]
    assert statuses.count(TraineeStatus.VERIFIED) == 6
    assert statuses.count(TraineeStatus.PENDING) == 2
    head = db.session.scalar(select(User).where(User.display_name == "مهدی کاظمی"))
    assert head is not None and head.is_centre_staff

    for _role, email in people.DEMO_LOGINS:
        response = client.post("/login", data={"email": email, "password": people.DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")
