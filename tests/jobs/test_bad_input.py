"""Bad and unusual input to the jobs endpoints: each case gets the documented status, never a 5xx."""

import json

import pytest

from jobriver.jobs.models import Job
from tests.conftest import BASE_JOB, assert_error, remove_jobs_with_slug_base

JSON = {"Content-Type": "application/json"}


def assert_invalid(response, field: str) -> None:
    body = assert_error(response, 422, "VALIDATION_ERROR", field)
    errors = body["error"]["details"]["errors"]
    assert set(errors) == {field}, errors
    assert isinstance(errors[field], str) and errors[field]


def job_count(company) -> int:
    return Job.objects.filter(company=company).count()


def post_raw(api, body: bytes | str, headers=JSON):
    content = body.encode() if isinstance(body, str) else body
    return api.post("/jobs", content=content, headers=headers)


def list_ids(api, **params) -> list[int]:
    response = api.get("/jobs", params=params)
    assert response.status_code == 200, response.text
    return [job["id"] for job in response.json()["data"]["jobs"]]


@pytest.fixture
def category(make_category):
    return make_category()


@pytest.fixture
def job(make_job, category) -> Job:
    """An active job with a category, a salary range of 50,000–70,000 and two languages."""
    return make_job(
        category_id=category.pk,
        salary_min=50000,
        salary_max=70000,
        apply_type="internal",
        languages_required=["Deutsch", "Englisch"],
    )


def job_object(api, job_id: int) -> dict:
    response = api.get(f"/jobs/{job_id}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


# Slugs.


def test_slug_german_transliteration(api):
    remove_jobs_with_slug_base("mueller-soehne-strassenbau-ingenieur-m-w-d")
    remove_jobs_with_slug_base("mueller-entwickler")

    company_name = api.post("/jobs", json={**BASE_JOB, "title": "Müller & Söhne: Straßenbau-Ingenieur (m/w/d)"})
    precomposed = api.post("/jobs", json={**BASE_JOB, "title": "M\u00fcller Entwickler"})
    decomposed = api.post("/jobs", json={**BASE_JOB, "title": "Mu\u0308ller Entwickler"})

    assert company_name.status_code == 201
    assert precomposed.status_code == 201
    assert decomposed.status_code == 201
    assert company_name.json()["data"]["slug"] == "mueller-soehne-strassenbau-ingenieur-m-w-d"
    assert precomposed.json()["data"]["slug"] == "mueller-entwickler"
    assert decomposed.json()["data"]["slug"] == "mueller-entwickler-2"


def test_slug_suffixes_in_order(api):
    remove_jobs_with_slug_base("senior-backend-developer")

    first = api.post("/jobs", json=BASE_JOB).json()["data"]["slug"]
    second = api.post("/jobs", json=BASE_JOB).json()["data"]["slug"]
    numbered = api.post("/jobs", json={**BASE_JOB, "title": "Senior Backend Developer 2"}).json()["data"]["slug"]
    third = api.post("/jobs", json=BASE_JOB).json()["data"]["slug"]

    assert first == "senior-backend-developer"
    assert second == "senior-backend-developer-2"
    assert numbered != "senior-backend-developer-2"
    assert numbered.startswith("senior-backend-developer-2")
    assert third == "senior-backend-developer-3"


# Query strings.


def test_list_bad_paging_values(api):
    for value in ["0", "-5", "abc", "2.5", "101", "1e2", " 5"]:
        assert_invalid(api.get("/jobs", params={"per_page": value}), "per_page")
    assert_invalid(api.get("/jobs", params={"category_id": "abc"}), "category_id")

    response = api.get("/jobs", params={"per_page": "100"})

    assert response.status_code == 200
    assert response.json()["data"]["pagination"]["per_page"] == 100


def test_list_bad_page_values(api):
    for value in ["0", "-1", "1.0", "eins"]:
        assert_invalid(api.get("/jobs", params={"page": value}), "page")


def test_list_is_active_spellings(api, make_job):
    active = make_job(is_active=True)
    inactive = make_job(is_active=False)

    for value in ["true", "1", "TRUE", "True"]:
        assert list_ids(api, is_active=value) == [active.pk], value
    for value in ["false", "0", "FALSE"]:
        assert list_ids(api, is_active=value) == [inactive.pk], value
    for value in ["maybe", "yes", "2"]:
        assert_invalid(api.get("/jobs", params={"is_active": value}), "is_active")
    assert list_ids(api, is_active="") == [inactive.pk, active.pk]
    assert list_ids(api) == [inactive.pk, active.pk]


def test_list_search_wildcards_literal(api, make_job):
    percent = make_job(title="100% Remote: Python Developer")
    underscore = make_job(title="Python_Entwickler Backend")
    make_job(title="PythonXEntwickler Frontend")

    assert list_ids(api, search="Python_Entwickler") == [underscore.pk]
    assert api.get("/jobs?search=%25").status_code == 200
    assert list_ids(api, search="%") == [percent.pk]
    assert list_ids(api, search="\\") == []
    assert list_ids(api, search="_") == [underscore.pk]


def test_list_search_german_case(api, make_job):
    job = make_job(title="Ärztin / Arzt für Allgemeinmedizin (München)")

    for needle in ["ärztin", "ÄRZTIN", "münchen", "MÜNCHEN", "Mu\u0308nchen"]:
        assert list_ids(api, search=needle) == [job.pk], needle


# Request bodies.


def test_content_type_variants(api, company):
    before = job_count(company)
    body = json.dumps(BASE_JOB).encode()

    for content_type in ["application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON"]:
        response = api.post("/jobs", content=body, headers={"Content-Type": content_type})
        assert response.status_code == 201, content_type
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "text/json"]:
        response = api.post("/jobs", content=body, headers={"Content-Type": content_type})
        assert_error(response, 415, "INVALID_CONTENT_TYPE")
    request = api.build_request("POST", "/jobs", content=body)
    assert "Content-Type" not in request.headers
    assert_error(api.send(request), 415, "INVALID_CONTENT_TYPE")

    assert job_count(company) == before + 3


def test_body_not_a_json_object(api, company, job):
    before = job_object(api, job.pk)
    count = job_count(company)

    for raw in [b"", b"   ", b'{"title":"abc",}', b"null", b"[]", b'"x"', b"42", b"{'title': 'abc'}", b"{"]:
        assert_error(post_raw(api, raw), 400, "INVALID_REQUEST_BODY")
        assert_error(api.patch(f"/jobs/{job.pk}", content=raw, headers=JSON), 400, "INVALID_REQUEST_BODY")
        assert_error(api.put(f"/jobs/{job.pk}", content=raw, headers=JSON), 400, "INVALID_REQUEST_BODY")

    response = api.patch(f"/jobs/{job.pk}", json={})

    assert response.status_code == 200
    assert response.json()["data"] == before
    assert job_object(api, job.pk) == before
    assert job_count(company) == count


def test_non_finite_numbers(api, company):
    before = job_count(company)
    prefix = json.dumps(BASE_JOB)[:-1]

    for token in ["NaN", "-Infinity", "Infinity"]:
        assert_error(post_raw(api, f'{prefix}, "latitude": {token}}}'), 400, "INVALID_REQUEST_BODY")
    assert_invalid(post_raw(api, f'{prefix}, "latitude": "NaN"}}'), "latitude")
    assert_invalid(post_raw(api, f'{prefix}, "salary_min": 1e400}}'), "salary_min")
    assert_invalid(post_raw(api, f'{prefix}, "longitude": -1e400}}'), "longitude")

    assert api.get("/jobs").status_code == 200
    assert job_count(company) == before


def test_wrong_json_types(api, company, make_technology):
    technology = make_technology()
    before = job_count(company)
    cases = [
        ("category_id", True),
        ("salary_min", True),
        ("category_id", 3.7),
        ("technologies", [technology.pk, True]),
        ("is_featured", "false"),
        ("is_active", "no"),
        ("salary_min", "50000"),
        ("is_featured", 0),
        ("title", 12345),
        ("languages_required", "Deutsch"),
    ]

    for field, value in cases:
        assert_invalid(api.post("/jobs", json={**BASE_JOB, field: value}), field)

    assert job_count(company) == before


# Partial updates.


def test_patch_changes_only_sent_fields(api, job):
    before = job_object(api, job.pk)

    response = api.patch(f"/jobs/{job.pk}", json={"title": "Senior Backend Developer (Remote)"})

    assert response.status_code == 200
    after = response.json()["data"]
    assert after["title"] == "Senior Backend Developer (Remote)"
    assert after["slug"] == before["slug"]
    kept = {name: value for name, value in before.items() if name not in ("title", "updated_at")}
    assert {name: after[name] for name in kept} == kept

    cleared = api.patch(f"/jobs/{job.pk}", json={"category_id": None})
    assert cleared.status_code == 200
    assert cleared.json()["data"]["category"] is None

    emptied = api.patch(f"/jobs/{job.pk}", json={"languages_required": []})
    assert emptied.status_code == 200
    assert emptied.json()["data"]["languages_required"] == []

    current = job_object(api, job.pk)
    assert_invalid(api.patch(f"/jobs/{job.pk}", json={"title": None}), "title")
    assert_invalid(api.patch(f"/jobs/{job.pk}", json={"description": None}), "description")
    assert job_object(api, job.pk) == current


def test_patch_salary_on_merged_record(api, job):
    before = job_object(api, job.pk)

    too_high = api.patch(f"/jobs/{job.pk}", json={"salary_min": 80000})
    body = assert_error(too_high, 422, "VALIDATION_ERROR")
    assert set(body["error"]["details"]["errors"]) & {"salary_min", "salary_max"}
    assert_invalid(api.patch(f"/jobs/{job.pk}", json={"salary_max": 40000}), "salary_max")
    assert job_object(api, job.pk) == before

    response = api.patch(f"/jobs/{job.pk}", json={"salary_min": 60000})

    assert response.status_code == 200
    assert response.json()["data"]["salary"] == {"min": 60000, "max": 70000, "currency": "EUR"}


def test_start_date_format(api, company, job):
    before = job_count(company)

    for value in ["2024-02-30", "2023-02-29", "2024-2-9", "01.05.2024", "2024-05-01T00:00:00+02:00", 1714521600,
                  "20240501", "2024-W18-3", "２０２４-０５-０１", "2024-05-01 "]:
        assert_invalid(api.post("/jobs", json={**BASE_JOB, "start_date": value}), "start_date")
        assert_invalid(api.patch(f"/jobs/{job.pk}", json={"start_date": value}), "start_date")
    assert job_count(company) == before

    response = api.post("/jobs", json={**BASE_JOB, "start_date": "2024-02-29"})

    assert response.status_code == 201
    assert response.json()["data"]["start_date"] == "2024-02-29"


def test_trailing_slash_same_as_without(api, job):
    created = api.post("/jobs/", json=BASE_JOB)
    listed = api.get("/jobs/")
    fetched = api.get(f"/jobs/{job.pk}/")
    patched = api.patch(f"/jobs/{job.pk}/", json={"is_featured": True})
    deleted = api.delete(f"/jobs/{created.json()['data']['id']}/")

    assert created.status_code == 201
    assert listed.status_code == 200
    assert {item["id"] for item in listed.json()["data"]["jobs"]} == {job.pk, created.json()["data"]["id"]}
    assert fetched.status_code == 200
    assert fetched.json()["data"]["id"] == job.pk
    assert patched.status_code == 200
    assert patched.json()["data"]["is_featured"] is True
    assert deleted.status_code == 200
    assert_error(api.get("/jobs/abc/"), 400, "INVALID_JOB_ID")
    assert_error(api.post("/jobs/", content=b"x", headers={"Content-Type": "text/plain"}), 415, "INVALID_CONTENT_TYPE")
    for response in (created, listed, fetched, patched, deleted):
        assert "Location" not in response.headers


# Neighbouring cases.


def test_duplicate_keys_rejected(api, company, job):
    before = job_count(company)
    prefix = json.dumps(BASE_JOB)[:-1]

    assert_error(post_raw(api, f'{prefix}, "title": "Zweiter Titel"}}'), 400, "INVALID_REQUEST_BODY")
    assert_error(post_raw(api, f'{prefix}, "x": {{"a": 1, "a": 2}}}}'), 400, "INVALID_REQUEST_BODY")
    patch = api.patch(f"/jobs/{job.pk}", content=b'{"title": "Eins", "title": "Zwei"}', headers=JSON)
    assert_error(patch, 400, "INVALID_REQUEST_BODY")
    assert job_count(company) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Koch\u0000Köchin"),
        ("description", "x" * 60 + "\ud800"),
        ("location", "\udfff"),
        ("requirements", "a\u0000"),
        ("apply_url", "https://example.com/\u0000"),
        ("languages_required", ["Deutsch", "\ud83d"]),
        ("soft_skills", ["\u0000"]),
    ],
)
def test_bad_characters_rejected(api, company, job, field, value):
    before = job_count(company)
    stored = job_object(api, job.pk)
    # json.dumps escapes both as \\u sequences, as a client would send them.
    body = json.dumps({**BASE_JOB, field: value})

    assert_invalid(post_raw(api, body), field)
    assert_invalid(api.patch(f"/jobs/{job.pk}", content=json.dumps({field: value}).encode(), headers=JSON), field)
    assert job_count(company) == before
    assert job_object(api, job.pk) == stored


def test_bad_characters_in_keys(api, company):
    before = job_count(company)
    prefix = json.dumps(BASE_JOB)[:-1]

    assert_invalid(post_raw(api, f'{prefix}, "a\\u0000b": 1}}'), "a\u0000b")
    surrogate_key = post_raw(api, f'{prefix}, "\\ud800": 1}}')
    assert_invalid(surrogate_key, "body")
    message = surrogate_key.json()["error"]["details"]["errors"]["body"]
    assert message == "body contains a NUL character or an unpaired surrogate"
    assert job_count(company) == before


@pytest.mark.parametrize(
    ("field", "literal"),
    [
        ("category_id", str(2**63)),
        ("category_id", str(2**64)),
        ("category_id", "1" * 5000),
        ("technologies", f"[{2**64}]"),
        ("technologies", f"[1, {'9' * 5000}]"),
        ("salary_min", "-" + "9" * 5000),
        ("latitude", "9" * 5000),
    ],
)
def test_huge_integers_rejected(api, company, field, literal):
    before = job_count(company)
    prefix = json.dumps(BASE_JOB)[:-1]

    assert_invalid(post_raw(api, f'{prefix}, "{field}": {literal}}}'), field)
    assert job_count(company) == before


def test_deep_nesting_rejected(api, company):
    before = job_count(company)
    prefix = json.dumps(BASE_JOB)[:-1]
    depth = 100_000

    assert_error(post_raw(api, "[" * depth + "]" * depth), 400, "INVALID_REQUEST_BODY")
    assert_error(post_raw(api, f'{prefix}, "soft_skills": {"[" * depth + "]" * depth}}}'), 400, "INVALID_REQUEST_BODY")
    assert_error(post_raw(api, '{"a":' * 40_000 + "1" + "}" * 40_000), 400, "INVALID_REQUEST_BODY")
    assert api.get("/jobs").status_code == 200
    assert job_count(company) == before


def test_invalid_utf8_rejected(api, company, job):
    before = job_count(company)
    valid = json.dumps(BASE_JOB, ensure_ascii=False).encode()

    for raw in [valid.replace("Köln".encode(), b"K\xf6ln"), b'{"title": "\xc3"}', b"\xff\xfe{}", "{}".encode("utf-16")]:
        assert_error(post_raw(api, raw), 400, "INVALID_REQUEST_BODY")
    patch = api.patch(f"/jobs/{job.pk}", content=b'{"title": "K\xf6chin"}', headers=JSON)
    assert_error(patch, 400, "INVALID_REQUEST_BODY")
    assert job_count(company) == before


def test_whitespace_around_body_accepted(api):
    response = post_raw(api, "\n  " + json.dumps(BASE_JOB) + "  \n")

    assert response.status_code == 201
