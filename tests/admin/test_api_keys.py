"""Company API keys in the dashboard: the key shown once, changes, deactivation, reactivation and revocation."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from jobriver.access.keys import hash_key
from jobriver.access.models import ApiKey, KeyStatus
from tests.admin.conftest import API_KEY_PATTERN, secrets_in
from tests.conftest import make_client

ADD_URL = "/admin/access/apikey/add/"
LIST_URL = "/admin/access/apikey/"


def _key_form(company, **fields) -> dict:
    form = {
        "company": company.pk,
        "name": "Karriereseite",
        "permissions": ["read", "create"],
        "ip_allowlist": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "rate_limit": "",
    }
    form.update(fields)
    return form


def _create_key(client: Client, company, **fields) -> str:
    response = client.post(ADD_URL, _key_form(company, **fields))
    assert response.status_code == 200, response.content.decode()[-2000:]
    found = secrets_in(response.content.decode(), API_KEY_PATTERN)
    assert len(found) == 1, found
    return found.pop()


def _run_action(client: Client, action: str, key: ApiKey):
    return client.post(LIST_URL, {"action": action, "_selected_action": [key.pk]}, follow=True)


def test_created_key_is_shown_once(dashboard, company, superuser):
    secret = _create_key(dashboard, company)

    key = ApiKey.objects.get(key_hash=hash_key(secret))
    assert key.company == company
    assert key.created_by == superuser
    assert key.permissions == ["read", "create"]
    assert secret not in dashboard.get(LIST_URL).content.decode()
    assert secret not in dashboard.get(f"{LIST_URL}{key.pk}/change/").content.decode()
    assert all(secret not in entry.change_message + entry.object_repr for entry in LogEntry.objects.all())


def test_created_key_works_at_once(dashboard, company, server_url):
    secret = _create_key(dashboard, company)

    with make_client(server_url, key=secret) as client:
        response = client.get("/status")

    assert response.status_code == 200, response.text
    assert response.json()["data"]["company"]["id"] == company.pk


def test_allowlist_is_normalised(dashboard, company):
    secret = _create_key(dashboard, company, ip_allowlist="192.0.2.0/24\n2001:db8::1, 198.51.100.7")

    key = ApiKey.objects.get(key_hash=hash_key(secret))
    assert key.ip_allowlist == ["192.0.2.0/24", "2001:db8::1/128", "198.51.100.7/32"]


def test_invalid_allowlist_rejected(dashboard, company):
    before = ApiKey.objects.count()

    response = dashboard.post(ADD_URL, _key_form(company, ip_allowlist="192.0.2.0/24\nkein-netz"))

    assert response.status_code == 200
    assert "ip_allowlist" in response.context["adminform"].form.errors
    assert ApiKey.objects.count() == before


def test_company_is_preselected(dashboard, company):
    response = dashboard.get(f"{ADD_URL}?company={company.pk}")

    assert response.context["adminform"].form.initial["company"] == str(company.pk)


def test_change_keeps_hash(dashboard, issued_key):
    key = issued_key.credential
    form = {
        "name": "Umbenannt",
        "permissions": ["read"],
        "ip_allowlist": "203.0.113.0/24",
        "expires_at_0": "",
        "expires_at_1": "",
        "rate_limit": "",
    }

    response = dashboard.post(f"{LIST_URL}{key.pk}/change/", form)

    assert response.status_code == 302
    changed = ApiKey.objects.get(pk=key.pk)
    assert changed.name == "Umbenannt"
    assert changed.permissions == ["read"]
    assert changed.ip_allowlist == ["203.0.113.0/24"]
    assert changed.rate_limit is None
    assert changed.key_hash == key.key_hash
    assert changed.company_id == key.company_id


def test_change_page_hides_hash(dashboard, issued_key):
    html = dashboard.get(f"{LIST_URL}{issued_key.credential.pk}/change/").content.decode()

    assert issued_key.credential.key_hash not in html
    assert 'name="key_hash"' not in html
    assert 'name="company"' not in html


@pytest.mark.parametrize(
    ("action", "status", "code"),
    [("deactivate_selected", KeyStatus.INACTIVE, "API_KEY_INACTIVE"), ("revoke_selected", KeyStatus.REVOKED, "API_KEY_REVOKED")],
)
def test_status_action_applies_at_once(dashboard, issued_key, server_url, action, status, code):
    _run_action(dashboard, action, issued_key.credential)

    issued_key.credential.refresh_from_db()
    assert issued_key.credential.status == status
    with make_client(server_url, key=issued_key.plaintext) as client:
        response = client.get("/status")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == code


def test_reactivate_action(dashboard_en, issued_key):
    _run_action(dashboard_en, "deactivate_selected", issued_key.credential)

    response = _run_action(dashboard_en, "activate_selected", issued_key.credential)

    assert "1 API key reactivated." in response.content.decode()
    issued_key.credential.refresh_from_db()
    assert issued_key.credential.status == KeyStatus.ACTIVE


def test_actions_count_several(dashboard_en, make_key, company):
    keys = [make_key(company).credential for _number in range(3)]

    response = dashboard_en.post(
        LIST_URL, {"action": "deactivate_selected", "_selected_action": [key.pk for key in keys]}, follow=True
    )

    assert "3 API keys deactivated." in response.content.decode()
    assert set(ApiKey.objects.filter(pk__in=[key.pk for key in keys]).values_list("status", flat=True)) == {"inactive"}


def test_company_page_lists_keys(dashboard, issued_key, company):
    html = dashboard.get(f"/admin/companies/company/{company.pk}/change/").content.decode()

    assert issued_key.credential.name in html
    assert issued_key.credential.prefix in html
    assert issued_key.credential.key_hash not in html
    assert f"{ADD_URL}?company={company.pk}" in html
