"""The envelope, request ids, unknown paths, methods and body-size cap."""

import pytest

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
