"""Each outcome of the authentication pipeline, and the fixed order of its checks.

The checks run in this order: route match, address block, key present, key
valid, key state, IP allow-list, rate limit, permission. The request's own
faults (job id, content type, body, validation) come after them. Each order
test sends a request with two faults and expects the earlier one.
"""

import datetime
import socket
import time
import uuid

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.models import AdminToken, ApiKey
from jobriver.access.services import api_key_activate, api_key_deactivate, api_key_revoke
from tests.access import counter_state
from tests.conftest import BASE_JOB, assert_error, make_client, next_source_address, start_server, stop_server

BAD_JSON = '{"title": "abc",}'


def _block(address: str) -> None:
    counter_state.block(address, time.time() + 60)


def _exhaust_rate_limit(api_key: ApiKey) -> None:
    """Fill the key's window so that its next request is rejected. The key must have rate_limit=1."""
    counter_state.add_hit(counter_state.credential_bucket(api_key), time.time())


def _expire(api_key: ApiKey) -> None:
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))


def _post_text(client: httpx.Client, path: str, content: str, content_type: str = "application/json"):
    return client.post(path, content=content, headers={"Content-Type": content_type})


def _unknown_key() -> str:
    return keys.generate_key(keys.COMPANY_KEY_PREFIX)


def _admin_token(permissions: list[str]) -> str:
    user = get_user_model().objects.create_user(username=f"staff-{uuid.uuid4().hex[:12]}", is_staff=True)
    plaintext = keys.generate_key(keys.ADMIN_TOKEN_PREFIX)
    AdminToken.objects.create(
        user=user,
        name="Admin token",
        prefix=keys.display_prefix(plaintext),
        key_hash=keys.hash_key(plaintext),
        permissions=permissions,
    )
    return plaintext


def _with_changed_checksum(key: str) -> str:
    last = "A" if key[-1] != "A" else "B"
    return key[:-1] + last


# MISSING_API_KEY


def test_missing_header_is_401(anonymous):
    response = anonymous.get("/status")

    body = assert_error(response, 401, "MISSING_API_KEY")
    assert body["error"]["details"] == {}
    assert body["error"]["message"] == "The X-API-Key header is missing."


def test_empty_header_is_missing(client_for):
    response = client_for(**{"X-API-Key": ""}).get("/status")

    assert_error(response, 401, "MISSING_API_KEY")


def test_other_header_name_is_missing(client_for, issued_key):
    client = client_for(Authorization=f"Bearer {issued_key.plaintext}")

    assert_error(client.get("/status"), 401, "MISSING_API_KEY")


def test_unauthenticated_error_has_no_rate_limit(anonymous):
    response = anonymous.get("/jobs")

    body = assert_error(response, 401, "MISSING_API_KEY")
    assert "meta" not in body
    assert "X-RateLimit-Limit" not in response.headers
    assert "X-RateLimit-Remaining" not in response.headers


# INVALID_API_KEY


@pytest.mark.parametrize(
    "make_secret",
    [
        pytest.param(lambda stored: _unknown_key(), id="unknown"),
        pytest.param(_with_changed_checksum, id="wrong-checksum"),
        pytest.param(lambda stored: stored[:-1], id="too-short"),
        pytest.param(lambda stored: stored + "a", id="too-long"),
        pytest.param(lambda stored: "jra_" + stored[4:], id="admin-prefix"),
        pytest.param(lambda stored: "JRV_" + stored[4:], id="upper-prefix"),
        pytest.param(lambda stored: stored.swapcase(), id="swapped-case"),
        pytest.param(lambda stored: "jrv_abc123def456", id="documentation-example"),
        pytest.param(lambda stored: "x" * 5000, id="very-long"),
    ],
)
def test_invalid_key_is_403(client_for, issued_key, make_secret):
    response = client_for(make_secret(issued_key.plaintext)).get("/status")

    body = assert_error(response, 403, "INVALID_API_KEY")
    assert body["error"]["message"] == "The API key is invalid or unknown."
    assert "meta" not in body


def test_well_formed_unknown_key_is_invalid(client_for):
    secret = _unknown_key()
    assert keys.is_well_formed(secret, keys.COMPANY_KEY_PREFIX)

    assert_error(client_for(secret).get("/jobs"), 403, "INVALID_API_KEY")


def test_admin_token_is_invalid_here(client_for):
    token = _admin_token(["read", "create", "update", "delete"])

    for path in ["/status", "/jobs", "/categories"]:
        assert_error(client_for(token).get(path), 403, "INVALID_API_KEY")


def test_non_ascii_key_is_rejected(client_for, issued_key):
    secret = issued_key.plaintext[:-1].encode("ascii") + b"\xe9"

    response = client_for().get("/status", headers={"X-API-Key": secret})

    # granian 2.8 hands a header value with non-ASCII bytes to the application
    # as an empty string, so the key arrives as missing.
    assert_error(response, 401, "MISSING_API_KEY")


def test_key_of_deleted_company_is_invalid(client_for, make_company, make_key):
    company = make_company()
    issued = make_key(company)
    company.delete()

    assert_error(client_for(issued.plaintext).get("/status"), 403, "INVALID_API_KEY")


# Key state


def test_deactivated_key_is_inactive(client_for, issued_key):
    api_key_deactivate(api_key=issued_key.credential)

    body = assert_error(client_for(issued_key.plaintext).get("/status"), 403, "API_KEY_INACTIVE")
    assert body["error"]["message"] == "The API key is deactivated."


def test_disabled_company_key_is_inactive(client_for, make_company, make_key):
    company = make_company(api_access_enabled=False)
    issued = make_key(company)

    assert_error(client_for(issued.plaintext).get("/status"), 403, "API_KEY_INACTIVE")


def test_company_disabled_later_is_inactive(client_for, company, issued_key):
    client = client_for(issued_key.plaintext)
    assert client.get("/status").status_code == 200

    company.api_access_enabled = False
    company.save(update_fields=["api_access_enabled"])

    assert_error(client.get("/status"), 403, "API_KEY_INACTIVE")


def test_revoked_key_is_revoked(client_for, issued_key):
    api_key_revoke(api_key=issued_key.credential)

    body = assert_error(client_for(issued_key.plaintext).get("/status"), 403, "API_KEY_REVOKED")
    assert body["error"]["message"] == "The API key has been revoked."


def test_expired_key_is_expired(client_for, issued_key):
    _expire(issued_key.credential)

    body = assert_error(client_for(issued_key.plaintext).get("/status"), 403, "API_KEY_EXPIRED")
    assert body["error"]["message"] == "The API key has expired."


def test_future_expiry_is_accepted(client_for, make_key):
    issued = make_key(expires_at=timezone.now() + datetime.timedelta(days=1))

    assert client_for(issued.plaintext).get("/status").status_code == 200


def test_reactivated_key_works_again(client_for, issued_key):
    api_key_deactivate(api_key=issued_key.credential)
    assert_error(client_for(issued_key.plaintext).get("/status"), 403, "API_KEY_INACTIVE")

    api_key_activate(api_key=issued_key.credential)

    assert client_for(issued_key.plaintext).get("/status").status_code == 200


@pytest.mark.parametrize(
    ("change", "code"),
    [(api_key_revoke, "API_KEY_REVOKED"), (api_key_deactivate, "API_KEY_INACTIVE")],
)
def test_state_change_applies_on_every_worker(server_url, issued_key, change, code):
    # Each request opens its own connection, so the server spreads them over its workers.
    # Each comes from its own address, so that the failures do not add up to a block.
    for _ in range(4):
        with make_client(server_url, key=issued_key.plaintext) as client:
            assert client.get("/status").status_code == 200

    change(api_key=issued_key.credential)

    for _ in range(8):
        with make_client(server_url, key=issued_key.plaintext) as client:
            assert_error(client.get("/jobs"), 403, code)


# IP_NOT_ALLOWED


def test_address_outside_allowlist(client_for, make_key):
    source = next_source_address()
    issued = make_key(ip_allowlist=["10.0.0.0/8", "2001:db8::/32"])

    response = client_for(issued.plaintext, source=source).get("/status")

    body = assert_error(response, 403, "IP_NOT_ALLOWED")
    assert body["error"]["message"] == f"The address {source} is not in this API key's IP allow-list."


@pytest.mark.parametrize("entry", ["{source}/32", "{source}", "127.0.0.0/8", "::ffff:{source}"])
def test_address_inside_allowlist(client_for, make_key, entry):
    source = next_source_address()
    issued = make_key(ip_allowlist=["10.0.0.0/8", entry.format(source=source)])

    response = client_for(issued.plaintext, source=source).get("/status")

    assert response.status_code == 200
    assert response.json()["data"]["usage"]["last_request_ip"] == source


def test_allowlist_neighbour_address_rejected(client_for, make_key):
    source = next_source_address()
    other = next_source_address()
    issued = make_key(ip_allowlist=[f"{source}/32"])

    assert_error(client_for(issued.plaintext, source=other).get("/status"), 403, "IP_NOT_ALLOWED")


def _ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def ipv6_server_url(django_db_setup):
    if not _ipv6_loopback_available():
        pytest.skip("the IPv6 loopback address ::1 is not available")
    process, base_url, _log = start_server(workers=1, host="::1", log_name="server-ipv6")
    yield base_url
    stop_server(process)


@pytest.fixture
def ipv6_client(ipv6_server_url):
    # ::1 is the only IPv6 loopback source, so its failures are cleared for the next test.
    counter_state.clear_address("::1")

    def factory(key: str) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address="::1")
        return httpx.Client(
            base_url=f"{ipv6_server_url}/api/v1", headers={"X-API-Key": key}, transport=transport, timeout=60
        )

    yield factory
    counter_state.clear_address("::1")


@pytest.mark.parametrize("allowlist", [["::1/128"], ["10.0.0.0/8", "::/0"], []])
def test_ipv6_client_allowed(ipv6_client, make_key, allowlist):
    issued = make_key(ip_allowlist=allowlist)

    with ipv6_client(issued.plaintext) as client:
        response = client.get("/status")

    assert response.status_code == 200
    assert response.json()["data"]["usage"]["last_request_ip"] == "::1"


@pytest.mark.parametrize("allowlist", [["127.0.0.0/8"], ["2001:db8::/32"]])
def test_ipv6_client_not_allowed(ipv6_client, make_key, allowlist):
    issued = make_key(ip_allowlist=allowlist)

    with ipv6_client(issued.plaintext) as client:
        body = assert_error(client.get("/status"), 403, "IP_NOT_ALLOWED")

    assert body["error"]["message"] == "The address ::1 is not in this API key's IP allow-list."


# Client address behind a trusted proxy


@pytest.fixture(scope="module")
def proxy_server_url(django_db_setup):
    """A server that trusts every loopback address as a proxy, so it reads X-Forwarded-For."""
    process, base_url, _log = start_server(
        workers=1, extra_env={"JOBRIVER_TRUSTED_PROXIES": "127.0.0.0/8"}, log_name="server-proxy"
    )
    yield base_url
    stop_server(process)


_forwarded_numbers = iter(range(1, 255))


def _forwarded_address() -> str:
    """Return a documentation address (RFC 5737) that no other test sends as a client."""
    return f"198.51.100.{next(_forwarded_numbers)}"


def _via_proxy(proxy_server_url: str, key: str | None, client: str) -> httpx.Client:
    return make_client(proxy_server_url, key=key, **{"X-Forwarded-For": f"203.0.113.250, {client}"})


def test_forwarded_address_is_client(proxy_server_url, make_key):
    client = _forwarded_address()
    issued = make_key()

    with _via_proxy(proxy_server_url, issued.plaintext, client) as proxy:
        response = proxy.get("/status")

    assert response.status_code == 200
    assert response.json()["data"]["usage"]["last_request_ip"] == client


def test_allowlist_checks_forwarded_address(proxy_server_url, make_key):
    allowed = _forwarded_address()
    other = _forwarded_address()
    issued = make_key(ip_allowlist=[f"{allowed}/32"])

    with _via_proxy(proxy_server_url, issued.plaintext, allowed) as proxy:
        assert proxy.get("/status").status_code == 200
    with _via_proxy(proxy_server_url, issued.plaintext, other) as proxy:
        body = assert_error(proxy.get("/status"), 403, "IP_NOT_ALLOWED")

    assert body["error"]["message"] == f"The address {other} is not in this API key's IP allow-list."


def test_lockout_follows_forwarded_address(proxy_server_url, issued_key):
    blocked = _forwarded_address()
    other = _forwarded_address()
    with _via_proxy(proxy_server_url, _unknown_key(), blocked) as proxy:
        for _ in range(5):
            assert_error(proxy.get("/status"), 403, "INVALID_API_KEY")

    with _via_proxy(proxy_server_url, issued_key.plaintext, blocked) as proxy:
        assert_error(proxy.get("/status"), 403, "API_KEY_BLOCKED")
    with _via_proxy(proxy_server_url, issued_key.plaintext, other) as proxy:
        assert proxy.get("/status").status_code == 200


def test_untrusted_peer_forwarded_ignored(client_for, issued_key):
    source = next_source_address()
    client = client_for(issued_key.plaintext, source=source, **{"X-Forwarded-For": "198.51.100.254"})

    response = client.get("/status")

    assert response.json()["data"]["usage"]["last_request_ip"] == source


# PERMISSION_DENIED


def test_missing_permission_is_denied(client_for, make_key):
    issued = make_key(permissions=["read"])

    response = client_for(issued.plaintext).post("/jobs", json=BASE_JOB)

    body = assert_error(response, 403, "PERMISSION_DENIED")
    assert body["error"]["details"] == {"required_permission": "create"}
    assert body["error"]["message"] == "This API key lacks the 'create' permission."
    assert body["meta"]["rate_limit"]["limit"] == 10_000
    assert response.headers["X-RateLimit-Limit"] == "10000"


# Pipeline order


def test_unknown_path_before_block(client_for):
    source = next_source_address()
    _block(source)

    response = client_for(source=source).get("/no-such-endpoint")

    assert_error(response, 404, "NOT_FOUND")


def test_wrong_method_before_block(client_for):
    source = next_source_address()
    _block(source)

    response = client_for(source=source).delete("/jobs")

    assert_error(response, 405, "METHOD_NOT_ALLOWED")


def test_wrong_method_before_missing_key(anonymous):
    assert_error(anonymous.patch("/status"), 405, "METHOD_NOT_ALLOWED")


def test_block_before_missing_key(client_for):
    source = next_source_address()
    _block(source)

    response = client_for(source=source).get("/status")

    body = assert_error(response, 403, "API_KEY_BLOCKED")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert body["error"]["details"]["retry_after"] == int(response.headers["Retry-After"])


def test_block_before_valid_key(client_for, issued_key):
    source = next_source_address()
    _block(source)

    assert_error(client_for(issued_key.plaintext, source=source).get("/status"), 403, "API_KEY_BLOCKED")


def test_missing_key_before_bad_body(anonymous):
    assert_error(_post_text(anonymous, "/jobs", BAD_JSON), 401, "MISSING_API_KEY")


def test_missing_key_before_bad_query(anonymous):
    assert_error(anonymous.get("/jobs", params={"per_page": "0"}), 401, "MISSING_API_KEY")


def test_invalid_key_before_bad_body(client_for):
    response = _post_text(client_for(_unknown_key()), "/jobs", BAD_JSON, "text/plain")

    assert_error(response, 403, "INVALID_API_KEY")


def test_revoked_key_before_bad_body(client_for, issued_key):
    api_key_revoke(api_key=issued_key.credential)

    response = _post_text(client_for(issued_key.plaintext), "/jobs", BAD_JSON)

    assert_error(response, 403, "API_KEY_REVOKED")


def test_inactive_key_before_bad_job_id(client_for, issued_key):
    api_key_deactivate(api_key=issued_key.credential)

    assert_error(client_for(issued_key.plaintext).get("/jobs/abc"), 403, "API_KEY_INACTIVE")


def test_revoked_before_expired(client_for, issued_key):
    _expire(issued_key.credential)
    api_key_revoke(api_key=issued_key.credential)

    assert_error(client_for(issued_key.plaintext).get("/status"), 403, "API_KEY_REVOKED")


def test_expired_before_address(client_for, make_key):
    issued = make_key(ip_allowlist=["10.0.0.0/8"])
    _expire(issued.credential)

    assert_error(client_for(issued.plaintext).get("/status"), 403, "API_KEY_EXPIRED")


def test_inactive_before_address(client_for, make_key):
    issued = make_key(ip_allowlist=["10.0.0.0/8"])
    api_key_deactivate(api_key=issued.credential)

    assert_error(client_for(issued.plaintext).get("/status"), 403, "API_KEY_INACTIVE")


def test_address_before_rate_limit(client_for, make_key):
    issued = make_key(ip_allowlist=["10.0.0.0/8"], rate_limit=1)
    _exhaust_rate_limit(issued.credential)

    assert_error(client_for(issued.plaintext).get("/status"), 403, "IP_NOT_ALLOWED")


def test_rate_limit_before_permission(client_for, make_key):
    issued = make_key(permissions=["read"], rate_limit=1)
    _exhaust_rate_limit(issued.credential)

    response = client_for(issued.plaintext).post("/jobs", json=BASE_JOB)

    assert_error(response, 429, "RATE_LIMIT_EXCEEDED")


def test_permission_before_bad_body(client_for, make_key):
    issued = make_key(permissions=["read", "update", "delete"])

    response = _post_text(client_for(issued.plaintext), "/jobs", BAD_JSON, "text/plain")

    assert_error(response, 403, "PERMISSION_DENIED")


def test_permission_before_validation(client_for, make_key):
    issued = make_key(permissions=["read"])

    response = client_for(issued.plaintext).post("/jobs", json={"title": "x"})

    assert_error(response, 403, "PERMISSION_DENIED")


def test_permission_before_bad_job_id(client_for, make_key):
    issued = make_key(permissions=["create"])

    assert_error(client_for(issued.plaintext).get("/jobs/abc"), 403, "PERMISSION_DENIED")


def test_permission_before_bad_query(client_for, make_key):
    issued = make_key(permissions=["create"])

    response = client_for(issued.plaintext).get("/jobs", params={"per_page": "0"})

    assert_error(response, 403, "PERMISSION_DENIED")


def test_job_id_before_content_type(api):
    response = _post_text(api, "/jobs/abc", BAD_JSON, "text/plain")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")

    response = api.patch("/jobs/abc", content=BAD_JSON, headers={"Content-Type": "text/plain"})

    assert_error(response, 400, "INVALID_JOB_ID")


def test_unknown_job_before_content_type(api):
    response = api.put("/jobs/999999999", content=BAD_JSON, headers={"Content-Type": "text/plain"})

    assert_error(response, 404, "JOB_NOT_FOUND")


def test_content_type_before_body(api):
    assert_error(_post_text(api, "/jobs", BAD_JSON, "text/plain"), 415, "INVALID_CONTENT_TYPE")


def test_body_before_validation(api):
    assert_error(_post_text(api, "/jobs", BAD_JSON), 400, "INVALID_REQUEST_BODY")


def test_validation_after_authentication(api):
    assert_error(api.post("/jobs", json={"title": "x"}), 422, "VALIDATION_ERROR", field="title")


@pytest.fixture
def oversized_body(settings) -> str:
    """A JSON body one byte over the size limit."""
    padding = "x" * settings.JOBRIVER_MAX_BODY_BYTES
    return f'{{"title": "{padding}"}}'


def test_missing_key_before_body_size(anonymous, oversized_body):
    assert_error(_post_text(anonymous, "/jobs", oversized_body), 401, "MISSING_API_KEY")


def test_revoked_key_before_body_size(client_for, issued_key, oversized_body):
    api_key_revoke(api_key=issued_key.credential)

    response = _post_text(client_for(issued_key.plaintext), "/jobs", oversized_body)

    assert_error(response, 403, "API_KEY_REVOKED")


def test_permission_before_body_size(client_for, make_key, oversized_body):
    issued = make_key(permissions=["read"])

    response = _post_text(client_for(issued.plaintext), "/jobs", oversized_body)

    assert_error(response, 403, "PERMISSION_DENIED")


def test_unknown_path_before_body_size(api, oversized_body):
    assert_error(_post_text(api, "/no-such-endpoint", oversized_body), 404, "NOT_FOUND")


def test_unknown_job_before_body_size(api, oversized_body):
    response = api.patch("/jobs/999999999", content=oversized_body, headers={"Content-Type": "application/json"})

    assert_error(response, 404, "JOB_NOT_FOUND")


def test_content_type_before_body_size(api, oversized_body):
    assert_error(_post_text(api, "/jobs", oversized_body, "text/plain"), 415, "INVALID_CONTENT_TYPE")


def test_body_size_after_authentication(api, oversized_body, settings):
    body = assert_error(_post_text(api, "/jobs", oversized_body), 413, "PAYLOAD_TOO_LARGE")

    assert body["error"]["message"] == (
        f"The request body exceeds the limit of {settings.JOBRIVER_MAX_BODY_BYTES} bytes."
    )
    assert "rate_limit" in body["meta"]


# Languages


def _client_getting(code: str, client_for, make_key) -> httpx.Client:
    """Return a client whose GET /status or DELETE /jobs/1 fails with `code`."""
    source = next_source_address()
    if code == "MISSING_API_KEY":
        return client_for(source=source)
    if code == "INVALID_API_KEY":
        return client_for(_unknown_key(), source=source)
    if code == "API_KEY_BLOCKED":
        _block(source)
        return client_for(source=source)

    issued = make_key(permissions=["read"], rate_limit=1 if code == "RATE_LIMIT_EXCEEDED" else 10_000)
    if code == "API_KEY_INACTIVE":
        api_key_deactivate(api_key=issued.credential)
    elif code == "API_KEY_REVOKED":
        api_key_revoke(api_key=issued.credential)
    elif code == "API_KEY_EXPIRED":
        _expire(issued.credential)
    elif code == "IP_NOT_ALLOWED":
        ApiKey.objects.filter(pk=issued.credential.pk).update(ip_allowlist=["10.0.0.0/8"])
    elif code == "RATE_LIMIT_EXCEEDED":
        _exhaust_rate_limit(issued.credential)
    return client_for(issued.plaintext, source=source)


@pytest.mark.parametrize(
    ("code", "method", "path"),
    [
        ("MISSING_API_KEY", "GET", "/status"),
        ("INVALID_API_KEY", "GET", "/status"),
        ("API_KEY_BLOCKED", "GET", "/status"),
        ("API_KEY_INACTIVE", "GET", "/status"),
        ("API_KEY_REVOKED", "GET", "/status"),
        ("API_KEY_EXPIRED", "GET", "/status"),
        ("IP_NOT_ALLOWED", "GET", "/status"),
        ("RATE_LIMIT_EXCEEDED", "GET", "/status"),
        ("PERMISSION_DENIED", "DELETE", "/jobs/1"),
        ("INVALID_JOB_ID", "GET", "/jobs/abc"),
    ],
)
def test_german_message_differs(client_for, make_key, code, method, path):
    client = _client_getting(code, client_for, make_key)

    english = client.request(method, path).json()["error"]
    german = client.request(method, path, headers={"Accept-Language": "de"}).json()["error"]

    assert english["code"] == code
    assert german["code"] == code
    assert german["message"] != english["message"]
