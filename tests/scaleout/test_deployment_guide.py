"""docs/deployment.md, followed on this machine: nginx with TLS in front of two servers on PostgreSQL and Redis.

The test reads the blocks of the guide that are marked with a file name and
replaces the example addresses, ports, paths and secrets with local ones.
Then it runs them: the migration step, the systemd unit's command line with
the environment file, and the nginx site with a self-signed certificate for
the guide's host name. Requests go to nginx on 127.0.0.1 with that host
name in the Host header and in TLS's server name, so nothing leaves the
machine.
"""

import os
import re
import shlex
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from jobriver.dashboard.services import company_user_create
from tests.conftest import SERVER_START_TIMEOUT, _free_port, _output_dir, assert_error, next_source_address, stop_server
from tests.scaleout.services import Nginx, nginx_main_config, test_redis_url

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
HOST = "jobriver.example.com"
PASSWORD = "Stellenmarkt-2024!"

# The guide's example values that the test replaces, per block.
APP_SERVERS = ("10.0.0.11:8000", "10.0.0.12:8000")
CERTIFICATE = f"/etc/letsencrypt/live/{HOST}/fullchain.pem"
CERTIFICATE_KEY = f"/etc/letsencrypt/live/{HOST}/privkey.pem"
INSTALLED_COMMAND = "/opt/jobriver/.venv/bin/jobriver"


def guide_blocks() -> dict[str, str]:
    """Return the guide's fenced code blocks that carry a title, by title."""
    text = GUIDE.read_text(encoding="utf-8")
    pattern = re.compile(r'^```\w+ title="([^"]+)"\n(.*?)^```$', re.MULTILINE | re.DOTALL)
    return {title: body for title, body in pattern.findall(text)}


def _replace(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"docs/deployment.md no longer contains {old!r}; update this test with the guide"
        text = text.replace(old, new)
    return text


def _environment(block: str, directory: Path) -> dict[str, str]:
    values = dict(line.split("=", 1) for line in block.splitlines() if line and not line.startswith("#"))
    assert values["ALLOWED_HOSTS"] == HOST
    assert values["JOBRIVER_HTTPS"] == "true"
    # The secrets must be the test session's, so that the keys it creates match.
    values["SECRET_KEY"] = os.environ["SECRET_KEY"]
    values["JOBRIVER_KEY_HASH_SECRET"] = os.environ["SECRET_KEY"]
    values["DATABASE_URL"] = os.environ["DATABASE_URL"]
    values["REDIS_URL"] = test_redis_url()
    values["JOBRIVER_TRUSTED_PROXIES"] = "127.0.0.1/32"
    values["JOBRIVER_DATA_DIR"] = str(directory / "data")
    return values


def _commands(block: str, name: str) -> list[list[str]]:
    """Return the block's lines that run `jobriver`, split into arguments, with the installed path replaced.

    A systemd unit's `ExecStart=` counts as the start of its line.
    """
    commands = []
    for line in block.splitlines():
        words = shlex.split(line.removeprefix("ExecStart="), comments=True)
        if words and words[0] == INSTALLED_COMMAND and name in words:
            commands.append([sys.executable, "-m", "jobriver.cli", *words[1:]])
    return commands


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    certificate = directory / "fullchain.pem"
    key = directory / "privkey.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-keyout", str(key), "-out", str(certificate), "-subj", f"/CN={HOST}"]
    command += ["-addext", f"subjectAltName=DNS:{HOST}"]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=60)
    except FileNotFoundError:
        pytest.skip("openssl is not installed; install the Debian package 'openssl'")
    return certificate, key


def _start_unit_server(arguments: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    """Start the unit's command line on 127.0.0.1:`port` and wait until it responds."""
    arguments = _replace(" ".join(arguments), {"--host 10.0.0.11": "--host 127.0.0.1", "--port 8000": f"--port {port}"})
    log = open(_output_dir() / f"guide-server-{port}.log", "wb")
    process = subprocess.Popen(
        arguments.split(), env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the unit's server exited with {process.returncode}; see {log.name}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/api/v1/status", headers={"Host": HOST}, timeout=1)
            if response.status_code == 401:
                return process
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop_server(process)
            raise RuntimeError(f"the unit's server did not respond within {SERVER_START_TIMEOUT} s; see {log.name}")
        time.sleep(0.1)


class Site:
    """The guide's set-up, running: its HTTPS and HTTP ports on 127.0.0.1 and the TLS context that trusts it."""

    def __init__(self, https_port: int, http_port: int, certificate: Path):
        self.https_port = https_port
        self.http_port = http_port
        self.tls = ssl.create_default_context(cafile=str(certificate))

    def client(self, *, key: str | None = None, source: str | None = None, **headers) -> httpx.Client:
        """Return a client for https://HOST/ that connects to 127.0.0.1 from its own loopback address."""
        transport = httpx.HTTPTransport(
            local_address=source or next_source_address(),
            verify=self.tls,
            limits=httpx.Limits(max_keepalive_connections=0),
        )
        default_headers = {"Host": HOST, **({"X-API-Key": key} if key else {}), **headers}
        return httpx.Client(
            base_url=f"https://127.0.0.1:{self.https_port}",
            headers=default_headers,
            transport=transport,
            # TLS's server name, so that nginx and the certificate check see HOST, not 127.0.0.1.
            event_hooks={"request": [lambda request: request.extensions.update(sni_hostname=HOST)]},
            timeout=60,
        )


@pytest.fixture(scope="module")
def site(django_db_setup, tmp_path_factory):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the deployment guide runs on PostgreSQL; scripts/test runs it in its PostgreSQL run")
    blocks = guide_blocks()
    directory = tmp_path_factory.mktemp("guide")
    env = _environment(blocks["/etc/jobriver/jobriver.env"], directory)
    certificate, certificate_key = _self_signed_certificate(directory)

    [migrate] = _commands(blocks["deploy"], "migrate")
    assert "systemctl restart jobriver" in blocks["deploy"]
    result = subprocess.run(migrate, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr

    [serve] = _commands(blocks["/etc/systemd/system/jobriver.service"], "serve")
    assert "EnvironmentFile=/etc/jobriver/jobriver.env" in blocks["/etc/systemd/system/jobriver.service"]
    ports = [_free_port(), _free_port()]
    processes = []
    try:
        for port in ports:
            processes.append(_start_unit_server(serve, env, port))
        https_port, http_port = _free_port(), _free_port()
        site_config = _replace(
            blocks["/etc/nginx/sites-available/jobriver.conf"],
            {
                APP_SERVERS[0]: f"127.0.0.1:{ports[0]}",
                APP_SERVERS[1]: f"127.0.0.1:{ports[1]}",
                "listen 80;": f"listen 127.0.0.1:{http_port};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
                CERTIFICATE: str(certificate),
                CERTIFICATE_KEY: str(certificate_key),
            },
        )
        nginx = Nginx(directory, nginx_main_config(directory, site_config))
        nginx.start(probe_url=f"http://127.0.0.1:{http_port}/")
        try:
            yield Site(https_port, http_port, certificate)
        finally:
            nginx.stop()
    finally:
        for process in processes:
            stop_server(process)


def test_guide_serves_api(site, issued_key):
    source = next_source_address()

    with site.client(key=issued_key.plaintext, source=source) as client:
        response = client.get("/api/v1/status")

    assert response.status_code == 200, response.text
    assert response.json()["data"]["usage"]["last_request_ip"] == source
    assert response.headers["X-RateLimit-Limit"] == "10000"
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_guide_redirects_http(site):
    response = httpx.get(f"http://127.0.0.1:{site.http_port}/api/v1/status", headers={"Host": HOST})

    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{HOST}/api/v1/status"


def test_guide_ignores_forged_address(site, issued_key):
    source = next_source_address()

    with site.client(key=issued_key.plaintext, source=source, **{"X-Forwarded-For": "198.51.100.7"}) as client:
        response = client.get("/api/v1/status")

    assert response.status_code == 200
    assert response.json()["data"]["usage"]["last_request_ip"] == source


def test_guide_oversized_body_enveloped(site, issued_key, settings):
    body = '{"title": "' + "x" * settings.JOBRIVER_MAX_BODY_BYTES + '"}'

    with site.client(key=issued_key.plaintext) as client:
        response = client.post("/api/v1/jobs", content=body, headers={"Content-Type": "application/json"})

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_guide_dashboard_sign_in(site, company):
    username = f"guide-{uuid.uuid4().hex[:8]}"
    company_user_create(company=company, username=username, email=f"{username}@example.com", password=PASSWORD)
    origin = f"https://{HOST}"

    with site.client() as client:
        page = client.get("/dashboard/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = client.post(
            "/dashboard/sign-in/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Origin": origin, "Referer": f"{origin}/dashboard/sign-in/"},
        )
        overview = client.get("/dashboard/")

    assert page.status_code == 200
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == "/dashboard/"
    assert overview.status_code == 200
    assert company.name in overview.text
