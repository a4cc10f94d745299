"""The envelope, request ids, unknown paths, methods and body-size cap."""

import datetime
import json

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from jobriver.api.envelope import render_json
from tests.conftest import BASE_JOB, assert_error


def test_unknown_path_is_not_found_envelope(anonymous):
    response = anonymous.get("/no-such-endpoint")

    body = assert_error(response, 404, "NOT_FOUND")
    assert body["error"]["details"] == {}


def test_wrong_method_lists_allowed_methods(api):
    response = api.put("/jobs")

    body = assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == "GET, POST"
    assert body["error"]["details"]["allowed_methods"] == ["GET", "POST"]


def test_wrong_method_on_job_item(api):
    response = api.post("/jobs/1", json=BASE_JOB)

    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "PUT", "PATCH", "DELETE"}


def test_request_ids_are_unique(anonymous):
    first = anonymous.get("/status")
    second = anonymous.get("/status")

    assert len(first.headers["X-Request-Id"]) == 32
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


def test_oversized_body_is_413(api, settings):
    body = {**BASE_JOB, "description": "x" * (settings.JOBRIVER_MAX_BODY_BYTES + 1)}

    response = api.post("/jobs", json=body)

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("path", ["/jobs/", "/status/", "/categories/"])
def test_trailing_slash_is_served_without_redirect(api, path):
    response = api.get(path)

    assert response.status_code == 200
    assert response.json()["success"] is True


def test_german_messages_with_accept_language(anonymous):
    response = anonymous.get("/status", headers={"Accept-Language": "de-DE,de;q=0.9"})

    body = assert_error(response, 401, "MISSING_API_KEY")
    assert body["error"]["message"] == "Der Header X-API-Key fehlt."


def test_english_is_the_default_language(anonymous):
    response = anonymous.get("/status")

    body = assert_error(response, 401, "MISSING_API_KEY")
    assert body["error"]["message"] == "The X-API-Key header is missing."


# Rendering.


def test_render_json_keeps_umlauts_as_utf8():
    assert render_json({"title": "Köchin (m/w/d)"}) == '{"title":"Köchin (m/w/d)"}'.encode()


def test_render_json_dates_as_django_does():
    moment = datetime.datetime(2026, 12, 4, 9, 30, 15, 123456, tzinfo=datetime.UTC)

    assert render_json({"at": moment}) == b'{"at":"2026-12-04T09:30:15.123Z"}'


def test_render_json_lazy_translation():
    with translation.override("de"):
        assert render_json({"message": gettext_lazy("name")}) == b'{"message":"Name"}'


def test_render_json_integer_beyond_64_bits():
    assert json.loads(render_json({"value": 10**30})) == {"value": 10**30}
