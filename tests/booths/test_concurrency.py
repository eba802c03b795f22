"""100 concurrent requests for the same booth-day: exactly one wins, on SQLite and PostgreSQL.

Each thread sends its own API request (its own app context, session and connection), all
released together by a barrier; the partial unique indexes decide.
"""

import threading

import pytest
from sqlalchemy import func, select

from marketplace.booths.models import Assignment, AssignmentStatus

WORKERS = 100


def test_one_booth_day_is_given_once_under_concurrency(app, db, world, create_trainee,
                                                       api_token):
    trainees = [create_trainee(centre=None) for _ in range(WORKERS)]
    headers = api_token(world.staff)
    day, booth = world.market.days[0], world.booths[0]
    url = f"/api/v1/booths/markets/{world.market.id}/assignments"
    bodies = [{"day_id": day.id, "booth_id": booth.id, "trainee_id": t.id} for t in trainees]
    day_id, booth_id = day.id, booth.id
    # Outside a request the test's own session takes SQLite's write lock when it reads;
    # end its transaction so the workers compete only with each other.
    db.session.rollback()
    barrier = threading.Barrier(WORKERS)
    statuses: list[int] = []
    codes: list[str] = []
    lock = threading.Lock()

    def worker(body):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(url, json=body, headers=headers)
            db.session.remove()
        with lock:
            statuses.append(response.status_code)
            if response.status_code != 201:
                codes.append(response.json["error"]["code"])

    threads = [threading.Thread(target=worker, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] + [409] * (WORKERS - 1)
    assert set(codes) == {"booth_taken"}
    db.session.expire_all()
    live = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.market_day_id == day_id, Assignment.booth_id == booth_id,
        Assignment.status == AssignmentStatus.ACTIVE))
    assert live == 1


def test_the_index_itself_refuses_a_second_live_assignment(db, world, create_trainee,
                                                           create_assignment):
    """Even a write that skips the service's checks cannot double-book a booth-day."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    day, booth = world.market.days[0], world.booths[0]
    first, second = create_trainee(), create_trainee()
    create_assignment(booth, day, first)
    with pytest.raises(IntegrityError):
        create_assignment(booth, day, second)
    db.session.rollback()
    # A cancelled assignment frees the booth-day for someone else.
    db.session.execute(Assignment.__table__.update().values(status="cancelled"))
    db.session.commit()
    assert create_assignment(booth, day, second).status == AssignmentStatus.ACTIVE
    with pytest.raises(IntegrityError):
        create_assignment(world.booths[1], day, second)
    db.session.rollback()


@pytest.mark.postgres_only("SQLite runs one writer at a time; the deadlock was PostgreSQL's")
def test_concurrent_confirms_of_two_runs_one_wins_the_others_get_409(
        app, db, world, create_booth, create_application, api_token):
    """Six staff confirm two previews of one market at once: one wins, five get a 409 (never a
    500 from a deadlock between the two runs' inserts), and only the winner's booths exist."""
    from marketplace.booths.models import AllocationRun, RunStatus
    from marketplace.booths.services import allocation_runs

    world.market.allow_clusters = True
    for _ in range(8):
        create_booth(venue=world.venue)
    for i in range(24):
        create_application(world.market, category=world.category if i % 2 else
                           world.other_category)
    headers = api_token(world.staff)
    previews = [allocation_runs.preview_allocation(world.staff, world.market) for _ in range(2)]
    db.session.commit()
    run_ids = [r.id for r in previews]
    placements = {r.id: r.placements_count for r in previews}
    db.session.rollback()
    barrier = threading.Barrier(6)
    outcomes: list[tuple[int, int, str | None]] = []
    lock = threading.Lock()

    def worker(run_id):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(f"/api/v1/booths/allocation-runs/{run_id}/confirm",
                                   headers=headers)
            db.session.remove()
        code = None if response.status_code == 200 else \
            (response.json or {}).get("error", {}).get("code")
        with lock:
            outcomes.append((run_id, response.status_code, code))

    threads = [threading.Thread(target=worker, args=(run_ids[i % 2],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(status for _, status, _ in outcomes) == [200] + [409] * 5, outcomes
    (winner,) = [run_id for run_id, status, _ in outcomes if status == 200]
    for run_id, status, code in outcomes:
        if status == 409:
            assert code == ("run_already_confirmed" if run_id == winner else "run_stale")
    db.session.expire_all()
    confirmed = db.session.scalars(select(AllocationRun.id).where(
        AllocationRun.status == RunStatus.CONFIRMED)).all()
    assert confirmed == [winner]
    live = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.status == AssignmentStatus.ACTIVE))
    assert live == placements[winner]


@pytest.mark.postgres_only("SQLite runs one writer at a time; the deadlock was PostgreSQL's")
def test_concurrent_confirms_at_two_markets_never_put_a_trainee_in_two_places(
        app, db, world, create_venue, create_booth, create_market, create_trainee,
        create_application, api_token):
    """Two markets on the same dates, the same trainees applying to both, both previews
    confirmed at once: both succeed, and whoever a run would have placed on a date the other
    run already gave them is left out (trainee_already_placed) — no 500, nobody twice."""
    from marketplace.booths.models import AllocationRun
    from marketplace.booths.services import allocation_runs

    venue = create_venue(municipality=world.municipality)
    for _ in range(4):
        create_booth(venue=venue)
    other = create_market(venue=venue, categories=[(world.category, None)])
    for market in (world.market, other):
        market.allow_clusters = True
    trainees = [create_trainee() for _ in range(6)]
    for trainee in trainees:
        for market in (world.market, other):
            create_application(market, trainee=trainee, category=world.category)
    headers = api_token(world.staff)
    run_ids = [allocation_runs.preview_allocation(world.staff, m).id for m in (world.market, other)]
    db.session.commit()
    db.session.rollback()
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(run_id):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(f"/api/v1/booths/allocation-runs/{run_id}/confirm",
                                   headers=headers)
            db.session.remove()
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=worker, args=(run_id,)) for run_id in run_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200, 200]
    db.session.expire_all()
    doubled = db.session.execute(
        select(Assignment.trainee_id, Assignment.day, func.count())
        .where(Assignment.status == AssignmentStatus.ACTIVE)
        .group_by(Assignment.trainee_id, Assignment.day).having(func.count() > 1)).all()
    assert doubled == []
    dropped = [d for run_id in run_ids
               for d in allocation_runs.dropped_of(db.session.get(AllocationRun, run_id))]
    assert dropped and {d["reason"] for d in dropped} == {"trainee_already_placed"}
