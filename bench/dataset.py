"""Generate a platform of German job listings and load it in bulk.

Every company gets the same number of jobs, so that a company's list,
search and detail do the same work at every platform size and only the
number of companies (and so of jobs) grows. The jobs of all companies are
interleaved in id order, as they would be after years of use, so a
company's jobs are spread over the whole table rather than stored together.

Jobs go in with SQLite's `executemany` or PostgreSQL's `COPY`, with the
secondary indexes of the job tables dropped during the load and built
again afterwards. The slug sequences go in with them, each at the highest
suffix of its base, as migration 0004 of the jobs app fills them, so that
the first new job of a base does not read that base's slugs. Keys for the
benchmark are written to targets.tsv, one line per key with the key, its
company id and that company's job ids. The ids of the catalogue go to
catalogue.json.

Run inside the project's settings (the harness sets JOBRIVER_DATA_DIR or
DATABASE_URL), after `migrate`:

    python -m bench.dataset --size 10k --out DIR
"""

import argparse
import datetime
import itertools
import json
import logging
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import german

logger = logging.getLogger("bench.dataset")

# Requests per minute of every benchmark key: high enough that wrk never meets it.
BENCH_RATE_LIMIT = 100_000_000
BENCH_KEYS = 2000
BATCH_ROWS = 5000
JOB_TABLES = ("jobs_job", "jobs_job_technologies")
SLUG_SEQUENCE_TABLE = "jobs_jobslugsequence"
SEED = 20261204
TARGETS_FILE = "targets.tsv"
CATALOGUE_FILE = "catalogue.json"


@dataclass(frozen=True)
class Size:
    jobs: int
    companies: int
    keys: int = BENCH_KEYS

    @property
    def jobs_per_company(self) -> int:
        return self.jobs // self.companies


SIZES = {
    "tiny": Size(jobs=200, companies=4, keys=8),
    "10k": Size(jobs=10_000, companies=100),
    "1m": Size(jobs=1_000_000, companies=10_000),
}


@dataclass
class Catalogue:
    category_ids: dict[str, int]
    technology_ids: dict[str, int]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobriver.settings")
    import django

    django.setup()


def load_catalogue() -> Catalogue:
    from jobriver.demo import CATEGORIES, TECHNOLOGIES
    from jobriver.jobs.models import Category, Technology

    for position, (slug, name, icon, description) in enumerate(CATEGORIES, start=1):
        Category.objects.create(slug=slug, name=name, icon=icon, description=description, sort_order=position * 10)
    for name, category, trending in TECHNOLOGIES:
        slug = name.lower().replace("#", "sharp").replace(".", "").replace(" ", "-")
        Technology.objects.create(slug=slug, name=name, category=category, is_trending=trending)
    return Catalogue(
        category_ids=dict(Category.objects.values_list("slug", "pk")),
        technology_ids=dict(Technology.objects.values_list("name", "pk")),
    )


def load_companies(rng: random.Random, count: int) -> list[int]:
    from jobriver.companies.models import Company

    companies = []
    for number in range(1, count + 1):
        surname = rng.choice(german.SURNAMES)
        name = f"{surname} {rng.choice(german.COMPANY_WORDS)} {rng.choice(german.LEGAL_FORMS)} ({number})"
        companies.append(Company(name=name, slug=f"company-{number}"))
    Company.objects.bulk_create(companies, batch_size=BATCH_ROWS)
    return list(Company.objects.order_by("pk").values_list("pk", flat=True))


def load_keys(company_ids: list[int], count: int) -> list[tuple[str, int]]:
    """Create `count` full-permission keys spread evenly over `company_ids`; return (plaintext, company id)."""
    from jobriver.access import keys
    from jobriver.access.models import ALL_PERMISSIONS, ApiKey

    issued = []
    rows = []
    for company_id in itertools.islice(itertools.cycle(company_ids), count):
        plaintext = keys.generate_key(keys.COMPANY_KEY_PREFIX)
        issued.append((plaintext, company_id))
        rows.append(
            ApiKey(
                company_id=company_id,
                name="Benchmark",
                prefix=keys.display_prefix(plaintext),
                key_hash=keys.hash_key(plaintext),
                permissions=list(ALL_PERMISSIONS),
                rate_limit=BENCH_RATE_LIMIT,
            )
        )
    ApiKey.objects.bulk_create(rows, batch_size=BATCH_ROWS)
    return issued


class JobGenerator:
    """Builds job rows in the column order of the `jobs_job` table."""

    def __init__(self, rng: random.Random, catalogue: Catalogue, connection):
        from jobriver.jobs.models import Job

        self.rng = rng
        self.catalogue = catalogue
        self.columns = [field.column for field in Job._meta.local_concrete_fields]
        self.slug_bases: dict[str, str] = {}
        self.slug_counts: dict[str, int] = {}
        ops = connection.ops
        now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        moments = [now - datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)) for _ in range(5000)]
        self.moments = [ops.adapt_datetimefield_value(moment) for moment in moments]
        self.start_dates = [ops.adapt_datefield_value(now.date() + datetime.timedelta(days=d)) for d in range(1, 120)]
        self.languages = [json.dumps(value) for value in (["Deutsch"], ["Deutsch", "Englisch"], ["Englisch"])]
        self.soft_skills = [json.dumps(value) for value in (["Teamfähigkeit"], ["Kommunikation", "Eigeninitiative"])]

    def _slug(self, title: str) -> str:
        from jobriver.slugs import slug_base

        base = self.slug_bases.get(title)
        if base is None:
            base = self.slug_bases[title] = slug_base(title, fallback="job")
        number = self.slug_counts.get(base, 0) + 1
        self.slug_counts[base] = number
        return base if number == 1 else f"{base}-{number}"

    def _description(self, company_name: str, title: str, city: str, technologies: list[str]) -> str:
        rng = self.rng
        tech = technologies[0] if technologies else "modernen Werkzeugen"
        tech2 = technologies[-1] if len(technologies) > 1 else "Linux"
        about = rng.choice(german.ABOUT).format(
            size=rng.randrange(20, 2000), years=rng.randrange(5, 60), users=rng.randrange(10, 900) * 1000
        )
        tasks = "\n".join("- " + task.format(tech=tech) for task in rng.sample(german.TASKS, 3))
        profile = "\n".join("- " + item.format(tech=tech, tech2=tech2) for item in rng.sample(german.PROFILE, 3))
        benefits = rng.sample(german.BENEFITS, 4)
        return (
            f"{company_name} sucht zum nächstmöglichen Zeitpunkt Verstärkung als {title} in {city}. {about}\n\n"
            f"Deine Aufgaben:\n{tasks}\n\nDein Profil:\n{profile}\n\n"
            f"Wir bieten {benefits[0]}, {benefits[1]}, {benefits[2]} und {benefits[3]}.\n\n"
            f"{rng.choice(german.CLOSING)}"
        )

    def job(self, job_id: int, company_id: int, company_name: str) -> tuple[tuple, list[int]]:
        """Return one job row and the ids of its technologies."""
        from jobriver.jobs.search import job_search_text

        rng = self.rng
        category_slug = rng.choice(list(german.ROLES))
        pool = german.TECHNOLOGY_POOLS[category_slug]
        technologies = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
        level = rng.choice(list(german.LEVEL_WORDS))
        city, latitude, longitude = rng.choice(german.CITIES)
        role = rng.choice(german.ROLES[category_slug]).format(tech=technologies[0])
        title = f"{german.LEVEL_WORDS[level]}{role} (m/w/d)"
        if rng.random() < 0.3:
            title = f"{title} in {city}"
        description = self._description(company_name, title, city, technologies)
        salary_min = rng.randrange(35, 90) * 1000 if rng.random() < 0.7 else None
        moment = rng.choice(self.moments)
        is_active = rng.random() < 0.85

        values = {
            "id": job_id,
            "company_id": company_id,
            "slug": self._slug(title),
            "title": title,
            "description": description,
            "requirements": "Abgeschlossene Ausbildung oder Studium, sehr gute Deutschkenntnisse, Neugier.",
            "benefits": "Flexible Arbeitszeiten, 30 Tage Urlaub, Weiterbildungsbudget, Jobrad.",
            "location": city,
            "latitude": latitude,
            "longitude": longitude,
            "location_type": rng.choice(("onsite", "remote", "hybrid")),
            "employment_type": rng.choice(("fulltime", "fulltime", "fulltime", "parttime", "contract")),
            "experience_level": level,
            "category_id": self.catalogue.category_ids[category_slug],
            "salary_min": salary_min,
            "salary_max": salary_min + rng.randrange(5, 30) * 1000 if salary_min else None,
            "apply_type": "internal",
            "apply_url": None,
            "apply_email": None,
            "is_featured": rng.random() < 0.05,
            "is_active": is_active,
            "applications_count": rng.randrange(0, 40),
            "start_date": rng.choice(self.start_dates) if rng.random() < 0.4 else None,
            "languages_required": rng.choice(self.languages),
            "soft_skills": rng.choice(self.soft_skills),
            "published_at": moment if is_active else None,
            "expires_at": None,
            "created_at": moment,
            "updated_at": moment,
            "search_text": job_search_text(title, description),
        }
        technology_ids = [self.catalogue.technology_ids[name] for name in technologies]
        return tuple(values[column] for column in self.columns), technology_ids


def _secondary_indexes(cursor, vendor: str) -> list[tuple[str, str]]:
    """Return (name, CREATE statement) of the job tables' indexes that no constraint needs."""
    tables = list(JOB_TABLES)
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?, ?)",
            tables,
        )
        return cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)",
        [tables],
    )
    return cursor.fetchall()


def _insert_rows(cursor, vendor: str, table: str, columns: list[str], rows: list[tuple]) -> None:
    if vendor == "sqlite":
        placeholders = ", ".join("?" for _ in columns)
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)
        return
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_jobs(
    rng: random.Random, catalogue: Catalogue, company_ids: list[int], size: Size
) -> dict[int, list[int]]:
    """Insert `size.jobs` jobs, interleaved over the companies; return the job ids of each company."""
    from django.db import connection

    from jobriver.companies.models import Company

    vendor = connection.vendor
    generator = JobGenerator(rng, catalogue, connection)
    names = dict(Company.objects.values_list("pk", "name"))
    owners = [company_id for company_id in company_ids for _ in range(size.jobs_per_company)]
    rng.shuffle(owners)
    jobs_of: dict[int, list[int]] = {company_id: [] for company_id in company_ids}

    connection.ensure_connection()
    raw = connection.connection
    cursor = raw.cursor()
    indexes = _secondary_indexes(cursor, vendor)
    if vendor == "sqlite":
        # Nothing else uses the file while it loads; WAL comes back at the end.
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("BEGIN")
    for name, _statement in indexes:
        cursor.execute(f"DROP INDEX {name}")

    started = time.monotonic()
    job_rows: list[tuple] = []
    link_rows: list[tuple] = []
    for job_id, company_id in enumerate(owners, start=1):
        row, technology_ids = generator.job(job_id, company_id, names[company_id])
        jobs_of[company_id].append(job_id)
        job_rows.append(row)
        link_rows.extend((job_id, technology_id) for technology_id in technology_ids)
        if len(job_rows) >= BATCH_ROWS:
            _insert_rows(cursor, vendor, "jobs_job", generator.columns, job_rows)
            _insert_rows(cursor, vendor, "jobs_job_technologies", ["job_id", "technology_id"], link_rows)
            job_rows, link_rows = [], []
            if job_id % 100_000 == 0:
                logger.info("%s jobs in %.0f s", job_id, time.monotonic() - started)
    _insert_rows(cursor, vendor, "jobs_job", generator.columns, job_rows)
    _insert_rows(cursor, vendor, "jobs_job_technologies", ["job_id", "technology_id"], link_rows)
    _insert_rows(cursor, vendor, SLUG_SEQUENCE_TABLE, ["base", "last_suffix"], list(generator.slug_counts.items()))

    logger.info("building %s indexes", len(indexes))
    if vendor == "postgresql":
        cursor.execute("SET maintenance_work_mem = '1GB'")
    for _name, statement in indexes:
        cursor.execute(statement)
    if vendor == "sqlite":
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA journal_mode=WAL")
    else:
        cursor.execute("SELECT setval(pg_get_serial_sequence('jobs_job', 'id'), (SELECT max(id) FROM jobs_job))")
        raw.commit()
        cursor.execute("ANALYZE")
    cursor.close()
    logger.info("%s jobs loaded in %.0f s", len(owners), time.monotonic() - started)
    return jobs_of


def write_targets(out: Path, issued: list[tuple[str, int]], jobs_of: dict[int, list[int]], catalogue: Catalogue) -> None:
    """Write targets.tsv (per key: key, company id, the company's job ids) and catalogue.json."""
    lines = [f"{key}\t{company_id}\t{','.join(map(str, jobs_of[company_id]))}" for key, company_id in issued]
    (out / TARGETS_FILE).write_text("\n".join(lines) + "\n")
    (out / CATALOGUE_FILE).write_text(
        json.dumps({"categories": catalogue.category_ids, "technologies": catalogue.technology_ids}, indent=1)
    )


def load(size: Size, out: Path, *, seed: int = SEED) -> None:
    """Load the catalogue, companies, keys and jobs of `size`, then the catalogue's job counts."""
    from jobriver.jobs import services

    rng = random.Random(seed)
    catalogue = load_catalogue()
    company_ids = load_companies(rng, size.companies)
    key_companies = rng.sample(company_ids, min(size.keys, len(company_ids)))
    issued = load_keys(key_companies, size.keys)
    jobs_of = load_jobs(rng, catalogue, company_ids, size)
    services.job_counts_recount()
    write_targets(out, issued, jobs_of, catalogue)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load a generated job platform into the configured database.")
    parser.add_argument("--size", choices=sorted(SIZES), required=True, help="platform size")
    parser.add_argument(
        "--out", type=Path, required=True, help=f"folder to write {TARGETS_FILE} and {CATALOGUE_FILE} to"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    _setup_django()
    load(SIZES[args.size], args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
