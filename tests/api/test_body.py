"""Body reading: encodings, and the reason given for a body that is not JSON."""

import gzip
import json

import pytest

from jobriver.jobs.models import Job
from tests.conftest import BASE_JOB, assert_error


def test_gzip_body_is_rejected(api, company):
    body = gzip.compress(json.dumps(BASE_JOB).encode())

    response = api.post(
        "/jobs", content=body, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}
    )

    payload = assert_error(response, 415, "INVALID_CONTENT_TYPE")
    assert "gzip" in payload["error"]["message"]
    assert Job.objects.filter(company=company).count() == 0


def test_identity_encoding_is_accepted(api):
    response = api.post(
        "/jobs", content=json.dumps(BASE_JOB), headers={"Content-Type": "application/json", "Content-Encoding": "identity"}
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("content", "english", "german"),
    [
        ('{"title": ', "syntax error at line 1, column 11", "Syntaxfehler in Zeile 1, Spalte 11"),
        ('{"a": 1, "a": 2}', 'the key "a" appears twice', 'der Schlüssel "a" kommt zweimal vor'),
        ('{"latitude": NaN}', "NaN is not a JSON value", "NaN ist kein JSON-Wert"),
    ],
)
def test_body_reason_in_both_languages(api, content, english, german):
    headers = {"Content-Type": "application/json"}

    in_english = api.post("/jobs", content=content, headers=headers)
    in_german = api.post("/jobs", content=content, headers={**headers, "Accept-Language": "de"})

    assert assert_error(in_english, 400, "INVALID_REQUEST_BODY")["error"]["message"].endswith(english)
    assert assert_error(in_german, 400, "INVALID_REQUEST_BODY")["error"]["message"].endswith(german)


@pytest.mark.parametrize("field", ["title", "location"])
def test_invisible_text_is_rejected(api, company, field):
    body = {**BASE_JOB, field: "\u200b\u200b\u200b"}

    response = api.post("/jobs", json=body)

    payload = assert_error(response, 422, "VALIDATION_ERROR", field)
    assert payload["error"]["details"]["errors"][field].endswith("must contain at least one visible character")
    assert Job.objects.filter(company=company).count() == 0
