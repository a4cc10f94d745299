"""With Redis, requests write no database row, and usage reaches the rows in batches.

The servers here use a Redis key prefix of their own, so that no other
server's flush thread writes their counts; the test flushes itself.
"""

import datetime
import time
import uuid

import pytest
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.counters.redis import RedisCounters
from jobriver.access.models import ApiKey, ApiKeyUsageDay, FailedAttempt, IpBlock, RateLimitBucket, RateLimitHit
from tests.conftest import BASE_JOB, assert_error, make_client, next_source_address, stop_server
from tests.parallel import outcome_counts, send_parallel
from tests.scaleout.conftest import start_pair
from tests.scaleout.services import test_redis_url

# Long enough that no flush thread runs while a test looks at the rows.
NO_FLUSH_SECONDS = 3600
# How long the background flush test waits for the thread, at most.
FLUSH_WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def prefix() -> str:
    return f"jobriver-test-flush-{uuid.uuid4().hex[:8]}:"


@pytest.fixture(scope="module")
def redis_pair(django_db_setup, prefix):
    extra_env = {
        "REDIS_URL": test_redis_url(),
        "JOBRIVER_REDIS_PREFIX": prefix,
        "JOBRIVER_USAGE_FLUSH_SECONDS": str(NO_FLUSH_SECONDS),
    }
    pair, processes = start_pair(name="redis-no-flush", extra_env=extra_env)
    yield pair
    for process in processes:
        stop_server(process)


@pytest.fixture
def counters(prefix) -> RedisCounters:
    """The counters of `redis_pair`, for flushing from the test."""
    return RedisCounters(url=test_redis_url(), prefix=prefix, flush_seconds=NO_FLUSH_SECONDS)


def _status(base_url: str, key: str, source: str | None = None) -> dict:
    with make_client(base_url, key=key, source=source) as client:
        response = client.get("/status")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _row(issued) -> ApiKey:
    return ApiKey.objects.get(pk=issued.credential.pk)


def _day_rows(issued) -> dict[datetime.date, int]:
    return dict(ApiKeyUsageDay.objects.filter(api_key_id=issued.credential.pk).values_list("day", "requests"))


def test_requests_write_no_rows(redis_pair, make_key):
    issued = make_key(rate_limit=100)
    source = next_source_address()
    unknown = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    responses = send_parallel(redis_pair.urls, 20, issued.plaintext, lambda client, index: client.get("/jobs"))
    for url in redis_pair.urls:
        with make_client(url, key=unknown, source=source) as client:
            assert_error(client.get("/status"), 403, "INVALID_API_KEY")

    assert outcome_counts(responses) == {200: 20}
    row = _row(issued)
    assert row.requests_total == 0
    assert row.last_used_at is None
    assert row.last_used_ip is None
    assert _day_rows(issued) == {}
    assert not RateLimitHit.objects.filter(bucket=f"key:{issued.credential.pk}").exists()
    assert not RateLimitBucket.objects.filter(name=f"key:{issued.credential.pk}").exists()
    assert not FailedAttempt.objects.filter(ip=source).exists()
    assert not IpBlock.objects.filter(ip=source).exists()
    assert _status(redis_pair.urls[0], issued.plaintext)["usage"]["requests_total"] == 21


def test_flush_writes_rows(redis_pair, counters, make_key):
    issued = make_key()
    source = next_source_address()
    with make_client(redis_pair.urls[1], key=issued.plaintext) as client:
        assert client.post("/jobs", json=BASE_JOB).status_code == 201
    usage = _status(redis_pair.urls[0], issued.plaintext, source)["usage"]

    assert counters.flush_usage() >= 1

    row = _row(issued)
    assert row.requests_total == 2
    assert row.jobs_created == 1
    assert row.last_used_ip == source
    assert row.last_used_at.isoformat().startswith(usage["last_request_at"][:19])
    assert _day_rows(issued) == {timezone.localdate(): 2}


def test_second_flush_changes_nothing(redis_pair, counters, make_key):
    issued = make_key()
    _status(redis_pair.urls[0], issued.plaintext)
    counters.flush_usage()

    counters.flush_usage()

    assert _row(issued).requests_total == 1
    assert _day_rows(issued) == {timezone.localdate(): 1}
    assert not counters.client.sismember(counters.dirty_key, f"key:{issued.credential.pk}")


def test_counts_after_flush_add_up(redis_pair, counters, make_key):
    issued = make_key()
    _status(redis_pair.urls[0], issued.plaintext)
    counters.flush_usage()

    usage = _status(redis_pair.urls[1], issued.plaintext)["usage"]
    counters.flush_usage()

    assert usage["requests_total"] == 2
    assert _row(issued).requests_total == 2
    assert _day_rows(issued) == {timezone.localdate(): 2}


def test_counts_continue_from_row(redis_pair, make_key):
    issued = make_key()
    ApiKey.objects.filter(pk=issued.credential.pk).update(requests_total=100, jobs_created=7)
    ApiKeyUsageDay.objects.create(api_key=issued.credential, day=timezone.localdate(), requests=30)

    usage = _status(redis_pair.urls[0], issued.plaintext)["usage"]

    assert usage["requests_total"] == 101
    assert usage["requests_today"] == 31
    assert usage["jobs_created"] == 7


def test_flush_skips_deleted_key(redis_pair, counters, make_key):
    issued = make_key()
    _status(redis_pair.urls[0], issued.plaintext)
    member = f"key:{issued.credential.pk}"
    issued.credential.delete()

    counters.flush_usage()

    assert not counters.client.sismember(counters.dirty_key, member)
    assert not counters.client.exists(counters.usage_key("key", int(member.split(":")[1])))


def test_flush_thread_writes_rows(django_db_setup, make_key):
    issued = make_key()
    extra_env = {
        "REDIS_URL": test_redis_url(),
        "JOBRIVER_REDIS_PREFIX": f"jobriver-test-thread-{uuid.uuid4().hex[:8]}:",
        "JOBRIVER_USAGE_FLUSH_SECONDS": "1",
    }
    pair, processes = start_pair(name="redis-flush", extra_env=extra_env)
    try:
        for url in pair.urls:
            _status(url, issued.plaintext)

        # The threads flush about once per second; wait for the row, with a generous bound.
        deadline = time.monotonic() + FLUSH_WAIT_SECONDS
        while _row(issued).requests_total < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for process in processes:
            stop_server(process)

    assert _row(issued).requests_total == 2
    assert _day_rows(issued) == {timezone.localdate(): 2}
