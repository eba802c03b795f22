"""The Redis the tests may use: 127.0.0.1:6379 (CI's machine runs one), database 15."""

import os
import uuid

import pytest

TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def skip_without_redis() -> None:
    """Skip the test where no Redis answers; with REQUIRE_REDIS=1 (CI), fail it instead."""
    if redis_reachable():
        return
    if os.environ.get("REQUIRE_REDIS", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail("REQUIRE_REDIS=1 but no Redis answers at 127.0.0.1:6379", pytrace=False)
    pytest.skip("no Redis at 127.0.0.1:6379")


def redis_reachable(url: str = TEST_REDIS_URL) -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        return bool(Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except RedisError:
        return False


@pytest.fixture(name="app_config")
def jobs_on_redis_config() -> dict:
    """Import into a test module to send its after-commit jobs to RQ, on a queue of each
    test's own (tests run in parallel on one Redis); skips where no Redis answers."""
    skip_without_redis()
    return {"REDIS_URL": TEST_REDIS_URL, "JOBS_QUEUE": f"bz-test-{uuid.uuid4().hex}"}


@pytest.fixture(autouse=True)
def fresh_job_queue(app):
    """Import beside it: the test's queue goes from Redis after the test."""
    yield
    delete_queue()


def burst_worker_class():
    """`rq.SimpleWorker` that runs what is queued and stops (as `work(burst=True)`), without
    the thread that listens for remote commands: stopping that thread right after it starts
    can wait 60 s for a subscription (rq 3.0 with redis-py 8.2), which a long-running
    `flask worker` never meets but a test would."""
    from rq import SimpleWorker

    class BurstWorker(SimpleWorker):
        def work(self, **kwargs):
            return super().work(**{**kwargs, "burst": True})

        def subscribe(self):
            pass

        def unsubscribe(self):
            pass

    return BurstWorker


def run_queued_jobs() -> int:
    """Run every job on the app's queue here, as `flask worker` would, and stop when it is
    empty; returns how many failed."""
    from marketplace.core.jobs import job_queue

    queue = job_queue()
    burst_worker_class()([queue], connection=queue.connection).work()
    return queue.failed_job_registry.count


def delete_queue() -> None:
    """Remove the test's queue, its failed and scheduled jobs and its registries from Redis."""
    from marketplace.core.jobs import job_queue

    queue = job_queue()
    for registry in (queue.failed_job_registry, queue.scheduled_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    queue.delete(delete_jobs=True)
    for key in queue.connection.scan_iter(f"*{queue.name}*"):
        queue.connection.delete(key)
