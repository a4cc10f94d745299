"""Fixtures of the scale-out tests: two servers on different ports that share one database.

`server_pair` runs every test that uses it twice: once with the counters in
the database and once with them in one Redis. Each server has two worker
processes, like the session's server.
"""

from dataclasses import dataclass

import pytest

from tests.conftest import start_server, stop_server
from tests.scaleout.services import test_redis_url


@dataclass(frozen=True)
class ServerPair:
    backend: str
    urls: tuple[str, str]
    logs: tuple[str, str]


def start_pair(*, name: str, extra_env: dict[str, str | None]) -> tuple[ServerPair, list]:
    """Start two servers with `extra_env`; return the pair and the processes to stop."""
    processes = []
    urls = []
    logs = []
    try:
        for letter in ("a", "b"):
            process, url, log = start_server(extra_env=extra_env, log_name=f"{name}-{letter}")
            processes.append(process)
            urls.append(url)
            logs.append(str(log))
    except Exception:
        for process in processes:
            stop_server(process)
        raise
    return ServerPair(backend=name, urls=tuple(urls), logs=tuple(logs)), processes


@pytest.fixture(scope="module", params=["database", "redis"])
def server_pair(request, django_db_setup):
    if request.param == "redis":
        extra_env = {"REDIS_URL": test_redis_url()}
    else:
        extra_env = {"REDIS_URL": None}
    pair, processes = start_pair(name=f"pair-{request.param}", extra_env=extra_env)
    yield pair
    for process in processes:
        stop_server(process)
