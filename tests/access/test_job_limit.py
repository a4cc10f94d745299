"""The company's limit on active jobs.

Only active jobs count. Creating or activating an active job at the limit is
403 JOB_LIMIT_EXCEEDED, and every fault of the request itself is reported
before the limit.
"""

import pytest
from django.utils import timezone

from jobriver.access.usage import usage_of
from jobriver.jobs.models import Job
from tests.conftest import BASE_JOB, assert_error

JOB_LIMIT = 2


@pytest.fixture
def full_company(make_company):
    """A company with a limit of two active jobs."""
    return make_company(job_limit=JOB_LIMIT)


@pytest.fixture
def full_key(make_key, make_job, full_company):
    """A key of `full_company`, after creating as many active jobs as its limit allows."""
    issued = make_key(full_company)
    for number in range(JOB_LIMIT):
        make_job(issued, title=f"Aktive Stelle {number}")
    return issued


@pytest.fixture
def full_api(client_for, full_key):
    return client_for(full_key.plaintext)


def _active_jobs(company) -> int:
    return Job.objects.filter(company=company, is_active=True).count()


def test_create_below_limit(client_for, make_key, make_company):
    issued = make_key(make_company(job_limit=1))

    response = client_for(issued.plaintext).post("/jobs", json=BASE_JOB)

    assert response.status_code == 201
    assert response.json()["data"]["is_active"] is True


def test_create_active_at_limit(full_api, full_company, full_key):
    response = full_api.post("/jobs", json=BASE_JOB)

    body = assert_error(response, 403, "JOB_LIMIT_EXCEEDED")
    assert body["error"]["details"] == {"limit": JOB_LIMIT, "current_active_jobs": JOB_LIMIT}
    assert body["error"]["message"] == f"The company has reached its limit of {JOB_LIMIT} active jobs."
    assert Job.objects.filter(company=full_company).count() == JOB_LIMIT
    assert usage_of(credential=full_key.credential, today=timezone.localdate()).jobs_created == JOB_LIMIT


def test_explicit_active_at_limit(full_api):
    assert_error(full_api.post("/jobs", json={**BASE_JOB, "is_active": True}), 403, "JOB_LIMIT_EXCEEDED")


def test_create_inactive_at_limit(full_api, full_company):
    response = full_api.post("/jobs", json={**BASE_JOB, "is_active": False})

    assert response.status_code == 201
    assert response.json()["data"]["is_active"] is False
    assert _active_jobs(full_company) == JOB_LIMIT


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_activate_at_limit(full_api, full_key, make_job, method):
    job = make_job(full_key, is_active=False)

    response = full_api.request(method, f"/jobs/{job.pk}", json={"is_active": True})

    assert_error(response, 403, "JOB_LIMIT_EXCEEDED")
    job.refresh_from_db()
    assert job.is_active is False


def test_activate_with_other_changes_at_limit(full_api, full_key, make_job):
    job = make_job(full_key, is_active=False)

    response = full_api.patch(f"/jobs/{job.pk}", json={"title": "Neuer Titel", "is_active": True})

    assert_error(response, 403, "JOB_LIMIT_EXCEEDED")
    job.refresh_from_db()
    assert job.title == BASE_JOB["title"]


def test_update_active_job_at_limit(full_api, full_company):
    job = Job.objects.filter(company=full_company, is_active=True).first()

    response = full_api.patch(f"/jobs/{job.pk}", json={"title": "Geänderter Titel", "is_active": True})

    assert response.status_code == 200
    assert response.json()["data"]["title"] == "Geänderter Titel"


def test_update_inactive_job_at_limit(full_api, full_key, make_job):
    job = make_job(full_key, is_active=False)

    response = full_api.patch(f"/jobs/{job.pk}", json={"title": "Noch inaktiv", "is_active": False})

    assert response.status_code == 200
    assert response.json()["data"]["is_active"] is False


def test_deactivating_frees_slot(full_api, full_company):
    job = Job.objects.filter(company=full_company, is_active=True).first()
    assert full_api.patch(f"/jobs/{job.pk}", json={"is_active": False}).status_code == 200

    response = full_api.post("/jobs", json=BASE_JOB)

    assert response.status_code == 201
    assert _active_jobs(full_company) == JOB_LIMIT


def test_deleting_frees_slot(full_api, full_company):
    job = Job.objects.filter(company=full_company, is_active=True).first()
    assert full_api.delete(f"/jobs/{job.pk}").status_code == 200

    assert full_api.post("/jobs", json=BASE_JOB).status_code == 201


def test_raised_limit_applies_at_once(full_api, full_company):
    assert_error(full_api.post("/jobs", json=BASE_JOB), 403, "JOB_LIMIT_EXCEEDED")

    full_company.job_limit = JOB_LIMIT + 1
    full_company.save(update_fields=["job_limit"])

    assert full_api.post("/jobs", json=BASE_JOB).status_code == 201


def test_zero_limit_allows_inactive_only(client_for, make_key, make_company):
    client = client_for(make_key(make_company(job_limit=0)).plaintext)

    assert_error(client.post("/jobs", json=BASE_JOB), 403, "JOB_LIMIT_EXCEEDED")
    assert client.post("/jobs", json={**BASE_JOB, "is_active": False}).status_code == 201


def test_unlimited_company(client_for, make_key, make_company):
    client = client_for(make_key(make_company(job_limit=None)).plaintext)

    statuses = [client.post("/jobs", json=BASE_JOB).status_code for _ in range(5)]

    assert statuses == [201] * 5


# Request faults come before the limit.


def test_invalid_job_at_limit(full_api):
    response = full_api.post("/jobs", json={**BASE_JOB, "title": "x"})

    assert_error(response, 422, "VALIDATION_ERROR", field="title")


def test_cross_field_error_at_limit(full_api):
    response = full_api.post("/jobs", json={**BASE_JOB, "salary_min": 80000, "salary_max": 50000})

    assert_error(response, 422, "VALIDATION_ERROR", field="salary_min")


def test_unknown_category_at_limit(full_api):
    response = full_api.post("/jobs", json={**BASE_JOB, "category_id": 999_999_999})

    assert_error(response, 422, "VALIDATION_ERROR", field="category_id")


def test_bad_body_at_limit(full_api):
    response = full_api.post("/jobs", content="{", headers={"Content-Type": "application/json"})

    assert_error(response, 400, "INVALID_REQUEST_BODY")


def test_bad_content_type_at_limit(full_api):
    response = full_api.post("/jobs", content="title=x", headers={"Content-Type": "text/plain"})

    assert_error(response, 415, "INVALID_CONTENT_TYPE")


def test_invalid_activation_at_limit(full_api, full_key, make_job):
    job = make_job(full_key, is_active=False)

    response = full_api.patch(f"/jobs/{job.pk}", json={"is_active": True, "title": None})

    assert_error(response, 422, "VALIDATION_ERROR", field="title")


def test_activation_of_missing_job_at_limit(full_api):
    assert_error(full_api.patch("/jobs/999999999", json={"is_active": True}), 404, "JOB_NOT_FOUND")


def test_permission_before_job_limit(client_for, make_key, full_company, full_key):
    reader = make_key(full_company, permissions=["read"])

    response = client_for(reader.plaintext).post("/jobs", json=BASE_JOB)

    assert_error(response, 403, "PERMISSION_DENIED")


def test_job_limit_message_in_german(full_api):
    english = full_api.post("/jobs", json=BASE_JOB).json()["error"]
    german = full_api.post("/jobs", json=BASE_JOB, headers={"Accept-Language": "de"}).json()["error"]

    assert german["code"] == "JOB_LIMIT_EXCEEDED"
    assert str(JOB_LIMIT) in german["message"]
    assert german["message"] != english["message"]
