"""The demo markets: both markets, applications from the demo trainees, a confirmed
allocation, and nothing new on a second run."""

from sqlalchemy import func, select

from marketplace.booths.models import (
    AllocationRun,
    Application,
    Assignment,
    Booth,
    Market,
    MarketKind,
    RunStatus,
)
from marketplace.demo import markets, people


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_seed_is_idempotent(app, db, create_category):
    for slug in ("carpet-tableau", "pottery", "sweets", "clothing"):
        create_category(slug=slug)
    lines: list[str] = []
    people.seed(lines.append)
    db.session.commit()
    markets.seed(lines.append)
    db.session.commit()

    by_kind = {m.kind: m for m in db.session.scalars(select(Market))}
    assert len(by_kind[MarketKind.RECURRING].days) >= 12
    assert all(d.day.weekday() == 4 for d in by_kind[MarketKind.RECURRING].days)
    assert len(by_kind[MarketKind.ONE_OFF].days) == 3
    assert count(db, Booth) == 100
    assert count(db, Application) >= 10
    assert count(db, Assignment) > 0
    assert {r.status for r in db.session.scalars(select(AllocationRun))} == {RunStatus.CONFIRMED}

    before = [count(db, model) for model in (Market, Booth, Application, Assignment)]
    markets.seed(lines.append)
    db.session.commit()
    assert [count(db, model) for model in (Market, Booth, Application, Assignment)] == before
