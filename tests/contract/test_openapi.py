"""The published OpenAPI document and its documentation page."""

import re

import httpx
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from openapi_spec_validator.versions import consts as spec_versions
from openapi_spec_validator.versions.shortcuts import get_spec_version

from jobriver.api.errors import ErrorCode
from jobriver.api.instances import admin_api, company_api
from jobriver.api.openapi_codes import CODE_DESCRIPTIONS

JSON = "application/json"
WRITE_OPERATIONS = {
    ("/api/v1/jobs", "post"): "JobCreateIn",
    ("/api/v1/jobs/{job_id}", "put"): "JobWriteIn",
    ("/api/v1/jobs/{job_id}", "patch"): "JobWriteIn",
    ("/api/v1/admin/leads", "post"): "LeadCreateIn",
}


def routes_in_code() -> set[tuple[str, str]]:
    """Return (path, method) of every route that the two NinjaAPI instances serve."""
    routes = set()
    for api in (company_api, admin_api):
        root = api.get_root_path({})
        for prefix, router in api._routers:
            for path, path_view in router.path_operations.items():
                full_path = "/" + "/".join(part.strip("/") for part in (root, prefix, path) if part.strip("/"))
                for operation in path_view.operations:
                    routes.update((full_path, method.lower()) for method in operation.methods)
    return routes


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_document_is_openapi_31(document):
    validate(document, cls=OpenAPIV31SpecValidator)

    assert get_spec_version(document) == spec_versions.OPENAPIV31
    assert document["openapi"] == "3.1.0"


def test_document_covers_every_route(document):
    documented = {(path, method) for path, method, _operation in operations(document)}

    assert documented == routes_in_code()
    assert ("/api/v1/admin/leads", "post") in documented
    assert ("/api/v1/jobs/{job_id}", "patch") in documented


def test_operation_ids_unique(document):
    ids = [operation["operationId"] for _path, _method, operation in operations(document)]

    assert len(ids) == len(set(ids))
    assert "jobs_list" in ids


def test_document_and_docs_public(anonymous, server_url):
    document = httpx.get(f"{server_url}/api/v1/openapi.json", timeout=30)
    page = httpx.get(f"{server_url}/api/v1/docs", timeout=30)
    with_slash = httpx.get(f"{server_url}/api/v1/docs/", timeout=30)

    assert document.status_code == 200
    assert document.headers["Content-Type"].startswith(JSON)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert with_slash.status_code == 200
    assert "X-Request-Id" in page.headers


def test_admin_api_serves_no_document(server_url):
    response = httpx.get(f"{server_url}/api/v1/admin/openapi.json", timeout=30)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_docs_assets_local(server_url):
    page = httpx.get(f"{server_url}/api/v1/docs", timeout=30).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)

    assert assets, page
    assert "http://" not in page
    assert "https://" not in page
    assert "cdn" not in page.lower()
    assert '"url": "/api/v1/openapi.json"' in page
    assert '"validatorUrl": null' in page
    for asset in assets:
        assert asset.startswith("/static/ninja/"), asset
        response = httpx.get(f"{server_url}{asset}", timeout=30)
        assert response.status_code == 200, asset
        assert len(response.content) > 0, asset


def test_security_schemes(document):
    schemes = document["components"]["securitySchemes"]

    assert set(schemes) == {"CompanyKeyAuth", "AdminTokenAuth"}
    for scheme in schemes.values():
        assert scheme["type"] == "apiKey"
        assert scheme["in"] == "header"
        assert scheme["name"] == "X-API-Key"
    for path, _method, operation in operations(document):
        expected = "AdminTokenAuth" if path.startswith("/api/v1/admin/") else "CompanyKeyAuth"
        assert operation["security"] == [{expected: []}], path


def test_every_response_has_request_id(document):
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            headers = response["headers"]
            assert headers["X-Request-Id"]["required"] is True, (path, method, status)
            rate_limit_required = status.startswith("2")
            for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                assert headers[name]["required"] is rate_limit_required, (path, method, status, name)
            if status in ("429", "503"):
                assert headers["Retry-After"]["required"] is True, (path, method, status)


def error_codes(document: dict, response: dict) -> set[str]:
    """Return the `error.code` constants that a response's schema allows."""
    schema = response["content"][JSON]["schema"]
    references = [item["$ref"] for item in schema["anyOf"]] if "anyOf" in schema else [schema["$ref"]]
    codes = set()
    for reference in references:
        envelope = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
        body = document["components"]["schemas"][envelope["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
        codes.add(body["properties"]["code"]["const"])
    return codes


@pytest.mark.parametrize(
    ("path", "method", "expected"),
    [
        (
            "/api/v1/status",
            "get",
            {
                "401": {"MISSING_API_KEY"},
                "403": {
                    "INVALID_API_KEY",
                    "API_KEY_INACTIVE",
                    "API_KEY_REVOKED",
                    "API_KEY_EXPIRED",
                    "API_KEY_BLOCKED",
                    "IP_NOT_ALLOWED",
                },
                "429": {"RATE_LIMIT_EXCEEDED"},
                "500": {"INTERNAL_ERROR"},
                "503": {"SERVICE_UNAVAILABLE"},
            },
        ),
        (
            "/api/v1/jobs/{job_id}",
            "patch",
            {
                "400": {"INVALID_JOB_ID", "INVALID_REQUEST_BODY"},
                "404": {"JOB_NOT_FOUND", "NOT_FOUND"},
                "413": {"PAYLOAD_TOO_LARGE"},
                "415": {"INVALID_CONTENT_TYPE"},
                "422": {"VALIDATION_ERROR"},
                "500": {"INTERNAL_ERROR", "UPDATE_FAILED"},
            },
        ),
        ("/api/v1/jobs/{job_id}", "delete", {"500": {"INTERNAL_ERROR", "DELETE_FAILED"}}),
        ("/api/v1/jobs", "get", {"422": {"VALIDATION_ERROR"}, "403": {"PERMISSION_DENIED", "INVALID_API_KEY"}}),
        (
            "/api/v1/jobs",
            "post",
            {"403": {"JOB_LIMIT_EXCEEDED", "PERMISSION_DENIED"}, "400": {"INVALID_REQUEST_BODY"}},
        ),
        (
            "/api/v1/admin/leads",
            "post",
            {
                "400": {"INVALID_BODY"},
                "401": {"UNAUTHORIZED"},
                "403": {"FORBIDDEN"},
                "413": {"PAYLOAD_TOO_LARGE"},
                "415": {"INVALID_CONTENT_TYPE"},
                "422": {"VALIDATION_ERROR"},
                "429": {"RATE_LIMITED"},
                "500": {"INTERNAL_ERROR", "CREATION_FAILED"},
            },
        ),
    ],
)
def test_error_codes_per_operation(document, path, method, expected):
    responses = document["paths"][path][method]["responses"]

    for status, codes in expected.items():
        documented = error_codes(document, responses[status])
        assert codes <= documented, (status, documented)
        for code in documented:
            assert ErrorCode[code].status == int(status), code
            assert f"`{code}`" in responses[status]["description"]


def test_reads_have_no_body_errors(document):
    for path, method, operation in operations(document):
        statuses = set(operation["responses"])
        if (path, method) in WRITE_OPERATIONS:
            assert {"413", "415", "422"} <= statuses, (path, method)
        else:
            assert not {"413", "415"} & statuses, (path, method)


def test_request_bodies(document):
    schemas = document["components"]["schemas"]

    for (path, method), name in WRITE_OPERATIONS.items():
        body = document["paths"][path][method]["requestBody"]
        assert body["required"] is True
        assert body["content"][JSON]["schema"] == {"$ref": f"#/components/schemas/{name}"}
        assert body["content"][JSON]["examples"], (path, method)
    assert schemas["JobCreateIn"]["required"] == ["title", "description", "location"]
    assert "required" not in schemas["JobWriteIn"]
    assert schemas["JobWriteIn"]["additionalProperties"] is False
    assert schemas["LeadCreateIn"]["properties"]["preis"]["anyOf"][0]["type"] == "number"
    assert schemas["LeadCreateIn"]["properties"]["rabatt"]["default"] == 0
    assert schemas["JobCreateIn"]["properties"]["start_date"]["anyOf"][0]["format"] == "date"


def untitled(schema: dict) -> dict:
    return {key: value for key, value in schema.items() if key != "title"}


def test_query_parameters(document):
    parameters = {item["name"]: item for item in document["paths"]["/api/v1/jobs"]["get"]["parameters"]}

    assert set(parameters) == {"page", "per_page", "is_active", "category_id", "search"}
    assert untitled(parameters["per_page"]["schema"]) == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    assert untitled(parameters["page"]["schema"]) == {"type": "integer", "minimum": 1, "default": 1}
    assert parameters["is_active"]["schema"]["type"] == "boolean"
    assert untitled(parameters["search"]["schema"]) == {"type": "string", "maxLength": 100}
    path_parameter = document["paths"]["/api/v1/jobs/{job_id}"]["get"]["parameters"][0]
    assert path_parameter["schema"]["type"] == "integer"
    assert path_parameter["schema"]["minimum"] == 1


def test_path_level_responses(document):
    responses = document["components"]["responses"]

    assert set(responses) == {"NotFound", "MethodNotAllowed"}
    assert responses["MethodNotAllowed"]["headers"]["Allow"]["required"] is True


def test_every_code_described():
    assert set(CODE_DESCRIPTIONS) == set(ErrorCode)
