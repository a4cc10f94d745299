"""Two servers on one database, and on one Redis, enforce one set of limits.

Each test sends its requests to both servers of `server_pair` and runs once
with the counters in the database and once with them in Redis.
"""

from jobriver.access import keys
from tests.conftest import BASE_JOB, assert_error, make_client, next_source_address
from tests.parallel import outcome_counts, send_parallel

FAILURES_TO_BLOCK = 5


def _status(base_url: str, key: str) -> dict:
    with make_client(base_url, key=key) as client:
        response = client.get("/status")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_rate_limit_shared(server_pair, make_key):
    issued = make_key(rate_limit=60)

    responses = send_parallel(server_pair.urls, 100, issued.plaintext, lambda client, index: client.get("/status"))

    assert outcome_counts(responses) == {200: 60, "RATE_LIMIT_EXCEEDED": 40}
    admitted = [response for response in responses if response.status_code == 200]
    remaining = sorted(int(response.headers["X-RateLimit-Remaining"]) for response in admitted)
    assert remaining == list(range(60))
    for url in server_pair.urls:
        with make_client(url, key=issued.plaintext) as client:
            assert_error(client.get("/status"), 429, "RATE_LIMIT_EXCEEDED")


def test_lockout_shared(server_pair, issued_key):
    first, second = server_pair.urls
    source = next_source_address()
    unknown = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    for url in (first, first, second, second):
        with make_client(url, key=unknown, source=source) as client:
            assert_error(client.get("/status"), 403, "INVALID_API_KEY")
    with make_client(first, key=issued_key.plaintext, source=source) as client:
        assert client.get("/status").status_code == 200

    with make_client(second, key=unknown, source=source) as client:
        assert_error(client.get("/status"), 403, "INVALID_API_KEY")

    for url in (first, second):
        with make_client(url, key=issued_key.plaintext, source=source) as client:
            assert_error(client.get("/status"), 403, "API_KEY_BLOCKED")


def test_parallel_failures_block_both(server_pair, issued_key):
    source = next_source_address()
    unknown = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    responses = send_parallel(
        server_pair.urls, FAILURES_TO_BLOCK, unknown, lambda client, index: client.get("/status"), source
    )

    assert outcome_counts(responses) == {"INVALID_API_KEY": FAILURES_TO_BLOCK}
    for url in server_pair.urls:
        with make_client(url, key=issued_key.plaintext, source=source) as client:
            assert_error(client.get("/status"), 403, "API_KEY_BLOCKED")


def test_job_limit_shared(server_pair, make_company, make_key):
    issued = make_key(make_company(job_limit=5))
    for number in range(4):
        with make_client(server_pair.urls[number % 2], key=issued.plaintext) as client:
            response = client.post("/jobs", json={**BASE_JOB, "title": f"Bestehende Stelle {number}"})
        assert response.status_code == 201, response.text

    responses = send_parallel(
        server_pair.urls, 10, issued.plaintext, lambda client, index: client.post("/jobs", json=BASE_JOB)
    )

    assert outcome_counts(responses) == {201: 1, "JOB_LIMIT_EXCEEDED": 9}
    for url in server_pair.urls:
        data = _status(url, issued.plaintext)
        assert data["limits"]["job_limit"]["current_active_jobs"] == 5
        assert data["usage"]["jobs_created"] == 5


def test_usage_counted_across_servers(server_pair, make_key):
    issued = make_key()

    responses = send_parallel(server_pair.urls, 40, issued.plaintext, lambda client, index: client.get("/jobs"))

    assert outcome_counts(responses) == {200: 40}
    first, second = server_pair.urls
    usage = _status(first, issued.plaintext)["usage"]
    assert usage["requests_total"] == 41
    assert usage["requests_today"] == 41
    usage = _status(second, issued.plaintext)["usage"]
    assert usage["requests_total"] == 42
    assert usage["requests_today"] == 42
