"""The lockout of client addresses after failed authentication.

Five failed attempts from one address within 60 seconds block that address
for 60 seconds, whatever key it sends. Tests shorten the waits by moving the
stored times (counter_state) instead of sleeping.
"""

import datetime
import math
import time

import pytest
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.models import ApiKey
from jobriver.access.services import api_key_deactivate, api_key_revoke
from jobriver.access.usage import usage_of
from tests.access import counter_state
from tests.conftest import BASE_JOB, assert_error, next_source_address

FAILURES_TO_BLOCK = 5


def _unknown_key() -> str:
    return keys.generate_key(keys.COMPANY_KEY_PREFIX)


def _fail(client_for, source: str, times: int = 1) -> None:
    """Send `times` requests with an unknown key from `source`, each rejected as INVALID_API_KEY."""
    client = client_for(_unknown_key(), source=source)
    for _ in range(times):
        assert_error(client.get("/status"), 403, "INVALID_API_KEY")


def _assert_blocked(response) -> int:
    body = assert_error(response, 403, "API_KEY_BLOCKED")
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert body["error"]["details"] == {"retry_after": retry_after}
    assert body["error"]["message"] == (
        f"Too many failed attempts from this address. Try again in {retry_after} seconds."
    )
    return retry_after


def test_five_failures_block_address(client_for, issued_key):
    source = next_source_address()

    _fail(client_for, source, FAILURES_TO_BLOCK)

    _assert_blocked(client_for(issued_key.plaintext, source=source).get("/status"))


def test_four_failures_do_not_block(client_for, issued_key):
    source = next_source_address()

    _fail(client_for, source, FAILURES_TO_BLOCK - 1)

    assert client_for(issued_key.plaintext, source=source).get("/status").status_code == 200


def test_block_applies_to_every_route(client_for, issued_key):
    source = next_source_address()
    _fail(client_for, source, FAILURES_TO_BLOCK)
    client = client_for(issued_key.plaintext, source=source)

    _assert_blocked(client.get("/jobs"))
    _assert_blocked(client.post("/jobs", json=BASE_JOB))
    _assert_blocked(client_for(source=source).get("/categories"))


def _failing_secret(kind: str, issued) -> str:
    """Spoil the issued key in the way `kind` names, and return the secret to send."""
    api_key = issued.credential
    if kind == "unknown-key":
        return _unknown_key()
    if kind == "wrong-checksum":
        return issued.plaintext[:-1] + ("A" if issued.plaintext[-1] != "A" else "B")
    if kind == "inactive-key":
        api_key_deactivate(api_key=api_key)
    elif kind == "disabled-company":
        api_key.company.api_access_enabled = False
        api_key.company.save(update_fields=["api_access_enabled"])
    elif kind == "revoked-key":
        api_key_revoke(api_key=api_key)
    elif kind == "expired-key":
        ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif kind == "address-not-allowed":
        ApiKey.objects.filter(pk=api_key.pk).update(ip_allowlist=["10.0.0.0/8"])
    return issued.plaintext


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("unknown-key", "INVALID_API_KEY"),
        ("wrong-checksum", "INVALID_API_KEY"),
        ("inactive-key", "API_KEY_INACTIVE"),
        ("disabled-company", "API_KEY_INACTIVE"),
        ("revoked-key", "API_KEY_REVOKED"),
        ("expired-key", "API_KEY_EXPIRED"),
        ("address-not-allowed", "IP_NOT_ALLOWED"),
    ],
)
def test_each_failure_kind_counts(client_for, make_key, kind, code):
    source = next_source_address()
    good = make_key()
    client = client_for(_failing_secret(kind, make_key()), source=source)

    for _ in range(FAILURES_TO_BLOCK):
        assert_error(client.get("/status"), 403, code)

    _assert_blocked(client_for(good.plaintext, source=source).get("/status"))


def test_missing_key_is_not_failure(client_for, issued_key):
    source = next_source_address()
    anonymous = client_for(source=source)

    for _ in range(FAILURES_TO_BLOCK * 2):
        assert_error(anonymous.get("/status"), 401, "MISSING_API_KEY")

    assert client_for(issued_key.plaintext, source=source).get("/status").status_code == 200
    assert counter_state.failure_count(source) == 0


def test_permission_denied_is_not_failure(client_for, make_key):
    source = next_source_address()
    issued = make_key(permissions=["read"])
    client = client_for(issued.plaintext, source=source)

    for _ in range(FAILURES_TO_BLOCK * 2):
        assert_error(client.delete("/jobs/1"), 403, "PERMISSION_DENIED")

    assert client.get("/status").status_code == 200


def test_rate_limited_is_not_failure(client_for, make_key):
    source = next_source_address()
    issued = make_key(rate_limit=1)
    client = client_for(issued.plaintext, source=source)
    assert client.get("/status").status_code == 200

    for _ in range(FAILURES_TO_BLOCK * 2):
        assert_error(client.get("/status"), 429, "RATE_LIMIT_EXCEEDED")

    assert counter_state.failure_count(source) == 0
    assert counter_state.blocked_until(source) is None


def test_failures_while_blocked_do_not_extend(client_for):
    source = next_source_address()
    _fail(client_for, source, FAILURES_TO_BLOCK)
    blocked_until = counter_state.blocked_until(source)
    client = client_for(_unknown_key(), source=source)

    for _ in range(FAILURES_TO_BLOCK * 2):
        _assert_blocked(client.get("/status"))

    assert counter_state.blocked_until(source) == blocked_until
    assert counter_state.failure_count(source) == 0


def test_block_lasts_sixty_seconds(client_for):
    source = next_source_address()
    before = time.time()

    _fail(client_for, source, FAILURES_TO_BLOCK)

    blocked_until = counter_state.blocked_until(source)
    assert before + 60 <= blocked_until <= time.time() + 60


def test_retry_after_follows_block(client_for):
    source = next_source_address()
    blocked_until = time.time() + 10.5
    counter_state.block(source, blocked_until)

    before = time.time()
    retry_after = _assert_blocked(client_for(source=source).get("/status"))
    after = time.time()

    assert math.ceil(blocked_until - after) <= retry_after <= math.ceil(blocked_until - before)


def test_other_address_unaffected(client_for, issued_key):
    blocked = next_source_address()
    other = next_source_address()
    _fail(client_for, blocked, FAILURES_TO_BLOCK)

    assert client_for(issued_key.plaintext, source=other).get("/status").status_code == 200
    _assert_blocked(client_for(issued_key.plaintext, source=blocked).get("/status"))


def test_expired_block_admits_again(client_for, issued_key):
    source = next_source_address()
    _fail(client_for, source, FAILURES_TO_BLOCK)
    client = client_for(issued_key.plaintext, source=source)
    _assert_blocked(client.get("/status"))

    counter_state.end_block(source)

    assert client.get("/status").status_code == 200


def test_count_restarts_after_block(client_for, issued_key):
    source = next_source_address()
    _fail(client_for, source, FAILURES_TO_BLOCK)
    counter_state.end_block(source)
    client = client_for(issued_key.plaintext, source=source)

    _fail(client_for, source, FAILURES_TO_BLOCK - 1)
    assert client.get("/status").status_code == 200

    _fail(client_for, source)
    _assert_blocked(client.get("/status"))


def test_old_failures_leave_window(client_for, issued_key):
    source = next_source_address()
    _fail(client_for, source, FAILURES_TO_BLOCK - 1)
    counter_state.shift_failures(source, 61)

    _fail(client_for, source)

    assert client_for(issued_key.plaintext, source=source).get("/status").status_code == 200


def test_failures_within_window_add_up(client_for, issued_key):
    source = next_source_address()
    _fail(client_for, source, FAILURES_TO_BLOCK - 1)
    counter_state.shift_failures(source, 50)

    _fail(client_for, source)

    _assert_blocked(client_for(issued_key.plaintext, source=source).get("/status"))


def test_blocked_request_uses_nothing(client_for, issued_key):
    source = next_source_address()
    _fail(client_for, source, FAILURES_TO_BLOCK)

    response = client_for(issued_key.plaintext, source=source).get("/status")

    _assert_blocked(response)
    assert "X-RateLimit-Limit" not in response.headers
    assert "meta" not in response.json()
    assert counter_state.hit_count(counter_state.credential_bucket(issued_key.credential)) == 0
    assert usage_of(credential=issued_key.credential, today=timezone.localdate()).requests_total == 0


def test_unknown_path_not_blocked(client_for):
    source = next_source_address()
    _fail(client_for, source, FAILURES_TO_BLOCK)

    assert_error(client_for(source=source).get("/no-such-endpoint"), 404, "NOT_FOUND")
