"""Log output: one JSON object per line with JOBRIVER_LOG_FORMAT=json, and no secret in it."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import SERVER_LOGS, make_client, start_server, stop_server


@pytest.fixture
def json_log_server():
    process, base_url, log_path = start_server(workers=1, extra_env={"JOBRIVER_LOG_FORMAT": "json"}, log_name="json-log")
    yield base_url, log_path
    stop_server(process)


def request_lines(log_path) -> list[dict]:
    lines = []
    for line in log_path.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("message", "").startswith("api_request "):
                lines.append(record)
    return lines


def test_json_request_line(json_log_server, issued_key, company):
    base_url, log_path = json_log_server

    with make_client(base_url, key=issued_key.plaintext) as client:
        response = client.get("/jobs/999999999")
    with make_client(base_url) as anonymous:
        missing = anonymous.get("/status")

    records = {record["request_id"]: record for record in request_lines(log_path)}
    record = records[response.headers["X-Request-Id"]]
    assert record["logger"] == "jobriver.api.requests"
    assert record["level"] == "INFO"
    assert record["method"] == "GET"
    assert record["path"] == "/api/v1/jobs/999999999"
    assert record["status"] == 404
    assert record["key_prefix"] == issued_key.credential.prefix
    assert record["company_id"] == company.pk
    assert isinstance(record["duration_ms"], float)
    assert record["time"]
    unauthenticated = records[missing.headers["X-Request-Id"]]
    assert unauthenticated["status"] == 401
    assert unauthenticated["key_prefix"] is None
    assert unauthenticated["company_id"] is None
    assert issued_key.plaintext not in log_path.read_text()


def test_plain_request_line(server_url, api, issued_key):
    response = api.get("/status")

    log_text = "".join(path.read_text() for path in SERVER_LOGS if path.exists())
    assert f"request_id={response.headers['X-Request-Id']} method=GET path=/api/v1/status status=200" in log_text
    assert f"key_prefix={issued_key.credential.prefix}" in log_text


def test_invalid_log_format_rejected():
    command = [sys.executable, "-c", "import django; django.setup()"]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "jobriver.settings", "JOBRIVER_LOG_FORMAT": "xml"}

    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert "JOBRIVER_LOG_FORMAT must be plain or json, got 'xml'" in result.stderr
