"""Fixtures for the contract tests: the published document and a validator for its schemas."""

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:jobriver:openapi"


@pytest.fixture(scope="session")
def document(server_url) -> dict:
    """The OpenAPI document as the live server publishes it, fetched without a key."""
    response = httpx.get(f"{server_url}/api/v1/openapi.json", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def schema_validator(document: dict, schema: dict) -> jsonschema.Draft202012Validator:
    """Return a validator for `schema`, resolving its `#/components/...` references in `document`."""
    # The schema goes into a copy of the document, so that its references
    # resolve against the document's root as they do for a client.
    container = {**document, "x-validated": schema}
    registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(container, DRAFT202012))
    return jsonschema.Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#/x-validated"},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def response_schema(document: dict, path: str, method: str, status: int) -> dict:
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not document {status}"
    return responses[str(status)]["content"]["application/json"]["schema"]
