"""Limits and counters under parallel requests to the two-worker server.

Each thread sends one request through its own HTTP client (tests/parallel.py).
"""

from collections.abc import Callable

import httpx
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.usage import usage_of
from jobriver.jobs.models import Job
from tests.access import counter_state
from tests.conftest import BASE_JOB, assert_error, next_source_address
from tests.parallel import outcome_counts, send_parallel


def _send_parallel(
    server_url: str,
    count: int,
    key: str,
    send: Callable[[httpx.Client, int], httpx.Response],
    source: str | None = None,
) -> list[httpx.Response]:
    """Send `count` requests at once, all from one source address, and return the responses in order."""
    return send_parallel((server_url,), count, key, send, source)



def test_parallel_requests_admit_limit(server_url, make_key):
    issued = make_key(rate_limit=60)

    responses = _send_parallel(server_url, 100, issued.plaintext, lambda client, index: client.get("/status"))

    assert outcome_counts(responses) == {200: 60, "RATE_LIMIT_EXCEEDED": 40}
    assert counter_state.hit_count(counter_state.credential_bucket(issued.credential)) == 60
    assert usage_of(credential=issued.credential, today=timezone.localdate()).requests_total == 60


def test_parallel_remaining_values_distinct(server_url, make_key):
    issued = make_key(rate_limit=30)

    responses = _send_parallel(server_url, 30, issued.plaintext, lambda client, index: client.get("/jobs"))

    remaining = sorted(int(response.headers["X-RateLimit-Remaining"]) for response in responses)
    assert remaining == list(range(30))


def test_parallel_creates_at_limit(server_url, make_company, make_key, make_job):
    company = make_company(job_limit=5)
    issued = make_key(company)
    for number in range(4):
        make_job(issued, title=f"Bestehende Stelle {number}")

    responses = _send_parallel(
        server_url, 10, issued.plaintext, lambda client, index: client.post("/jobs", json=BASE_JOB)
    )

    assert outcome_counts(responses) == {201: 1, "JOB_LIMIT_EXCEEDED": 9}
    assert Job.objects.filter(company=company, is_active=True).count() == 5
    assert usage_of(credential=issued.credential, today=timezone.localdate()).jobs_created == 5


def test_parallel_activations_at_limit(server_url, make_company, make_key, make_job):
    company = make_company(job_limit=3)
    issued = make_key(company)
    for number in range(2):
        make_job(issued, title=f"Aktive Stelle {number}")
    inactive = [make_job(issued, title=f"Inaktive Stelle {number}", is_active=False) for number in range(10)]

    responses = _send_parallel(
        server_url,
        10,
        issued.plaintext,
        lambda client, index: client.patch(f"/jobs/{inactive[index].pk}", json={"is_active": True}),
    )

    assert outcome_counts(responses) == {200: 1, "JOB_LIMIT_EXCEEDED": 9}
    assert Job.objects.filter(company=company, is_active=True).count() == 3


def test_parallel_usage_counts_exactly(server_url, client_for, make_key):
    issued = make_key()
    parallel = 40

    responses = _send_parallel(server_url, parallel, issued.plaintext, lambda client, index: client.get("/status"))

    assert outcome_counts(responses) == {200: parallel}
    usage = client_for(issued.plaintext).get("/status").json()["data"]["usage"]
    assert usage["requests_total"] == parallel + 1
    assert usage["requests_today"] == parallel + 1


def test_parallel_failures_block_address(server_url, client_for, issued_key):
    unknown = keys.generate_key(keys.COMPANY_KEY_PREFIX)
    source = next_source_address()

    responses = _send_parallel(server_url, 20, unknown, lambda client, index: client.get("/status"), source)

    # Requests that arrive after the fifth failure is stored find the address blocked.
    codes = outcome_counts(responses)
    assert set(codes) <= {"INVALID_API_KEY", "API_KEY_BLOCKED"}
    assert codes["INVALID_API_KEY"] >= 5
    assert_error(client_for(issued_key.plaintext, source=source).get("/status"), 403, "API_KEY_BLOCKED")


def test_five_parallel_failures_block(server_url, client_for, issued_key):
    unknown = keys.generate_key(keys.COMPANY_KEY_PREFIX)
    source = next_source_address()

    responses = _send_parallel(server_url, 5, unknown, lambda client, index: client.get("/status"), source)

    assert outcome_counts(responses) == {"INVALID_API_KEY": 5}
    assert_error(client_for(issued_key.plaintext, source=source).get("/status"), 403, "API_KEY_BLOCKED")
