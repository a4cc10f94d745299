"""Security defaults: DEBUG off, no traceback in a 500, HTTPS settings, nosniff, CSP and the Server header."""

import json
import os
import subprocess
import sys

import httpx
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.conftest import next_source_address

INTERNAL_DETAIL = "internal detail that must stay in the log"


def settings_in_subprocess(environment: dict[str, str | None], *names: str) -> dict:
    """Return the named settings as a fresh process computes them from `environment` (None removes a variable)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jobriver.settings"}
    for name, value in environment.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {list(names)!r}}}))"
    )
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# Defaults.


def test_debug_off_by_default():
    values = settings_in_subprocess({"DEBUG": None}, "DEBUG")

    assert values == {"DEBUG": False}
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    ("environment", "secure", "hsts", "proxy_header"),
    [
        ({"JOBRIVER_HTTPS": None, "JOBRIVER_TRUSTED_PROXIES": None}, False, 0, None),
        ({"JOBRIVER_HTTPS": "true", "JOBRIVER_TRUSTED_PROXIES": None}, True, 31536000, None),
        ({"JOBRIVER_HTTPS": "false", "JOBRIVER_TRUSTED_PROXIES": "10.0.0.10/32"}, False, 0, None),
        (
            {"JOBRIVER_HTTPS": "true", "JOBRIVER_TRUSTED_PROXIES": "10.0.0.10/32"},
            True,
            31536000,
            ["HTTP_X_FORWARDED_PROTO", "https"],
        ),
    ],
)
def test_https_settings(environment, secure, hsts, proxy_header):
    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER")

    values = settings_in_subprocess(environment, *names)

    assert values["SESSION_COOKIE_SECURE"] is secure
    assert values["CSRF_COOKIE_SECURE"] is secure
    assert values["SECURE_HSTS_SECONDS"] == hsts
    assert values["SECURE_PROXY_SSL_HEADER"] == proxy_header


# Server errors show no internals.


@pytest.fixture
def in_process_client(issued_key):
    """A Django test client with a valid key that gets a 500 response instead of the exception."""
    return Client(raise_request_exception=False, HTTP_X_API_KEY=issued_key.plaintext, REMOTE_ADDR=next_source_address())


def test_internal_error_without_traceback(in_process_client, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError(INTERNAL_DETAIL)

    monkeypatch.setattr("jobriver.access.api.api_key_status", fail)

    response = in_process_client.get("/api/v1/status")

    assert response.status_code == 500
    body = response.json()
    assert body["error"]["code"] == "INTERNAL_ERROR"
    assert body["error"]["details"] == {}
    text = response.content.decode()
    assert "Traceback" not in text
    assert INTERNAL_DETAIL not in text
    assert "RuntimeError" not in text
    assert response["X-Content-Type-Options"] == "nosniff"


def test_page_error_without_traceback(monkeypatch, unique):
    user = get_user_model().objects.create_superuser(username=f"security-{unique}", password=None)
    client = Client(raise_request_exception=False)
    client.force_login(user)

    def fail(request, app_label=None):
        raise RuntimeError(INTERNAL_DETAIL)

    monkeypatch.setattr(admin.site, "get_app_list", fail)

    response = client.get("/admin/")

    assert response.status_code == 500
    text = response.content.decode()
    assert "Traceback" not in text
    assert INTERNAL_DETAIL not in text
    assert "RuntimeError" not in text


def test_handler500_without_traceback():
    request = RequestFactory().get("/dashboard/")

    try:
        raise RuntimeError(INTERNAL_DETAIL)
    except RuntimeError:
        response = server_error(request)

    assert response.status_code == 500
    assert b"Traceback" not in response.content
    assert INTERNAL_DETAIL.encode() not in response.content


# Headers on the wire.


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/status", 401),
        ("/api/v1/no-such-endpoint", 404),
        ("/api/v1/openapi.json", 200),
        ("/api/v1/docs", 200),
        ("/dashboard/sign-in/", 200),
        ("/admin/login/", 200),
        ("/static/ninja/swagger-ui.css", 200),
    ],
)
def test_nosniff_everywhere(anonymous, server_url, path, status):
    response = httpx.get(f"{server_url}{path}", timeout=30)

    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Server"] == "jobriver"


def test_method_not_allowed_keeps_headers(server_url):
    response = httpx.delete(f"{server_url}/api/v1/status", timeout=30)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Server"] == "jobriver"


@pytest.mark.parametrize(("path", "style_hashes"), [("/dashboard/sign-in/", 0), ("/admin/login/", 1), ("/api/v1/docs", 0)])
def test_pages_have_policy(server_url, path, style_hashes):
    response = httpx.get(f"{server_url}{path}", timeout=30)

    policy = response.headers["Content-Security-Policy"]
    directives = dict(item.strip().split(" ", 1) for item in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    styles = directives["style-src"].split(" ")
    assert styles[0] == "'self'"
    assert len(styles) == 1 + style_hashes
    assert all(style.startswith("'sha256-") for style in styles[1:])
    assert "unsafe" not in policy


def test_json_has_no_page_policy(server_url):
    response = httpx.get(f"{server_url}/api/v1/openapi.json", timeout=30)

    assert "Content-Security-Policy" not in response.headers


@pytest.mark.parametrize(("trusted", "secure"), [("10.0.0.10/32", False), ("127.0.0.0/8", True)])
def test_forwarded_proto_only_from_proxy(in_process_client, settings, trusted, secure):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.JOBRIVER_TRUSTED_PROXIES = [trusted]

    response = in_process_client.get("/api/v1/status", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert response.wsgi_request.is_secure() is secure
    assert ("HTTP_X_FORWARDED_PROTO" in response.wsgi_request.META) is secure
