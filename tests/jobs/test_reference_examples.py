"""The API reference's example requests, sent as written; only the base URL and the key differ.

The examples refer to category 5 and technologies 1, 2 and 3 of the
reference's own database. The session database has other ids, so the tests
create a category and three technologies and put their ids in those places:
the data counterpart of changing only the key.
"""

import json

import pytest

from tests.conftest import assert_error

CREATE_BODY = {
    "title": "Senior Backend Developer",
    "description": (
        "We are looking for an experienced backend developer with at least 5 years of professional experience "
        "in PHP. You will work on our core platform and collaborate closely with the front-end team."
    ),
    "location": "Berlin",
    "latitude": 52.52000000,
    "longitude": 13.40500000,
    "location_type": "hybrid",
    "employment_type": "fulltime",
    "experience_level": "senior",
    "category_id": 5,
    "salary_min": 65000,
    "salary_max": 85000,
    "technologies": [1, 2, 3],
    "apply_type": "internal",
    "start_date": "2024-03-15",
    "languages_required": ["Deutsch", "Englisch"],
    "soft_skills": ["Teamfähigkeit", "Kommunikation"],
    "is_active": True,
}


@pytest.fixture
def reference_ids(make_category, make_technology):
    """Stand-ins for the reference's category 5 and technologies 1, 2, 3."""
    category = make_category()
    technologies = [make_technology(category="framework", is_trending=True) for _ in range(3)]
    return category, technologies


@pytest.fixture
def create_body(reference_ids) -> dict:
    category, technologies = reference_ids
    return {**CREATE_BODY, "category_id": category.pk, "technologies": [technology.pk for technology in technologies]}


@pytest.fixture
def created_job(api, create_body) -> dict:
    response = api.post("/jobs", json=create_body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def test_list_with_paging_and_filter(api, created_job):
    response = api.get("/jobs?page=1&per_page=10&is_active=true")

    assert response.status_code == 200
    data = response.json()["data"]
    assert [job["id"] for job in data["jobs"]] == [created_job["id"]]
    assert data["pagination"] == {"current_page": 1, "per_page": 10, "total": 1, "total_pages": 1}


def test_list_active_jobs(api, created_job):
    response = api.get("/jobs?is_active=true&per_page=10")

    assert response.status_code == 200
    assert [job["id"] for job in response.json()["data"]["jobs"]] == [created_job["id"]]


def test_get_single_job(api, created_job):
    response = api.get(f"/jobs/{created_job['id']}")

    assert response.status_code == 200
    assert response.json()["success"] is True
    assert response.json()["data"] == created_job


def test_create_full_job(api, create_body, reference_ids):
    category, technologies = reference_ids

    response = api.post("/jobs", json=create_body)

    assert response.status_code == 201
    job = response.json()["data"]
    for field in ("title", "description", "location", "location_type", "employment_type", "experience_level"):
        assert job[field] == create_body[field], field
    for field in ("apply_type", "start_date", "languages_required", "soft_skills", "is_active"):
        assert job[field] == create_body[field], field
    assert job["latitude"] == 52.52
    assert job["longitude"] == 13.405
    assert job["category"] == {"id": category.pk, "name": category.name, "slug": category.slug}
    assert job["salary"] == {"min": 65000, "max": 85000, "currency": "EUR"}
    assert sorted(technology["id"] for technology in job["technologies"]) == sorted(
        technology.pk for technology in technologies
    )
    assert all(technology["category"] == "framework" for technology in job["technologies"])
    assert job["is_featured"] is False
    assert job["published_at"] is not None


def test_update_salary_and_featured(api, created_job):
    response = api.put(
        f"/jobs/{created_job['id']}", json={"salary_min": 70000, "salary_max": 90000, "is_featured": True}
    )

    assert response.status_code == 200
    job = response.json()["data"]
    assert job["salary"] == {"min": 70000, "max": 90000, "currency": "EUR"}
    assert job["is_featured"] is True
    assert job["title"] == created_job["title"]


def test_delete_created_job(api, created_job):
    response = api.delete(f"/jobs/{created_job['id']}")

    assert response.status_code == 200
    assert response.json()["data"] == {"deleted": True, "job_id": created_job["id"]}


def test_list_all_categories(api, reference_ids):
    category, _technologies = reference_ids

    response = api.get("/categories")

    assert response.status_code == 200
    data = response.json()["data"]
    assert category.pk in [item["id"] for item in data["categories"]]
    assert data["total"] == len(data["categories"])


def test_list_trending_frameworks(api, reference_ids):
    _category, technologies = reference_ids

    response = api.get("/technologies?category=framework&trending=true")

    assert response.status_code == 200
    items = response.json()["data"]["technologies"]
    assert {technology.pk for technology in technologies} <= {item["id"] for item in items}
    assert all(item["category"] == "framework" and item["is_trending"] is True for item in items)


def test_curl_create_short_description(api, company):
    # The example's description, "Description at least 50 characters long...",
    # has 42 characters, so the 50-character minimum rejects it.
    body = '{"title":"PHP Developer","description":"Description at least 50 characters long...","location":"Berlin"}'
    assert len(json.loads(body)["description"]) == 42

    response = api.post("/jobs", content=body.encode(), headers={"Content-Type": "application/json"})

    result = assert_error(response, 422, "VALIDATION_ERROR", "description")
    assert set(result["error"]["details"]["errors"]) == {"description"}
    assert result["error"]["details"]["errors"]["description"] == "Description must be at least 50 characters"
    assert company.jobs.count() == 0


def test_python_client_example(api, reference_ids):
    # The description below has 89 characters, above the 50-character minimum.
    job_data = {
        "title": "Python Developer",
        "description": "We are looking for an experienced Python developer with at least 3 years of experience...",
        "location": "München",
        "location_type": "remote",
        "employment_type": "fulltime",
        "salary_min": 55000,
        "salary_max": 75000,
    }

    categories = api.get("/categories")
    technologies = api.get("/technologies", params={"category": "framework", "trending": "true"})
    created = api.post("/jobs", json=job_data)
    jobs = api.get("/jobs", params={"is_active": "true", "per_page": 20})

    assert categories.status_code == 200
    assert categories.json()["data"]["total"] == len(categories.json()["data"]["categories"])
    assert technologies.status_code == 200
    assert technologies.json()["data"]["total"] >= 3
    assert created.status_code == 201
    job = created.json()["data"]
    assert job["location"] == "München"
    assert job["location_type"] == "remote"
    assert job["salary"] == {"min": 55000, "max": 75000, "currency": "EUR"}
    assert jobs.status_code == 200
    assert [item["id"] for item in jobs.json()["data"]["jobs"]] == [job["id"]]
    assert jobs.json()["data"]["pagination"]["per_page"] == 20
