"""Work that must happen only after the request's transaction commits (mail, provider calls).

`after_commit(fn, *args)` queues `fn` on the current session; when the session commits it runs
inline, or is enqueued on RQ when `REDIS_URL` is set (inline after all when Redis cannot be
reached). A rollback drops the queue, so nothing is sent for work that did not happen. `fn`
must be an importable module-level function.

On RQ, jobs go to the `JOBS_QUEUE` queue; `flask worker` runs them in its own process and app
(`rq.SimpleWorker`), each in an app context of its own, so a job costs neither a fork nor a new
app (~130 ms) nor a new database connection.
"""

import functools
import logging

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db

log = logging.getLogger(__name__)
_QUEUE_KEY = "after_commit_jobs"


def after_commit(fn, *args, **kwargs) -> None:
    session = db.session()
    if not session.in_transaction():
        # Open the transaction now: a rollback of one that never touched the database fires no
        # after_rollback event, and the queued work would then ride along with the next commit.
        session.begin()
    # Remember the savepoint (if any) the work was queued in: rolling it back drops only that.
    savepoint = session.get_nested_transaction()
    session.info.setdefault(_QUEUE_KEY, []).append((fn, args, kwargs, savepoint))


def queued_jobs(session, fn) -> list[tuple]:
    """The arguments of each call of `fn` queued on `session` and still to run after its
    commit (those queued in a savepoint since rolled back are gone): for work that must be
    completed inside the transaction just before it commits (notifications write their rows)."""
    return [args for queued, args, _kwargs, _savepoint in session.info.get(_QUEUE_KEY, ())
            if queued is fn]


def run_or_enqueue(fn, *args, **kwargs) -> None:
    """Hand `fn` to RQ now (REDIS_URL), else run it here, logging a failure: for a job that,
    already after a commit, starts other work (notifications start each mail and SMS)."""
    _run_or_enqueue(fn, args, kwargs)


def _run_or_enqueue(fn, args, kwargs) -> None:
    if current_app.config.get("REDIS_URL") and _enqueued(fn, args, kwargs):
        return
    try:
        fn(*args, **kwargs)
    except Exception:  # the commit stands; a failed side effect is logged, not re-raised
        log.exception("after-commit job %s failed", getattr(fn, "__name__", fn))
        if current_app.config.get("TESTING"):
            raise


def _enqueued(fn, args, kwargs) -> bool:
    """Enqueue on RQ; False when Redis cannot be reached. The commit has happened, so the
    work then runs here rather than being lost or turning a done request into an error."""
    try:
        enqueue(fn, *args, **kwargs)
    except RedisError:
        log.exception("Redis is unreachable; running %s inline", getattr(fn, "__name__", fn))
        return False
    return True


# A job that fails on RQ (the mail server down, say) is tried again after these many seconds;
# after the last try it stays in RQ's failed job registry.
RETRY_INTERVALS = (10, 60, 300)


def enqueue(fn, *args, **kwargs):
    # enqueue_call, so that fn's own keyword arguments never pass for RQ's options.
    return job_queue().enqueue_call(
        run_in_app_context, args=(fn, *args), kwargs=kwargs,
        retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)))


def job_queue():
    """The app's RQ queue (`REDIS_URL`, `JOBS_QUEUE`)."""
    config = current_app.config
    return _queue(config["REDIS_URL"], config["JOBS_QUEUE"])


@functools.cache
def _queue(redis_url: str, name: str):
    # One client (and its connection pool) per process, not a new connection per job.

    # A bounded connect: a request must not hang on an unreachable Redis (see _enqueued).
    return Queue(name, connection=Redis.from_url(redis_url, socket_connect_timeout=5))


def run_in_app_context(fn, *args, **kwargs):
    """Entry point for RQ jobs: each runs in a fresh app context, so with a database session
    of its own that is removed when the job ends."""
    with _job_app().app_context():
        return fn(*args, **kwargs)


def _job_app():
    """The worker's own app: `flask worker` runs each job inside it. The kernel never builds
    an app itself (the factory sits above every domain), so a bare `rq worker` is refused."""
    if not has_app_context():
        raise RuntimeError("Run jobs with `flask --app wsgi worker`, which gives them the app.")
    return current_app._get_current_object()


@event.listens_for(Session, "after_commit")
def _drain_after_commit(session):
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is still to come
    jobs = session.info.pop(_QUEUE_KEY, [])
    for fn, args, kwargs, _savepoint in jobs:
        _run_or_enqueue(fn, args, kwargs)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session, previous_transaction):
    jobs = session.info.get(_QUEUE_KEY)
    if not jobs:
        return
    if not previous_transaction.nested:
        session.info.pop(_QUEUE_KEY, None)
        return

    # A savepoint was rolled back (e.g. a caught IntegrityError): the work queued before it
    # still stands; only what was queued inside it, or in savepoints within it, is dropped.
    def queued_inside(transaction) -> bool:
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return False

    session.info[_QUEUE_KEY] = [job for job in jobs if not queued_inside(job[3])]
