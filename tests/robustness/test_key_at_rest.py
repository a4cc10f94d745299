"""A new key on its way from the dashboard's create form to the page that shows it is never stored in plain text."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from jobriver.access.models import ApiKey
from jobriver.dashboard.services import company_user_create
from jobriver.dashboard.views.keys import NEW_KEY_PAD_COOKIE, NEW_KEY_SESSION_KEY

KEY_PATTERN = re.compile(r"jrv_[0-9A-Za-z]{46}")
PASSWORD = "Rheinufer-Koeln-2024!"


@pytest.fixture
def signed_in(make_company, unique):
    company = make_company()
    user = company_user_create(company=company, username=f"rest-{unique}", email=f"rest-{unique}@example.com", password=PASSWORD)
    client = Client()
    client.force_login(user)
    return client, company


def create_key(client: Client):
    return client.post(reverse("dashboard:key_create"), {"name": "ATS", "permissions": ["read"]})


def stored_sessions() -> str:
    return "".join(str(session.get_decoded()) + session.session_data for session in Session.objects.all())


def test_session_holds_no_plaintext(signed_in):
    client, company = signed_in

    response = create_key(client)

    assert response.status_code == 302
    pad = client.cookies[NEW_KEY_PAD_COOKIE]
    assert pad["httponly"] is True
    assert pad["samesite"] == "Strict"
    assert pad["path"] == response["Location"]
    assert KEY_PATTERN.search(stored_sessions()) is None
    assert KEY_PATTERN.search(pad.value) is None
    assert set(client.session[NEW_KEY_SESSION_KEY]) == {"key_id", "sealed"}


def test_page_shows_key_once(signed_in):
    client, company = signed_in
    location = create_key(client)["Location"]

    first = client.get(location)
    second = client.get(location)

    shown = KEY_PATTERN.findall(first.content.decode())
    assert len(set(shown)) == 1
    assert ApiKey.objects.get(company=company).prefix == shown[0][:8]
    assert client.cookies[NEW_KEY_PAD_COOKIE].value == ""
    assert KEY_PATTERN.search(second.content.decode()) is None


def test_no_key_without_pad(signed_in):
    client, company = signed_in
    location = create_key(client)["Location"]
    del client.cookies[NEW_KEY_PAD_COOKIE]

    response = client.get(location)

    assert response.status_code == 200
    assert KEY_PATTERN.search(response.content.decode()) is None
    assert NEW_KEY_SESSION_KEY not in client.session


def test_no_key_with_other_pad(signed_in):
    client, company = signed_in
    first_location = create_key(client)["Location"]
    first_pad = client.cookies[NEW_KEY_PAD_COOKIE].value
    second_location = create_key(client)["Location"]
    client.cookies[NEW_KEY_PAD_COOKIE] = first_pad

    response = client.get(second_location)

    assert first_location != second_location
    assert KEY_PATTERN.search(response.content.decode()) is None
