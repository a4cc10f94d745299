"""The per-key rate limit over a sliding 60-second window, and its headers.

Tests shorten the waits by moving the stored times of the admitted
requests back (counter_state) instead of sleeping a minute.
"""

import math
import time

import pytest
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.services import api_key_update
from jobriver.access.usage import usage_of
from tests.access import counter_state
from tests.conftest import assert_error, next_source_address


def _bucket(issued) -> str:
    return counter_state.credential_bucket(issued.credential)


def _age_hits(issued, seconds: float) -> None:
    """Move every admitted request of the key `seconds` into the past."""
    counter_state.age_hits(_bucket(issued), seconds)


def _add_hit(issued, seconds_ago: float) -> float:
    at = time.time() - seconds_ago
    counter_state.add_hit(_bucket(issued), at)
    return at


def _limit_headers(response) -> dict[str, int]:
    return {
        "limit": int(response.headers["X-RateLimit-Limit"]),
        "remaining": int(response.headers["X-RateLimit-Remaining"]),
        "reset": int(response.headers["X-RateLimit-Reset"]),
    }


def _assert_rate_limited(response, limit: int) -> int:
    body = assert_error(response, 429, "RATE_LIMIT_EXCEEDED")
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert body["error"]["details"] == {"retry_after": retry_after, "limit": limit}
    assert body["error"]["message"] == (
        f"Rate limit of {limit} requests per minute exceeded. Retry after {retry_after} seconds."
    )
    assert response.headers["X-RateLimit-Limit"] == str(limit)
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert body["meta"]["rate_limit"] == _limit_headers(response)
    return retry_after


# Headers and meta


def test_headers_match_meta(api):
    response = api.get("/status")

    assert response.status_code == 200
    assert response.json()["meta"]["rate_limit"] == _limit_headers(response)


@pytest.mark.parametrize(("method", "path"), [("GET", "/jobs"), ("GET", "/jobs/999999999"), ("POST", "/jobs")])
def test_every_authenticated_response_has_headers(api, method, path):
    response = api.request(method, path, json={} if method == "POST" else None)

    assert response.json()["meta"]["rate_limit"] == _limit_headers(response)


def test_reset_is_epoch_seconds(client_for, make_key):
    issued = make_key(rate_limit=5)
    before = time.time()

    response = client_for(issued.plaintext).get("/status")

    after = time.time()
    assert math.ceil(before + 60) <= _limit_headers(response)["reset"] <= math.ceil(after + 60)


def test_reset_follows_oldest_request(client_for, make_key):
    issued = make_key(rate_limit=5)
    oldest = _add_hit(issued, seconds_ago=30)

    response = client_for(issued.plaintext).get("/status")

    assert _limit_headers(response) == {"limit": 5, "remaining": 3, "reset": math.ceil(oldest + 60)}


# Which limit applies


def test_default_limit_is_sixty(client_for, make_key, settings):
    issued = make_key(rate_limit=None)

    response = client_for(issued.plaintext).get("/status")

    assert settings.JOBRIVER_DEFAULT_RATE_LIMIT == 60
    assert _limit_headers(response)["limit"] == 60
    assert _limit_headers(response)["remaining"] == 59


def test_company_limit_applies(client_for, make_company, make_key):
    issued = make_key(make_company(rate_limit=7), rate_limit=None)

    response = client_for(issued.plaintext).get("/status")

    assert _limit_headers(response)["limit"] == 7


def test_key_limit_overrides_company(client_for, make_company, make_key):
    issued = make_key(make_company(rate_limit=7), rate_limit=5)

    response = client_for(issued.plaintext).get("/status")

    assert _limit_headers(response)["limit"] == 5


def test_limit_change_applies_at_once(client_for, make_key):
    issued = make_key(rate_limit=10)
    client = client_for(issued.plaintext)
    assert _limit_headers(client.get("/status"))["limit"] == 10

    api_key_update(api_key=issued.credential, rate_limit=20)

    assert _limit_headers(client.get("/status")) | {"reset": 0} == {"limit": 20, "remaining": 18, "reset": 0}


# Counting down and waiting


def test_countdown_then_rejected(client_for, make_key):
    limit = 3
    issued = make_key(rate_limit=limit)
    client = client_for(issued.plaintext)

    remaining = [_limit_headers(client.get("/status"))["remaining"] for _ in range(limit)]

    assert remaining == [2, 1, 0]
    _assert_rate_limited(client.get("/status"), limit)


def test_admitted_after_retry_after(client_for, make_key):
    issued = make_key(rate_limit=2)
    client = client_for(issued.plaintext)
    assert client.get("/status").status_code == 200
    assert client.get("/status").status_code == 200
    retry_after = _assert_rate_limited(client.get("/status"), 2)

    _age_hits(issued, retry_after)

    assert client.get("/status").status_code == 200


def test_real_wait_admits_again(client_for, make_key):
    issued = make_key(rate_limit=1)
    client = client_for(issued.plaintext)
    assert client.get("/status").status_code == 200
    # The admitted request now leaves the window in about 1.5 seconds.
    _age_hits(issued, 58.5)
    retry_after = _assert_rate_limited(client.get("/status"), 1)
    assert retry_after <= 2

    time.sleep(retry_after)

    assert client.get("/status").status_code == 200


def _seconds_until(moment: float, send) -> tuple[int, tuple[int, int]]:
    """Call `send` and return its result with the whole seconds from before and after the call to `moment`."""
    before = time.time()
    result = send()
    after = time.time()
    return result, (math.ceil(moment - after), math.ceil(moment - before))


def test_window_slides(client_for, make_key):
    issued = make_key(rate_limit=2)
    older = _add_hit(issued, seconds_ago=50)
    newer = _add_hit(issued, seconds_ago=20)
    client = client_for(issued.plaintext)

    retry_after, (low, high) = _seconds_until(older + 60, lambda: _assert_rate_limited(client.get("/status"), 2))
    assert low <= retry_after <= high

    counter_state.move_hit(_bucket(issued), older, older - 11)

    # Only the older request left the window, so one more fits and the next waits for the newer one.
    assert _limit_headers(client.get("/status"))["remaining"] == 0
    retry_after, (low, high) = _seconds_until(newer + 60, lambda: _assert_rate_limited(client.get("/status"), 2))
    assert low <= retry_after <= high


def test_remaining_never_negative(client_for, make_key):
    issued = make_key(rate_limit=5)
    client = client_for(issued.plaintext)
    for _ in range(3):
        assert client.get("/status").status_code == 200

    api_key_update(api_key=issued.credential, rate_limit=2)

    for _ in range(3):
        _assert_rate_limited(client.get("/status"), 2)


# What uses quota


def test_rejected_requests_use_no_quota(client_for, make_key):
    issued = make_key(rate_limit=2)
    client = client_for(issued.plaintext)
    for _ in range(2):
        assert client.get("/status").status_code == 200

    for _ in range(5):
        _assert_rate_limited(client.get("/status"), 2)

    assert counter_state.hit_count(_bucket(issued)) == 2
    assert usage_of(credential=issued.credential, today=timezone.localdate()).requests_total == 2


def test_unauthenticated_requests_use_no_quota(client_for, make_key):
    issued = make_key(rate_limit=3)
    wrong_checksum = issued.plaintext[:-1] + ("A" if issued.plaintext[-1] != "A" else "B")
    assert_error(client_for(wrong_checksum).get("/status"), 403, "INVALID_API_KEY")
    assert_error(client_for(keys.generate_key("jrv_")).get("/status"), 403, "INVALID_API_KEY")
    assert_error(client_for().get("/status"), 401, "MISSING_API_KEY")

    response = client_for(issued.plaintext).get("/status")

    assert _limit_headers(response)["remaining"] == 2


def test_address_not_allowed_uses_no_quota(client_for, make_key):
    source = next_source_address()
    issued = make_key(rate_limit=3, ip_allowlist=["10.0.0.0/8"])
    client = client_for(issued.plaintext, source=source)
    for _ in range(3):
        assert_error(client.get("/status"), 403, "IP_NOT_ALLOWED")

    api_key_update(api_key=issued.credential, ip_allowlist=[f"{source}/32"])

    assert _limit_headers(client.get("/status"))["remaining"] == 2


def test_limits_are_per_key(client_for, company, make_key):
    first = make_key(company, rate_limit=1)
    second = make_key(company, rate_limit=1)
    assert client_for(first.plaintext).get("/status").status_code == 200
    _assert_rate_limited(client_for(first.plaintext).get("/status"), 1)

    response = client_for(second.plaintext).get("/status")

    assert response.status_code == 200
    assert _limit_headers(response)["remaining"] == 0


def test_limit_holds_across_addresses(client_for, make_key):
    issued = make_key(rate_limit=2)
    for _ in range(2):
        assert client_for(issued.plaintext).get("/status").status_code == 200

    _assert_rate_limited(client_for(issued.plaintext).get("/status"), 2)
