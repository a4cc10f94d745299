"""Admin tokens at /admin/admin-tokens/: the secret shown once, immediate use, revocation, and who may manage them."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission as AuthPermission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client

from jobriver.access.keys import hash_key
from jobriver.access.models import AdminToken, KeyStatus
from jobriver.access.services import admin_token_create
from jobriver.crm.models import Lead
from tests.admin.conftest import ADMIN_TOKEN_PATTERN, secrets_in
from tests.conftest import make_client

ADD_URL = "/admin/admin-tokens/add/"
LIST_URL = "/admin/admin-tokens/"


def _token_form(user, **fields) -> dict:
    form = {
        "user": user.pk,
        "name": "Website-Formular",
        "permissions": ["read", "create"],
        "expires_at_0": "",
        "expires_at_1": "",
        "rate_limit": "",
    }
    form.update(fields)
    return form


def _create_token(client: Client, user, **fields) -> tuple[str, str]:
    """Create a token through the add form and return the secret and the page that showed it."""
    response = client.post(ADD_URL, _token_form(user, **fields))
    assert response.status_code == 200, response.content.decode()[-2000:]
    html = response.content.decode()
    found = secrets_in(html, ADMIN_TOKEN_PATTERN)
    assert len(found) == 1, found
    return found.pop(), html


def _run_action(client: Client, action: str, token: AdminToken):
    return client.post(LIST_URL, {"action": action, "_selected_action": [token.pk]}, follow=True)


# Creating and showing the secret once


def test_created_token_is_shown_once(dashboard, superuser):
    secret, html = _create_token(dashboard, superuser)

    token = AdminToken.objects.get(key_hash=hash_key(secret))
    assert token.prefix == secret[:8]
    assert token.user == superuser
    assert token.permissions == ["read", "create"]
    assert "/api/v1/admin/leads" in html
    assert secret not in dashboard.get(LIST_URL).content.decode()
    assert secret not in dashboard.get(f"{LIST_URL}{token.pk}/change/").content.decode()


def test_secret_page_is_not_cached(dashboard, superuser):
    response = dashboard.post(ADD_URL, _token_form(superuser))

    assert "no-store" in response["Cache-Control"]


def test_secret_is_not_stored(dashboard, superuser):
    secret, _html = _create_token(dashboard, superuser)
    dashboard.get(LIST_URL)

    token = AdminToken.objects.get(key_hash=hash_key(secret))
    stored = [str(value) for value in AdminToken.objects.filter(pk=token.pk).values().get().values()]
    assert all(secret not in value for value in stored)
    assert all(secret not in entry.change_message + entry.object_repr for entry in LogEntry.objects.all())
    assert all(secret not in str(session.get_decoded()) for session in Session.objects.all())
    assert all(secret not in cookie.value for cookie in dashboard.cookies.values())


def test_created_token_works_at_once(dashboard, superuser, server_url, unique):
    secret, _html = _create_token(dashboard, superuser)

    with make_client(server_url, key=secret) as client:
        response = client.post("/admin/leads", json={"vorname": "Dashboard", "nachname": f"Test{unique}"})

    assert response.status_code == 201, response.text
    lead = Lead.objects.get(pk=response.json()["data"]["id"])
    assert lead.created_by == superuser
    assert f"Test{unique}" in dashboard.get(f"/admin/crm/lead/?q=Test{unique}").content.decode()


def test_token_for_other_staff_user(dashboard, make_user):
    staff = make_user(is_staff=True)

    secret, _html = _create_token(dashboard, staff)

    assert AdminToken.objects.get(key_hash=hash_key(secret)).user == staff


def test_token_with_expiry_and_rate_limit(dashboard, superuser):
    secret, _html = _create_token(dashboard, superuser, expires_at_0="2099-12-31", expires_at_1="23:59:00", rate_limit=30)

    token = AdminToken.objects.get(key_hash=hash_key(secret))
    assert token.rate_limit == 30
    assert token.expires_at.year == 2099


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"rate_limit": "0"}, "rate_limit"),
        ({"permissions": ["root"]}, "permissions"),
    ],
)
def test_invalid_token_form(dashboard, superuser, fields, field):
    before = AdminToken.objects.count()

    response = dashboard.post(ADD_URL, _token_form(superuser, **fields))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not secrets_in(response.content.decode(), ADMIN_TOKEN_PATTERN)
    assert AdminToken.objects.count() == before


def test_non_staff_owner_rejected(dashboard, make_user):
    outsider = make_user()
    before = AdminToken.objects.count()

    response = dashboard.post(ADD_URL, _token_form(outsider))

    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert AdminToken.objects.count() == before


def test_service_rejects_non_staff_owner(make_user):
    with pytest.raises(ValidationError) as raised:
        admin_token_create(user=make_user(), name="Nope", permissions=["read"])

    assert set(raised.value.message_dict) == {"user"}


# Who may manage tokens


@pytest.fixture
def staff_client(make_user):
    """A staff user who is not a superuser, with every permission on admin tokens."""
    user = make_user(is_staff=True)
    user.user_permissions.set(AuthPermission.objects.filter(content_type__model="admintoken"))
    client = Client()
    client.force_login(user)
    return client


def test_staff_cannot_open_create_form(staff_client):
    assert staff_client.get(ADD_URL).status_code == 403


def test_staff_cannot_create(staff_client, superuser):
    before = AdminToken.objects.count()

    response = staff_client.post(ADD_URL, _token_form(superuser))

    assert response.status_code == 403
    assert AdminToken.objects.count() == before


def test_staff_sees_list_without_add(staff_client, superuser):
    admin_token_create(user=superuser, name="Sichtbar", permissions=["read"])

    response = staff_client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sichtbar" in html
    assert f'href="{ADD_URL}"' not in html


def test_staff_cannot_revoke(staff_client, superuser):
    token = admin_token_create(user=superuser, name="Bleibt", permissions=["read"]).credential

    _run_action(staff_client, "revoke_selected", token)

    token.refresh_from_db()
    assert token.status == KeyStatus.ACTIVE


# The list and the status actions


def test_list_columns(dashboard_en, superuser, server_url):
    issued = admin_token_create(user=superuser, name="Spalten", permissions=["read", "create"])
    with make_client(server_url, key=issued.plaintext) as client:
        client.post("/admin/leads", json={})

    html = dashboard_en.get(LIST_URL).content.decode()

    for heading in ("Name", "Prefix", "User", "Status", "Permissions", "Last used at"):
        assert heading in html, heading
    assert "Spalten" in html
    assert f"{issued.credential.prefix}…" in html
    assert superuser.username in html
    assert "read, create" in html
    assert "key_hash" not in html
    assert issued.credential.key_hash not in html


def test_change_page_hides_hash(dashboard, superuser):
    token = admin_token_create(user=superuser, name="Geheim", permissions=["read"]).credential

    html = dashboard.get(f"{LIST_URL}{token.pk}/change/").content.decode()

    assert token.key_hash not in html
    assert 'name="key_hash"' not in html
    assert 'name="prefix"' not in html


def test_change_name_and_permissions(dashboard, superuser):
    token = admin_token_create(user=superuser, name="Alt", permissions=["read"]).credential
    form = {"name": "Neu", "permissions": ["create"], "expires_at_0": "", "expires_at_1": "", "rate_limit": "5"}

    response = dashboard.post(f"{LIST_URL}{token.pk}/change/", form)

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.name == "Neu"
    assert token.permissions == ["create"]
    assert token.rate_limit == 5


def test_revoke_action(dashboard_en, superuser, server_url):
    issued = admin_token_create(user=superuser, name="Weg", permissions=["create"])

    response = _run_action(dashboard_en, "revoke_selected", issued.credential)

    assert "1 admin token revoked." in response.content.decode()
    issued.credential.refresh_from_db()
    assert issued.credential.status == KeyStatus.REVOKED
    with make_client(server_url, key=issued.plaintext) as client:
        assert client.post("/admin/leads", json={}).status_code == 401


def test_deactivate_and_reactivate(dashboard, superuser):
    token = admin_token_create(user=superuser, name="Pause", permissions=["read"]).credential

    _run_action(dashboard, "deactivate_selected", token)
    token.refresh_from_db()
    assert token.status == KeyStatus.INACTIVE

    _run_action(dashboard, "activate_selected", token)
    token.refresh_from_db()
    assert token.status == KeyStatus.ACTIVE


def test_revoked_stays_revoked(dashboard_en, superuser):
    token = admin_token_create(user=superuser, name="Endgültig", permissions=["read"]).credential
    _run_action(dashboard_en, "revoke_selected", token)

    response = _run_action(dashboard_en, "activate_selected", token)

    assert "Revoked keys stay revoked. Left unchanged: Endgültig" in response.content.decode()
    token.refresh_from_db()
    assert token.status == KeyStatus.REVOKED
