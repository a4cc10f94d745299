"""POST, PUT, PATCH and DELETE /jobs: field rules at their edges, defaults, job limit and check order."""

import json

import pytest

from jobriver.jobs.models import Job
from tests.conftest import BASE_JOB, assert_error

DESCRIPTION_50 = "D" * 50


def assert_invalid(response, field: str) -> str:
    """Assert a 422 whose details name exactly `field`; return its message."""
    body = assert_error(response, 422, "VALIDATION_ERROR", field)
    errors = body["error"]["details"]["errors"]
    assert set(errors) == {field}, errors
    assert isinstance(errors[field], str) and errors[field]
    return errors[field]


def job_count(company) -> int:
    return Job.objects.filter(company=company).count()


def create(api, **fields):
    return api.post("/jobs", json={**BASE_JOB, **fields})


def created(api, **fields) -> dict:
    response = create(api, **fields)
    assert response.status_code == 201, response.text
    return response.json()["data"]


# Create: defaults and echo.


def test_create_applies_defaults(api, company):
    response = api.post("/jobs", json=BASE_JOB)

    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    job = body["data"]
    assert job["title"] == BASE_JOB["title"]
    assert job["description"] == BASE_JOB["description"]
    assert job["location"] == BASE_JOB["location"]
    assert job["location_type"] == "onsite"
    assert job["employment_type"] == "fulltime"
    assert job["experience_level"] == "any"
    assert job["apply_type"] == "internal"
    assert job["is_featured"] is False
    assert job["is_active"] is True
    assert job["category"] is None
    assert job["technologies"] == []
    assert job["salary"] == {"min": None, "max": None, "currency": "EUR"}
    assert job["languages_required"] == []
    assert job["soft_skills"] == []
    assert job["requirements"] is None
    assert job["benefits"] is None
    assert job["latitude"] is None
    assert job["longitude"] is None
    assert job["apply_url"] is None
    assert job["apply_email"] is None
    assert job["start_date"] is None
    assert job["applications_count"] == 0
    assert job["published_at"] is not None
    assert Job.objects.get(pk=job["id"]).company_id == company.pk


def test_create_echoes_every_field(api, make_category, make_technology):
    category = make_category()
    technology = make_technology(category="framework")
    body = {
        **BASE_JOB,
        "requirements": "Erfahrung mit Django",
        "benefits": "Jobrad, 30 Tage Urlaub",
        "latitude": 50.9375,
        "longitude": 6.9603,
        "location_type": "remote",
        "employment_type": "contract",
        "experience_level": "lead",
        "category_id": category.pk,
        "salary_min": 60000,
        "salary_max": 60000,
        "technologies": [technology.pk],
        "apply_type": "email",
        "apply_email": "jobs@example.com",
        "apply_url": "https://example.com/bewerben",
        "start_date": "2025-01-01",
        "languages_required": ["Deutsch"],
        "soft_skills": ["Geduld", "Humor"],
        "is_featured": True,
        "is_active": True,
    }

    job = created(api, **body)

    for field in ("requirements", "benefits", "latitude", "longitude", "location_type", "employment_type"):
        assert job[field] == body[field], field
    for field in ("experience_level", "apply_type", "apply_email", "apply_url", "start_date"):
        assert job[field] == body[field], field
    for field in ("languages_required", "soft_skills", "is_featured", "is_active"):
        assert job[field] == body[field], field
    assert job["category"] == {"id": category.pk, "name": category.name, "slug": category.slug}
    assert job["salary"] == {"min": 60000, "max": 60000, "currency": "EUR"}
    assert job["technologies"] == [
        {"id": technology.pk, "name": technology.name, "slug": technology.slug, "category": "framework"}
    ]


def test_create_stores_request_text_unchanged(api):
    title = "Köchin 🍳 (m/w/d) — Küche & Service"

    job = created(api, title=title)

    assert job["title"] == title
    assert api.get(f"/jobs/{job['id']}").json()["data"]["title"] == title


@pytest.mark.parametrize("field", ["title", "description", "location"])
def test_create_requires_field(api, company, field):
    body = {name: value for name, value in BASE_JOB.items() if name != field}
    before = job_count(company)

    response = api.post("/jobs", json=body)

    assert_invalid(response, field)
    assert job_count(company) == before


def test_create_reports_every_invalid_field(api):
    response = api.post("/jobs", json={"title": "ab", "description": "kurz", "location_type": "mars"})

    body = assert_error(response, 422, "VALIDATION_ERROR")
    errors = body["error"]["details"]["errors"]
    assert set(errors) == {"title", "description", "location", "location_type"}
    assert errors["title"] == "Title must be at least 3 characters"
    assert errors["description"] == "Description must be at least 50 characters"


# Length limits.


@pytest.mark.parametrize(("length", "status"), [(2, 422), (3, 201), (255, 201), (256, 422)])
def test_create_title_length(api, company, length, status):
    before = job_count(company)

    response = create(api, title="T" * length)

    if status == 201:
        assert response.status_code == 201
        assert response.json()["data"]["title"] == "T" * length
        assert job_count(company) == before + 1
    else:
        assert_invalid(response, "title")
        assert job_count(company) == before


@pytest.mark.parametrize(("length", "status"), [(2, 422), (3, 200), (255, 200), (256, 422)])
def test_update_title_length(api, make_job, length, status):
    job = make_job()

    response = api.patch(f"/jobs/{job.pk}", json={"title": "T" * length})

    job.refresh_from_db()
    if status == 200:
        assert response.status_code == 200
        assert job.title == "T" * length
    else:
        assert_invalid(response, "title")
        assert job.title == BASE_JOB["title"]


def test_title_message_counts_characters(api):
    message = assert_invalid(create(api, title="ab"), "title")

    assert message == "Title must be at least 3 characters"


def test_title_umlauts_count_as_characters(api):
    job = created(api, title="Ä" * 255)

    assert job["title"] == "Ä" * 255


@pytest.mark.parametrize(("length", "status"), [(49, 422), (50, 201)])
def test_create_description_length(api, company, length, status):
    before = job_count(company)

    response = create(api, description="D" * length)

    if status == 201:
        assert response.status_code == 201
        assert job_count(company) == before + 1
    else:
        message = assert_invalid(response, "description")
        assert message == "Description must be at least 50 characters"
        assert job_count(company) == before


@pytest.mark.parametrize(("length", "status"), [(49, 422), (50, 200)])
def test_update_description_length(api, make_job, length, status):
    job = make_job()

    response = api.patch(f"/jobs/{job.pk}", json={"description": "D" * length})

    job.refresh_from_db()
    if status == 200:
        assert response.status_code == 200
        assert job.description == "D" * length
    else:
        assert_invalid(response, "description")
        assert job.description == BASE_JOB["description"]


@pytest.mark.parametrize("field", ["requirements", "benefits"])
def test_long_text_limit(api, field):
    assert created(api, **{field: "x" * 65535})[field] == "x" * 65535
    assert_invalid(create(api, **{field: "x" * 65536}), field)


def test_location_length_limits(api):
    assert created(api, location="L" * 255)["location"] == "L" * 255
    assert_invalid(create(api, location="L" * 256), "location")
    assert_invalid(create(api, location=""), "location")


def test_string_lists_limits(api):
    assert created(api, soft_skills=["s"] * 20)["soft_skills"] == ["s"] * 20
    assert_invalid(create(api, soft_skills=["s"] * 21), "soft_skills")
    assert_invalid(create(api, languages_required=[""]), "languages_required")
    assert_invalid(create(api, languages_required=["x" * 101]), "languages_required")
    assert_invalid(create(api, languages_required=[1]), "languages_required")
    assert_invalid(create(api, soft_skills="Teamfähigkeit"), "soft_skills")


# Salary.


@pytest.mark.parametrize("field", ["salary_min", "salary_max"])
@pytest.mark.parametrize("value", [0, 1_000_000])
def test_salary_bounds_accepted(api, field, value):
    job = created(api, **{field: value})

    assert job["salary"]["min" if field == "salary_min" else "max"] == value


@pytest.mark.parametrize("field", ["salary_min", "salary_max"])
@pytest.mark.parametrize("value", [-1, 1_000_001, 50000.5, 50000.0, "50000", True])
def test_salary_bad_value(api, company, field, value):
    before = job_count(company)

    response = create(api, **{field: value})

    assert_invalid(response, field)
    assert job_count(company) == before


def test_salary_min_above_max(api, company):
    before = job_count(company)

    response = create(api, salary_min=70001, salary_max=70000)

    message = assert_invalid(response, "salary_min")
    assert message == "salary_min cannot be greater than salary_max"
    assert job_count(company) == before


def test_salary_null_on_create(api):
    job = created(api, salary_min=None, salary_max=None)

    assert job["salary"] == {"min": None, "max": None, "currency": "EUR"}


def test_salary_equal_bounds_accepted(api):
    job = created(api, salary_min=0, salary_max=0)

    assert job["salary"] == {"min": 0, "max": 0, "currency": "EUR"}


def test_salary_one_side_only(api):
    job = created(api, salary_max=1_000_000)

    assert job["salary"] == {"min": None, "max": 1_000_000, "currency": "EUR"}


def test_update_salary_null_clears(api, make_job):
    job = make_job(salary_min=40000, salary_max=50000)

    response = api.patch(f"/jobs/{job.pk}", json={"salary_min": None})

    assert response.status_code == 200
    assert response.json()["data"]["salary"] == {"min": None, "max": 50000, "currency": "EUR"}


def test_update_salary_range_together(api, make_job):
    job = make_job(salary_min=40000, salary_max=50000)

    response = api.put(f"/jobs/{job.pk}", json={"salary_min": 80000, "salary_max": 90000})

    assert response.status_code == 200
    assert response.json()["data"]["salary"] == {"min": 80000, "max": 90000, "currency": "EUR"}


# Coordinates.


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", 90), ("latitude", -90), ("latitude", 0), ("longitude", 180), ("longitude", -180), ("longitude", 180.0)],
)
def test_coordinate_bounds_accepted(api, field, value):
    job = created(api, **{field: value})

    assert job[field] == value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("latitude", 90.000001),
        ("latitude", -90.000001),
        ("longitude", 180.000001),
        ("longitude", -180.000001),
        ("latitude", "52.5"),
        ("longitude", True),
        ("latitude", "1e400"),
        ("longitude", "-1e400"),
    ],
)
def test_coordinate_out_of_range(api, company, field, value):
    before = job_count(company)
    if value in ("1e400", "-1e400"):
        # Sent as a bare JSON number, which overflows to infinity when parsed.
        body = json.dumps(BASE_JOB)[:-1] + f', "{field}": {value}}}'
        response = api.post("/jobs", content=body.encode(), headers={"Content-Type": "application/json"})
    else:
        response = create(api, **{field: value})

    assert_invalid(response, field)
    assert job_count(company) == before


@pytest.mark.parametrize(("field", "value"), [("latitude", 90.000001), ("longitude", -180.000001)])
def test_update_coordinate_out_of_range(api, make_job, field, value):
    job = make_job(latitude=10.5, longitude=20.5)

    response = api.patch(f"/jobs/{job.pk}", json={field: value})

    assert_invalid(response, field)
    job.refresh_from_db()
    assert (job.latitude, job.longitude) == (10.5, 20.5)


def test_update_coordinates_null_clears(api, make_job):
    job = make_job(latitude=10.5, longitude=20.5)

    data = api.patch(f"/jobs/{job.pk}", json={"latitude": None, "longitude": None}).json()["data"]

    assert data["latitude"] is None
    assert data["longitude"] is None


# Application target.


def test_apply_external_needs_url(api, company):
    before = job_count(company)

    response = create(api, apply_type="external")

    message = assert_invalid(response, "apply_url")
    assert message == "apply_url is required when apply_type is external"
    assert job_count(company) == before


def test_apply_external_with_url(api):
    job = created(api, apply_type="external", apply_url="https://karriere.example.com/stellen/42?ref=jobriver")

    assert job["apply_type"] == "external"
    assert job["apply_url"] == "https://karriere.example.com/stellen/42?ref=jobriver"


def test_apply_email_needs_address(api, company):
    before = job_count(company)

    response = create(api, apply_type="email")

    message = assert_invalid(response, "apply_email")
    assert message == "apply_email is required when apply_type is email"
    assert job_count(company) == before


def test_apply_email_with_address(api):
    job = created(api, apply_type="email", apply_email="bewerbung@example.com")

    assert job["apply_type"] == "email"
    assert job["apply_email"] == "bewerbung@example.com"


@pytest.mark.parametrize(
    "url", ["ftp://example.com/job", "javascript:alert(1)", "example.com/job", "https://", "", "http://exa mple.com"]
)
def test_apply_url_bad(api, url):
    assert_invalid(create(api, apply_type="external", apply_url=url), "apply_url")


@pytest.mark.parametrize("email", ["bewerbung", "bewerbung@", "@example.com", "a b@example.com", ""])
def test_apply_email_bad(api, email):
    assert_invalid(create(api, apply_type="email", apply_email=email), "apply_email")


def test_update_to_external_needs_url(api, make_job):
    job = make_job()

    response = api.patch(f"/jobs/{job.pk}", json={"apply_type": "external"})

    assert_invalid(response, "apply_url")
    job.refresh_from_db()
    assert job.apply_type == "internal"


def test_update_external_with_stored_url(api, make_job):
    job = make_job(apply_url="https://example.com/a")

    response = api.patch(f"/jobs/{job.pk}", json={"apply_type": "external"})

    assert response.status_code == 200
    assert response.json()["data"]["apply_type"] == "external"


def test_update_clearing_required_url(api, make_job):
    job = make_job(apply_type="external", apply_url="https://example.com/a")

    response = api.patch(f"/jobs/{job.pk}", json={"apply_url": None})

    assert_invalid(response, "apply_url")
    job.refresh_from_db()
    assert job.apply_url == "https://example.com/a"


def test_update_clearing_required_email(api, make_job):
    job = make_job(apply_type="email", apply_email="a@example.com")

    response = api.patch(f"/jobs/{job.pk}", json={"apply_email": None})

    assert_invalid(response, "apply_email")


def test_update_switch_back_to_internal(api, make_job):
    job = make_job(apply_type="external", apply_url="https://example.com/a")

    response = api.patch(f"/jobs/{job.pk}", json={"apply_type": "internal", "apply_url": None})

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["apply_type"] == "internal"
    assert data["apply_url"] is None


# Category and technologies.


def test_category_must_exist(api, company):
    before = job_count(company)

    response = create(api, category_id=2**63 - 1)

    assert_invalid(response, "category_id")
    assert job_count(company) == before


def test_category_must_be_active(api, company, make_category):
    inactive = make_category(is_active=False)
    before = job_count(company)

    response = create(api, category_id=inactive.pk)

    assert_invalid(response, "category_id")
    assert job_count(company) == before


def test_update_to_inactive_category(api, make_job, make_category):
    active = make_category()
    job = make_job(category_id=active.pk)

    response = api.patch(f"/jobs/{job.pk}", json={"category_id": make_category(is_active=False).pk})

    assert_invalid(response, "category_id")
    job.refresh_from_db()
    assert job.category_id == active.pk


@pytest.mark.parametrize("value", [0, -1, "1", 1.0, [1]])
def test_category_id_wrong_type(api, value):
    assert_invalid(create(api, category_id=value), "category_id")


def test_technologies_must_exist(api, company, make_technology):
    known = make_technology()
    before = job_count(company)

    response = create(api, technologies=[known.pk, 2**63 - 1])

    message = assert_invalid(response, "technologies")
    assert str(2**63 - 1) in message
    assert job_count(company) == before


def test_technologies_sorted_and_deduplicated(api, make_technology, unique):
    beta = make_technology(name=f"Beta {unique}")
    alpha = make_technology(name=f"Alpha {unique}")

    job = created(api, technologies=[beta.pk, alpha.pk, beta.pk])

    assert [technology["id"] for technology in job["technologies"]] == [alpha.pk, beta.pk]


@pytest.mark.parametrize("value", [[0], ["1"], 1, None, [1.5]])
def test_technologies_wrong_type(api, value):
    assert_invalid(create(api, technologies=value), "technologies")


def test_technologies_max_items(api, make_technology):
    ids = [make_technology().pk for _ in range(51)]

    assert_invalid(create(api, technologies=ids), "technologies")
    assert len(created(api, technologies=ids[:50])["technologies"]) == 50


def test_update_technologies_replaces(api, make_job, make_technology):
    first, second = make_technology(), make_technology()
    job = make_job(technologies=[first.pk])

    replaced = api.patch(f"/jobs/{job.pk}", json={"technologies": [second.pk]}).json()["data"]
    cleared = api.patch(f"/jobs/{job.pk}", json={"technologies": []}).json()["data"]

    assert [technology["id"] for technology in replaced["technologies"]] == [second.pk]
    assert cleared["technologies"] == []


def test_update_unknown_technology_keeps_old(api, make_job, make_technology):
    technology = make_technology()
    job = make_job(technologies=[technology.pk])

    response = api.patch(f"/jobs/{job.pk}", json={"technologies": [2**63 - 1]})

    assert_invalid(response, "technologies")
    assert list(job.technologies.values_list("pk", flat=True)) == [technology.pk]


# Enumerations.


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("location_type", "mars"),
        ("location_type", "Remote"),
        ("employment_type", "full-time"),
        ("employment_type", ""),
        ("experience_level", "expert"),
        ("experience_level", None),
        ("apply_type", "phone"),
        ("apply_type", 1),
    ],
)
def test_enum_wrong_value(api, company, field, value):
    before = job_count(company)

    response = create(api, **{field: value})

    assert_invalid(response, field)
    assert job_count(company) == before


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("location_type", ["onsite", "remote", "hybrid"]),
        ("employment_type", ["fulltime", "parttime", "contract", "freelance", "internship"]),
        ("experience_level", ["junior", "mid", "senior", "lead", "any"]),
    ],
)
def test_enum_every_value(api, field, values):
    for value in values:
        assert created(api, **{field: value})[field] == value


@pytest.mark.parametrize("field", ["location_type", "employment_type", "experience_level", "apply_type"])
def test_update_enum_wrong_value(api, make_job, field):
    job = make_job()

    assert_invalid(api.patch(f"/jobs/{job.pk}", json={field: "unknown"}), field)


# Read-only and unknown fields.


@pytest.mark.parametrize(
    "field",
    [
        "id",
        "slug",
        "salary",
        "category",
        "created_at",
        "updated_at",
        "published_at",
        "expires_at",
        "applications_count",
        "company_id",
    ],
)
def test_read_only_field_rejected(api, company, make_job, field):
    job = make_job()
    before = job_count(company)

    created_response = create(api, **{field: None})
    updated_response = api.patch(f"/jobs/{job.pk}", json={field: 1})

    assert "read-only" in assert_invalid(created_response, field)
    assert "read-only" in assert_invalid(updated_response, field)
    assert job_count(company) == before


def test_unknown_field_rejected(api, make_job):
    job = make_job()

    assert "not a known field" in assert_invalid(create(api, colour="blau"), "colour")
    assert_invalid(api.put(f"/jobs/{job.pk}", json={"Title": "Koch"}), "Title")


# Publication.


def test_published_at_for_active_job(api):
    job = created(api)

    assert job["published_at"] is not None
    assert job["published_at"] >= job["created_at"]


def test_inactive_job_unpublished_until_activated(api):
    job = created(api, is_active=False)
    assert job["published_at"] is None

    response = api.patch(f"/jobs/{job['id']}", json={"is_active": True})

    assert response.status_code == 200
    activated = response.json()["data"]
    assert activated["is_active"] is True
    assert activated["published_at"] is not None


def test_deactivation_keeps_published_at(api):
    job = created(api)

    response = api.patch(f"/jobs/{job['id']}", json={"is_active": False})

    assert response.status_code == 200
    assert response.json()["data"]["is_active"] is False
    assert response.json()["data"]["published_at"] == job["published_at"]


# Update.


def test_put_is_partial(api, make_job, make_category):
    category = make_category()
    job = make_job(category_id=category.pk, requirements="Python", salary_min=1, salary_max=2)
    before = api.get(f"/jobs/{job.pk}").json()["data"]

    response = api.put(f"/jobs/{job.pk}", json={"location": "Hamburg"})

    assert response.status_code == 200
    after = response.json()["data"]
    assert after["location"] == "Hamburg"
    unchanged = {name: value for name, value in before.items() if name not in ("location", "updated_at")}
    assert {name: after[name] for name in unchanged} == unchanged


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requirements", "Python"),
        ("benefits", "Obstkorb"),
        ("start_date", "2025-06-01"),
        ("apply_url", "https://example.com/a"),
        ("apply_email", "a@example.com"),
    ],
)
def test_update_null_clears_field(api, make_job, field, value):
    job = make_job(**{field: value})
    assert api.get(f"/jobs/{job.pk}").json()["data"][field] == value

    response = api.patch(f"/jobs/{job.pk}", json={field: None})

    assert response.status_code == 200
    assert response.json()["data"][field] is None
    job.refresh_from_db()
    assert getattr(job, field) is None


@pytest.mark.parametrize(
    "field", ["location", "location_type", "is_active", "is_featured", "technologies", "soft_skills"]
)
def test_update_null_on_required_field(api, make_job, field):
    job = make_job()

    response = api.patch(f"/jobs/{job.pk}", json={field: None})

    assert "must not be null" in assert_invalid(response, field)


def test_update_returns_fresh_job(api, make_job):
    job = make_job()

    response = api.patch(f"/jobs/{job.pk}", json={"is_featured": True, "soft_skills": ["Ruhe"]})

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["is_featured"] is True
    assert data["soft_skills"] == ["Ruhe"]
    assert data["updated_at"] >= data["created_at"]
    assert api.get(f"/jobs/{job.pk}").json()["data"] == data


def test_update_search_finds_new_title(api, make_job, unique):
    job = make_job()

    api.patch(f"/jobs/{job.pk}", json={"title": f"Bäckerin {unique}"})

    found = api.get("/jobs", params={"search": f"BÄCKERIN {unique}"}).json()["data"]["jobs"]
    assert [item["id"] for item in found] == [job.pk]


# Delete.


def test_delete_removes_job(api, make_job, make_technology):
    job = make_job(technologies=[make_technology().pk])

    response = api.delete(f"/jobs/{job.pk}")

    assert response.status_code == 200
    assert response.json()["data"] == {"deleted": True, "job_id": job.pk}
    assert not Job.objects.filter(pk=job.pk).exists()
    assert_error(api.get(f"/jobs/{job.pk}"), 404, "JOB_NOT_FOUND")
    assert_error(api.delete(f"/jobs/{job.pk}"), 404, "JOB_NOT_FOUND")


@pytest.mark.parametrize(("job_id", "status", "code"), [("abc", 400, "INVALID_JOB_ID"), ("0", 400, "INVALID_JOB_ID"), (str(2**64), 404, "JOB_NOT_FOUND")])
def test_delete_bad_id(api, job_id, status, code):
    assert_error(api.delete(f"/jobs/{job_id}"), status, code)


# Permissions.


@pytest.mark.parametrize(
    ("method", "permission"), [("post", "create"), ("put", "update"), ("patch", "update"), ("delete", "delete")]
)
def test_write_needs_permission(client_for, make_key, make_job, company, method, permission):
    job = make_job()
    others = [name for name in ("read", "create", "update", "delete") if name != permission]
    client = client_for(make_key(company, permissions=others).plaintext)
    requests = {
        "post": ("/jobs", BASE_JOB),
        "put": (f"/jobs/{job.pk}", {"title": "Neu"}),
        "patch": (f"/jobs/{job.pk}", {"title": "Neu"}),
        "delete": (f"/jobs/{job.pk}", None),
    }
    path, body = requests[method]

    response = client.request(method.upper(), path, json=body)

    body = assert_error(response, 403, "PERMISSION_DENIED")
    assert body["error"]["details"] == {"required_permission": permission}
    job.refresh_from_db()
    assert job.title == BASE_JOB["title"]
    assert job_count(company) == 1


# Job limit and the order of checks.


@pytest.fixture
def full_company(make_company, make_key, make_job):
    """A company at its limit of one active job, with a client for its key."""
    company = make_company(job_limit=1)
    key = make_key(company)
    make_job(key=key)
    return company, key


def test_job_limit_blocks_active_create(full_company, client_for):
    company, key = full_company
    client = client_for(key.plaintext)

    response = client.post("/jobs", json=BASE_JOB)

    body = assert_error(response, 403, "JOB_LIMIT_EXCEEDED")
    assert body["error"]["details"] == {"limit": 1, "current_active_jobs": 1}
    assert job_count(company) == 1


def test_job_limit_allows_inactive(full_company, client_for):
    company, key = full_company
    client = client_for(key.plaintext)

    response = client.post("/jobs", json={**BASE_JOB, "is_active": False})

    assert response.status_code == 201
    job_id = response.json()["data"]["id"]
    assert_error(client.patch(f"/jobs/{job_id}", json={"is_active": True}), 403, "JOB_LIMIT_EXCEEDED")
    assert Job.objects.get(pk=job_id).is_active is False
    assert client.patch(f"/jobs/{job_id}", json={"title": "Neuer Titel"}).status_code == 200


def test_job_limit_allows_editing_active_job(full_company, client_for):
    company, key = full_company
    job = Job.objects.get(company=company)

    response = client_for(key.plaintext).patch(f"/jobs/{job.pk}", json={"is_active": True, "title": "Neuer Titel"})

    assert response.status_code == 200
    assert response.json()["data"]["title"] == "Neuer Titel"


def test_job_limit_checked_last(full_company, client_for):
    company, key = full_company
    client = client_for(key.plaintext)

    assert_error(client.post("/jobs", content=b"{}", headers={"Content-Type": "text/plain"}), 415, "INVALID_CONTENT_TYPE")
    assert_error(client.post("/jobs", content=b"{", headers={"Content-Type": "application/json"}), 400, "INVALID_REQUEST_BODY")
    assert_invalid(client.post("/jobs", json={**BASE_JOB, "title": "ab"}), "title")
    assert_invalid(client.post("/jobs", json={**BASE_JOB, "category_id": 2**63 - 1}), "category_id")
    assert job_count(company) == 1


def test_update_check_order(api, make_job):
    job = make_job()
    wrong_type = {"Content-Type": "text/plain"}

    assert_error(api.patch("/jobs/abc", content=b"{", headers=wrong_type), 400, "INVALID_JOB_ID")
    assert_error(api.patch(f"/jobs/{2**63 - 1}", content=b"{", headers=wrong_type), 404, "JOB_NOT_FOUND")
    assert_error(api.patch(f"/jobs/{job.pk}", content=b"{", headers=wrong_type), 415, "INVALID_CONTENT_TYPE")
    assert_error(api.patch(f"/jobs/{job.pk}", content=b'{"title": "a"', headers={"Content-Type": "application/json"}), 400, "INVALID_REQUEST_BODY")
    assert_invalid(api.patch(f"/jobs/{job.pk}", json={"title": "a"}), "title")
