"""Fixtures for the admin dashboard: users of each kind and Django test clients logged in as them."""

import itertools
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

ADMIN_TOKEN_PATTERN = re.compile(r"jra_[0-9A-Za-z]{46}")
API_KEY_PATTERN = re.compile(r"jrv_[0-9A-Za-z]{46}")


@pytest.fixture
def make_user(unique):
    counter = itertools.count(1)

    def factory(**options):
        username = f"user-{unique}-{next(counter)}"
        return get_user_model().objects.create_user(username=username, password="unused-Passw0rd!", **options)

    return factory


@pytest.fixture
def superuser(make_user):
    return make_user(is_staff=True, is_superuser=True)


@pytest.fixture
def dashboard(superuser) -> Client:
    """A test client logged in to the admin as a superuser, in the default language (German)."""
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def dashboard_en(dashboard) -> Client:
    """The superuser's client with English chosen, as the language selector would set it."""
    dashboard.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return dashboard


def secrets_in(html: str, pattern: re.Pattern) -> set[str]:
    return set(pattern.findall(html))
