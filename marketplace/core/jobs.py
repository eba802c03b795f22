"""Work that must happen only after the request's transaction commits (mail, provider calls).

`after_commit(fn, *args)` queues `fn` on the current session; when the session commits it runs
inline, or is enqueued on RQ when `REDIS_URL` is set. A rollback drops the queue, so nothing is
sent for work that did not happen. `fn` must be an importable module-level function.
"""

import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_QUEUE_KEY = "after_commit_jobs"


def after_commit(fn, *args, **kwargs) -> None:
    from marketplace.extensions import db

    db.session.info.setdefault(_QUEUE_KEY, []).append((fn, args, kwargs))


def _run_or_enqueue(fn, args, kwargs) -> None:
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        enqueue(fn, *args, **kwargs)
        return
    try:
        fn(*args, **kwargs)
    except Exception:  # the commit stands; a failed side effect is logged, not re-raised
        log.exception("after-commit job %s failed", getattr(fn, "__name__", fn))
        if current_app.config.get("TESTING"):
            raise


def enqueue(fn, *args, **kwargs):
    from redis import Redis
    from rq import Queue

    queue = Queue("marketplace", connection=Redis.from_url(current_app.config["REDIS_URL"]))
    return queue.enqueue(run_in_app_context, fn, *args, **kwargs)


def run_in_app_context(fn, *args, **kwargs):
    """Entry point for RQ workers: jobs need the app's config and database."""
    from marketplace import create_app

    with create_app().app_context():
        return fn(*args, **kwargs)


@event.listens_for(Session, "after_commit")
def _drain_after_commit(session):
    jobs = session.info.pop(_QUEUE_KEY, [])
    for fn, args, kwargs in jobs:
        _run_or_enqueue(fn, args, kwargs)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session):
    session.info.pop(_QUEUE_KEY, None)
