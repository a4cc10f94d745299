"""Drive the server with wrk and profile a worker with py-spy."""

import json
import os
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "replay.lua"
WRK_THREADS = 1  # one wrk thread leaves the other core of a 2-core machine to the server
WRK_TIMEOUT = "10s"
RESULT_MARKER = "BENCH_RESULT "
PROJECT_FRAME = "(jobriver/"  # py-spy names a frame "function (path relative to site-packages or src)"


@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: dict[str, int]
    latency_us: dict[str, float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError("wrk was not found on PATH; install the Debian package 'wrk' (bench/run does so as root)")
    return path


def wrk_version() -> str:
    result = subprocess.run([wrk_path(), "--version"], capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).split("[")[0].strip()


def run_wrk(base_url: str, requests_file: Path, *, seconds: float, connections: int) -> WrkResult:
    """Replay `requests_file` against `base_url` for `seconds` and return wrk's counts and latencies."""
    command = [
        wrk_path(), f"-t{WRK_THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"--timeout={WRK_TIMEOUT}",
        "-s", str(WRK_SCRIPT), base_url,
    ]
    env = {**os.environ, "BENCH_REQUESTS": str(requests_file)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=seconds + 60)
    lines = [line for line in result.stdout.splitlines() if line.startswith(RESULT_MARKER)]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed with status {result.returncode}: {result.stderr.strip() or result.stdout}")
    data = json.loads(lines[-1][len(RESULT_MARKER):])
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        latency_us=data["latency_us"],
    )


def py_spy_path(python: Path) -> str | None:
    candidate = python.parent / "py-spy"
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


def start_profile(py_spy: str, pid: int, seconds: float, output: Path) -> subprocess.Popen:
    """Start sampling `pid` for `seconds` in py-spy's collapsed-stack format; the caller waits for it."""
    command = [
        py_spy, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))), "--rate", "200",
        "--format", "raw", "--nolineno", "--output", str(output),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def top_frames(collapsed: Path, count: int = 12) -> dict[str, list[tuple[str, float]]]:
    """Return the frames with the largest share of samples.

    "total" counts a frame wherever it is on the stack, "project" does the
    same for the project's own functions only, and "self" counts the
    innermost frame. Samples include threads that wait inside a call (for a
    lock or the database), so a share is of wall-clock time, not of CPU.
    """
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    project: Counter[str] = Counter()
    samples = 0
    for line in collapsed.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack:
            continue
        weight = int(number)
        # The first frame is the thread ("process 123:"... or "thread (0x…)"), not code.
        frames = [frame for frame in stack.split(";") if not frame.startswith(("process ", "thread "))]
        if not frames:
            continue
        samples += weight
        for frame in set(frames):
            inclusive[frame] += weight
            if PROJECT_FRAME in frame:
                project[frame] += weight
        leaf[frames[-1]] += weight
    if samples == 0:
        return {"total": [], "self": [], "project": [], "samples": 0}
    return {
        "samples": samples,
        "project": [(frame, weight / samples) for frame, weight in project.most_common(count)],
        "total": [(frame, weight / samples) for frame, weight in inclusive.most_common(count)],
        "self": [(frame, weight / samples) for frame, weight in leaf.most_common(count)],
    }
