"""Start and stop `jobriver serve` for the benchmark, and read its workers' memory from /proc."""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 60  # seconds
STOP_TIMEOUT = 10  # seconds before SIGKILL
KIB = 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children.extend(int(child) for child in text)
    return children


def _status_kib(pid: int, name: str) -> int:
    """Return a `kB` field of /proc/PID/status, such as VmRSS or VmHWM, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {name}")


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    log_path: Path
    workers: list[int] = field(default_factory=list)

    def rss_mib(self) -> dict[int, float]:
        """Return the current resident set size of each worker, in MiB."""
        return {pid: _status_kib(pid, "VmRSS") / KIB for pid in self.workers}

    def cpu_seconds(self) -> float:
        """Return the CPU time that the workers have used so far (user and system)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.workers:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat(5)
        return total / ticks

    def wait_idle(self, *, timeout: float = 120, interval: float = 0.5, busy_share: float = 0.05) -> bool:
        """Wait until the workers use less than `busy_share` of a core, so queued requests of a run are done.

        Return False if they are still busy after `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(interval)
            after = self.cpu_seconds()
            if after - before < busy_share * interval:
                return True
            before = after
        return False

    def peak_rss_mib(self) -> dict[int, float]:
        """Return each worker's peak resident set size since it started (VmHWM), in MiB."""
        return {pid: _status_kib(pid, "VmHWM") / KIB for pid in self.workers}


def start(
    *, env: dict[str, str], workers: int, threads: int | None, log_path: Path, python: Path
) -> Server:
    """Start `jobriver serve` on a free loopback port and wait until it responds and its workers run."""
    port = free_port()
    command = [str(python), "-m", "jobriver.cli", "serve", "--no-migrate", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    if threads is not None:
        command += ["--threads", str(threads)]
    log = log_path.open("wb")
    # A session of its own, so that stop() reaches granian's worker processes too.
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(process, f"http://127.0.0.1:{port}", log_path)

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}; see {log_path}")
        try:
            urllib.request.urlopen(f"{server.base_url}/api/v1/status", timeout=1)
        except urllib.error.HTTPError as error:
            if error.code == 401:
                server.workers = _worker_pids(process.pid)
                if len(server.workers) == workers:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"server did not start {workers} worker(s) within {START_TIMEOUT} s; see {log_path}")


def _worker_pids(pid: int) -> list[int]:
    """Return granian's worker processes: the children forked with the server's own command line."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    pids = []
    for child in _children(pid):
        try:
            if Path(f"/proc/{child}/cmdline").read_bytes() == command:
                pids.append(child)
        except FileNotFoundError:
            continue
    return sorted(pids)


def stop(server: Server) -> None:
    """Stop the server and its workers: SIGTERM to the process group, SIGKILL after STOP_TIMEOUT."""
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
    except ProcessLookupError:
        server.process.wait()


class RssSampler:
    """Samples the workers' RSS in a background thread and keeps each worker's maximum."""

    def __init__(self, server: Server, interval: float = 0.25):
        self.server = server
        self.interval = interval
        self.maximum: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid, mib in self.server.rss_mib().items():
                self.maximum[pid] = max(mib, self.maximum.get(pid, 0.0))
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Redis:
    process: subprocess.Popen
    url: str
    directory: Path


def start_redis(directory: Path) -> Redis:
    """Start a throw-away redis-server on a free loopback port, without persistence; wait until it replies."""
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server was not found on PATH; install the Debian package 'redis-server' (bench/run does so as root)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(directory), "--logfile", str(directory / "redis.log"),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            client.ping()
            return Redis(process, url, directory)
        except redis.ConnectionError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"redis-server did not start; see {directory / 'redis.log'}")


def stop_redis(instance: Redis) -> None:
    instance.process.terminate()
    try:
        instance.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        instance.process.kill()
        instance.process.wait()
