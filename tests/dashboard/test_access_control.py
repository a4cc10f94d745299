"""Who reaches which dashboard page: anonymous users, staff without a company, other companies, CSRF."""

import pytest
from django.urls import reverse

from tests.dashboard.conftest import PASSWORD, new_client

COMPANY_PAGES = [
    "dashboard:overview",
    "dashboard:key_list",
    "dashboard:key_create",
    "dashboard:job_list",
    "dashboard:password_change",
    "dashboard:password_change_done",
]

KEY_PAGES = [
    ("get", "dashboard:key_created"),
    ("get", "dashboard:key_edit"),
    ("post", "dashboard:key_edit"),
    ("post", "dashboard:key_deactivate"),
    ("post", "dashboard:key_activate"),
    ("get", "dashboard:key_revoke"),
    ("post", "dashboard:key_revoke"),
]


@pytest.mark.parametrize("name", COMPANY_PAGES)
def test_anonymous_redirected_to_sign_in(name):
    url = reverse(name)

    response = new_client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/sign-in/?next={url}"


@pytest.mark.parametrize("method, name", KEY_PAGES)
def test_anonymous_key_pages_redirected(method, name, make_key):
    url = reverse(name, args=[make_key().credential.pk])

    response = getattr(new_client(), method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/sign-in/?next=")


@pytest.mark.parametrize("name", COMPANY_PAGES)
def test_staff_without_company_gets_403(name, make_staff_user):
    client = new_client(language="en")
    client.force_login(make_staff_user())

    response = client.get(reverse(name))

    assert response.status_code == 403
    assert "is not linked to a company" in response.content.decode()
    assert response.templates[0].name == "dashboard/no_company.html"


@pytest.mark.parametrize("method, name", KEY_PAGES)
def test_other_company_key_is_404(method, name, make_key, user_client):
    other_key = make_key().credential

    response = getattr(user_client, method)(reverse(name, args=[other_key.pk]))

    assert response.status_code == 404
    other_key.refresh_from_db()
    assert other_key.status == "active"


@pytest.mark.parametrize("method, name", KEY_PAGES)
def test_missing_key_is_404(method, name, user_client):
    response = getattr(user_client, method)(reverse(name, args=[2**63 + 5]))

    assert response.status_code == 404


def test_root_redirects_to_dashboard():
    client = new_client()

    assert client.get("/").status_code == 302
    assert client.get("/")["Location"] == "/dashboard/"
    assert client.get("/dashboard")["Location"] == "/dashboard/"


def test_post_without_csrf_token_is_403(make_user, make_key):
    user = make_user()
    company = user.company_membership.company
    api_key = make_key(company).credential
    client = new_client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(reverse("dashboard:key_deactivate", args=[api_key.pk]))

    assert response.status_code == 403
    api_key.refresh_from_db()
    assert api_key.status == "active"


def test_sign_in_without_csrf_token_is_403(make_user):
    user = make_user()
    client = new_client(enforce_csrf_checks=True)

    response = client.post(reverse("dashboard:login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_post_with_csrf_token_passes(make_user, make_key):
    user = make_user()
    api_key = make_key(user.company_membership.company).credential
    client = new_client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("dashboard:key_list"))
    token = client.cookies["csrftoken"].value

    response = client.post(reverse("dashboard:key_deactivate", args=[api_key.pk]), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.status == "inactive"


@pytest.mark.parametrize("name", ["dashboard:overview", "dashboard:login", "dashboard:access_request"])
def test_pages_send_content_security_policy(name, user_client):
    response = user_client.get(reverse(name))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy


def test_company_pages_are_not_cached(user_client):
    response = user_client.get(reverse("dashboard:overview"))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_has_no_dashboard_policy(user_client):
    response = user_client.get("/api/v1/status")

    assert response.status_code == 401
    assert "Content-Security-Policy" not in response


def test_pages_have_no_inline_script(user_client):
    body = user_client.get(reverse("dashboard:overview")).content.decode()

    assert "<script>" not in body
    assert '<script src="/static/dashboard/dashboard.js" defer></script>' in body
