"""The search log names its visitor by a keyed hash (for the k-threshold) and is pruned after
its retention period by `flask prune-search-log` (also a step of `flask maintenance`)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from marketplace.catalogue.models import SearchLog
from marketplace.cli import MAINTENANCE_COMMANDS


def test_each_search_is_logged_with_a_visitor_key(db, client, login, create_user):
    client.get("/products?q=گلیم", headers={"User-Agent": "phone A"})
    client.get("/products?q=گلیم", headers={"User-Agent": "phone A"})
    client.get("/products?q=گلیم", headers={"User-Agent": "phone B"})
    keys = list(db.session.scalars(select(SearchLog.visitor).order_by(SearchLog.id)))
    assert len(keys) == 3 and all(k and len(k) == 16 for k in keys)
    assert keys[0] == keys[1] != keys[2]
    user = create_user()
    login(user)
    client.get("/products?q=سفال")
    signed_in = db.session.scalars(select(SearchLog.visitor).order_by(SearchLog.id.desc())).first()
    assert signed_in not in keys and len(signed_in) == 16


def test_prune_deletes_rows_older_than_the_retention(db, runner, log_searches, app):
    log_searches("قدیمی", visitors=2, at=datetime.now(UTC) - timedelta(days=500))
    log_searches("تازه", visitors=3)
    result = runner.invoke(args=["prune-search-log"])
    assert result.exit_code == 0, result.output
    assert "2 rows" in result.output
    assert set(db.session.scalars(select(SearchLog.query))) == {"تازه"}
    assert "prune-search-log" in MAINTENANCE_COMMANDS


def test_maintenance_refreshes_sqlite_s_planner_statistics(db, runner, log_searches):
    """SQLite never gathers statistics by itself (without them it picks worse indexes at
    size); `flask optimize-database`, a step of `flask maintenance`, runs a sampled ANALYZE
    and PRAGMA optimize. PostgreSQL's autovacuum analyses on its own: nothing to do there."""
    log_searches("گلیم", visitors=3)
    result = runner.invoke(args=["optimize-database"])
    assert result.exit_code == 0, result.output
    whole = runner.invoke(args=["maintenance"])
    assert whole.exit_code == 0, whole.output
    assert "optimize-database" in MAINTENANCE_COMMANDS
    if db.engine.dialect.name == "sqlite":
        assert "analysed" in result.output
        stats = db.session.execute(text(
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'search_log'")).scalar()
        db.session.rollback()
        assert stats > 0
    else:
        assert "autovacuum" in result.output
