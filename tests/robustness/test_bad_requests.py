"""Bad paths, query strings and headers: a documented 4xx in the envelope, or a clean protocol-level 4xx.

Granian 2.8 rejects some requests before they reach the application: a
header with a bare CR, a folded header line or a NUL byte (400), more
than 100 header fields (431) and a request line over its limit (414). Those
answers have an empty body and no envelope; the tests assert that the
status line is such a 4xx and that the connection closes. A 100 KB header
value reaches the application and is answered normally.
"""

import json
import re
import socket

import pytest

from jobriver.jobs.models import Job
from tests.conftest import BASE_JOB, assert_error

REQUEST_ID = re.compile(r"[0-9a-f]{32}")


def send_raw(server_url: str, request: bytes) -> bytes:
    """Send a raw HTTP/1.1 request and return everything the server sends until it closes."""
    host, port = server_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def status_of(raw_response: bytes) -> int:
    return int(raw_response.split(b" ", 2)[1])


def head_of(raw_response: bytes) -> str:
    return raw_response.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()


# Path ids.


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "job_id",
    [str(2**63), str(2**64), str(10**30), "9" * 5000, "0" * 30 + str(2**63)],
)
def test_id_beyond_range_not_found(api, company, method, job_id):
    before = Job.objects.filter(company=company).count()

    response = api.request(method, f"/jobs/{job_id}", json={"title": "Neuer Titel"})

    body = assert_error(response, 404, "JOB_NOT_FOUND")
    assert body["error"]["details"]["job_id"] == job_id[:100]
    assert Job.objects.filter(company=company).count() == before


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("job_id", ["-1", "0", "1e3", "0x1F", "１２", "%00", "1%20", "%ED%A0%80", "%FF", "1.0"])
def test_malformed_id_rejected(api, company, method, job_id):
    before = Job.objects.filter(company=company).count()

    response = api.request(method, f"/jobs/{job_id}", json={"title": "Neuer Titel"})

    assert_error(response, 400, "INVALID_JOB_ID")
    assert Job.objects.filter(company=company).count() == before


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_encoded_slash_in_id(api, make_job, method):
    job = make_job()

    response = api.request(method, f"/jobs/{job.pk}%2F1", json={"title": "Neuer Titel"})

    assert_error(response, 404, "NOT_FOUND")
    assert Job.objects.get(pk=job.pk).title == BASE_JOB["title"]


# Query strings of the list endpoints.

LIST_PATHS = ["/jobs", "/categories", "/technologies"]


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("search=a%00b", "search"),
        ("search=" + "x" * 10_000, "search"),
        ("search=%00", "search"),
    ],
)
def test_bad_search(api, path, query, field):
    response = api.get(f"{path}?{query}")

    body = assert_error(response, 422, "VALIDATION_ERROR", field)
    assert set(body["error"]["details"]["errors"]) == {field}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"per_page={2**64}", "per_page"),
        (f"category_id={2**63}", "category_id"),
        ("category_id=" + "9" * 5000, "category_id"),
        ("page=" + "9" * 5000, "page"),
        ("page=1e3", "page"),
        ("page=%00", "page"),
        ("is_active=%00", "is_active"),
        ("per_page=1&per_page=500", "per_page"),
        ("category_id=%2B1", "category_id"),
    ],
)
def test_bad_job_list_query(api, query, field):
    response = api.get(f"/jobs?{query}")

    body = assert_error(response, 422, "VALIDATION_ERROR", field)
    assert set(body["error"]["details"]["errors"]) == {field}


@pytest.mark.parametrize(
    ("query", "field"),
    [("category=%00", "category"), ("category=LANGUAGE", "category"), ("trending=1e3", "trending")],
)
def test_bad_technology_query(api, query, field):
    response = api.get(f"/technologies?{query}")

    assert_error(response, 422, "VALIDATION_ERROR", field)


@pytest.mark.parametrize("path", LIST_PATHS)
def test_too_many_query_parameters(api, path):
    response = api.get(f"{path}?" + "&".join(["search=a"] * 1001))

    body = assert_error(response, 400, "BAD_REQUEST")
    assert body["error"]["message"] == "The request is invalid: the query string has more than 1000 parameters"


@pytest.mark.parametrize(
    ("query", "page", "count"),
    [
        (f"page={2**64}", 2**64, 0),
        ("page=1&page=3", 3, 0),
        ("search=%FF", 1, 0),
        ("search=%ED%A0%80", 1, 0),
        ("unknown[]=1", 1, 1),
    ],
)
def test_odd_job_list_query_accepted(api, make_job, query, page, count):
    # A page past the end is empty, the last of repeated values wins, invalid
    # UTF-8 becomes U+FFFD, which no job contains, and unknown parameters are ignored.
    make_job()

    response = api.get(f"/jobs?{query}")

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["pagination"]["current_page"] == page
    assert data["pagination"]["total"] == (1 if "search" not in query else 0)
    assert len(data["jobs"]) == count


def test_query_on_other_endpoints_ignored(api):
    response = api.get("/status?" + "&".join(["x=1"] * 1001))

    assert response.status_code == 200


# Headers.


def test_request_id_not_reflected(api):
    response = api.get("/status", headers={"X-Request-Id": "client-chosen-id"})

    assert response.status_code == 200
    assert REQUEST_ID.fullmatch(response.headers["X-Request-Id"])
    assert response.headers["X-Request-Id"] != "client-chosen-id"


@pytest.mark.parametrize(
    "header_line",
    [
        b"X-Request-Id: abc\rX-Injected: 1",
        b"X-Request-Id: abc\r\n X-Injected: 1",
        b"X-Request-Id: abc\nX-Injected: 1",
        b"X-Request-Id: a\x00b",
    ],
)
def test_request_id_line_breaks(server_url, issued_key, header_line):
    request = (
        b"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
        + issued_key.plaintext.encode()
        + b"\r\n"
        + header_line
        + b"\r\nConnection: close\r\n\r\n"
    )

    raw_response = send_raw(server_url, request)

    head = head_of(raw_response)
    assert "x-injected" not in head
    assert "abc" not in head
    status = status_of(raw_response)
    if status == 200:
        # A bare LF ends the line, as HTTP allows: X-Injected is then a request header of its own.
        assert header_line == b"X-Request-Id: abc\nX-Injected: 1"
        assert REQUEST_ID.search(head)
    else:
        assert status == 400


def test_header_of_100_kb(server_url, issued_key):
    request = (
        b"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
        + issued_key.plaintext.encode()
        + b"\r\nX-Padding: "
        + b"a" * 100_000
        + b"\r\nConnection: close\r\n\r\n"
    )

    raw_response = send_raw(server_url, request)

    assert status_of(raw_response) == 200
    assert json.loads(raw_response.split(b"\r\n\r\n", 1)[1])["success"] is True


def test_too_many_headers(server_url):
    fields = b"".join(b"X-Field-%d: 1\r\n" % number for number in range(300))
    request = b"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n" + fields + b"Connection: close\r\n\r\n"

    raw_response = send_raw(server_url, request)

    assert status_of(raw_response) == 431


def test_request_line_too_long(server_url):
    request = b"GET /api/v1/jobs?search=" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

    raw_response = send_raw(server_url, request)

    assert status_of(raw_response) == 414


@pytest.mark.parametrize("host", [b"evil.example", b"", b"127.0.0.1:1:2", b"[::1"])
@pytest.mark.parametrize("path", [b"/api/v1/status", b"/api/v1/admin/leads"])
def test_disallowed_host(server_url, host, path):
    request = b"GET " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"

    raw_response = send_raw(server_url, request)

    assert status_of(raw_response) == 400
    head, body = raw_response.split(b"\r\n\r\n", 1)
    assert b"content-type: application/json" in head.lower()
    # The body may arrive in chunks, so it is searched rather than parsed.
    assert b'"code":"BAD_REQUEST"' in body
    assert b"the Host header is missing or not in ALLOWED_HOSTS" in body
