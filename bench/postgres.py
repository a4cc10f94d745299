"""A throw-away PostgreSQL cluster in /tmp for one benchmark run, as scripts/test starts one.

Run as root, the server runs as the `postgres` user, because initdb and
pg_ctl reject root. The cluster keeps PostgreSQL's durability defaults
(fsync and synchronous_commit on), so writes cost what they cost in
production; only shared_buffers and max_connections are raised.
"""

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.server import free_port

SHARED_BUFFERS = "1GB"
# Each worker thread keeps a connection; this leaves room for runs with many workers or threads.
MAX_CONNECTIONS = 600
USER = "jobriver"


def find_bin() -> Path:
    """Return the bin folder of the newest installed PostgreSQL, or raise RuntimeError."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL's server binaries were not found in /usr/lib/postgresql/*/bin; install the Debian package "
            "'postgresql' (bench/run does so as root)"
        )
    return Path(candidates[-1]).parent


def _as_owner(command: list[str], **options) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, **options)


def _locale() -> str:
    result = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False)
    available = {line.strip().lower().replace("-", "") for line in result.stdout.splitlines()}
    return "C.UTF-8" if "c.utf8" in available else "C"


@dataclass
class Cluster:
    bin: Path
    directory: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name], check=True
        )
        return self.url(name)

    def version(self) -> str:
        result = subprocess.run([str(self.bin / "postgres"), "--version"], capture_output=True, text=True, check=True)
        # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)": the third word.
        return result.stdout.split()[2]

    def stop(self) -> None:
        if (self.directory / "data" / "postmaster.pid").exists():
            _as_owner([str(self.bin / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.directory / "data")],
                      stdout=subprocess.DEVNULL)
        shutil.rmtree(self.directory, ignore_errors=True)


def start() -> Cluster:
    """Create and start a cluster on a free loopback port; the caller must stop() it."""
    bin_dir = find_bin()
    directory = Path(tempfile.mkdtemp(prefix="jobriver-bench-pg.", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    cluster = Cluster(bin_dir, directory, free_port())
    log = directory / "server.log"
    try:
        _as_owner(
            [str(bin_dir / "initdb"), "-D", str(directory / "data"), "-A", "trust", "-U", USER, "-E", "UTF8",
             f"--locale={_locale()}"],
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {cluster.port} -k {directory} -c listen_addresses=127.0.0.1 -c shared_buffers={SHARED_BUFFERS}"
            f" -c max_connections={MAX_CONNECTIONS}"
        )
        _as_owner(
            [str(bin_dir / "pg_ctl"), "start", "-w", "-D", str(directory / "data"), "-l", str(log), "-o", options],
            stdout=subprocess.DEVNULL,
        )
    except subprocess.CalledProcessError as error:
        server_log = log.read_text() if log.exists() else ""
        cluster.stop()
        raise RuntimeError(f"PostgreSQL failed to start: {error}\n{server_log}") from None
    return cluster
