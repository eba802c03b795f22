"""After-commit jobs on RQ (REDIS_URL set): the request only enqueues; `flask worker` runs them
in its own app, each in an app context of its own."""

from flask import current_app

from marketplace.core import jobs
from marketplace.core.jobs import after_commit
from marketplace.core.mail import send_mail_after_commit
from marketplace.extensions import db as _db
from tests.redis_server import (  # noqa: F401 (the fixtures that put jobs on Redis)
    burst_worker_class,
    fresh_job_queue,
    jobs_on_redis_config,
    run_queued_jobs,
)


def queue_mail(to="a@example.org"):
    send_mail_after_commit(to, "Reset your password", "password_reset", locale="en",
                           name="Sara", link="https://example.org/reset", minutes=60)


def test_a_commit_enqueues_and_the_worker_sends(db, outbox):
    queue_mail()
    db.session.commit()
    assert outbox() == [] and jobs.job_queue().count == 1

    assert run_queued_jobs() == 0
    assert [m["To"] for m in outbox()] == ["a@example.org"]
    assert jobs.job_queue().count == 0


def test_a_failed_job_is_tried_again_later(db):
    after_commit(fail_with, "the mail server is down", description="a keyword of the job's")
    db.session.commit()
    assert run_queued_jobs() == 0  # not failed for good: scheduled again
    queue = jobs.job_queue()
    (job_id,) = queue.scheduled_job_registry.get_job_ids()
    job = queue.fetch_job(job_id)
    assert job.retries_left == len(jobs.RETRY_INTERVALS) - 1
    assert job.kwargs == {"description": "a keyword of the job's"}


def test_a_rollback_enqueues_nothing(db):
    queue_mail()
    db.session.rollback()
    assert jobs.job_queue().count == 0


def test_the_worker_command_serves_the_app_queue_in_its_own_process(
        app, db, runner, outbox, monkeypatch):
    monkeypatch.setattr("marketplace.cli.SimpleWorker", burst_worker_class())
    monkeypatch.setattr("marketplace.create_app", no_new_app)
    queue_mail("b@example.org")
    db.session.commit()

    result = runner.invoke(args=["worker", "--maintenance-interval", "0"])
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in outbox()] == ["b@example.org"]
    assert jobs.job_queue().failed_job_registry.count == 0


def test_each_job_gets_the_running_app_and_a_session_of_its_own(app, db, monkeypatch):
    monkeypatch.setattr("marketplace.create_app", no_new_app)
    outer = _db.session()
    job_app, job_session = jobs.run_in_app_context(app_and_session)
    assert job_app is app and job_session is not outer


def test_with_redis_down_the_work_runs_inline_after_the_commit(app, db, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_QUEUE", "bz-test-down")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    queue_mail("c@example.org")
    db.session.commit()
    assert [m["To"] for m in outbox()] == ["c@example.org"]


def test_the_worker_command_needs_redis(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    result = runner.invoke(args=["worker"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def app_and_session():
    return current_app._get_current_object(), _db.session()


def fail_with(message, description=""):
    raise RuntimeError(message)


def no_new_app(*_args, **_kwargs):
    raise AssertionError("a job must not build an app of its own under `flask worker`")
