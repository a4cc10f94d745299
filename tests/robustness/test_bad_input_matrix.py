"""Bad bodies, cases × write endpoints: each gets its documented 4xx in the envelope and stores nothing.

tests/jobs/test_bad_input.py and tests/crm cover single cases on one
endpoint each. Here every case runs against POST /jobs, PUT and PATCH
/jobs/{id} and POST /admin/leads, with the case's neighbours: other
depths, other places in the body, raw bytes as well as JSON escapes.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.forms.models import model_to_dict

from jobriver.crm.models import Lead
from jobriver.jobs.models import Job
from tests.conftest import BASE_JOB, assert_error

JSON_HEADERS = {"Content-Type": "application/json"}
LEAD = {"vorname": "Erika", "nachname": "Musterfrau"}


@dataclass(frozen=True)
class Endpoint:
    """A write endpoint and the fields that the cases put bad values into."""

    name: str
    method: str
    admin: bool
    base: dict
    invalid_code: str
    text_field: str
    integer_field: str
    id_field: str
    array_field: str

    def body(self, field: str, raw_value: str) -> bytes:
        """Return the endpoint's valid base body with `field` set to the raw JSON text `raw_value`."""
        base = {name: value for name, value in self.base.items() if name != field}
        prefix = json.dumps(base, ensure_ascii=False)[:-1]
        separator = ", " if base else ""
        return f'{prefix}{separator}"{field}": {raw_value}}}'.encode()


ENDPOINTS = [
    Endpoint("POST /jobs", "POST", False, BASE_JOB, "INVALID_REQUEST_BODY", "title", "salary_min", "category_id", "technologies"),
    Endpoint("PUT /jobs/{id}", "PUT", False, {}, "INVALID_REQUEST_BODY", "title", "salary_min", "category_id", "technologies"),
    Endpoint("PATCH /jobs/{id}", "PATCH", False, {}, "INVALID_REQUEST_BODY", "location", "salary_max", "category_id", "technologies"),
    # The lead has no array field, so its array goes to an unknown field, which is rejected by name.
    Endpoint("POST /admin/leads", "POST", True, LEAD, "INVALID_BODY", "firma", "anzahl", "package_id", "tags"),
]


def nested(depth: int, innermost: str = "1") -> str:
    return "[" * depth + innermost + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@dataclass(frozen=True)
class Case:
    """A bad body and its expected status; `field` returns the field that a 422 names."""

    name: str
    content: Callable[[Endpoint], bytes]
    status: int
    field: Callable[[Endpoint], str] | None = None


def text_field(endpoint: Endpoint) -> str:
    return endpoint.text_field


def integer_field(endpoint: Endpoint) -> str:
    return endpoint.integer_field


def id_field(endpoint: Endpoint) -> str:
    return endpoint.id_field


def array_field(endpoint: Endpoint) -> str:
    return endpoint.array_field


CASES = [
    # Nesting: shallow nesting is a wrong type (422); deep nesting is rejected by the parser (400).
    Case("depth 10 in a text field", lambda e: e.body(e.text_field, nested(10)), 422, text_field),
    Case("depth 10 objects", lambda e: e.body(e.text_field, nested_objects(10)), 422, text_field),
    Case("depth 1000 in a text field", lambda e: e.body(e.text_field, nested(1000)), 400),
    Case("depth 1000 objects", lambda e: e.body(e.text_field, nested_objects(1000)), 400),
    Case("depth 100000 in a field", lambda e: e.body(e.array_field, nested(100_000)), 400),
    Case("depth 100000 alone", lambda e: nested(100_000).encode(), 400),
    # Duplicate keys, at the top and inside a value.
    Case("duplicate text key", lambda e: e.body(e.text_field, '"Eins", "' + e.text_field + '": "Zwei"'), 400),
    Case("duplicate key inside a value", lambda e: e.body(e.text_field, '{"x": 1, "x": 2}'), 400),
    Case("duplicate key with other case", lambda e: e.body(e.text_field, '"Eins", "' + e.text_field.upper() + '": "Zwei"'), 422),
    # NUL and unpaired surrogates: as JSON escapes the text is invalid (422), as raw bytes the JSON is (400).
    Case("NUL escape", lambda e: e.body(e.text_field, '"Köchin\\u0000"'), 422, text_field),
    Case("high surrogate escape", lambda e: e.body(e.text_field, '"Köchin\\ud800"'), 422, text_field),
    Case("low surrogate escape", lambda e: e.body(e.text_field, '"\\udc00 Köchin"'), 422, text_field),
    Case("reversed surrogate pair", lambda e: e.body(e.text_field, '"\\ude00\\ud83d"'), 422, text_field),
    Case("raw NUL byte", lambda e: e.body(e.text_field, '"Koch\x00in"'), 400),
    Case("raw surrogate bytes", lambda e: e.body(e.text_field, '"Koch"').replace(b"Koch", b"Koch\xed\xa0\x80"), 400),
    # Numbers beyond 64 bits and with huge exponents, in integer and id fields.
    Case("2**64", lambda e: e.body(e.integer_field, str(2**64)), 422, integer_field),
    Case("-(2**64)", lambda e: e.body(e.integer_field, str(-(2**64))), 422, integer_field),
    Case("10**30 id", lambda e: e.body(e.id_field, str(10**30)), 422, id_field),
    Case("5000-digit id", lambda e: e.body(e.id_field, "9" * 5000), 422, id_field),
    Case("huge exponent", lambda e: e.body(e.integer_field, "1E+999999999"), 422, integer_field),
    Case("tiny exponent", lambda e: e.body(e.integer_field, "1e-999999999"), 422, integer_field),
    Case("exponent on an id", lambda e: e.body(e.id_field, "1e3"), 422, id_field),
    Case("negative zero id", lambda e: e.body(e.id_field, "-0"), 422, id_field),
    # Ids beyond the database's integer range, and just inside it.
    Case("id 2**63", lambda e: e.body(e.id_field, str(2**63)), 422, id_field),
    Case("id 2**63 - 1 unknown", lambda e: e.body(e.id_field, str(2**63 - 1)), 422, id_field),
    Case("id 2**31 unknown", lambda e: e.body(e.id_field, str(2**31)), 422, id_field),
    # Huge arrays.
    Case("100000 items", lambda e: e.body(e.array_field, "[" + ",".join(["1"] * 100_000) + "]"), 422, array_field),
    Case("10000 huge items", lambda e: e.body(e.array_field, "[" + ",".join([str(2**64)] * 10_000) + "]"), 422, array_field),
    # 100,000 nulls take 500 KB, over the 256 KiB cap.
    Case("100000 nulls", lambda e: e.body(e.array_field, "[" + ",".join(["null"] * 100_000) + "]"), 413),
    # Bytes that are not UTF-8.
    Case("latin-1 body", lambda e: e.body(e.text_field, '"Köchin"').replace("ö".encode(), b"\xf6"), 400),
    Case("overlong slash", lambda e: e.body(e.text_field, '"a"').replace(b'"a"', b'"\xc0\xaf"'), 400),
    Case("five-byte sequence", lambda e: e.body(e.text_field, '"a"').replace(b'"a"', b'"\xf8\x88\x80\x80\x80"'), 400),
    Case("UTF-16 body", lambda e: json.dumps(e.base or {"title": "Köchin"}).encode("utf-16"), 400),
    Case("UTF-8 byte order mark", lambda e: b"\xef\xbb\xbf" + json.dumps(e.base or {"title": "Köchin"}).encode(), 400),
    Case("lone continuation byte", lambda e: b"\x80" + json.dumps(e.base).encode(), 400),
]


@pytest.fixture
def target(request, api, admin_client, make_job, company):
    """Return (client, url, snapshot) for an endpoint; snapshot() reads what a bad request must not change."""
    endpoint: Endpoint = request.param
    if endpoint.admin:
        return admin_client, "/admin/leads", lambda: Lead.objects.count()

    if endpoint.method == "POST":
        return api, "/jobs", lambda: Job.objects.filter(company=company).count()

    job = make_job(salary_min=40000, salary_max=60000)

    def snapshot():
        rows = [model_to_dict(stored) for stored in Job.objects.filter(company=company).order_by("pk")]
        return rows

    return api, f"/jobs/{job.pk}", snapshot


@pytest.mark.parametrize("target", ENDPOINTS, indirect=True, ids=[endpoint.name for endpoint in ENDPOINTS])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_body(target, case, request):
    client, url, snapshot = target
    endpoint = request.node.callspec.params["target"]
    before = snapshot()

    response = client.request(endpoint.method, url, content=case.content(endpoint), headers=JSON_HEADERS)

    if case.status == 400:
        assert_error(response, 400, endpoint.invalid_code)
    elif case.status == 413:
        assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    else:
        field = case.field(endpoint) if case.field else None
        body = assert_error(response, 422, "VALIDATION_ERROR", field)
        if field is not None:
            assert set(body["error"]["details"]["errors"]) == {field}, body
    assert snapshot() == before
