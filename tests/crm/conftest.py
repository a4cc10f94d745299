"""Fixtures for the Admin API: staff users, admin tokens, packages and clients."""

import datetime
import itertools
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.contrib.auth import get_user_model

from jobriver.access.models import ALL_PERMISSIONS
from jobriver.access.services import IssuedKey, admin_token_create
from jobriver.crm.models import Package
from tests.conftest import assert_error

LEADS = "/admin/leads"
PLATFORM_TIME_ZONE = ZoneInfo("Europe/Berlin")
_TIMESTAMP_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}")

# The body of the curl example in the Admin API docs, and the shorter one of the JS, PHP and Python examples.
CURL_EXAMPLE = {
    "vorname": "Max",
    "nachname": "Mustermann",
    "email": "max@mustermann.de",
    "telefon": "+49 123 456789",
    "firma": "Muster GmbH",
    "status": "neu",
    "datum_eingang": "2026-02-16",
}
CLIENT_EXAMPLE = {
    "vorname": "Max",
    "nachname": "Mustermann",
    "email": "max@mustermann.de",
    "telefon": "+49 123 456789",
    "status": "neu",
}


def assert_meta(response: httpx.Response) -> None:
    """Assert the Admin API's meta: the response's request id and a Europe/Berlin timestamp with offset."""
    meta = response.json()["meta"]
    assert set(meta) == {"request_id", "timestamp"}
    assert meta["request_id"] == response.headers["X-Request-Id"]
    assert _TIMESTAMP_PATTERN.fullmatch(meta["timestamp"]), meta["timestamp"]

    moment = datetime.datetime.fromisoformat(meta["timestamp"])
    assert moment.utcoffset() == moment.astimezone(PLATFORM_TIME_ZONE).utcoffset()


def assert_admin_error(response: httpx.Response, status: int, code: str, field: str | None = None) -> dict:
    """Assert an Admin API error envelope with this status and code, and its meta."""
    body = assert_error(response, status, code, field)
    assert_meta(response)
    return body


@pytest.fixture
def make_staff_user(unique):
    counter = itertools.count(1)

    def factory(**options):
        options.setdefault("is_staff", True)
        username = f"staff-{unique}-{next(counter)}"
        return get_user_model().objects.create_user(username=username, **options)

    return factory


@pytest.fixture
def make_admin_token(make_staff_user):
    def factory(user=None, **options) -> IssuedKey:
        options.setdefault("name", "Test token")
        options.setdefault("permissions", ALL_PERMISSIONS)
        # High enough that ordinary tests never meet the rate limit.
        options.setdefault("rate_limit", 10_000)
        return admin_token_create(user=user or make_staff_user(), **options)

    return factory


@pytest.fixture
def admin_token(make_admin_token) -> IssuedKey:
    return make_admin_token()


@pytest.fixture
def admin_api(client_for, admin_token) -> httpx.Client:
    """A client with a full-permission admin token."""
    return client_for(admin_token.plaintext)


@pytest.fixture
def make_package(unique):
    counter = itertools.count(1)

    def factory(**options) -> Package:
        options.setdefault("name", f"Paket {unique} {next(counter)}")
        options.setdefault("price", Decimal("499.00"))
        return Package.objects.create(**options)

    return factory
