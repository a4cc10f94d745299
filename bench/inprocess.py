"""Time one endpoint's requests in one thread, inside the process: the cost of the request itself.

    .venv/bin/python -m bench.inprocess list             # ms per request, GET /jobs (20 items)
    .venv/bin/python -m bench.inprocess post --profile   # and the functions that took the time

It copies the cached SQLite platform (see bench/run), writes the same
request files as a run, and sends them through Django's test client. No
HTTP server, other threads or wrk share the cores, so the figure is the
Python and SQLite work of the request alone. The floor (`floor`)
gives the cost of the middleware and the framework for comparison.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import sqlite_data
from bench.requests import ENDPOINTS_BY_SLUG, write_request_files

WARMUP_REQUESTS = 200


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoint", choices=sorted(ENDPOINTS_BY_SLUG), help="the endpoint's short name")
    parser.add_argument("--size", default="10k", help="platform size: tiny, 10k or 1m (default 10k)")
    parser.add_argument("--requests", type=int, default=1000, help="requests to time (default 1000)")
    parser.add_argument("--profile", action="store_true", help="then profile as many again with cProfile")
    parser.add_argument(
        "--data", type=Path, default=None, help="a platform folder that bench.dataset wrote, used in place of a copy"
    )
    return parser.parse_args(argv)


def _requests(path: Path) -> list[tuple[str, str, str, str]]:
    lines = path.read_text().splitlines()
    return [tuple(line.split("\t", 3)) for line in lines if line]


def _send_all(client, requests: list[tuple[str, str, str, str]]) -> None:
    for method, path, key, body in requests:
        headers = {"HTTP_X_API_KEY": key} if key else {}
        response = client.generic(method, path, body.encode(), content_type="application/json", **headers)
        if response.status_code >= 300:
            raise SystemExit(f"{method} {path} failed with {response.status_code}: {response.content[:300]!r}")


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.data is not None:
        data_dir = args.data.resolve()
        os.environ["JOBRIVER_DATA_DIR"] = str(data_dir)
        os.environ.pop("DATABASE_URL", None)
    else:
        data_dir, env = sqlite_data(args.size, work_name="inprocess")
        os.environ.update(env)
    os.environ["JOBRIVER_BENCHMARK_FLOOR"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "jobriver.settings"
    os.environ["JOBRIVER_LOG_LEVEL"] = "WARNING"

    import django
    from django.test import Client

    django.setup()

    with tempfile.TemporaryDirectory() as out:
        files = write_request_files(data_dir, Path(out))
        requests = _requests(files[args.endpoint])

    # The request files of writes are shorter than those of reads, so they are repeated as needed.
    needed = WARMUP_REQUESTS + args.requests * (2 if args.profile else 1)
    requests = (requests * (needed // len(requests) + 1))[:needed]
    warmup, timed, profiled = (
        requests[:WARMUP_REQUESTS],
        requests[WARMUP_REQUESTS : WARMUP_REQUESTS + args.requests],
        requests[WARMUP_REQUESTS + args.requests :],
    )

    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1")
    _send_all(client, warmup)
    started = time.perf_counter()
    _send_all(client, timed)
    elapsed = time.perf_counter() - started
    platform = data_dir.name if args.data is not None else args.size
    print(f"{args.endpoint} ({platform}): {elapsed / len(timed) * 1000:.2f} ms per request over {len(timed):,}")

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(_send_all, client, profiled)
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
