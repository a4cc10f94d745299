"""Fixtures for the robustness tests: an Admin API client next to the company API one."""

import pytest
from django.contrib.auth import get_user_model

from jobriver.access.models import ALL_PERMISSIONS
from jobriver.access.services import admin_token_create


@pytest.fixture
def admin_client(client_for, unique):
    """A client with a full-permission admin token of a new staff user."""
    user = get_user_model().objects.create_user(username=f"robust-{unique}", is_staff=True)
    token = admin_token_create(user=user, name="Robustness", permissions=ALL_PERMISSIONS, rate_limit=10_000)
    return client_for(token.plaintext)
