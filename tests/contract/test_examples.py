"""The response examples of the document: real shapes, valid against the documented schemas."""

import os
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from jobriver.api.openapi_examples import RESPONSE_EXAMPLES
from tests.contract.capture import capture_examples, write_module
from tests.contract.conftest import schema_validator


def shape(value: Any) -> Any:
    """Return the structure of a JSON value: keys and types, not values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted({repr(shape(item)) for item in value})
    return type(value).__name__


def test_examples_match_live(server_url, unique):
    staff_user = get_user_model().objects.create_user(username=f"examples-{unique}", is_staff=True)

    captured = capture_examples(server_url, unique, staff_user)
    output = Path(os.environ.get("JOBRIVER_TEST_OUTPUT", "test-output"))
    output.mkdir(parents=True, exist_ok=True)
    write_module(captured, output / "openapi_examples.py")

    assert {name: set(examples) for name, examples in RESPONSE_EXAMPLES.items()} == {
        name: set(examples) for name, examples in captured.items()
    }
    for operation_id, examples in RESPONSE_EXAMPLES.items():
        for name, stored in examples.items():
            live = captured[operation_id][name]
            assert stored["status"] == live["status"], (operation_id, name, live["body"])
            assert shape(stored["body"]) == shape(live["body"]), (operation_id, name)


def test_examples_fit_schemas(document):
    count = 0

    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                media = response["content"]["application/json"]
                validator = schema_validator(document, media["schema"])
                for name, example in media.get("examples", {}).items():
                    errors = [error.message for error in validator.iter_errors(example["value"])]
                    assert errors == [], (method, path, status, name)
                    count += 1

    assert count == sum(len(examples) for examples in RESPONSE_EXAMPLES.values())
