"""Fixtures for the contract tests: the published document and a validator for its schemas."""

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from django.db import connection
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


@dataclass
class SchemathesisStats:
    """Requests that Schemathesis sent and the failed checks, per operation."""

    requests: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    statuses: dict[str, Counter] = field(default_factory=dict)

    def record_request(self, operation: str, outcome: str) -> None:
        self.requests[operation] += 1
        self.statuses.setdefault(operation, Counter())[outcome] += 1

    def record_failure(self, operation: str) -> None:
        self.failures[operation] += 1

    def summary(self, database: str) -> str:
        return (
            f"{database}: schemathesis sent {sum(self.requests.values())} requests to "
            f"{len(self.requests)} operations, {sum(self.failures.values())} failed"
        )


SCHEMATHESIS_STATS = SchemathesisStats()
SUMMARY_FILE = "schemathesis-summary.txt"


def _write_summary(line: str, database: str) -> Path:
    """Write the line for this database into the summary file, keeping the other database's line."""
    output = Path(os.environ.get("JOBRIVER_TEST_OUTPUT", "test-output"))
    output.mkdir(parents=True, exist_ok=True)
    path = output / SUMMARY_FILE
    other_lines = []
    if path.exists():
        other_lines = [old for old in path.read_text().splitlines() if old and not old.startswith(f"{database}:")]
    path.write_text("\n".join([*other_lines, line]) + "\n")
    return path


def pytest_terminal_summary(terminalreporter):
    if not SCHEMATHESIS_STATS.requests:
        return

    database = connection.vendor
    line = SCHEMATHESIS_STATS.summary(database)
    path = _write_summary(line, database)
    terminalreporter.write_line(line)
    for operation, count in sorted(SCHEMATHESIS_STATS.requests.items()):
        outcomes = SCHEMATHESIS_STATS.statuses[operation]
        statuses = ", ".join(f"{outcome}: {number}" for outcome, number in sorted(outcomes.items()))
        failed = SCHEMATHESIS_STATS.failures[operation]
        terminalreporter.write_line(f"  {operation}: {count} requests, {failed} failed (statuses {statuses})")
    terminalreporter.write_line(f"  written to {path}")
