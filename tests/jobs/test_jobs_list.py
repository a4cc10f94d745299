"""GET /jobs and GET /jobs/{id}: pagination, filters, company scoping and job ids."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobriver.jobs import selectors
from jobriver.jobs.models import Job
from jobriver.jobs.schemas import job_to_dict
from tests.conftest import BASE_JOB, assert_error

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

JOB_FIELDS = {
    "id",
    "slug",
    "title",
    "description",
    "requirements",
    "benefits",
    "location",
    "latitude",
    "longitude",
    "location_type",
    "employment_type",
    "experience_level",
    "category",
    "salary",
    "technologies",
    "apply_type",
    "apply_url",
    "apply_email",
    "is_featured",
    "is_active",
    "applications_count",
    "start_date",
    "languages_required",
    "soft_skills",
    "published_at",
    "expires_at",
    "created_at",
    "updated_at",
}


def list_jobs(api, **params):
    response = api.get("/jobs", params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_list_envelope_and_job_shape(api, make_job):
    job = make_job()

    response = api.get("/jobs")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert set(body["meta"]["rate_limit"]) == {"limit", "remaining", "reset"}
    assert "X-Request-Id" in response.headers
    jobs = body["data"]["jobs"]
    assert [item["id"] for item in jobs] == [job.pk]
    assert set(jobs[0]) == JOB_FIELDS
    assert TIMESTAMP.fullmatch(jobs[0]["created_at"])
    assert TIMESTAMP.fullmatch(jobs[0]["updated_at"])
    assert TIMESTAMP.fullmatch(jobs[0]["published_at"])
    assert jobs[0]["expires_at"] is None
    assert jobs[0]["salary"] == {"min": None, "max": None, "currency": "EUR"}


def test_list_empty_company(api):
    data = list_jobs(api)

    assert data == {"jobs": [], "pagination": {"current_page": 1, "per_page": 20, "total": 0, "total_pages": 0}}


def test_list_newest_first(api, make_job):
    ids = [make_job(title=f"Stelle {number}").pk for number in range(3)]

    data = list_jobs(api)

    assert [job["id"] for job in data["jobs"]] == list(reversed(ids))


def test_list_pagination_pages(api, make_job):
    ids = [make_job().pk for _ in range(5)]
    newest_first = list(reversed(ids))

    first = list_jobs(api, page=1, per_page=2)
    second = list_jobs(api, page=2, per_page=2)
    last = list_jobs(api, page=3, per_page=2)

    assert [job["id"] for job in first["jobs"]] == newest_first[0:2]
    assert [job["id"] for job in second["jobs"]] == newest_first[2:4]
    assert [job["id"] for job in last["jobs"]] == newest_first[4:5]
    assert first["pagination"] == {"current_page": 1, "per_page": 2, "total": 5, "total_pages": 3}
    assert last["pagination"] == {"current_page": 3, "per_page": 2, "total": 5, "total_pages": 3}


def test_list_page_past_end(api, make_job):
    make_job()
    make_job()

    data = list_jobs(api, page=7, per_page=1)

    assert data["jobs"] == []
    assert data["pagination"] == {"current_page": 7, "per_page": 1, "total": 2, "total_pages": 2}


def test_list_huge_page_is_empty(api, make_job):
    make_job()

    data = list_jobs(api, page=10**20)

    assert data["jobs"] == []
    assert data["pagination"]["total"] == 1
    assert data["pagination"]["current_page"] == 10**20


def test_list_default_per_page(api, make_job):
    for _ in range(21):
        make_job()

    data = list_jobs(api)

    assert len(data["jobs"]) == 20
    assert data["pagination"] == {"current_page": 1, "per_page": 20, "total": 21, "total_pages": 2}


@pytest.mark.parametrize("name", ["page", "per_page"])
def test_list_empty_number_is_default(api, name):
    data = list_jobs(api, **{name: ""})

    assert data["pagination"]["current_page"] == 1
    assert data["pagination"]["per_page"] == 20


def test_list_only_own_company(api, make_job, make_key):
    own = make_job()
    make_job(key=make_key())

    data = list_jobs(api)

    assert [job["id"] for job in data["jobs"]] == [own.pk]
    assert data["pagination"]["total"] == 1


def test_list_filter_by_category(api, make_job, make_category):
    first, second = make_category(), make_category()
    in_first = make_job(category_id=first.pk)
    make_job(category_id=second.pk)
    make_job()

    data = list_jobs(api, category_id=first.pk)

    assert [job["id"] for job in data["jobs"]] == [in_first.pk]
    assert data["jobs"][0]["category"] == {"id": first.pk, "name": first.name, "slug": first.slug}


def test_list_unknown_category_is_empty(api, make_job):
    make_job()

    data = list_jobs(api, category_id=2**63 - 1)

    assert data["jobs"] == []
    assert data["pagination"]["total"] == 0


@pytest.mark.parametrize("value", ["0", "-3", str(2**63), "1.5", "+1", " 1"])
def test_list_bad_category_id(api, value):
    response = api.get("/jobs", params={"category_id": value})

    assert_error(response, 422, "VALIDATION_ERROR", "category_id")


def test_list_empty_category_id_is_absent(api, make_job, make_category):
    job = make_job(category_id=make_category().pk)

    data = list_jobs(api, category_id="")

    assert [item["id"] for item in data["jobs"]] == [job.pk]


def test_list_search_title_and_description(api, make_job, unique):
    in_title = make_job(title=f"Koch {unique}")
    in_description = make_job(description=f"Wir suchen eine Person für die Küche, Stichwort {unique}, ab sofort in Vollzeit.")
    make_job()

    data = list_jobs(api, search=unique.upper())

    assert {job["id"] for job in data["jobs"]} == {in_title.pk, in_description.pk}
    assert data["pagination"]["total"] == 2


def test_list_search_combines_with_filters(api, make_job, make_category, unique):
    category = make_category()
    matching = make_job(title=f"Gärtner {unique}", category_id=category.pk)
    make_job(title=f"Gärtner {unique}")
    make_job(title=f"Gärtner {unique}", category_id=category.pk, is_active=False)

    data = list_jobs(api, search="gärtner", category_id=category.pk, is_active="true")

    assert [job["id"] for job in data["jobs"]] == [matching.pk]


@pytest.mark.parametrize("is_active", [None, True, False])
@pytest.mark.parametrize("by_category", [False, True])
@pytest.mark.parametrize("search", [None, "gärtner"])
def test_list_filter_combinations(company, make_job, make_category, unique, is_active, by_category, search):
    category = make_category()
    for title in (f"Gärtner {unique}", f"Koch {unique}"):
        for category_id in (category.pk, None):
            for active in (True, False):
                make_job(title=title, category_id=category_id, is_active=active)
    expected = Job.objects.filter(company=company).order_by("-id")
    if is_active is not None:
        expected = expected.filter(is_active=is_active)
    if by_category:
        expected = expected.filter(category=category)
    if search:
        expected = expected.filter(title__startswith="Gärtner")
    expected_ids = list(expected.values_list("id", flat=True))
    filters = {"is_active": is_active, "category_id": category.pk if by_category else None, "search": search}

    first, first_pagination = selectors.job_list(company_id=company.pk, page=1, per_page=2, **filters)
    second, _pagination = selectors.job_list(company_id=company.pk, page=2, per_page=2, **filters)

    assert [job["id"] for job in first] == expected_ids[:2]
    assert [job["id"] for job in second] == expected_ids[2:4]
    assert first_pagination["total"] == len(expected_ids)


def test_list_search_sharp_s_folds(api, make_job, unique):
    job = make_job(title=f"Straßenbau {unique}")

    data = list_jobs(api, search="STRASSENBAU")

    assert [item["id"] for item in data["jobs"]] == [job.pk]


def test_list_search_too_long(api):
    response = api.get("/jobs", params={"search": "x" * 101})

    assert_error(response, 422, "VALIDATION_ERROR", "search")


def test_list_search_max_length(api):
    data = list_jobs(api, search="x" * 100)

    assert data["jobs"] == []


def test_list_search_nul_character(api):
    response = api.get("/jobs", params={"search": "a\x00b"})

    assert_error(response, 422, "VALIDATION_ERROR", "search")


def test_list_empty_search_is_absent(api, make_job):
    job = make_job()

    data = list_jobs(api, search="")

    assert [item["id"] for item in data["jobs"]] == [job.pk]


def test_list_query_count_is_constant(company, make_job, make_category, make_technology):
    category = make_category()
    technologies = [make_technology().pk, make_technology().pk]

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            jobs, _pagination = selectors.job_list(company_id=company.pk, page=1, per_page=20)
            serialised = [job_to_dict(job) for job in jobs]
        assert all(len(job["technologies"]) == 2 for job in serialised)
        return len(queries)

    for _ in range(2):
        make_job(category_id=category.pk, technologies=technologies)
    with_two = count_queries()
    for _ in range(8):
        make_job(category_id=category.pk, technologies=technologies)
    with_ten = count_queries()

    assert with_two == with_ten
    assert with_ten == 3


def test_detail_returns_job(api, make_job, make_category, make_technology):
    category = make_category()
    technology = make_technology(category="database")
    job = make_job(category_id=category.pk, technologies=[technology.pk], salary_min=40000, salary_max=50000)

    response = api.get(f"/jobs/{job.pk}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == JOB_FIELDS
    assert data["id"] == job.pk
    assert data["slug"] == job.slug
    assert data["title"] == BASE_JOB["title"]
    assert data["category"] == {"id": category.pk, "name": category.name, "slug": category.slug}
    assert data["technologies"] == [
        {"id": technology.pk, "name": technology.name, "slug": technology.slug, "category": "database"}
    ]
    assert data["salary"] == {"min": 40000, "max": 50000, "currency": "EUR"}


@pytest.mark.parametrize("job_id", ["abc", "0", "00", "-1", "1.0", "1e3", "+1", "%20", "１", "%FF", "1%00", "0x1"])
def test_detail_invalid_id(api, job_id):
    response = api.get(f"/jobs/{job_id}")

    assert_error(response, 400, "INVALID_JOB_ID")


@pytest.mark.parametrize("job_id", [str(2**63 - 1), str(2**63), "9" * 30, "9" * 40, "1" + "0" * 5000])
def test_detail_unknown_or_huge_id(api, job_id):
    response = api.get(f"/jobs/{job_id}")

    assert_error(response, 404, "JOB_NOT_FOUND")


def test_detail_leading_zeros(api, make_job):
    job = make_job()

    response = api.get(f"/jobs/000{job.pk}")

    assert response.status_code == 200
    assert response.json()["data"]["id"] == job.pk


def test_detail_other_company_is_not_found(api, make_job, make_key):
    foreign = make_job(key=make_key())

    assert_error(api.get(f"/jobs/{foreign.pk}"), 404, "JOB_NOT_FOUND")
    assert_error(api.patch(f"/jobs/{foreign.pk}", json={"title": "Übernahme"}), 404, "JOB_NOT_FOUND")
    assert_error(api.delete(f"/jobs/{foreign.pk}"), 404, "JOB_NOT_FOUND")


def test_detail_deleted_job_is_not_found(api, make_job):
    job = make_job()
    job_id = job.pk
    job.delete()

    assert_error(api.get(f"/jobs/{job_id}"), 404, "JOB_NOT_FOUND")


def test_list_needs_read_permission(client_for, make_key, company):
    key = make_key(company, permissions=["create"])

    response = client_for(key.plaintext).get("/jobs")

    body = assert_error(response, 403, "PERMISSION_DENIED")
    assert body["error"]["details"] == {"required_permission": "read"}
