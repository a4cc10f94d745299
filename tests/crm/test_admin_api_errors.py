"""The Admin API's error codes other than validation, each with meta, and the order of the checks."""

import uuid
from contextlib import contextmanager

import pytest
from django.db import connection

from jobriver.crm.models import Lead
from tests.crm.conftest import LEADS, assert_admin_error

VALID = {"vorname": "Erika", "nachname": "Musterfrau"}


def _post_raw(client, content: bytes | str, content_type: str | None = "application/json"):
    headers = {"Content-Type": content_type} if content_type is not None else {}
    return client.post(LEADS, content=content, headers=headers)


# 400 INVALID_BODY


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("{", id="truncated"),
        pytest.param("[]", id="array"),
        pytest.param('["vorname", "Erika"]', id="array-of-strings"),
        pytest.param("null", id="null"),
        pytest.param('"Erika"', id="string"),
        pytest.param("", id="empty"),
        pytest.param('{"vorname": "Erika", "vorname": "Max", "nachname": "M"}', id="duplicate-key"),
        pytest.param('{"vorname": "Erika", "nachname": "M", "preis": NaN}', id="nan"),
        pytest.param(b'{"vorname": "\xff", "nachname": "M"}', id="not-utf8"),
    ],
)
def test_invalid_body(admin_api, content):
    before = Lead.objects.count()
    response = _post_raw(admin_api, content)

    body = assert_admin_error(response, 400, "INVALID_BODY")
    assert body["error"]["message"].startswith("The request body is not valid JSON: ")
    assert Lead.objects.count() == before


# 415 INVALID_CONTENT_TYPE


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type(admin_api, content_type):
    response = _post_raw(admin_api, '{"vorname": "Erika", "nachname": "Musterfrau"}', content_type)

    assert_admin_error(response, 415, "INVALID_CONTENT_TYPE")


# 405 METHOD_NOT_ALLOWED


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_only_post_on_leads(admin_api, method):
    response = admin_api.request(method, LEADS)

    body = assert_admin_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == "POST"
    assert body["error"]["details"] == {"allowed_methods": ["POST"]}


def test_method_checked_before_token(anonymous):
    response = anonymous.get(LEADS)

    assert_admin_error(response, 405, "METHOD_NOT_ALLOWED")


# 404 from the middleware, and 413


@pytest.mark.parametrize("path", ["/admin/unknown", "/admin", "/admin/leads/1"])
def test_unknown_admin_path(admin_api, path):
    response = admin_api.post(path, json=VALID)

    assert_admin_error(response, 404, "NOT_FOUND")


def test_oversized_body(admin_api, settings):
    body = {**VALID, "notizen": "x" * (settings.JOBRIVER_MAX_BODY_BYTES + 1)}

    response = admin_api.post(LEADS, json=body)

    assert_admin_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_token_checked_before_body_size(anonymous, settings):
    body = {**VALID, "notizen": "x" * (settings.JOBRIVER_MAX_BODY_BYTES + 1)}

    response = anonymous.post(LEADS, json=body)

    assert_admin_error(response, 401, "UNAUTHORIZED")


# 500 CREATION_FAILED


@contextmanager
def _insert_fails_for(vorname: str):
    """Make the database reject inserting a lead with this first name, with a trigger on crm_lead."""
    name = f"crm_lead_fail_{uuid.uuid4().hex}"
    if connection.vendor == "postgresql":
        create = [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'lead insert rejected for the test'; END $$",
            f"CREATE TRIGGER {name} BEFORE INSERT ON crm_lead FOR EACH ROW "
            f"WHEN (NEW.vorname = '{vorname}') EXECUTE FUNCTION {name}()",
        ]
        drop = [f"DROP TRIGGER {name} ON crm_lead", f"DROP FUNCTION {name}()"]
    else:
        create = [
            f"CREATE TRIGGER {name} BEFORE INSERT ON crm_lead WHEN NEW.vorname = '{vorname}' "
            "BEGIN SELECT RAISE(ABORT, 'lead insert rejected for the test'); END"
        ]
        drop = [f"DROP TRIGGER {name}"]

    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)


def test_database_error_is_creation_failed(admin_api, unique):
    vorname = f"Fehler{unique}"
    with _insert_fails_for(vorname):
        response = admin_api.post(LEADS, json={"vorname": vorname, "nachname": "Musterfrau"})

    body = assert_admin_error(response, 500, "CREATION_FAILED")
    assert body["error"]["message"] == (
        "The lead could not be created. Quote the request ID when contacting support."
    )
    assert not Lead.objects.filter(vorname=vorname).exists()


def test_other_leads_unaffected_by_failure(admin_api, unique):
    with _insert_fails_for(f"Fehler{unique}"):
        response = admin_api.post(LEADS, json=VALID)

    assert response.status_code == 201, response.text
