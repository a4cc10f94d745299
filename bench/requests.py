"""The benchmarked endpoints and the concrete requests that wrk replays.

For each endpoint, `write_request_files` writes a file of requests (method,
path, key, body; tab-separated) that rotate over the benchmark keys, their
companies' job ids, search terms and valid write bodies. bench/wrk/replay.lua
cycles through such a file. `check_endpoints` sends the first request of
each file once and checks its status, so a broken request fails before wrk
measures it.
"""

import json
import random
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import german
from bench.dataset import CATALOGUE_FILE, TARGETS_FILE

REQUESTS_PER_FILE = 20_000
WRITE_REQUESTS_PER_FILE = 4_000
API = "/api/v1"


@dataclass(frozen=True)
class Target:
    key: str
    company_id: int
    job_ids: list[int]


@dataclass(frozen=True)
class Endpoint:
    name: str
    slug: str
    status: int
    read: bool
    build: Callable[[random.Random, Target, dict], tuple[str, str, str, str]]


def _floor(rng, target, catalogue):
    return "GET", f"{API}/_floor", "", ""


def _status(rng, target, catalogue):
    return "GET", f"{API}/status", target.key, ""


def _list(rng, target, catalogue):
    return "GET", f"{API}/jobs?per_page=20", target.key, ""


def _search(rng, target, catalogue):
    term = urllib.parse.quote(rng.choice(german.SEARCH_TERMS))
    return "GET", f"{API}/jobs?per_page=20&search={term}", target.key, ""


def _detail(rng, target, catalogue):
    return "GET", f"{API}/jobs/{rng.choice(target.job_ids)}", target.key, ""


def _categories(rng, target, catalogue):
    return "GET", f"{API}/categories", target.key, ""


def _technologies(rng, target, catalogue):
    return "GET", f"{API}/technologies", target.key, ""


def _technology_ids(rng, catalogue, category_slug: str) -> list[int]:
    pool = german.TECHNOLOGY_POOLS[category_slug]
    names = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
    return [catalogue["technologies"][name] for name in names]


def _title(rng, category_slug: str) -> str:
    level = rng.choice(list(german.LEVEL_WORDS))
    role = rng.choice(german.ROLES[category_slug]).format(tech=rng.choice(german.TECHNOLOGY_POOLS[category_slug]))
    return f"{german.LEVEL_WORDS[level]}{role} (m/w/d)"


def _create(rng, target, catalogue):
    category_slug = rng.choice(list(german.ROLES))
    city = rng.choice(german.CITIES)[0]
    title = _title(rng, category_slug)
    salary_min = rng.randrange(35, 90) * 1000
    body = {
        "title": title,
        "description": (
            f"Wir suchen Verstärkung als {title} in {city}. "
            + " ".join(rng.sample(german.TASKS, 3)).format(tech="Python")
            + " Wir bieten "
            + ", ".join(rng.sample(german.BENEFITS, 3))
            + "."
        ),
        "location": city,
        "location_type": rng.choice(["onsite", "remote", "hybrid"]),
        "employment_type": "fulltime",
        "experience_level": rng.choice(["junior", "mid", "senior", "lead", "any"]),
        "category_id": catalogue["categories"][category_slug],
        "technologies": _technology_ids(rng, catalogue, category_slug),
        "salary_min": salary_min,
        "salary_max": salary_min + 15000,
        "languages_required": ["Deutsch"],
    }
    return "POST", f"{API}/jobs", target.key, json.dumps(body, ensure_ascii=False)


def _update(rng, target, catalogue):
    category_slug = rng.choice(list(german.ROLES))
    salary_min = rng.randrange(35, 90) * 1000
    body = {
        "title": _title(rng, category_slug),
        "salary_min": salary_min,
        "salary_max": salary_min + 10000,
        "technologies": _technology_ids(rng, catalogue, category_slug),
    }
    return "PATCH", f"{API}/jobs/{rng.choice(target.job_ids)}", target.key, json.dumps(body, ensure_ascii=False)


# In the order they run: reads first, then the writes, which add jobs.
ENDPOINTS = [
    Endpoint("GET /_floor (no auth)", "floor", 200, True, _floor),
    Endpoint("GET /status", "status", 200, True, _status),
    Endpoint("GET /jobs (20 items)", "list", 200, True, _list),
    Endpoint("GET /jobs?search=…", "search", 200, True, _search),
    Endpoint("GET /jobs/{id}", "detail", 200, True, _detail),
    Endpoint("GET /categories", "categories", 200, True, _categories),
    Endpoint("GET /technologies", "technologies", 200, True, _technologies),
    Endpoint("PATCH /jobs/{id}", "patch", 200, False, _update),
    Endpoint("POST /jobs", "post", 201, False, _create),
]
ENDPOINTS_BY_SLUG = {endpoint.slug: endpoint for endpoint in ENDPOINTS}
# The soak replays a mix of the reads.
MIX_SLUGS = ["list", "search", "detail", "categories", "technologies", "status"]


def read_targets(data_dir: Path) -> tuple[list[Target], dict]:
    targets = []
    for line in (data_dir / TARGETS_FILE).read_text().splitlines():
        key, company_id, job_ids = line.split("\t")
        targets.append(Target(key, int(company_id), [int(job_id) for job_id in job_ids.split(",")]))
    catalogue = json.loads((data_dir / CATALOGUE_FILE).read_text())
    return targets, catalogue


def _line(request: tuple[str, str, str, str]) -> str:
    return "\t".join(request)


def write_request_files(data_dir: Path, out: Path, *, seed: int = 1) -> dict[str, Path]:
    """Write one request file per endpoint and one of the read mix; return the paths by endpoint slug."""
    targets, catalogue = read_targets(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for endpoint in ENDPOINTS:
        rng = random.Random(f"{seed}-{endpoint.slug}")
        count = REQUESTS_PER_FILE if endpoint.read else WRITE_REQUESTS_PER_FILE
        lines = [_line(endpoint.build(rng, rng.choice(targets), catalogue)) for _ in range(count)]
        paths[endpoint.slug] = out / f"{endpoint.slug}.tsv"
        paths[endpoint.slug].write_text("\n".join(lines) + "\n")

    rng = random.Random(f"{seed}-mix")
    mix = [ENDPOINTS_BY_SLUG[rng.choice(MIX_SLUGS)] for _ in range(REQUESTS_PER_FILE)]
    lines = [_line(endpoint.build(rng, rng.choice(targets), catalogue)) for endpoint in mix]
    paths["mix"] = out / "mix.tsv"
    paths["mix"].write_text("\n".join(lines) + "\n")
    return paths


def send(base_url: str, line: str, *, timeout: float = 30) -> tuple[int, bytes]:
    """Send one request line of a request file; return the status and the body."""
    method, path, key, body = line.rstrip("\n").split("\t", 3)
    headers = {"X-API-Key": key} if key else {}
    if body:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        base_url + path, data=body.encode() if body else None, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check_endpoints(base_url: str, paths: dict[str, Path]) -> None:
    """Send the first request of every endpoint's file; raise RuntimeError on an unexpected status."""
    for endpoint in ENDPOINTS:
        with paths[endpoint.slug].open() as requests:
            line = requests.readline()
        status, body = send(base_url, line)
        if status != endpoint.status:
            raise RuntimeError(
                f"{endpoint.name}: expected status {endpoint.status}, got {status}: {body[:300]!r}"
            )
