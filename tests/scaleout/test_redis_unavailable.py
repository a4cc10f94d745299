"""With Redis unreachable, both APIs respond 503 SERVICE_UNAVAILABLE and admit nothing.

The server uses a Redis that this module starts on a loopback port and
stops, so the port has nothing listening while Redis is down.
"""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.counters.redis import RedisCounters
from jobriver.access.models import AdminToken, ApiKey, ApiKeyUsageDay, RateLimitHit
from jobriver.access.selectors import api_keys_with_usage
from jobriver.access.usage import usage_requests_by_day
from tests.conftest import assert_error, make_client, start_server, stop_server
from tests.scaleout.services import OwnRedis

RETRY_AFTER = 5


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory):
    redis = OwnRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def server_url(own_redis, django_db_setup):
    """A server on `own_redis`, replacing the session's server for this module."""
    extra_env = {
        "REDIS_URL": own_redis.url,
        "JOBRIVER_REDIS_PREFIX": f"jobriver-test-{uuid.uuid4().hex[:8]}:",
        # No flush during the tests, so what Redis loses on a restart is known.
        "JOBRIVER_USAGE_FLUSH_SECONDS": "3600",
    }
    process, base_url, _log = start_server(workers=1, extra_env=extra_env, log_name="server-redis-down")
    yield base_url
    stop_server(process)


@pytest.fixture
def redis_down(own_redis):
    """Stop the module's Redis for one test and start it again afterwards."""
    own_redis.stop()
    yield
    own_redis.start()


def _admin_token() -> str:
    user = get_user_model().objects.create_user(username=f"staff-{uuid.uuid4().hex[:12]}", is_staff=True)
    plaintext = keys.generate_key(keys.ADMIN_TOKEN_PREFIX)
    AdminToken.objects.create(
        user=user,
        name="Admin token",
        prefix=keys.display_prefix(plaintext),
        key_hash=keys.hash_key(plaintext),
        permissions=["create"],
    )
    return plaintext


def _assert_unavailable(response) -> None:
    body = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert response.headers["Retry-After"] == str(RETRY_AFTER)
    assert body["error"]["details"] == {"retry_after": RETRY_AFTER}
    assert body["error"]["message"] == (
        f"The service is temporarily unavailable. Retry after {RETRY_AFTER} seconds."
    )
    assert "X-RateLimit-Limit" not in response.headers


@pytest.mark.parametrize("credential", ["valid", "missing", "unknown"])
def test_company_api_unavailable(server_url, issued_key, redis_down, credential):
    secret = {"valid": issued_key.plaintext, "missing": None, "unknown": keys.generate_key("jrv_")}[credential]

    with make_client(server_url, key=secret) as client:
        _assert_unavailable(client.get("/status"))
        _assert_unavailable(client.get("/jobs"))


def test_admin_api_unavailable(server_url, redis_down):
    with make_client(server_url, key=_admin_token()) as client:
        response = client.post("/admin/leads", json={})

    _assert_unavailable(response)


def test_nothing_counted_while_unavailable(server_url, issued_key, redis_down):
    with make_client(server_url, key=issued_key.plaintext) as client:
        _assert_unavailable(client.get("/status"))

    assert not RateLimitHit.objects.filter(bucket=f"key:{issued_key.credential.pk}").exists()
    assert ApiKey.objects.get(pk=issued_key.credential.pk).requests_total == 0


def test_admits_again_after_restart(server_url, issued_key, own_redis):
    with make_client(server_url, key=issued_key.plaintext) as client:
        assert client.get("/status").status_code == 200
        own_redis.stop()
        _assert_unavailable(client.get("/status"))

        own_redis.start()
        response = client.get("/status")

    # This Redis keeps nothing on disk, so the restart lost the first
    # request's count, which no flush had written to the row yet.
    assert response.status_code == 200
    assert response.json()["data"]["usage"]["requests_total"] == 1


def test_pages_fall_back_to_rows(own_redis, redis_down, make_key, monkeypatch):
    counters = RedisCounters(url=own_redis.url, prefix=f"jobriver-test-{uuid.uuid4().hex[:8]}:", flush_seconds=3600)
    monkeypatch.setattr("jobriver.access.usage.get_counters", lambda: counters)
    issued = make_key()
    today = timezone.localdate()
    ApiKey.objects.filter(pk=issued.credential.pk).update(requests_total=3, last_used_ip="127.0.9.9")
    ApiKeyUsageDay.objects.create(api_key=issued.credential, day=today, requests=3)

    [key] = api_keys_with_usage([ApiKey.objects.get(pk=issued.credential.pk)])
    counts = usage_requests_by_day(api_key_ids=[issued.credential.pk], first_day=today, last_day=today)

    assert key.requests_total == 3
    assert key.last_used_ip == "127.0.9.9"
    assert counts == {(issued.credential.pk, today): 3}
