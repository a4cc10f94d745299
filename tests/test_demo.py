"""`jobriver demo` on a fresh SQLite data folder, and its printed curl line against a live server."""

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from tests.conftest import start_server, stop_server

DEMO_TIMEOUT = 120  # seconds, migrations included


@pytest.fixture
def fresh_sqlite_env(tmp_path):
    return {**os.environ, "JOBRIVER_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": None}


def run_demo(env: dict[str, str | None], port: int) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "jobriver.cli", "demo", "--port", str(port)],
        env={name: value for name, value in env.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
        check=True,
    )
    return result.stdout


def test_demo_prints_key_and_curl(fresh_sqlite_env):
    output = run_demo(fresh_sqlite_env, 8000)

    assert "Jobriver Demo GmbH" in output
    assert "12 jobs" in output
    assert re.search(r"^  jrv_[0-9A-Za-z]{46}$", output, re.MULTILINE)
    assert 'curl -H "X-API-Key: jrv_' in output
    assert '"http://127.0.0.1:8000/api/v1/jobs"' in output


def test_demo_twice_keeps_one_company(fresh_sqlite_env):
    first = run_demo(fresh_sqlite_env, 8000)
    second = run_demo(fresh_sqlite_env, 8000)

    first_key = re.search(r"jrv_\w+", first).group(0)
    second_key = re.search(r"jrv_\w+", second).group(0)
    assert first_key != second_key
    assert "12 jobs" in second
    assert "(id 1)" in second


def test_demo_curl_lists_demo_jobs(fresh_sqlite_env):
    # The printed curl line names the port, so the server starts first.
    run_demo(fresh_sqlite_env, 8000)
    process, base_url, _log = start_server(extra_env=fresh_sqlite_env, log_name="demo")
    try:
        port = base_url.rsplit(":", 1)[1]
        output = run_demo(fresh_sqlite_env, int(port))
        curl_line = next(line.strip() for line in output.splitlines() if line.strip().startswith("curl "))

        result = subprocess.run(shlex.split(curl_line) + ["-s"], capture_output=True, text=True, timeout=30)
    finally:
        stop_server(process)

    body = json.loads(result.stdout)
    assert body["success"] is True
    assert body["data"]["pagination"]["total"] == 12
    titles = [job["title"] for job in body["data"]["jobs"]]
    assert "Senior Backend Developer (m/w/d)" in titles
    assert all(title.endswith("(m/w/d)") for title in titles)
