"""Admin tokens on the Admin API: each rejected state, permissions, limits, and keys of the other API."""

import datetime

import pytest
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.services import admin_token_activate, admin_token_deactivate, admin_token_revoke
from jobriver.access.usage import usage_of
from jobriver.crm.models import Lead
from tests.conftest import assert_error, next_source_address
from tests.crm.conftest import LEADS, assert_admin_error

VALID = {"vorname": "Erika", "nachname": "Musterfrau"}
UNAUTHORIZED_MESSAGE = "The admin token is missing or invalid."


def _assert_unauthorized(response) -> None:
    body = assert_admin_error(response, 401, "UNAUTHORIZED")
    assert body["error"]["message"] == UNAUTHORIZED_MESSAGE


def _post_lead(client):
    """Post a valid lead and return the response, asserting that a rejected request stored nothing."""
    before = Lead.objects.count()
    response = client.post(LEADS, json=VALID)
    if response.status_code != 201:
        assert Lead.objects.count() == before
    return response


# 401 UNAUTHORIZED


def test_missing_token(anonymous):
    _assert_unauthorized(_post_lead(anonymous))


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("jra_abc", id="malformed"),
        pytest.param(keys.generate_key(keys.ADMIN_TOKEN_PREFIX), id="unknown"),
        pytest.param("Bearer x", id="bearer"),
    ],
)
def test_invalid_token(client_for, token):
    _assert_unauthorized(_post_lead(client_for(**{"X-API-Key": token})))


def test_company_key_is_unauthorized(client_for, issued_key):
    _assert_unauthorized(_post_lead(client_for(issued_key.plaintext)))


def test_revoked_token(client_for, admin_token):
    admin_token_revoke(token=admin_token.credential)

    _assert_unauthorized(_post_lead(client_for(admin_token.plaintext)))


def test_inactive_token(client_for, admin_token):
    admin_token_deactivate(token=admin_token.credential)

    _assert_unauthorized(_post_lead(client_for(admin_token.plaintext)))


def test_reactivated_token_works(client_for, admin_token):
    admin_token_deactivate(token=admin_token.credential)
    admin_token_activate(token=admin_token.credential)

    assert _post_lead(client_for(admin_token.plaintext)).status_code == 201


def test_expired_token(client_for, make_admin_token):
    issued = make_admin_token(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    _assert_unauthorized(_post_lead(client_for(issued.plaintext)))


def test_token_before_expiry_works(client_for, make_admin_token):
    issued = make_admin_token(expires_at=timezone.now() + datetime.timedelta(days=1))

    assert _post_lead(client_for(issued.plaintext)).status_code == 201


@pytest.mark.parametrize("attribute", ["is_staff", "is_active"])
def test_owner_no_longer_staff(client_for, admin_token, attribute):
    user = admin_token.credential.user
    setattr(user, attribute, False)
    user.save()

    _assert_unauthorized(_post_lead(client_for(admin_token.plaintext)))


def test_token_checked_before_body(anonymous):
    response = anonymous.post(LEADS, content="{", headers={"Content-Type": "text/plain"})

    _assert_unauthorized(response)


# 403 FORBIDDEN


@pytest.mark.parametrize("permissions", [["read"], ["read", "update", "delete"], []])
def test_token_without_create(client_for, make_admin_token, permissions):
    issued = make_admin_token(permissions=permissions)

    response = _post_lead(client_for(issued.plaintext))

    body = assert_admin_error(response, 403, "FORBIDDEN")
    assert body["error"]["message"] == "This admin token lacks the 'create' permission."
    assert body["error"]["details"] == {"required_permission": "create"}


def test_permission_checked_before_body(client_for, make_admin_token):
    issued = make_admin_token(permissions=["read"])

    response = client_for(issued.plaintext).post(LEADS, json={})

    assert_admin_error(response, 403, "FORBIDDEN")


def test_create_only_token_works(client_for, make_admin_token):
    issued = make_admin_token(permissions=["create"])

    assert _post_lead(client_for(issued.plaintext)).status_code == 201


# 429 RATE_LIMITED


def test_rate_limit(client_for, make_admin_token):
    issued = make_admin_token(rate_limit=2)
    client = client_for(issued.plaintext)

    assert client.post(LEADS, json={}).status_code == 422
    assert client.post(LEADS, json={}).status_code == 422
    response = client.post(LEADS, json=VALID)

    body = assert_admin_error(response, 429, "RATE_LIMITED")
    retry_after = response.headers["Retry-After"]
    assert int(retry_after) >= 1
    assert body["error"]["message"] == (
        f"Rate limit of 2 requests per minute exceeded for this admin token. Retry after {retry_after} seconds."
    )
    assert body["error"]["details"]["limit"] == 2
    assert body["error"]["details"]["retry_after"] == int(response.headers["Retry-After"])
    assert response.headers["X-RateLimit-Limit"] == "2"
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_rate_limit_is_per_token(client_for, make_admin_token):
    limited = make_admin_token(rate_limit=1)
    other = make_admin_token(rate_limit=1)

    assert client_for(limited.plaintext).post(LEADS, json={}).status_code == 422
    assert client_for(limited.plaintext).post(LEADS, json={}).status_code == 429
    assert client_for(other.plaintext).post(LEADS, json={}).status_code == 422


def test_rate_limit_headers_on_success(admin_api):
    response = _post_lead(admin_api)

    assert response.status_code == 201
    assert response.headers["X-RateLimit-Limit"] == "10000"
    assert int(response.headers["X-RateLimit-Remaining"]) < 10000


def test_failed_attempts_lock_the_address(client_for, admin_token):
    source = next_source_address()
    unknown = client_for(keys.generate_key(keys.ADMIN_TOKEN_PREFIX), source=source)
    for _attempt in range(5):
        _assert_unauthorized(unknown.post(LEADS, json=VALID))

    response = client_for(admin_token.plaintext, source=source).post(LEADS, json=VALID)

    assert_admin_error(response, 429, "RATE_LIMITED")
    assert int(response.headers["Retry-After"]) >= 1


# Usage and the company API


def test_use_is_recorded(client_for, admin_token):
    source = next_source_address()

    assert _post_lead(client_for(admin_token.plaintext, source=source)).status_code == 201

    usage = usage_of(credential=admin_token.credential, today=timezone.localdate())
    assert usage.requests_total == 1
    assert usage.last_used_ip == source
    assert usage.last_used_at is not None


@pytest.mark.parametrize(("method", "path"), [("GET", "/status"), ("GET", "/jobs"), ("POST", "/jobs")])
def test_admin_token_on_company_api(client_for, admin_token, method, path):
    response = client_for(admin_token.plaintext).request(method, path, json={"title": "x"})

    body = assert_error(response, 403, "INVALID_API_KEY")
    assert "meta" not in body
