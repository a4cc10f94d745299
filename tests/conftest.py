"""Shared fixtures: the database, a live server with two workers, factories and clients.

Tests talk to a real granian server over HTTP. Every test creates its own
company and keys, so tests never see each other's data although the
database is shared for the whole session. Each client uses its own loopback
source address (127.0.x.y), so the per-address lockout of one test never
blocks another.
"""

import functools
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

from jobriver.access import services as access_services
from jobriver.access.models import ALL_PERMISSIONS
from jobriver.access.services import IssuedKey
from jobriver.companies.models import Company
from jobriver.companies.services import company_create
from jobriver.jobs.models import Category, Job, JobSlugSequence, Technology
from jobriver.jobs.schemas import JobCreateIn
from jobriver.jobs.services import job_create

SERVER_WORKERS = 2
SERVER_START_TIMEOUT = 30  # seconds

# A body the API accepts as it is.
BASE_JOB = {
    "title": "Senior Backend Developer",
    "description": "Wir suchen eine erfahrene Person für unser Backend-Team in Köln (Python, PostgreSQL, Docker).",
    "location": "Köln",
}

_source_addresses = itertools.count(2)

# Every key and token plaintext that the session creates in this process, and
# the log files of the servers it starts: tests/zz_secrets checks at the end
# that none of these secrets reached the database or a log.
CREATED_SECRETS: list[str] = []
SERVER_LOGS: list[Path] = []


def _recording_plaintext(create):
    @functools.wraps(create)
    def wrapper(*args, **kwargs) -> IssuedKey:
        issued = create(*args, **kwargs)
        CREATED_SECRETS.append(issued.plaintext)
        return issued

    return wrapper


# Replaced before the test modules import the services, so that their
# `from jobriver.access.services import api_key_create` gets the recorder.
access_services.api_key_create = _recording_plaintext(access_services.api_key_create)
access_services.admin_token_create = _recording_plaintext(access_services.admin_token_create)
api_key_create = access_services.api_key_create


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """Migrate the database named by the settings and empty it, once per session."""
    with django_db_blocker.unblock():
        call_command("migrate", interactive=False, verbosity=0)
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _database(django_db_setup, django_db_blocker):
    # Data is committed, not rolled back: the live server must see it.
    with django_db_blocker.unblock():
        yield


def _free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _output_dir() -> Path:
    path = Path(os.environ.get("JOBRIVER_TEST_OUTPUT", "test-output"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_server(
    *,
    workers: int = SERVER_WORKERS,
    extra_env: dict[str, str] | None = None,
    log_name: str = "server",
    host: str = "127.0.0.1",
):
    """Start `jobriver serve` on a free port of a loopback `host` (`127.0.0.1` or `::1`).

    `extra_env` is merged over the test process's environment; a variable set
    to None there is removed, e.g. {"DATABASE_URL": None} for SQLite.
    Return (process, base URL, log path).
    """
    port = _free_port(host)
    log_path = _output_dir() / f"{log_name}-{port}.log"
    SERVER_LOGS.append(log_path)
    env = {**os.environ, "JOBRIVER_LOG_LEVEL": "INFO", **(extra_env or {})}
    env = {name: value for name, value in env.items() if value is not None}
    command = [sys.executable, "-m", "jobriver.cli", "serve", "--no-migrate", "--host", host, "--port", str(port)]
    command += ["--workers", str(workers), "--threads", "8"]
    log = open(log_path, "wb")
    # A session of its own, so that stop_server reaches granian's worker processes too.
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    url_host = f"[{host}]" if ":" in host else host
    base_url = f"http://{url_host}:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see {log_path}")
        try:
            if httpx.get(f"{base_url}/api/v1/status", timeout=1).status_code == 401:
                return process, base_url, log_path
        except httpx.TransportError:
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError(f"server did not answer within {SERVER_START_TIMEOUT} s; see {log_path}")


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server and its workers: SIGTERM to the process group, SIGKILL after 10 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


@pytest.fixture(scope="session")
def server_url(django_db_setup):
    process, base_url, _log = start_server()
    yield base_url
    stop_server(process)


def next_source_address() -> str:
    number = next(_source_addresses)
    return f"127.0.{number // 250}.{number % 250 + 2}"


def make_client(base_url: str, *, key: str | None = None, source: str | None = None, **headers) -> httpx.Client:
    """Return an HTTP client for the API, sending from its own loopback address.

    Each request opens its own connection: a kept-alive connection that the
    server closes while idle makes the next request on it fail on the
    client's side, which tests would report as a server fault.
    """
    transport = httpx.HTTPTransport(
        local_address=source or next_source_address(), limits=httpx.Limits(max_keepalive_connections=0)
    )
    default_headers = {"X-API-Key": key} if key else {}
    default_headers.update(headers)
    return httpx.Client(base_url=f"{base_url}/api/v1", headers=default_headers, transport=transport, timeout=60)


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def make_company(unique):
    def factory(**options) -> Company:
        options.setdefault("name", f"Testfirma {unique} {next(_source_addresses)} GmbH")
        return company_create(**options)

    return factory


@pytest.fixture
def make_key(make_company):
    def factory(company: Company | None = None, **options) -> IssuedKey:
        options.setdefault("name", "Test key")
        options.setdefault("permissions", ALL_PERMISSIONS)
        # High enough that ordinary tests never meet the rate limit.
        options.setdefault("rate_limit", 10_000)
        return api_key_create(company=company or make_company(), **options)

    return factory


@pytest.fixture
def company(make_company) -> Company:
    return make_company()


@pytest.fixture
def issued_key(make_key, company) -> IssuedKey:
    return make_key(company)


@pytest.fixture
def api(server_url, issued_key):
    """A client with a full-permission key of `company`."""
    with make_client(server_url, key=issued_key.plaintext) as client:
        yield client


@pytest.fixture
def anonymous(server_url):
    with make_client(server_url) as client:
        yield client


@pytest.fixture
def client_for(server_url):
    """Return a factory of clients for a given key and options; closes them afterwards."""
    clients = []

    def factory(key: str | None = None, **options) -> httpx.Client:
        client = make_client(server_url, key=key, **options)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def make_category(unique):
    counter = itertools.count(1)

    def factory(**options) -> Category:
        number = next(counter)
        options.setdefault("name", f"Kategorie {unique} {number}")
        options.setdefault("slug", f"kategorie-{unique}-{number}")
        return Category.objects.create(**options)

    return factory


@pytest.fixture
def make_technology(unique):
    counter = itertools.count(1)

    def factory(**options) -> Technology:
        number = next(counter)
        options.setdefault("name", f"Tech {unique} {number}")
        options.setdefault("slug", f"tech-{unique}-{number}")
        return Technology.objects.create(**options)

    return factory


@pytest.fixture
def make_job(issued_key):
    """Create a job through the service, for the `issued_key`'s company unless a key is given."""

    def factory(key: IssuedKey | None = None, **fields) -> Job:
        body = {**BASE_JOB, **fields}
        return job_create(api_key=(key or issued_key).credential, data=JobCreateIn.model_validate(body))

    return factory


def remove_jobs_with_slug_base(base: str) -> None:
    """Delete the jobs whose slug is `base` or `base-N…` and the sequences of those bases.

    The next job of `base` then gets the slug `base` again, as on a new
    platform, so that a test can assert exact suffixes.
    """
    pattern = rf"^{base}(-[0-9]+)*$"
    Job.objects.filter(slug__regex=pattern).delete()
    JobSlugSequence.objects.filter(base__regex=pattern).delete()


def assert_error(response: httpx.Response, status: int, code: str, field: str | None = None) -> dict:
    """Assert an error envelope with this status and code (and field, for VALIDATION_ERROR)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "X-Request-Id" in response.headers
    if field is not None:
        assert field in body["error"]["details"]["errors"], body
    return body
