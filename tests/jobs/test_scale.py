"""Costs that must not grow with the platform: query counts and query plans.

The query counts are pinned on the selectors and serialisers that the
routes call, and on the job create. The plans are checked with the
database's own EXPLAIN on the SQL that those selectors send, after enough
jobs exist (and, on PostgreSQL, ANALYZE has run) for the planner to choose
as it would on a large platform.
"""

import json
import random
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobriver.companies.models import Company
from jobriver.jobs import selectors
from jobriver.jobs.models import Job, JobSlugSequence
from jobriver.jobs.schemas import category_to_dict, job_to_dict, technology_to_dict
from jobriver.jobs.search import job_search_text
from jobriver.jobs.slug_sequence import job_slug
from jobriver.slugs import slug_base

PLATFORM_JOBS = 20_000
SMALL_COMPANIES = 150
SMALL_COMPANY_JOBS = 100
BIG_COMPANY_JOBS = PLATFORM_JOBS - SMALL_COMPANIES * SMALL_COMPANY_JOBS
RARE_WORD = "zauberstab"  # in 10 of the big company's jobs only
COMMON_WORD = "entwickler"  # in every job


def captured_sql(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        call()
    return [query["sql"] for query in queries.captured_queries]


def list_page(company_id: int, **filters) -> list[dict]:
    jobs, _pagination = selectors.job_list(company_id=company_id, page=1, per_page=20, **filters)
    return [job_to_dict(job) for job in jobs]


# Query counts.


@pytest.fixture
def crowded_company(company, make_job, make_category, make_technology, make_key):
    """A company with 25 jobs that each have a category and two technologies."""
    category = make_category()
    technologies = [make_technology().pk, make_technology().pk]
    for _ in range(25):
        make_job(category_id=category.pk, technologies=technologies)
    return company


@pytest.mark.parametrize(
    "filters",
    [{}, {"search": "backend"}, {"is_active": True}, {"search": "köln", "is_active": True}],
    ids=["plain", "search", "active", "search-active"],
)
def test_list_queries_pinned(crowded_company, make_job, make_key, filters):
    before = len(captured_sql(lambda: list_page(crowded_company.pk, **filters)))

    other = make_key()
    for _ in range(10):
        make_job(key=other)
    after = len(captured_sql(lambda: list_page(crowded_company.pk, **filters)))

    assert before == 3
    assert after == 3


def test_detail_queries_pinned(crowded_company):
    job_id = Job.objects.filter(company=crowded_company).values_list("pk", flat=True).first()

    queries = captured_sql(
        lambda: job_to_dict(selectors.job_detail(company_id=crowded_company.pk, job_id=str(job_id)))
    )

    assert len(queries) == 2


def test_catalogue_queries_pinned(crowded_company):
    categories = captured_sql(lambda: [category_to_dict(item) for item in selectors.category_list()])
    technologies = captured_sql(lambda: [technology_to_dict(item) for item in selectors.technology_list()])

    assert len(categories) == 1
    assert len(technologies) == 1


def test_catalogue_reads_no_jobs(crowded_company):
    queries = captured_sql(lambda: selectors.category_list()) + captured_sql(lambda: selectors.technology_list())

    assert all(Job._meta.db_table not in sql for sql in queries), queries


# Query plans on a platform of 20,000 jobs.


def _job(company_id: int, number: int, title: str) -> Job:
    description = f"Wir suchen Verstärkung für unser Team in Köln. Stelle Nummer {number}, Entwickler gesucht."
    return Job(
        company_id=company_id,
        slug=f"scale-{uuid.uuid4().hex}",
        title=title,
        description=description,
        location="Köln",
        is_active=number % 5 != 0,
        search_text=job_search_text(title, description),
    )


@pytest.fixture(scope="module")
def platform(django_db_setup, django_db_blocker):
    """Insert 20,000 jobs: 150 companies of 100 jobs and one of 5,000; return a small and the big company's id."""
    with django_db_blocker.unblock():
        small = Company.objects.bulk_create(
            [Company(name=f"Plan {number}", slug=f"plan-{uuid.uuid4().hex}") for number in range(SMALL_COMPANIES)]
        )
        big = Company.objects.create(name="Plan groß", slug=f"plan-{uuid.uuid4().hex}")
        jobs = [
            _job(company.pk, number, "Softwareentwickler (m/w/d)")
            for company in small
            for number in range(SMALL_COMPANY_JOBS)
        ]
        jobs += [
            _job(big.pk, number, f"Entwickler {RARE_WORD}" if number < 10 else "Entwickler Backend")
            for number in range(BIG_COMPANY_JOBS)
        ]
        # Interleaved in id order, as years of writes by many companies leave them.
        random.Random(5).shuffle(jobs)
        Job.objects.bulk_create(jobs, batch_size=2000)
        # As autovacuum would: fresh statistics and, on PostgreSQL, the GIN
        # index's pending list merged into the index.
        command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {Job._meta.db_table}")
        yield {"small": small[len(small) // 2].pk, "big": big.pk}


def _postgres_plan(sql: str) -> list[dict]:
    """Return the plan nodes of `sql` (EXPLAIN ANALYZE, so the plan is the one that really ran)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        document = cursor.fetchone()[0]
    if isinstance(document, str):
        document = json.loads(document)

    nodes, pending = [], [document[0]["Plan"]]
    while pending:
        node = pending.pop()
        nodes.append(node)
        pending.extend(node.get("Plans", []))
    return nodes


def _sqlite_plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


def job_table_access(sql: str) -> list[str]:
    """Describe how the query reads jobs_job: index names, or "full scan"."""
    table = Job._meta.db_table
    if connection.vendor == "postgresql":
        accesses = []
        for node in _postgres_plan(sql):
            if node.get("Relation Name") == table and node["Node Type"] == "Seq Scan":
                accesses.append("full scan")
            if "Index Name" in node and node["Index Name"].startswith(("job_", "jobs_job_pkey")):
                accesses.append(node["Index Name"])
        return accesses

    accesses = []
    for detail in _sqlite_plan(sql):
        words = detail.split()
        if table not in words:
            continue
        if words[0] == "SCAN" and "INDEX" not in words:
            accesses.append("full scan")
        elif "INDEX" in words:
            accesses.append(words[words.index("INDEX") + 1])
        elif "PRIMARY" in words or "INTEGER" in words:
            accesses.append("primary key")
    return accesses


def job_queries(call) -> list[str]:
    return [sql for sql in captured_sql(call) if f'FROM "{Job._meta.db_table}"' in sql]


COMPANY_INDEXES = {"job_company_newest", "job_company_active_newest"}
# For a company with a large share of all jobs (a quarter here), PostgreSQL
# may walk the primary key backwards and stop after 20 of its jobs.
BIG_COMPANY_INDEXES = COMPANY_INDEXES | {"jobs_job_pkey"}


@pytest.mark.parametrize("filters", [{}, {"is_active": True}], ids=["all", "active"])
def test_list_plan_uses_company_index(platform, filters):
    count_sql, page_sql = job_queries(lambda: list_page(platform["small"], **filters))

    for sql in (count_sql, page_sql):
        accesses = job_table_access(sql)
        assert accesses, sql
        assert set(accesses) <= COMPANY_INDEXES, accesses


@pytest.mark.parametrize("filters", [{}, {"is_active": True}], ids=["all", "active"])
def test_big_company_list_plan(platform, filters):
    for sql in job_queries(lambda: list_page(platform["big"], **filters)):
        accesses = job_table_access(sql)
        assert accesses, sql
        assert set(accesses) <= BIG_COMPANY_INDEXES, accesses


@pytest.mark.parametrize("company", ["small", "big"])
def test_search_plan_scoped_to_company(platform, company):
    for word in (RARE_WORD, COMMON_WORD):
        for sql in job_queries(lambda: list_page(platform[company], search=word)):
            accesses = job_table_access(sql)

            assert accesses, sql
            assert "full scan" not in accesses, sql
            assert set(accesses) <= BIG_COMPANY_INDEXES | {"job_search_trgm"}, accesses


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only")
def test_rare_search_uses_trigram_index(platform):
    count_sql, _page_sql = job_queries(lambda: list_page(platform["big"], search=RARE_WORD))

    assert "job_search_trgm" in job_table_access(count_sql)


def test_detail_plan_uses_index(platform):
    job_id = Job.objects.filter(company_id=platform["big"]).values_list("pk", flat=True).first()

    (sql,) = job_queries(lambda: selectors.job_detail(company_id=platform["big"], job_id=str(job_id)))

    accesses = job_table_access(sql)
    assert len(accesses) == 1
    assert accesses[0] in BIG_COMPANY_INDEXES | {"primary key"}


def test_search_results_scoped(platform):
    found = list_page(platform["big"], search=RARE_WORD.upper())

    assert len(found) == 10
    assert all(RARE_WORD in job["title"] for job in found)


# Query count of a create, whatever the number of jobs that share its title's base.


def _store_jobs_of_base(company_id: int, title: str, suffixes: range) -> None:
    """Store jobs of the title with these suffixes, and the base's sequence, as earlier creates would have."""
    base = slug_base(title, fallback="job")
    jobs = []
    for suffix in suffixes:
        job = _job(company_id, suffix, title)
        job.slug = job_slug(base, suffix)
        jobs.append(job)
    Job.objects.bulk_create(jobs, batch_size=2000)
    JobSlugSequence.objects.update_or_create(base=base, defaults={"last_suffix": suffixes[-1]})


def test_create_queries_constant_for_shared_base(make_company, make_job, unique):
    title = f"Lagerhelfer {unique} (m/w/d)"
    base = slug_base(title, fallback="job")
    crowd = make_company()

    _store_jobs_of_base(crowd.pk, title, range(1, 10))
    # When the usage counts are kept in Redis, the first job that a key
    # creates also copies the key's counts from the database to Redis.
    make_job(title=title)
    with CaptureQueriesContext(connection) as few:
        after_few = make_job(title=title)
    _store_jobs_of_base(crowd.pk, title, range(12, 5001))
    with CaptureQueriesContext(connection) as many:
        after_many = make_job(title=title)

    assert after_few.slug == f"{base}-11"
    assert after_many.slug == f"{base}-5001"
    assert len(many.captured_queries) == len(few.captured_queries)
    queries = [query["sql"] for query in few.captured_queries + many.captured_queries]
    assert [sql for sql in queries if f'"{Job._meta.db_table}"."slug"' in sql] == []
    assert sum(JobSlugSequence._meta.db_table in sql for sql in queries) == 2
