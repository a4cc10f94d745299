"""The permission matrix: every endpoint against keys with each single permission.

GET /status accepts any valid key. The job, category and technology routes
need read, create, update or delete, as ENDPOINTS lists them.
"""

import pytest

from jobriver.access.models import ALL_PERMISSIONS
from jobriver.jobs.models import Job
from tests.conftest import BASE_JOB, assert_error

# (method, path, required permission or None, body, status when allowed)
ENDPOINTS = [
    ("GET", "/status", None, None, 200),
    ("GET", "/jobs", "read", None, 200),
    ("GET", "/jobs/{job_id}", "read", None, 200),
    ("GET", "/categories", "read", None, 200),
    ("GET", "/technologies", "read", None, 200),
    ("POST", "/jobs", "create", BASE_JOB, 201),
    ("PUT", "/jobs/{job_id}", "update", {"title": "Lead Backend Developer"}, 200),
    ("PATCH", "/jobs/{job_id}", "update", {"title": "Lead Backend Developer"}, 200),
    ("DELETE", "/jobs/{job_id}", "delete", None, 200),
]

PERMISSION_SETS = [[permission] for permission in ALL_PERMISSIONS] + [[], list(ALL_PERMISSIONS)]


def _endpoint_id(endpoint) -> str:
    return f"{endpoint[0]} {endpoint[1]}"


def _permissions_id(permissions: list[str]) -> str:
    return "+".join(permissions) or "none"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_endpoint_id)
@pytest.mark.parametrize("permissions", PERMISSION_SETS, ids=_permissions_id)
def test_permission_matrix(client_for, make_key, make_job, company, endpoint, permissions):
    method, path, required, body, allowed_status = endpoint
    job = make_job()
    issued = make_key(company, permissions=permissions)

    response = client_for(issued.plaintext).request(method, path.format(job_id=job.pk), json=body)

    if required is None or required in permissions:
        assert response.status_code == allowed_status, response.text
        assert response.json()["success"] is True
    else:
        error = assert_error(response, 403, "PERMISSION_DENIED")["error"]
        assert error["details"] == {"required_permission": required}
        assert error["message"] == f"This API key lacks the '{required}' permission."


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_endpoint_id)
def test_endpoint_without_key(anonymous, make_job, endpoint):
    method, path, _required, body, _status = endpoint
    job = make_job()

    response = anonymous.request(method, path.format(job_id=job.pk), json=body)

    assert_error(response, 401, "MISSING_API_KEY")


@pytest.mark.parametrize(
    ("permissions", "method", "body"),
    [
        (["read", "create", "delete"], "PATCH", {"title": "Lead Backend Developer"}),
        (["read", "create", "update"], "DELETE", None),
    ],
    ids=["patch-without-update", "delete-without-delete"],
)
def test_denied_write_changes_nothing(client_for, make_key, make_job, company, permissions, method, body):
    job = make_job()
    issued = make_key(company, permissions=permissions)

    response = client_for(issued.plaintext).request(method, f"/jobs/{job.pk}", json=body)

    assert_error(response, 403, "PERMISSION_DENIED")
    assert Job.objects.get(pk=job.pk).title == BASE_JOB["title"]


def test_denied_create_adds_no_job(client_for, make_key, company):
    issued = make_key(company, permissions=["read", "update", "delete"])

    response = client_for(issued.plaintext).post("/jobs", json=BASE_JOB)

    assert_error(response, 403, "PERMISSION_DENIED")
    assert Job.objects.filter(company=company).count() == 0


def test_permission_change_applies_at_once(client_for, make_key):
    issued = make_key(permissions=["read"])
    client = client_for(issued.plaintext)
    assert client.get("/jobs").status_code == 200

    issued.credential.permissions = ["create"]
    issued.credential.save(update_fields=["permissions"])

    assert_error(client.get("/jobs"), 403, "PERMISSION_DENIED")
    assert client.post("/jobs", json=BASE_JOB).status_code == 201
