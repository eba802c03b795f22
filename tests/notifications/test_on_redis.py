"""With REDIS_URL the notices' sends go through RQ: the feed rows commit with the request,
which queues one job; the worker queues each mail and SMS as a job of its own (an SMS the
operator could not take now is tried again by RQ, the notice itself written once)."""

from marketplace.core.jobs import job_queue
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify

# The fixtures that send this module's jobs to a Redis queue of each test's own.
from tests.redis_server import fresh_job_queue, jobs_on_redis_config, run_queued_jobs  # noqa: F401

READY = {"name": "Sara", "number": "BZ-7", "status": "ready_for_pickup", "store": "Tableaux",
         "pickup_place": "booth 7", "link": ""}


def test_notices_go_through_the_queue(db, phone_user, notices_of, outbox, sms_outbox):
    buyer = phone_user(locale="en")
    notify(buyer, EventKind.ORDER_READY_FOR_PICKUP, READY, mail=("x", "order_status"))
    db.session.commit()
    assert job_queue().count == 1  # one job for the transaction's notices
    assert len(notices_of(buyer)) == 1  # in the feed at once
    assert outbox() == [] and sms_outbox() == []  # nothing has left yet
    db.session.rollback()

    assert run_queued_jobs() == 0
    assert len(outbox()) == 1 and len(sms_outbox()) == 1
    assert len(notices_of(buyer)) == 1


def test_a_failed_sms_is_retried_by_rq_and_the_notice_is_written_once(
        db, phone_user, notices_of, sms_outbox, monkeypatch):
    from marketplace.core.sms import SmsTemporaryError
    from marketplace.core.sms.outbox import OutboxProvider

    real = OutboxProvider.send_text
    calls = []

    def busy_once(self, phone, text):
        calls.append(phone)
        if len(calls) == 1:
            raise SmsTemporaryError("operator busy")
        return real(self, phone, text)

    monkeypatch.setattr(OutboxProvider, "send_text", busy_once)
    buyer = phone_user()
    notify(buyer, EventKind.ORDER_READY_FOR_PICKUP, READY)
    db.session.commit()
    run_queued_jobs()
    queue = job_queue()
    # The SMS job failed once and waits for its retry (10 s later, core.jobs.RETRY_INTERVALS).
    assert sms_outbox() == [] and len(calls) == 1
    retry_ids = queue.scheduled_job_registry.get_job_ids()
    assert len(retry_ids) == 1
    queue.enqueue_job(queue.fetch_job(retry_ids[0]))  # as RQ's scheduler does, without waiting
    run_queued_jobs()
    assert len(sms_outbox()) == 1 and len(notices_of(buyer)) == 1
