"""Services that the scale-out tests start themselves: Redis and nginx, on loopback ports only.

Each helper starts a foreground process that the test owns and stops, with
its files in a temporary folder, and skips the test with the reason when
the program is not installed. `scripts/test` installs both when it runs as
root.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import redis

from tests.conftest import _free_port

START_TIMEOUT = 15  # seconds


def _program(name: str, package: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if path is None:
        pytest.skip(f"{name} is not installed; install the Debian package '{package}' (scripts/test does as root)")
    return path


def test_redis_url() -> str:
    """Return the Redis that scripts/test started, or skip."""
    url = os.environ.get("JOBRIVER_TEST_REDIS_URL", "")
    if not url:
        pytest.skip("JOBRIVER_TEST_REDIS_URL is not set; scripts/test starts a Redis when redis-server is installed")
    return url


# Not a test, although its name starts with "test_".
test_redis_url.__test__ = False


def _stop(process: subprocess.Popen, stop_signal: int = signal.SIGTERM) -> None:
    if process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class OwnRedis:
    """A Redis that keeps nothing on disk, on a loopback port that stays the same across restarts."""

    def __init__(self, directory: Path):
        self.binary = _program("redis-server", "redis-server")
        self.directory = directory
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--daemonize", "no", "--dir", str(self.directory)]
        log = open(self.directory / "redis.log", "ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start; see {self.directory / 'redis.log'}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


def nginx_main_config(directory: Path, http_body: str) -> str:
    """Return an nginx.conf that keeps every file in `directory` and serves `http_body` in its http block."""
    # As root, nginx would switch its workers to a user that may not reach the temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
daemon off;
pid {directory / 'nginx.pid'};
error_log {directory / 'error.log'} warn;
events {{
    worker_connections 256;
}}
http {{
    access_log {directory / 'access.log'};
{temp_paths}
{http_body}
}}
"""


class Nginx:
    """nginx in the foreground with a configuration in its own folder."""

    def __init__(self, directory: Path, config: str):
        self.binary = _program("nginx", "nginx")
        self.directory = directory
        self.config_path = directory / "nginx.conf"
        self.config_path.write_text(config)
        self.process: subprocess.Popen | None = None

    def start(self, *, probe_url: str, verify: str | bool = True) -> None:
        """Start nginx and wait until `probe_url` returns a response."""
        command = [self.binary, "-p", str(self.directory), "-c", str(self.config_path), "-e", str(self.directory / "error.log")]
        log = open(self.directory / "nginx.out", "ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}; see {self.directory / 'error.log'}")
            try:
                httpx.get(probe_url, timeout=1, verify=verify)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"nginx did not answer at {probe_url}; see {self.directory / 'error.log'}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        # SIGQUIT: finish the open requests, then stop the workers and the master.
        if self.process is not None:
            _stop(self.process, signal.SIGQUIT)
            self.process = None
