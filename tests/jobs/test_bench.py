"""The benchmark's floor route, and a smoke test of the harness in bench/ so that it keeps working.

The smoke test loads the harness's tiny platform into a SQLite file of its
own, serves it, and sends one request per benchmarked endpoint without wrk;
with wrk installed it also replays one endpoint for a second.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import load, report, requests, server
from tests.conftest import assert_error, make_client, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]


def test_floor_absent_by_default(anonymous):
    assert_error(anonymous.get("/_floor"), 404, "NOT_FOUND")


def test_floor_enabled_by_setting():
    process, base_url, _log = start_server(workers=1, extra_env={"JOBRIVER_BENCHMARK_FLOOR": "1"}, log_name="floor")
    try:
        with make_client(base_url) as client:
            response = client.get("/_floor")
    finally:
        stop_server(process)

    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"status": "ok"}}


@pytest.fixture(scope="module")
def tiny_platform(tmp_path_factory):
    """Migrate a fresh SQLite file and load the tiny platform into it; return its folder and environment."""
    data_dir = tmp_path_factory.mktemp("bench-tiny")
    env = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update({"JOBRIVER_DATA_DIR": str(data_dir), "JOBRIVER_LOG_LEVEL": "WARNING"})
    python = sys.executable
    subprocess.run([python, "-m", "jobriver.cli", "manage", "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run([python, "-m", "bench.dataset", "--size", "tiny", "--out", str(data_dir)], env=env, cwd=ROOT, check=True)
    return data_dir, env


def test_tiny_platform_loaded(tiny_platform):
    data_dir, _env = tiny_platform

    targets, catalogue = requests.read_targets(data_dir)

    assert len(targets) == 8
    assert all(len(target.job_ids) == 50 for target in targets)
    assert catalogue["categories"]
    assert catalogue["technologies"]


def test_every_endpoint_answers(tiny_platform, tmp_path):
    data_dir, env = tiny_platform
    paths = requests.write_request_files(data_dir, tmp_path / "requests")
    base = server.start(
        env={**env, "JOBRIVER_BENCHMARK_FLOOR": "1"},
        workers=1,
        threads=None,
        log_path=tmp_path / "server.log",
        python=Path(sys.executable),
    )
    try:
        requests.check_endpoints(base.base_url, paths)
        rss = base.rss_mib()
        replayed = load.run_wrk(base.base_url, paths["list"], seconds=1, connections=2) if shutil.which("wrk") else None
    finally:
        server.stop(base)

    assert len(rss) == 1
    assert all(mib > 0 for mib in rss.values())
    if replayed is not None:
        assert replayed.requests > 0
        assert replayed.failed == 0


def test_top_frames_from_collapsed(tmp_path):
    collapsed = tmp_path / "profile.txt"
    collapsed.write_text(
        "process 1:\"python\";handle (jobriver/api.py);query (db.py) 3\n"
        "process 1:\"python\";handle (jobriver/api.py);render (json.py) 1\n"
    )

    frames = load.top_frames(collapsed)

    assert frames["samples"] == 4
    assert frames["total"][0] == ("handle (jobriver/api.py)", 1.0)
    assert frames["project"] == [("handle (jobriver/api.py)", 1.0)]
    assert frames["self"][0] == ("query (db.py)", 0.75)


def test_report_section_replaced(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nText.\n")

    report.write_section(page, "run-1", "first\n")
    report.write_section(page, "run-1", "second\n")

    text = page.read_text()
    assert text.startswith("# Benchmarks\n\nText.\n")
    assert "second" in text
    assert "first" not in text


def _result(rps: float) -> dict:
    return {
        "rps": rps,
        "failed": 0,
        "latency_us": {"p50": 1_000_000 / rps, "p99": 4_000_000 / rps},
        "rss_max_mib": {"7": 80.0},
    }


def test_report_renders_targets():
    endpoints = {endpoint.slug: _result(1000.0 if endpoint.slug == "floor" else 400.0) for endpoint in requests.ENDPOINTS}
    size = {"description": "small", "endpoints": endpoints, "peak_rss_mib": {"7": 90.0}}
    meta = {
        "date": "today", "command": "bench/run", "cpu": "CPU", "cores": 2, "memory_gib": 1.0, "kernel": "6",
        "database": "SQLite", "workers": 1, "threads": None, "granian": "2", "log_level": "INFO", "python": "3",
        "django": "5", "ninja": "1", "wrk": "wrk", "wrk_threads": 1, "connections": 32, "duration": 15, "warmup": 3,
        "commit": "abc",
    }
    soak = {"requests": 20, "size": "small", "samples": [{"requests": 0, "rss_mib": {"7": 80.0}}, {"requests": 20, "rss_mib": {"7": 81.0}}]}

    text = report.render({"meta": meta, "sizes": {"10k": size, "1m": size}, "soak": soak})

    assert "| 10k: list ≥ 50% of the floor's req/s | 40% | **no** |" in text
    assert "| 10k: status ≥ 60% of the floor's req/s | 40% | **no** |" in text
    assert "| 10k: post ≥ 25% of the floor's req/s | 40% | yes |" in text
    assert "| GET /jobs (20 items): cost at 1m ≤ 1.2× 10k | 1.00× | yes |" in text
    assert "| memory flat over 20 requests | see above | yes |" in text


@pytest.mark.parametrize("endpoint", ["floor", "status", "post"])
def test_inprocess_timing(tiny_platform, endpoint):
    data_dir, env = tiny_platform

    finished = subprocess.run(
        [sys.executable, "-m", "bench.inprocess", endpoint, "--data", str(data_dir), "--requests", "20"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 0, finished.stderr
    assert re.fullmatch(rf"{endpoint} \({data_dir.name}\): \d+\.\d\d ms per request over 20\n", finished.stdout)
