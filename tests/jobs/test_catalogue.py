"""GET /categories and GET /technologies: filters, ordering, counts and query counts.

The catalogue is shared by every test of the session, so each test names
its entries with the `unique` fixture and searches for that word.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobriver.jobs import selectors
from jobriver.jobs.schemas import category_to_dict, technology_to_dict
from tests.conftest import assert_error


def get_data(api, path: str, **params) -> dict:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def assert_invalid(response, field: str) -> None:
    body = assert_error(response, 422, "VALIDATION_ERROR", field)
    assert set(body["error"]["details"]["errors"]) == {field}


# Categories.


def test_categories_response_shape(api, make_category, unique):
    category = make_category(name=f"Pflege {unique}", icon="heart", description="Kranken- und Altenpflege")

    data = get_data(api, "/categories", search=unique)

    assert data == {
        "categories": [
            {
                "id": category.pk,
                "name": category.name,
                "slug": category.slug,
                "icon": "heart",
                "description": "Kranken- und Altenpflege",
                "job_count": 0,
            }
        ],
        "total": 1,
    }


def test_categories_total_matches_list(api, make_category):
    make_category()

    data = get_data(api, "/categories")

    assert data["total"] == len(data["categories"])
    assert data["total"] >= 1


def test_categories_sorted_by_sort_order(api, make_category, unique):
    third = make_category(name=f"A {unique}", sort_order=3)
    first = make_category(name=f"C {unique}", sort_order=1)
    second = make_category(name=f"B {unique}", sort_order=2)

    data = get_data(api, "/categories", search=unique)

    assert [item["id"] for item in data["categories"]] == [first.pk, second.pk, third.pk]


def test_categories_only_active(api, make_category, unique):
    active = make_category(name=f"Aktiv {unique}")
    make_category(name=f"Inaktiv {unique}", is_active=False)

    data = get_data(api, "/categories", search=unique)

    assert [item["id"] for item in data["categories"]] == [active.pk]
    assert data["total"] == 1


def test_categories_count_active_jobs(api, make_category, make_job, make_key, unique):
    category = make_category(name=f"Handwerk {unique}")
    make_job(category_id=category.pk)
    make_job(category_id=category.pk, is_active=False)
    make_job(key=make_key(), category_id=category.pk)

    data = get_data(api, "/categories", search=unique)

    assert data["categories"][0]["job_count"] == 2


@pytest.mark.parametrize("needle", ["ärzte", "ÄRZTE", "Ärzte", "A\u0308rzte", "rzte"])
def test_categories_search_case_insensitive(api, make_category, unique, needle):
    category = make_category(name=f"Ärzte {unique}")

    data = get_data(api, "/categories", search=f"{needle} {unique}")

    assert [item["id"] for item in data["categories"]] == [category.pk]


def test_categories_search_no_match(api, make_category, unique):
    make_category(name=f"Logistik {unique}")

    data = get_data(api, "/categories", search=f"{unique}-nichts")

    assert data == {"categories": [], "total": 0}


def test_categories_search_too_long(api):
    assert_invalid(api.get("/categories", params={"search": "k" * 101}), "search")
    assert get_data(api, "/categories", search="k" * 100)["total"] == 0


def test_categories_empty_search_lists_all(api, make_category):
    make_category()

    assert get_data(api, "/categories", search="") == get_data(api, "/categories")


def test_categories_need_read_permission(client_for, make_key):
    client = client_for(make_key(permissions=["create"]).plaintext)

    assert_error(client.get("/categories"), 403, "PERMISSION_DENIED")


def test_categories_need_key(anonymous):
    assert_error(anonymous.get("/categories"), 401, "MISSING_API_KEY")


# Technologies.


def test_technologies_response_shape(api, make_technology, unique):
    technology = make_technology(name=f"Rust {unique}", category="language", is_trending=True)

    data = get_data(api, "/technologies", search=unique)

    assert data == {
        "technologies": [
            {
                "id": technology.pk,
                "name": technology.name,
                "slug": technology.slug,
                "category": "language",
                "job_count": 0,
                "is_trending": True,
            }
        ],
        "total": 1,
    }


def test_technologies_sorted_by_name(api, make_technology, unique):
    beta = make_technology(name=f"{unique} beta")
    alpha = make_technology(name=f"{unique} alpha")
    gamma = make_technology(name=f"{unique} gamma")

    data = get_data(api, "/technologies", search=unique)

    assert [item["id"] for item in data["technologies"]] == [alpha.pk, beta.pk, gamma.pk]


def test_technologies_filter_by_category(api, make_technology, unique):
    framework = make_technology(name=f"Django {unique}", category="framework")
    make_technology(name=f"PostgreSQL {unique}", category="database")

    data = get_data(api, "/technologies", search=unique, category="framework")

    assert [item["id"] for item in data["technologies"]] == [framework.pk]
    assert all(item["category"] == "framework" for item in get_data(api, "/technologies", category="framework")["technologies"])


@pytest.mark.parametrize("category", ["language", "framework", "database", "devops", "cloud", "tool", "other"])
def test_technologies_every_category(api, make_technology, unique, category):
    technology = make_technology(name=f"{category} {unique}", category=category)

    data = get_data(api, "/technologies", search=unique, category=category)

    assert [item["id"] for item in data["technologies"]] == [technology.pk]


@pytest.mark.parametrize("value", ["Framework", "frameworks", "sprache", "1"])
def test_technologies_bad_category(api, value):
    assert_invalid(api.get("/technologies", params={"category": value}), "category")


def test_technologies_filter_by_trending(api, make_technology, unique):
    trending = make_technology(name=f"Trend {unique}", is_trending=True)
    steady = make_technology(name=f"Stetig {unique}")

    for value in ["true", "1", "TRUE"]:
        assert [item["id"] for item in get_data(api, "/technologies", search=unique, trending=value)["technologies"]] == [trending.pk]
    for value in ["false", "0"]:
        assert [item["id"] for item in get_data(api, "/technologies", search=unique, trending=value)["technologies"]] == [steady.pk]
    assert get_data(api, "/technologies", search=unique, trending="")["total"] == 2


@pytest.mark.parametrize("value", ["yes", "maybe", "2"])
def test_technologies_bad_trending(api, value):
    assert_invalid(api.get("/technologies", params={"trending": value}), "trending")


def test_technologies_combined_filters(api, make_technology, unique):
    matching = make_technology(name=f"Vue {unique}", category="framework", is_trending=True)
    make_technology(name=f"Angular {unique}", category="framework")
    make_technology(name=f"Go {unique}", category="language", is_trending=True)

    data = get_data(api, "/technologies", search=unique, category="framework", trending="true")

    assert [item["id"] for item in data["technologies"]] == [matching.pk]
    assert data["total"] == 1


def test_technologies_count_active_jobs(api, make_technology, make_job, make_key, unique):
    technology = make_technology(name=f"Kotlin {unique}")
    make_job(technologies=[technology.pk])
    make_job(technologies=[technology.pk], is_active=False)
    make_job(key=make_key(), technologies=[technology.pk])

    data = get_data(api, "/technologies", search=unique)

    assert data["technologies"][0]["job_count"] == 2


def test_technologies_search_case_insensitive(api, make_technology, unique):
    technology = make_technology(name=f"Übersetzungs-Tool {unique}")

    for needle in ["übersetzungs", "ÜBERSETZUNGS", unique.upper()]:
        assert [item["id"] for item in get_data(api, "/technologies", search=needle)["technologies"]] == [technology.pk]


def test_technologies_search_too_long(api):
    assert_invalid(api.get("/technologies", params={"search": "t" * 101}), "search")


def test_technologies_search_nul_character(api):
    assert_invalid(api.get("/technologies", params={"search": "a\x00"}), "search")


def test_technologies_need_read_permission(client_for, make_key):
    client = client_for(make_key(permissions=["update"]).plaintext)

    assert_error(client.get("/technologies"), 403, "PERMISSION_DENIED")


@pytest.mark.parametrize("path", ["/categories/", "/technologies/"])
def test_catalogue_trailing_slash(api, path):
    response = api.get(path, params={"search": "x" * 100})

    assert response.status_code == 200
    assert response.json()["data"]["total"] == 0


# Query counts.


def test_category_list_query_count(make_category, make_job, unique):
    category = make_category(name=f"Zählung {unique}")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            categories = selectors.category_list(search=unique)
            serialised = [category_to_dict(item) for item in categories]
        assert len(serialised) == 1
        return len(queries)

    for _ in range(2):
        make_job(category_id=category.pk)
    with_two = count_queries()
    for _ in range(8):
        make_job(category_id=category.pk)
    with_ten = count_queries()

    assert with_two == with_ten == 1


def test_technology_list_query_count(make_technology, make_job, unique):
    technology = make_technology(name=f"Zählung {unique}")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            technologies = selectors.technology_list(search=unique, category="other", trending=False)
            serialised = [technology_to_dict(item) for item in technologies]
        assert len(serialised) == 1
        return len(queries)

    for _ in range(2):
        make_job(technologies=[technology.pk])
    with_two = count_queries()
    for _ in range(8):
        make_job(technologies=[technology.pk])
    with_ten = count_queries()

    assert with_two == with_ten == 1
