"""Fixtures of the dashboard's test-client tests: company users and clients with their own address.

The database is shared by the whole session and not rolled back, so every
user gets a unique username, and every client sends from its own loopback
address, so that the per-address sign-in limit of one test never blocks
another.
"""

import itertools
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from jobriver.dashboard.services import company_user_create
from tests.conftest import next_source_address

PASSWORD = "Stellenmarkt-2024!"

_user_numbers = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def _static_root():
    # Whitenoise warns once per test-client handler when STATIC_ROOT is missing;
    # the files themselves are found in the apps' static folders.
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default hasher takes a large part of a second per sign-in; these
    # tests sign in many times and never reach the live server.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(make_company):
    """Create a company user (a new company unless one is given) with PASSWORD."""

    def factory(company=None, **options):
        username = options.pop("username", f"user-{uuid.uuid4().hex[:8]}-{next(_user_numbers)}")
        return company_user_create(
            company=company or make_company(),
            username=username,
            email=options.pop("email", f"{username}@example.com"),
            password=options.pop("password", PASSWORD),
        )

    return factory


@pytest.fixture
def make_staff_user():
    def factory():
        username = f"staff-{uuid.uuid4().hex[:8]}"
        return get_user_model().objects.create_user(
            username=username, email=f"{username}@example.com", password=PASSWORD, is_staff=True
        )

    return factory


def new_client(*, enforce_csrf_checks: bool = False, language: str | None = None) -> Client:
    """Return a test client with its own REMOTE_ADDR and, if given, the language chosen.

    The language is set as the language switcher sets it, in the language
    cookie: pages do not follow the browser's Accept-Language.
    """
    client = Client(enforce_csrf_checks=enforce_csrf_checks, REMOTE_ADDR=next_source_address())
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def signed_in(make_user):
    """Return a factory of (client, user) pairs, signed in as a new company user."""

    def factory(user=None, *, language: str | None = None, company=None):
        user = user or make_user(company)
        client = new_client(language=language)
        client.force_login(user)
        return client, user

    return factory


@pytest.fixture
def user_client(signed_in):
    """A client signed in as a user of a new company, with English pages."""
    client, _user = signed_in(language="en")
    return client
