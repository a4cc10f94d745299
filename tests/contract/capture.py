"""Capture the response examples of the OpenAPI document from a live server.

`capture_examples` sends one request per example and returns the structure
of `jobriver.api.openapi_examples.RESPONSE_EXAMPLES`. test_examples.py
compares it with the stored examples and writes it to
test-output/openapi_examples.py, from where a changed shape is copied
into the source.
"""

import json
import pprint
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from jobriver.access.services import admin_token_create, api_key_create
from jobriver.companies.services import company_create
from jobriver.crm.api import LEAD_CREATE_EXAMPLE
from jobriver.crm.models import Package
from jobriver.jobs.api import JOB_CREATE_EXAMPLE
from jobriver.jobs.models import Category, Technology
from tests.conftest import make_client

JSON = {"Content-Type": "application/json"}
JOB = JOB_CREATE_EXAMPLE
LEAD = LEAD_CREATE_EXAMPLE


@dataclass(frozen=True)
class Example:
    operation_id: str
    name: str
    summary: str
    send: Callable[[], httpx.Response]


def _examples(server_url: str, unique: str, staff_user) -> list[Example]:
    company = company_create(name=f"Muster GmbH {unique}")
    full = api_key_create(company=company, name="ATS", permissions=["read", "create", "update", "delete"], rate_limit=10_000)
    read_only = api_key_create(company=company, name="Reader", permissions=["read"], rate_limit=10_000)
    one_per_minute = api_key_create(company=company, name="Slow", permissions=["read"], rate_limit=1)
    full_company = company_create(name=f"Volle GmbH {unique}", job_limit=0)
    limited = api_key_create(company=full_company, name="ATS", permissions=["create"], rate_limit=10_000)
    token = admin_token_create(user=staff_user, name="Website", permissions=["create"], rate_limit=10_000)
    reader_token = admin_token_create(user=staff_user, name="Reader", permissions=["read"], rate_limit=10_000)

    category = Category.objects.create(name=f"Softwareentwicklung {unique}", slug=f"softwareentwicklung-{unique}")
    technology = Technology.objects.create(name=f"Python {unique}", slug=f"python-{unique}", category="language")
    Package.objects.get_or_create(name="Starter", defaults={"price": Decimal("499.00")})

    api = make_client(server_url, key=full.plaintext)
    anonymous = make_client(server_url)
    clients = {
        "read_only": make_client(server_url, key=read_only.plaintext),
        "slow": make_client(server_url, key=one_per_minute.plaintext),
        "limited": make_client(server_url, key=limited.plaintext),
        "wrong_key": make_client(server_url, key="jrv_" + "0" * 46),
        "admin": make_client(server_url, key=token.plaintext),
        "admin_reader": make_client(server_url, key=reader_token.plaintext),
    }
    job_body = {**JOB, "category_id": category.pk, "technologies": [technology.pk]}
    job_id = api.post("/jobs", json=job_body).json()["data"]["id"]
    other_id = api.post("/jobs", json=job_body).json()["data"]["id"]

    def slow_second() -> httpx.Response:
        clients["slow"].get("/status")
        return clients["slow"].get("/jobs")

    return [
        Example("status", "ok", "The key and its usage", lambda: api.get("/status")),
        Example("status", "MISSING_API_KEY", "No X-API-Key header", lambda: anonymous.get("/status")),
        Example("status", "INVALID_API_KEY", "An unknown key", lambda: clients["wrong_key"].get("/status")),
        Example("status", "RATE_LIMIT_EXCEEDED", "The second request of a key with 1 per minute", slow_second),
        Example("jobs_list", "page", "One page of jobs", lambda: api.get("/jobs", params={"per_page": 1})),
        Example("jobs_list", "VALIDATION_ERROR", "per_page out of range", lambda: api.get("/jobs?per_page=500")),
        Example("jobs_create", "created", "A new job", lambda: api.post("/jobs", json=job_body)),
        Example(
            "jobs_create",
            "VALIDATION_ERROR",
            "A description shorter than 50 characters",
            lambda: api.post("/jobs", json={**JOB, "description": "Zu kurz"}),
        ),
        Example(
            "jobs_create",
            "INVALID_REQUEST_BODY",
            "A duplicate key",
            lambda: api.post("/jobs", content=b'{"title": "A", "title": "B"}', headers=JSON),
        ),
        Example(
            "jobs_create",
            "INVALID_CONTENT_TYPE",
            "A form instead of JSON",
            lambda: api.post("/jobs", data={"title": "Python Developer"}),
        ),
        Example(
            "jobs_create",
            "PAYLOAD_TOO_LARGE",
            "A body over 256 KiB",
            lambda: api.post("/jobs", content=b"[" + b"0," * 140_000 + b"0]", headers=JSON),
        ),
        Example(
            "jobs_create",
            "PERMISSION_DENIED",
            "A key without the create permission",
            lambda: clients["read_only"].post("/jobs", json=JOB),
        ),
        Example(
            "jobs_create", "JOB_LIMIT_EXCEEDED", "A company at its job limit", lambda: clients["limited"].post("/jobs", json=JOB)
        ),
        Example("jobs_detail", "found", "One job", lambda: api.get(f"/jobs/{job_id}")),
        Example("jobs_detail", "INVALID_JOB_ID", "An id that is not a number", lambda: api.get("/jobs/abc")),
        Example("jobs_detail", "JOB_NOT_FOUND", "No such job for this company", lambda: api.get("/jobs/999999999")),
        Example(
            "jobs_update",
            "updated",
            "A higher maximum salary",
            lambda: api.patch(f"/jobs/{job_id}", json={"salary_max": 80000}),
        ),
        Example(
            "jobs_update",
            "VALIDATION_ERROR",
            "A minimum above the stored maximum",
            lambda: api.patch(f"/jobs/{job_id}", json={"salary_min": 90000}),
        ),
        Example("jobs_replace", "updated", "Deactivated", lambda: api.put(f"/jobs/{job_id}", json={"is_active": False})),
        Example("jobs_delete", "deleted", "The job is gone", lambda: api.delete(f"/jobs/{other_id}")),
        Example(
            "categories_list", "categories", "Active categories", lambda: api.get("/categories", params={"search": unique})
        ),
        Example(
            "technologies_list",
            "technologies",
            "Technologies",
            lambda: api.get("/technologies", params={"search": unique}),
        ),
        Example("leads_create", "created", "A new lead", lambda: clients["admin"].post("/admin/leads", json=LEAD)),
        Example(
            "leads_create",
            "VALIDATION_ERROR",
            "vorname and nachname missing",
            lambda: clients["admin"].post("/admin/leads", json={"email": "max@mustermann.de"}),
        ),
        Example(
            "leads_create",
            "INVALID_BODY",
            "Not JSON",
            lambda: clients["admin"].post("/admin/leads", content=b"vorname=Max", headers=JSON),
        ),
        Example("leads_create", "UNAUTHORIZED", "No token", lambda: anonymous.post("/admin/leads", json=LEAD)),
        Example(
            "leads_create",
            "FORBIDDEN",
            "A token without the create permission",
            lambda: clients["admin_reader"].post("/admin/leads", json=LEAD),
        ),
    ]


def capture_examples(server_url: str, unique: str, staff_user) -> dict[str, dict[str, dict[str, Any]]]:
    """Send every example's request and return {operation id: {name: {summary, status, body}}}."""
    captured: dict[str, dict[str, dict[str, Any]]] = {}
    for example in _examples(server_url, unique, staff_user):
        response = example.send()
        captured.setdefault(example.operation_id, {})[example.name] = {
            "summary": example.summary,
            "status": response.status_code,
            "body": response.json(),
        }
    # The names carry the test's unique suffix; the published examples read better without it.
    text = json.dumps(captured, ensure_ascii=False).replace(f" {unique}", "").replace(f"-{unique}", "")
    return json.loads(text)


def write_module(captured: dict, path: Path) -> None:
    """Write the captured examples as the source of jobriver.api.openapi_examples."""
    header = '"""Response examples of the OpenAPI document, captured from a live server by tests/contract/capture.py."""\n'
    # A JSON round trip turns every value into what the document publishes.
    body = pprint.pformat(json.loads(json.dumps(captured)), width=110, sort_dicts=False)
    path.write_text(f"{header}\nRESPONSE_EXAMPLES: dict = {body}\n")
