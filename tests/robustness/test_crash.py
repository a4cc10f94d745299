"""No acknowledged write is lost when the server is killed with SIGKILL in the middle of a write load.

Several threads create jobs with distinct titles; after enough 201s the
test kills the server's whole process group (granian's main process and
both workers) with SIGKILL, starts a new server on the same database and
checks every job: each one acknowledged with 201 is there as its 201 body showed
it, and no job of the company is half-written.
"""

import os
import signal
import threading
from dataclasses import dataclass, field

import httpx
import pytest

from jobriver.jobs.models import Job
from jobriver.jobs.search import job_search_text
from jobriver.slugs import slug_base
from tests.conftest import BASE_JOB, make_client, start_server, stop_server

WRITERS = 6
ATTEMPTS_PER_WRITER = 150
ACKNOWLEDGED_BEFORE_KILL = 60


@dataclass
class WriteLog:
    """What the writers sent and which creates the server acknowledged."""

    sent: dict[str, dict] = field(default_factory=dict)  # title → body
    acknowledged: dict[int, dict] = field(default_factory=dict)  # id → job object of the 201
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough: threading.Event = field(default_factory=threading.Event)
    unexpected: list = field(default_factory=list)


def write_jobs(base_url: str, key: str, writer: int, technology_ids: list[int], log: WriteLog) -> None:
    """Create jobs until the server goes away or the attempts are used up."""
    with make_client(base_url, key=key) as client:
        for attempt in range(ATTEMPTS_PER_WRITER):
            title = f"Absturztest {writer}-{attempt} Entwickler (m/w/d)"
            body = {**BASE_JOB, "title": title, "technologies": technology_ids[: attempt % 4], "salary_min": attempt}
            with log.lock:
                log.sent[title] = body
            try:
                response = client.post("/jobs", json=body)
            except httpx.TransportError:
                return
            if response.status_code != 201:
                with log.lock:
                    log.unexpected.append((response.status_code, response.text[:200]))
                return
            with log.lock:
                job = response.json()["data"]
                log.acknowledged[job["id"]] = job
                if len(log.acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                    log.enough.set()
    log.enough.set()


def kill_process_group(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture
def technologies(make_technology):
    return [make_technology().pk for _ in range(3)]


def test_acknowledged_jobs_survive_sigkill(make_key, company, technologies):
    key = make_key(company, rate_limit=1_000_000).plaintext
    process, base_url, _log_path = start_server(log_name="crash")
    log = WriteLog()
    threads = [
        threading.Thread(target=write_jobs, args=(base_url, key, writer, technologies, log)) for writer in range(WRITERS)
    ]
    try:
        for thread in threads:
            thread.start()
        log.enough.wait(timeout=300)
        kill_process_group(process)
    finally:
        if process.poll() is None:
            stop_server(process)
        for thread in threads:
            thread.join(timeout=120)

    assert log.unexpected == []
    assert len(log.acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    # Every writer still running sent one more request that the kill cut off.
    assert len(log.sent) > len(log.acknowledged)
    restarted, restarted_url, _log_path = start_server(log_name="crash-restart")
    try:
        with make_client(restarted_url, key=key) as client:
            for job_id, acknowledged in sorted(log.acknowledged.items()):
                response = client.get(f"/jobs/{job_id}")
                assert response.status_code == 200, (job_id, response.text)
                assert response.json()["data"] == acknowledged
    finally:
        stop_server(restarted)

    stored = Job.objects.filter(company=company).prefetch_related("technologies")
    assert {job.pk for job in stored} >= set(log.acknowledged)
    for job in stored:
        sent = log.sent[job.title]
        assert sorted(technology.pk for technology in job.technologies.all()) == sorted(sent["technologies"]), job.pk
        assert job.search_text == job_search_text(job.title, job.description), job.pk
        assert job.slug.startswith(slug_base(job.title, fallback="job")), job.pk
        assert job.salary_min == sent["salary_min"], job.pk
