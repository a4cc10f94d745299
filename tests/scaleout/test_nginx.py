"""Client addresses behind nginx in front of two servers.

nginx appends the address of its peer to X-Forwarded-For, and the servers
trust only nginx's address (127.0.0.1), so they see each client's own
loopback source address (127.0.x.y), however the client fills the header.
"""

import re

import pytest

from jobriver.access import keys
from tests.conftest import _free_port, assert_error, make_client, next_source_address, stop_server
from tests.scaleout.conftest import start_pair
from tests.scaleout.services import Nginx, nginx_main_config

# A documentation address (RFC 5737) that a client claims to be.
FORGED = "198.51.100.7"
FAILURES_TO_BLOCK = 5


@pytest.fixture(scope="module")
def servers(django_db_setup):
    pair, processes = start_pair(name="behind-nginx", extra_env={"JOBRIVER_TRUSTED_PROXIES": "127.0.0.1/32"})
    yield pair
    for process in processes:
        stop_server(process)


@pytest.fixture(scope="module")
def nginx_url(servers, tmp_path_factory):
    directory = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    upstreams = "\n".join(f"        server {url.removeprefix('http://')};" for url in servers.urls)
    http_body = f"""    upstream jobriver {{
{upstreams}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://jobriver;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}"""
    nginx = Nginx(directory, nginx_main_config(directory, http_body))
    url = f"http://127.0.0.1:{port}"
    nginx.start(probe_url=f"{url}/api/v1/status")
    yield url
    nginx.stop()


def _get_status(nginx_url: str, key: str | None, source: str, **headers):
    with make_client(nginx_url, key=key, source=source, **headers) as client:
        return client.get("/status")


def test_client_address_is_source(nginx_url, issued_key):
    source = next_source_address()

    response = _get_status(nginx_url, issued_key.plaintext, source)

    assert response.status_code == 200
    assert response.json()["data"]["usage"]["last_request_ip"] == source


def test_requests_reach_both_servers(nginx_url, servers, issued_key):
    for _ in range(10):
        assert _get_status(nginx_url, issued_key.plaintext, next_source_address()).status_code == 200

    prefix = re.escape(issued_key.plaintext[:8])
    for log in servers.logs:
        with open(log, encoding="utf-8") as lines:
            served = [line for line in lines if re.search(rf"api_request .* key_prefix={prefix}\b", line)]
        assert served, f"no request with key prefix {issued_key.plaintext[:8]} in {log}"


def test_allowlist_sees_source(nginx_url, make_key):
    allowed = next_source_address()
    other = next_source_address()
    issued = make_key(ip_allowlist=[f"{allowed}/32"])

    assert _get_status(nginx_url, issued.plaintext, allowed).status_code == 200
    body = assert_error(_get_status(nginx_url, issued.plaintext, other), 403, "IP_NOT_ALLOWED")

    assert body["error"]["message"] == f"The address {other} is not in this API key's IP allow-list."


def test_lockout_sees_source(nginx_url, issued_key):
    blocked = next_source_address()
    other = next_source_address()
    unknown = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    for _ in range(FAILURES_TO_BLOCK):
        assert_error(_get_status(nginx_url, unknown, blocked), 403, "INVALID_API_KEY")

    assert_error(_get_status(nginx_url, issued_key.plaintext, blocked), 403, "API_KEY_BLOCKED")
    assert _get_status(nginx_url, issued_key.plaintext, other).status_code == 200


def test_forged_header_gains_no_address(nginx_url, issued_key):
    source = next_source_address()

    response = _get_status(nginx_url, issued_key.plaintext, source, **{"X-Forwarded-For": FORGED})

    assert response.status_code == 200
    assert response.json()["data"]["usage"]["last_request_ip"] == source


def test_forged_header_passes_no_allowlist(nginx_url, make_key):
    source = next_source_address()
    issued = make_key(ip_allowlist=[f"{FORGED}/32"])

    response = _get_status(nginx_url, issued.plaintext, source, **{"X-Forwarded-For": FORGED})

    body = assert_error(response, 403, "IP_NOT_ALLOWED")
    assert body["error"]["message"] == f"The address {source} is not in this API key's IP allow-list."


def test_forged_header_blocks_only_sender(nginx_url, issued_key):
    attacker = next_source_address()
    victim = next_source_address()
    unknown = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    for _ in range(FAILURES_TO_BLOCK):
        response = _get_status(nginx_url, unknown, attacker, **{"X-Forwarded-For": victim})
        assert_error(response, 403, "INVALID_API_KEY")

    assert _get_status(nginx_url, issued_key.plaintext, victim).status_code == 200
    assert_error(_get_status(nginx_url, issued_key.plaintext, attacker), 403, "API_KEY_BLOCKED")
