"""Reading JSON request bodies: content type, size, syntax, then the schema.

The checks run in the order the API promises: 415 for a wrong content type,
400 for a body that is missing or not a JSON object, 422 for a body that
does not fit the schema.
"""

import json
import sys
from typing import Any, TypeVar

import pydantic
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.validation import messages_from_pydantic, raise_validation_error

SchemaT = TypeVar("SchemaT", bound=pydantic.BaseModel)


class _BodyError(ValueError):
    """The body is not a JSON document we accept; `reason` is the cause, in the request's language."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _reject_constant(name: str) -> None:
    # Python's json module accepts NaN and Infinity, which are not JSON.
    raise _BodyError(_("%(token)s is not a JSON value") % {"token": name})


# Replacement for integer literals too long to convert, outside the range of every field.
_HUGE_INTEGER = 10**100


def _parse_int(literal: str) -> int:
    """Convert a JSON integer literal, standing in for one too long for Python to convert.

    `int()` refuses literals longer than `sys.get_int_max_str_digits()` digits
    (4300 by default) because converting them takes quadratic time. No field
    accepts a number of even 20 digits, so a longer literal becomes
    ±_HUGE_INTEGER, which every range check rejects: the client gets 422
    naming the field instead of a 400 that calls valid JSON invalid.
    """
    limit = sys.get_int_max_str_digits()
    if limit == 0 or len(literal.lstrip("-")) <= limit:
        return int(literal)
    return -_HUGE_INTEGER if literal.startswith("-") else _HUGE_INTEGER


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _BodyError(_("the key %(key)s appears twice") % {"key": json.dumps(key)})
        result[key] = value
    return result


def is_json_content_type(content_type: str) -> bool:
    """Return whether a Content-Type header names JSON, ignoring case and parameters."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json"


def read_json_object(request: HttpRequest, *, invalid_code: ErrorCode = ErrorCode.INVALID_REQUEST_BODY) -> dict:
    """Return the request body as a JSON object, or raise the API's 413, 415 or 400."""
    if not is_json_content_type(request.headers.get("Content-Type", "")):
        raise ApiError(ErrorCode.INVALID_CONTENT_TYPE)

    # A compressed body would otherwise be parsed as if it were plain JSON.
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise ApiError(
            ErrorCode.INVALID_CONTENT_TYPE,
            message=_("Content-Encoding %(encoding)s is not supported. Send the body uncompressed."),
            encoding=encoding[:40],
        )

    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(ErrorCode.PAYLOAD_TOO_LARGE, limit=settings.JOBRIVER_MAX_BODY_BYTES) from None

    if not raw.strip():
        raise ApiError(invalid_code, reason=_("the body is empty"))

    try:
        text = raw.decode("utf-8")
        payload = json.loads(
            text, parse_constant=_reject_constant, parse_int=_parse_int, object_pairs_hook=_reject_duplicate_keys
        )
    except UnicodeDecodeError:
        raise ApiError(invalid_code, reason=_("the body is not UTF-8")) from None
    except RecursionError:
        raise ApiError(invalid_code, reason=_("the body is nested too deeply")) from None
    except _BodyError as error:
        raise ApiError(invalid_code, reason=error.reason) from None
    except json.JSONDecodeError as error:
        position = _("syntax error at line %(line)s, column %(column)s") % {"line": error.lineno, "column": error.colno}
        raise ApiError(invalid_code, reason=position) from None
    except ValueError:
        raise ApiError(invalid_code, reason=_("the body is not a JSON document")) from None

    if not isinstance(payload, dict):
        raise ApiError(invalid_code, reason=_("the body must be a JSON object"))
    return payload


def validate_payload(payload: dict, schema: type[SchemaT]) -> SchemaT:
    """Validate a parsed body against a schema, or raise VALIDATION_ERROR naming each field."""
    try:
        return schema.model_validate(payload)
    except pydantic.ValidationError as error:
        raise_validation_error(messages_from_pydantic(error.errors(), schema=schema))
