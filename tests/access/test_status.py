"""GET /status: the key's own data, its company, limits, usage and the server time."""

import datetime
import re
import zoneinfo

import pytest

from tests.conftest import BASE_JOB, assert_error, next_source_address

UTC_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
OFFSET_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _status(client) -> dict:
    response = client.get("/status")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_status_shape(api):
    response = api.get("/status")

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"success", "data", "meta"}
    assert body["success"] is True
    assert set(body["data"]) == {
        "api_version",
        "status",
        "key",
        "company",
        "limits",
        "usage",
        "ip_whitelist",
        "server_time",
    }
    assert set(body["data"]["key"]) == {"name", "prefix", "status", "permissions", "created_at", "expires_at"}
    assert set(body["data"]["limits"]) == {"rate_limit", "job_limit"}
    assert set(body["data"]["limits"]["rate_limit"]) == {"requests_per_minute", "remaining", "reset"}
    assert set(body["data"]["limits"]["job_limit"]) == {"limit", "current_active_jobs", "unlimited"}
    assert set(body["data"]["usage"]) == {
        "requests_total",
        "requests_today",
        "jobs_created",
        "last_request_at",
        "last_request_ip",
    }


def test_status_version_and_state(api):
    data = _status(api)

    assert data["api_version"] == "v1"
    assert data["status"] == "ok"


def test_status_key(client_for, make_key):
    expires_at = datetime.datetime(2030, 1, 31, 18, 0, tzinfo=BERLIN)
    issued = make_key(name="Production API Key", permissions=["update", "read"], expires_at=expires_at)

    key = _status(client_for(issued.plaintext))["key"]

    assert key == {
        "name": "Production API Key",
        "prefix": issued.plaintext[:8],
        "status": "active",
        "permissions": ["read", "update"],
        "created_at": _utc(issued.credential.created_at),
        "expires_at": "2030-01-31T17:00:00Z",
    }
    assert UTC_TIMESTAMP.fullmatch(key["created_at"])


def test_status_without_expiry(api):
    assert _status(api)["key"]["expires_at"] is None


def test_status_key_without_permissions(client_for, make_key):
    issued = make_key(permissions=[])

    assert _status(client_for(issued.plaintext))["key"]["permissions"] == []


def test_status_company(api, company):
    assert _status(api)["company"] == {"id": company.pk, "name": company.name, "slug": company.slug}


def test_status_rate_limit_matches_headers(client_for, make_key):
    issued = make_key(rate_limit=30)

    response = client_for(issued.plaintext).get("/status")

    limits = response.json()["data"]["limits"]["rate_limit"]
    assert limits == {
        "requests_per_minute": 30,
        "remaining": 29,
        "reset": int(response.headers["X-RateLimit-Reset"]),
    }
    assert response.headers["X-RateLimit-Limit"] == "30"
    assert response.headers["X-RateLimit-Remaining"] == "29"


def test_status_company_rate_limit(client_for, make_company, make_key):
    issued = make_key(make_company(rate_limit=25), rate_limit=None)

    assert _status(client_for(issued.plaintext))["limits"]["rate_limit"]["requests_per_minute"] == 25


def test_status_job_limit(client_for, make_company, make_key, make_job):
    issued = make_key(make_company(job_limit=10))
    make_job(issued)
    make_job(issued, is_active=False)

    job_limit = _status(client_for(issued.plaintext))["limits"]["job_limit"]

    assert job_limit == {"limit": 10, "current_active_jobs": 1, "unlimited": False}


def test_status_unlimited_jobs(api, make_job):
    make_job()

    job_limit = _status(api)["limits"]["job_limit"]

    assert job_limit == {"limit": None, "current_active_jobs": 1, "unlimited": True}


def test_status_ip_whitelist(client_for, make_key):
    source = next_source_address()
    issued = make_key(ip_allowlist=[f"{source}/32", "10.1.2.3/8", "2001:DB8::/32", "::ffff:172.16.0.0/108"])

    whitelist = _status(client_for(issued.plaintext, source=source))["ip_whitelist"]

    assert whitelist == [f"{source}/32", "10.0.0.0/8", "2001:db8::/32", "172.16.0.0/12"]


def test_status_empty_whitelist(api):
    assert _status(api)["ip_whitelist"] == []


def test_server_time_in_berlin(api):
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    server_time = _status(api)["server_time"]

    after = datetime.datetime.now(datetime.UTC)
    assert OFFSET_TIMESTAMP.fullmatch(server_time)
    moment = datetime.datetime.fromisoformat(server_time)
    assert before <= moment <= after
    assert moment.utcoffset() == moment.astimezone(BERLIN).utcoffset()
    assert server_time[-6:] in ("+01:00", "+02:00")


# Usage counters


def test_first_request_counts_itself(client_for, make_key):
    source = next_source_address()
    issued = make_key()
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    usage = _status(client_for(issued.plaintext, source=source))["usage"]

    after = datetime.datetime.now(datetime.UTC)
    assert usage["requests_total"] == 1
    assert usage["requests_today"] == 1
    assert usage["jobs_created"] == 0
    assert usage["last_request_ip"] == source
    assert UTC_TIMESTAMP.fullmatch(usage["last_request_at"])
    assert before <= datetime.datetime.fromisoformat(usage["last_request_at"]) <= after


def test_requests_total_counts_exactly(api):
    totals = [_status(api)["usage"]["requests_total"] for _ in range(3)]
    assert api.get("/jobs").status_code == 200
    assert api.get("/categories").status_code == 200

    usage = _status(api)["usage"]

    assert totals == [1, 2, 3]
    assert usage["requests_total"] == 6
    assert usage["requests_today"] == 6


def test_unauthenticated_requests_not_counted(client_for, issued_key):
    client = client_for(issued_key.plaintext)
    assert _status(client)["usage"]["requests_total"] == 1
    wrong_checksum = issued_key.plaintext[:-1] + ("A" if issued_key.plaintext[-1] != "A" else "B")
    assert_error(client_for(wrong_checksum).get("/status"), 403, "INVALID_API_KEY")
    assert_error(client_for().get("/status"), 401, "MISSING_API_KEY")

    assert _status(client)["usage"]["requests_total"] == 2


def test_other_key_not_counted(client_for, company, make_key):
    first = make_key(company)
    second = make_key(company)
    for _ in range(3):
        _status(client_for(second.plaintext))

    assert _status(client_for(first.plaintext))["usage"]["requests_total"] == 1


def test_last_request_ip_follows_client(client_for, issued_key):
    first = next_source_address()
    second = next_source_address()
    _status(client_for(issued_key.plaintext, source=first))

    usage = _status(client_for(issued_key.plaintext, source=second))["usage"]

    assert usage["last_request_ip"] == second


def test_jobs_created_counts_creates(api):
    assert api.post("/jobs", json=BASE_JOB).status_code == 201
    assert api.post("/jobs", json={**BASE_JOB, "is_active": False}).status_code == 201

    assert _status(api)["usage"]["jobs_created"] == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [({**BASE_JOB, "title": "x"}, 422), ({"title": "Nur ein Titel"}, 422)],
)
def test_failed_create_not_counted(api, body, status):
    assert api.post("/jobs", json=body).status_code == status

    assert _status(api)["usage"]["jobs_created"] == 0


def test_job_limit_refusal_not_counted(client_for, make_company, make_key):
    client = client_for(make_key(make_company(job_limit=1)).plaintext)
    assert client.post("/jobs", json=BASE_JOB).status_code == 201

    assert_error(client.post("/jobs", json=BASE_JOB), 403, "JOB_LIMIT_EXCEEDED")

    assert _status(client)["usage"]["jobs_created"] == 1
    assert _status(client)["limits"]["job_limit"]["current_active_jobs"] == 1
