"""A company's key reaches only that company's jobs and data.

A request for another company's job gets the same 404 as one for a job that
does not exist, so a key cannot even learn which job ids are taken.
"""

import pytest

from jobriver.jobs.models import Job
from tests.conftest import BASE_JOB, assert_error


@pytest.fixture
def other_job(make_company, make_key, make_job):
    """A job of a second company, created with that company's own key."""
    return make_job(make_key(make_company()), title="Fremde Stelle Geheimprojekt")


def _missing_job_error(api) -> dict:
    job_id = Job.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    return api.get(f"/jobs/{job_id}").json()["error"]


def test_other_company_job_not_found(api, other_job):
    response = api.get(f"/jobs/{other_job.pk}")

    body = assert_error(response, 404, "JOB_NOT_FOUND")
    assert body["error"]["details"] == {"job_id": other_job.pk}
    assert body["error"]["message"] == _missing_job_error(api)["message"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_other_company_job_not_updated(api, other_job, method):
    response = api.request(method, f"/jobs/{other_job.pk}", json={"title": "Übernommen", "is_active": False})

    assert_error(response, 404, "JOB_NOT_FOUND")
    other_job.refresh_from_db()
    assert other_job.title == "Fremde Stelle Geheimprojekt"
    assert other_job.is_active is True


def test_other_company_job_not_deleted(api, other_job):
    response = api.delete(f"/jobs/{other_job.pk}")

    assert_error(response, 404, "JOB_NOT_FOUND")
    assert Job.objects.filter(pk=other_job.pk).exists()


def test_bad_update_of_other_job_not_found(api, other_job):
    response = api.patch(f"/jobs/{other_job.pk}", content="{", headers={"Content-Type": "text/plain"})

    assert_error(response, 404, "JOB_NOT_FOUND")


def test_list_shows_own_jobs_only(api, make_job, other_job):
    own = [make_job(title="Eigene Stelle Eins"), make_job(title="Eigene Stelle Zwei", is_active=False)]

    data = api.get("/jobs").json()["data"]

    assert sorted(job["id"] for job in data["jobs"]) == sorted(job.pk for job in own)
    assert data["pagination"]["total"] == 2


def test_search_finds_no_other_jobs(api, other_job):
    response = api.get("/jobs", params={"search": "Geheimprojekt"})

    assert response.status_code == 200
    assert response.json()["data"]["jobs"] == []
    assert response.json()["data"]["pagination"]["total"] == 0


def test_created_job_belongs_to_key_company(api, company):
    response = api.post("/jobs", json=BASE_JOB)

    assert response.status_code == 201
    assert Job.objects.get(pk=response.json()["data"]["id"]).company_id == company.pk


@pytest.mark.parametrize("field", ["company_id", "company"])
def test_company_cannot_be_set(api, make_company, make_job, field):
    other = make_company()
    job = make_job()

    create = api.post("/jobs", json={**BASE_JOB, field: other.pk})
    update = api.patch(f"/jobs/{job.pk}", json={field: other.pk})

    assert_error(create, 422, "VALIDATION_ERROR", field=field)
    assert_error(update, 422, "VALIDATION_ERROR", field=field)
    assert Job.objects.filter(company=other).count() == 0


def test_status_shows_own_company(api, company, other_job):
    data = api.get("/status").json()["data"]

    assert data["company"] == {"id": company.pk, "name": company.name, "slug": company.slug}
    assert data["limits"]["job_limit"]["current_active_jobs"] == 0


def test_job_limit_counts_own_jobs_only(client_for, make_company, make_key, make_job):
    company = make_company(job_limit=1)
    issued = make_key(company)
    other_company = make_company(job_limit=1)
    make_job(make_key(other_company))

    response = client_for(issued.plaintext).post("/jobs", json=BASE_JOB)

    assert response.status_code == 201


def test_key_of_same_company_sees_jobs(client_for, company, make_key, make_job):
    job = make_job()
    second = make_key(company, name="Second key", permissions=["read"])

    response = client_for(second.plaintext).get(f"/jobs/{job.pk}")

    assert response.status_code == 200
    assert response.json()["data"]["id"] == job.pk
