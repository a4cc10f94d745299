"""The catalogue's `job_count` counters: exact after every kind of job write, and repairable.

Each test creates its own categories and technologies, so the counts it
checks move only with its own jobs although the database is shared.
"""

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from jobriver.jobs.models import Category, Job, Technology
from jobriver.jobs.schemas import JobWriteIn
from jobriver.jobs.services import job_counts_recount, job_delete, job_update
from tests.conftest import make_client


def update(job: Job, **fields) -> Job:
    return job_update(job=job, data=JobWriteIn.model_validate(fields))


def stored(entry: Category | Technology) -> int:
    entry.refresh_from_db(fields=["job_count"])
    return entry.job_count


def counted(entry: Category | Technology) -> int:
    """Count the entry's active jobs the slow way, as the list routes once did."""
    model = type(entry)
    return model.objects.filter(pk=entry.pk).aggregate(n=Count("jobs", filter=Q(jobs__is_active=True)))["n"]


@pytest.fixture
def catalogue(make_category, make_technology):
    return make_category(), make_category(), make_technology(), make_technology(), make_technology()


def test_create_active_counts(catalogue, make_job):
    category, _other, python, django, _go = catalogue

    make_job(category_id=category.pk, technologies=[python.pk, django.pk])

    assert stored(category) == 1
    assert stored(python) == 1
    assert stored(django) == 1


def test_create_inactive_not_counted(catalogue, make_job):
    category, _other, python, _django, _go = catalogue

    make_job(category_id=category.pk, technologies=[python.pk], is_active=False)

    assert stored(category) == 0
    assert stored(python) == 0


def test_create_duplicate_technology_once(catalogue, make_job):
    _category, _other, python, _django, _go = catalogue

    make_job(technologies=[python.pk, python.pk])

    assert stored(python) == 1


def test_deactivate_and_activate(catalogue, make_job):
    category, _other, python, _django, _go = catalogue
    job = make_job(category_id=category.pk, technologies=[python.pk])

    update(job, is_active=False)
    assert stored(category) == 0
    assert stored(python) == 0

    update(job, is_active=True)
    assert stored(category) == 1
    assert stored(python) == 1


def test_repeated_activate_counts_once(catalogue, make_job):
    category, _other, python, _django, _go = catalogue
    job = make_job(category_id=category.pk, technologies=[python.pk])

    update(job, is_active=True)

    assert stored(category) == 1
    assert stored(python) == 1


def test_change_category_moves_count(catalogue, make_job):
    category, other, _python, _django, _go = catalogue
    job = make_job(category_id=category.pk)

    update(job, category_id=other.pk)
    assert stored(category) == 0
    assert stored(other) == 1

    update(job, category_id=None)
    assert stored(other) == 0


def test_change_technologies_moves_counts(catalogue, make_job):
    _category, _other, python, django, go = catalogue
    job = make_job(technologies=[python.pk, django.pk])

    update(job, technologies=[django.pk, go.pk])

    assert stored(python) == 0
    assert stored(django) == 1
    assert stored(go) == 1


def test_inactive_job_changes_not_counted(catalogue, make_job):
    category, other, python, django, _go = catalogue
    job = make_job(category_id=category.pk, technologies=[python.pk], is_active=False)

    update(job, category_id=other.pk, technologies=[django.pk])

    assert stored(category) == 0
    assert stored(other) == 0
    assert stored(python) == 0
    assert stored(django) == 0


def test_activate_with_new_technologies(catalogue, make_job):
    category, _other, python, django, _go = catalogue
    job = make_job(category_id=category.pk, technologies=[python.pk], is_active=False)

    update(job, is_active=True, technologies=[django.pk])

    assert stored(category) == 1
    assert stored(python) == 0
    assert stored(django) == 1


def test_update_other_fields_keeps_counts(catalogue, make_job):
    category, _other, python, _django, _go = catalogue
    job = make_job(category_id=category.pk, technologies=[python.pk])

    update(job, title="Neuer Titel für die Stelle", salary_min=40000)

    assert stored(category) == 1
    assert stored(python) == 1


def links(job: Job) -> list[tuple[int, int]]:
    """Return the job's technology links as (link id, technology id), by technology id."""
    rows = Job.technologies.through.objects.filter(job_id=job.pk).order_by("technology_id")
    return list(rows.values_list("pk", "technology_id"))


def test_create_links_every_technology(make_technology, make_job):
    technologies = [make_technology() for _ in range(5)]

    job = make_job(technologies=[technology.pk for technology in technologies])
    smaller = make_job(technologies=[technology.pk for technology in technologies[:2]])

    assert [technology_id for _link, technology_id in links(job)] == [technology.pk for technology in technologies]
    assert [technology_id for _link, technology_id in links(smaller)] == [technologies[0].pk, technologies[1].pk]
    assert [stored(technology) for technology in technologies] == [2, 2, 1, 1, 1]


def test_update_keeps_shared_links(catalogue, make_job):
    _category, _other, python, django, go = catalogue
    job = make_job(technologies=[python.pk, django.pk])
    ((_python_link, _), (django_link, _)) = links(job)

    update(job, technologies=[django.pk, go.pk])

    (kept, added) = links(job)
    assert kept == (django_link, django.pk)
    assert added[1] == go.pk
    assert added[0] > django_link


def test_inactive_job_technologies_replaced(catalogue, make_job):
    _category, _other, python, django, go = catalogue
    job = make_job(technologies=[python.pk, django.pk], is_active=False)

    update(job, technologies=[go.pk])

    assert [technology_id for _link, technology_id in links(job)] == [go.pk]
    assert stored(python) == 0
    assert stored(go) == 0


def test_update_all_technologies_removed(catalogue, make_job):
    _category, _other, python, django, _go = catalogue
    job = make_job(technologies=[python.pk, django.pk])

    update(job, technologies=[])

    assert links(job) == []
    assert stored(python) == 0
    assert stored(django) == 0


def test_count_rows_locked_in_id_order(catalogue, make_job):
    category, _other, python, django, _go = catalogue
    job = make_job(category_id=category.pk, technologies=[django.pk, python.pk])

    with CaptureQueriesContext(connection) as queries:
        update(job, is_active=False)

    locks = [query["sql"] for query in queries.captured_queries if "FOR NO KEY UPDATE" in query["sql"]]
    if not connection.features.has_select_for_update:
        assert locks == []
        return
    category_lock, technology_lock = locks
    assert f"IN ({category.pk})" in category_lock
    assert f"IN ({python.pk}, {django.pk})" in technology_lock
    assert technology_lock.endswith("ORDER BY 1 ASC FOR NO KEY UPDATE")


def test_delete_active_uncounts(catalogue, make_job):
    category, _other, python, _django, _go = catalogue
    job = make_job(category_id=category.pk, technologies=[python.pk])
    make_job(category_id=category.pk, technologies=[python.pk])

    job_delete(job=job)

    assert stored(category) == 1
    assert stored(python) == 1


def test_delete_inactive_keeps_counts(catalogue, make_job):
    category, _other, python, _django, _go = catalogue
    make_job(category_id=category.pk, technologies=[python.pk])
    inactive = make_job(category_id=category.pk, technologies=[python.pk], is_active=False)

    job_delete(job=inactive)

    assert stored(category) == 1
    assert stored(python) == 1


def test_delete_with_stale_state(catalogue, make_job):
    category, _other, python, _django, _go = catalogue
    job = make_job(category_id=category.pk, technologies=[python.pk])
    stale = Job.objects.get(pk=job.pk)
    update(job, is_active=False)

    job_delete(job=stale)

    assert stored(category) == 0
    assert stored(python) == 0


def test_delete_twice_counts_once(catalogue, make_job):
    category, _other, _python, _django, _go = catalogue
    make_job(category_id=category.pk)
    job = make_job(category_id=category.pk)
    copy = Job.objects.get(pk=job.pk)

    job_delete(job=job)
    job_delete(job=copy)

    assert stored(category) == 1


def test_company_delete_uncounts(catalogue, make_job, make_key):
    category, _other, python, _django, _go = catalogue
    make_job(category_id=category.pk, technologies=[python.pk])
    leaving = make_key()
    make_job(key=leaving, category_id=category.pk, technologies=[python.pk])
    make_job(key=leaving, category_id=category.pk, technologies=[python.pk])
    make_job(key=leaving, category_id=category.pk, technologies=[python.pk], is_active=False)

    leaving.credential.company.delete()

    assert stored(category) == 1
    assert stored(python) == 1


def test_api_writes_keep_counts(api, catalogue):
    category, other, python, django, _go = catalogue
    body = {
        "title": "Pflegefachkraft (m/w/d)",
        "description": "Wir suchen eine Pflegefachkraft für unsere Station in Köln, gern in Teilzeit.",
        "location": "Köln",
        "category_id": category.pk,
        "technologies": [python.pk],
    }

    created = api.post("/jobs", json=body).json()["data"]
    assert stored(category) == 1
    assert stored(python) == 1

    api.patch(f"/jobs/{created['id']}", json={"category_id": other.pk, "technologies": [django.pk]})
    assert stored(category) == 0
    assert stored(other) == 1
    assert stored(python) == 0
    assert stored(django) == 1

    api.delete(f"/jobs/{created['id']}")
    assert stored(other) == 0
    assert stored(django) == 0


def test_random_writes_stay_exact(catalogue, make_job):
    entries = list(catalogue)
    categories = [entry.pk for entry in entries[:2]] + [None]
    technologies = [entry.pk for entry in entries[2:]]
    rng = random.Random(7)
    jobs: list[Job] = []

    for _step in range(40):
        action = rng.choice(["create", "update", "update", "delete"]) if jobs else "create"
        fields = {
            "category_id": rng.choice(categories),
            "technologies": rng.sample(technologies, rng.randint(0, len(technologies))),
            "is_active": rng.random() < 0.6,
        }
        if action == "create":
            jobs.append(make_job(**fields))
        elif action == "update":
            job = rng.choice(jobs)
            chosen = dict(rng.sample(sorted(fields.items(), key=str), rng.randint(1, 3)))
            jobs[jobs.index(job)] = update(job, **chosen)
        else:
            job = jobs.pop(rng.randrange(len(jobs)))
            job_delete(job=job)

    for entry in entries:
        assert stored(entry) == counted(entry), entry


def test_recount_repairs_counts(catalogue, make_job):
    category, _other, python, django, _go = catalogue
    make_job(category_id=category.pk, technologies=[python.pk])
    Category.objects.filter(pk=category.pk).update(job_count=7)
    Technology.objects.filter(pk__in=[python.pk, django.pk]).update(job_count=-3)

    categories, technologies = job_counts_recount()

    assert categories >= 1
    assert technologies >= 2
    assert stored(category) == 1
    assert stored(python) == 1
    assert stored(django) == 0


def test_recount_command_reports(catalogue, make_job, capsys):
    category, _other, _python, _django, _go = catalogue
    make_job(category_id=category.pk)
    Category.objects.filter(pk=category.pk).update(job_count=0)

    call_command("recount_jobs")

    assert stored(category) == 1
    assert "categories" in capsys.readouterr().out


def test_recount_leaves_exact_counts(catalogue, make_job):
    job_counts_recount()

    assert job_counts_recount() == (0, 0)


def test_concurrent_writes_stay_exact(server_url, issued_key, catalogue):
    """Parallel creates and updates that share catalogue rows neither fail nor lose a count."""
    category, other, python, django, go = catalogue
    rng = random.Random(11)
    bodies = [
        {
            "title": f"Parallele Stelle {number}",
            "description": "Wir suchen Verstärkung für unser Team in Köln, gern auch in Teilzeit und remote.",
            "location": "Köln",
            "category_id": rng.choice([category.pk, other.pk]),
            "technologies": rng.sample([python.pk, django.pk, go.pk], 3),
        }
        for number in range(24)
    ]

    def create(body: dict) -> int:
        with make_client(server_url, key=issued_key.plaintext) as client:
            response = client.post("/jobs", json=body)
            assert response.status_code == 201, response.text
            job_id = response.json()["data"]["id"]
            response = client.patch(f"/jobs/{job_id}", json={"technologies": body["technologies"][:1], "is_active": False})
            assert response.status_code == 200, response.text
            response = client.patch(f"/jobs/{job_id}", json={"is_active": True, "category_id": other.pk})
            assert response.status_code == 200, response.text
            return job_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(create, bodies))

    assert len(created) == len(bodies)
    for entry in catalogue:
        assert stored(entry) == counted(entry), entry
    assert stored(other) == len(bodies)
