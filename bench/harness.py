"""The benchmark: load a platform, serve it, drive each endpoint with wrk and write docs/benchmarks.md.

Run it with bench/run, which installs what it needs first. For each
platform size the harness prepares a database: SQLite from a cached file,
or a database in a throw-away PostgreSQL cluster. It starts `jobriver
serve` with the benchmark's floor route enabled and checks one request per
endpoint. Then it runs wrk against each endpoint while it samples the
workers' RSS. On the largest size it also replays 100,000 mixed reads to
see whether memory stays flat, and profiles a worker with py-spy under load.
"""

import argparse
import datetime
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench import load, postgres, report, server
from bench.dataset import CATALOGUE_FILE, SIZES, TARGETS_FILE
from bench.requests import ENDPOINTS, ENDPOINTS_BY_SLUG, check_endpoints, write_request_files
from jobriver.cli import DEFAULT_THREADS

logger = logging.getLogger("bench")

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PAGE = ROOT / "docs" / "benchmarks.md"
SIZE_DESCRIPTIONS = {
    "tiny": "200 jobs across 4 companies",
    "10k": "10,000 jobs across 100 companies",
    "1m": "1,000,000 jobs across 10,000 companies",
}
PROFILED = ["floor", "status", "list", "post"]
SOAK_CHUNK_SECONDS = 10
SOAK_MAX_SECONDS = 720  # caps the soak when the server is slow; the page states the requests reached
LOG_LEVEL = "INFO"  # the server's default, so every request writes its log line as in production


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite", help="default: sqlite")
    parser.add_argument(
        "--redis", action="store_true", help="keep rate limits, lockout and usage in a throw-away Redis (REDIS_URL)"
    )
    parser.add_argument("--workers", type=int, default=1, help="granian worker processes (default 1)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: the server's)")
    parser.add_argument("--sizes", default="10k,1m", help="platform sizes, comma-separated: tiny, 10k, 1m")
    parser.add_argument("--quick", action="store_true", help="3 s per endpoint, a 10,000-request soak, no profiles")
    parser.add_argument("--duration", type=float, default=None, help="seconds of wrk per endpoint (default 15)")
    parser.add_argument("--warmup", type=float, default=None, help="seconds of warm-up per endpoint (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--endpoints", default=None, help="only these endpoints, e.g. list,search (default: all)")
    parser.add_argument("--soak-requests", type=int, default=None, help="requests of the memory soak (default 100000)")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profiles")
    parser.add_argument("--output", type=Path, default=PAGE, help="Markdown page to write (default docs/benchmarks.md)")
    parser.add_argument("--section", default="results", help="name of the block in the page to replace")
    args = parser.parse_args(argv)
    args.sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    unknown = [size for size in args.sizes if size not in SIZES]
    if unknown or not args.sizes:
        parser.error(f"invalid --sizes {unknown or args.sizes}; use {', '.join(SIZES)}")
    if args.endpoints:
        args.endpoints = [slug.strip() for slug in args.endpoints.split(",")]
        unknown = [slug for slug in args.endpoints if slug not in ENDPOINTS_BY_SLUG]
        if unknown:
            parser.error(f"invalid --endpoints {unknown}; use {', '.join(ENDPOINTS_BY_SLUG)}")
        if "floor" not in args.endpoints:
            args.endpoints.insert(0, "floor")  # every ratio needs the floor of the same run
    if args.duration is None:
        args.duration = 3 if args.quick else 15
    if args.warmup is None:
        args.warmup = 1 if args.quick else 3
    if args.soak_requests is None:
        args.soak_requests = 10_000 if args.quick else 100_000
    if args.quick:
        args.no_profile = True
    return args


def _python() -> Path:
    return Path(sys.executable)


def _base_env() -> dict[str, str]:
    excluded = {"DATABASE_URL", "JOBRIVER_LOG_LEVEL", "REDIS_URL"}
    env = {name: value for name, value in os.environ.items() if name not in excluded}
    env["JOBRIVER_BENCHMARK_FLOOR"] = "1"
    env.pop("SECRET_KEY", None)
    env.pop("JOBRIVER_KEY_HASH_SECRET", None)
    return env


def _run_python(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([str(_python()), *args], env=env, cwd=ROOT, check=True)


def _load(size: str, data_dir: Path, env: dict[str, str]) -> None:
    started = time.monotonic()
    _run_python(["-m", "jobriver.cli", "manage", "migrate", "--verbosity", "0"], env)
    _run_python(["-m", "bench.dataset", "--size", size, "--out", str(data_dir)], env)
    logger.info("loaded %s in %.0f s", size, time.monotonic() - started)


def _fingerprint() -> str:
    """Hash what the cached files depend on: the generator and every migration of the project."""
    digest = hashlib.sha256()
    sources = [ROOT / "bench" / "dataset.py", ROOT / "bench" / "german.py"]
    sources += sorted((ROOT / "src" / "jobriver").glob("*/migrations/*.py"))
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def sqlite_data(size: str, *, work_name: str = "run") -> tuple[Path, dict[str, str]]:
    """Return a fresh working copy of the cached SQLite platform of `size`, generating it when missing.

    The copy goes to bench/.cache/<work_name>-sqlite-<size>, so that tools
    with different names can use copies at the same time.
    """
    cached = CACHE / f"sqlite-{size}-{_fingerprint()}"
    if not (cached / TARGETS_FILE).exists():
        for stale in CACHE.glob(f"sqlite-{size}-*"):
            shutil.rmtree(stale)
        building = CACHE / f"building-sqlite-{size}"
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        logger.info("generating the %s platform into %s (cached for later runs)", size, cached)
        _load(size, building, {**_base_env(), "JOBRIVER_DATA_DIR": str(building)})
        building.rename(cached)

    work = CACHE / f"{work_name}-sqlite-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ["jobriver.sqlite3", "secret_key", TARGETS_FILE, CATALOGUE_FILE]:
        shutil.copyfile(cached / name, work / name)
    return work, {**_base_env(), "JOBRIVER_DATA_DIR": str(work)}


def _postgres_data(size: str, cluster: postgres.Cluster) -> tuple[Path, dict[str, str]]:
    work = CACHE / f"run-postgres-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    url = cluster.create_database(f"jobriver_{size}")
    env = {**_base_env(), "JOBRIVER_DATA_DIR": str(work), "DATABASE_URL": url}
    _load(size, work, env)
    return work, env


def _measure(base: server.Server, requests_file: Path, seconds: float, connections: int) -> dict:
    with server.RssSampler(base) as sampler:
        result = load.run_wrk(base.base_url, requests_file, seconds=seconds, connections=connections)
    return {
        "rps": result.rps,
        "requests": result.requests,
        "seconds": result.seconds,
        "failed": result.failed,
        "errors": result.errors,
        "latency_us": result.latency_us,
        "rss_max_mib": {str(pid): mib for pid, mib in sampler.maximum.items()},
    }


def _soak(base: server.Server, requests_file: Path, total: int, connections: int, chunk_seconds: float) -> dict:
    """Replay mixed reads in chunks until `total` requests are done; sample RSS after each chunk."""
    samples = [{"requests": 0, "rss_mib": {str(pid): mib for pid, mib in base.rss_mib().items()}}]
    done = 0
    failed = 0
    started = time.monotonic()
    while done < total and time.monotonic() - started < SOAK_MAX_SECONDS:
        result = load.run_wrk(base.base_url, requests_file, seconds=chunk_seconds, connections=connections)
        done += result.requests
        failed += result.failed
        samples.append({"requests": done, "rss_mib": {str(pid): mib for pid, mib in base.rss_mib().items()}})
        logger.info("soak: %s requests, RSS %s MiB", done, samples[-1]["rss_mib"])
    return {"requests": done, "failed": failed, "samples": samples}


def _profile(base: server.Server, requests_file: Path, seconds: float, connections: int, out: Path) -> dict:
    py_spy = load.py_spy_path(_python())
    if py_spy is None:
        raise RuntimeError("py-spy was not found; bench/run installs it into .venv")
    profiler = load.start_profile(py_spy, base.workers[0], seconds, out)
    load.run_wrk(base.base_url, requests_file, seconds=seconds + 2, connections=connections)
    _stdout, stderr = profiler.communicate(timeout=60)
    if profiler.returncode != 0:
        raise RuntimeError(f"py-spy failed with status {profiler.returncode}: {stderr.strip()}")
    return load.top_frames(out)


def _bench_size(args, size: str, data_dir: Path, env: dict[str, str], out: Path, run: dict) -> None:
    paths = write_request_files(data_dir, out / f"requests-{size}")
    log_path = out / f"server-{size}.log"
    env = {**env, "JOBRIVER_LOG_LEVEL": LOG_LEVEL}
    base = server.start(env=env, workers=args.workers, threads=args.threads, log_path=log_path, python=_python())
    try:
        check_endpoints(base.base_url, paths)
        results = {}
        for endpoint in ENDPOINTS:
            if args.endpoints and endpoint.slug not in args.endpoints:
                continue
            load.run_wrk(base.base_url, paths[endpoint.slug], seconds=args.warmup, connections=args.connections)
            results[endpoint.slug] = _measure(base, paths[endpoint.slug], args.duration, args.connections)
            # Requests that wrk gave up on may still be queued; the next endpoint starts once they are done.
            if not base.wait_idle():
                logger.warning("%s %s: the workers were still busy 120 s after the run", size, endpoint.name)
            logger.info(
                "%s %s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %s failed",
                size, endpoint.name, results[endpoint.slug]["rps"], results[endpoint.slug]["latency_us"]["p50"] / 1000,
                results[endpoint.slug]["latency_us"]["p99"] / 1000, results[endpoint.slug]["failed"],
            )
        run["sizes"][size] = {
            "description": SIZE_DESCRIPTIONS[size],
            "endpoints": results,
            "peak_rss_mib": {str(pid): mib for pid, mib in base.peak_rss_mib().items()},
        }

        if size == args.sizes[-1]:
            chunk = 2 if args.quick else SOAK_CHUNK_SECONDS
            run["soak"] = _soak(base, paths["mix"], args.soak_requests, args.connections, chunk)
            run["soak"]["size"] = SIZE_DESCRIPTIONS[size]
            if not args.no_profile:
                run["profile_size"] = SIZE_DESCRIPTIONS[size]
                run["profiles"] = {}
                for slug in PROFILED:
                    if args.endpoints and slug not in args.endpoints:
                        continue
                    run["profiles"][slug] = _profile(
                        base, paths[slug], 10, args.connections, out / f"profile-{size}-{slug}.txt"
                    )
    finally:
        server.stop(base)


def _meminfo_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def _redis_version() -> str:
    result = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, check=False)
    fields = dict(part.split("=", 1) for part in result.stdout.split() if "=" in part)
    return fields.get("v", "unknown")


def _commit() -> str:
    result = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                            text=True, check=False)
    return result.stdout.strip() or "unknown"


def _meta(args, database: str) -> dict:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["bench/run", *sys.argv[1:]]),
        "cpu": _cpu_model(),
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": _meminfo_gib(),
        "kernel": platform.release(),
        "database": database,
        "workers": args.workers,
        "threads": args.threads or DEFAULT_THREADS,
        "log_level": LOG_LEVEL,
        "python": platform.python_version(),
        "django": importlib.metadata.version("django"),
        "ninja": importlib.metadata.version("django-ninja"),
        "granian": importlib.metadata.version("granian"),
        "wrk": load.wrk_version(),
        "wrk_threads": load.WRK_THREADS,
        "connections": args.connections,
        "duration": args.duration,
        "warmup": args.warmup,
        "commit": _commit(),
    }


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args = _parse(argv)
    load.wrk_path()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = CACHE / "results" / stamp
    out.mkdir(parents=True)

    cluster = postgres.start() if args.database == "postgres" else None
    redis = None
    try:
        redis = server.start_redis(out / "redis") if args.redis else None
        database = f"PostgreSQL {cluster.version()}" if cluster else f"SQLite {sqlite3.sqlite_version} (WAL)"
        if redis:
            database += f", counters in Redis {_redis_version()}"
        run = {"meta": _meta(args, database), "sizes": {}}
        for size in args.sizes:
            if cluster:
                data_dir, env = _postgres_data(size, cluster)
            else:
                data_dir, env = sqlite_data(size)
            if redis:
                env = {**env, "REDIS_URL": redis.url}
            _bench_size(args, size, data_dir, env, out, run)
    finally:
        if redis:
            server.stop_redis(redis)
        if cluster:
            cluster.stop()

    (out / "run.json").write_text(json.dumps(run, indent=1))
    report.write_section(args.output, args.section, report.render(run))
    logger.info("wrote %s (section %s); raw results in %s", args.output, args.section, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
