"""The published contract of each operation: envelopes, error codes and response headers.

Routes return the HttpResponse that `api.envelope` builds, and ninja
passes it through unchanged. The schemas here describe those bodies for
the OpenAPI document only: `operation_contract()` gives a route decorator
its `response=` and `openapi_extra=` arguments from the success shape and
the error codes the operation can respond with. Each code has its own
schema, whose `error.code` is that code alone, so the document lists the
possible codes under every status. `api.openapi_document` merges both
APIs into one document.
"""

from collections import defaultdict
from collections.abc import Iterable
from enum import Enum
from typing import Any, Literal, Union

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from jobriver.api.errors import ErrorCode
from jobriver.api.openapi_codes import CODE_DESCRIPTIONS

REQUEST_ID_PATTERN = "^[0-9a-f]{32}$"
JSON_MEDIA_TYPE = "application/json"


class Api(Enum):
    """The two APIs, whose envelopes differ in `meta`."""

    COMPANY = "company"
    ADMIN = "admin"


class _Closed(Schema):
    model_config = ConfigDict(extra="forbid")


class RateLimitMeta(_Closed):
    limit: int = Field(description="requests per minute")
    remaining: int
    reset: int = Field(description="Unix time in seconds at which at least one more request is admitted")


class CompanyMeta(_Closed):
    rate_limit: RateLimitMeta


class AdminMeta(_Closed):
    request_id: str = Field(pattern=REQUEST_ID_PATTERN, description="the same as the X-Request-Id header")
    timestamp: str = Field(
        json_schema_extra={"format": "date-time"}, description="server time in the platform time zone with offset"
    )


# error.details by code; a code without an entry has empty details.


class EmptyDetails(_Closed):
    pass


class FieldErrorsDetails(_Closed):
    errors: dict[str, str] = Field(description="one message per invalid field")


class RequiredFieldsDetails(_Closed):
    required: list[str] = Field(description="the required fields that are absent, null or blank")


class PermissionDetails(_Closed):
    required_permission: Literal["read", "create", "update", "delete"]


class RetryDetails(_Closed):
    retry_after: int = Field(description="seconds")


class RateLimitDetails(_Closed):
    retry_after: int = Field(description="seconds")
    limit: int = Field(description="requests per minute")


class JobLimitDetails(_Closed):
    limit: int
    current_active_jobs: int


class AllowedMethodsDetails(_Closed):
    allowed_methods: list[str]


class InvalidJobIdDetails(_Closed):
    job_id: str = Field(description="the path segment, cut at 100 characters")


class JobNotFoundDetails(_Closed):
    job_id: int | str = Field(description="the id, or the path segment for an id beyond the 64-bit range")


_DETAILS: dict[tuple[Api, ErrorCode], Any] = {
    (Api.COMPANY, ErrorCode.VALIDATION_ERROR): FieldErrorsDetails,
    (Api.ADMIN, ErrorCode.VALIDATION_ERROR): Union[FieldErrorsDetails, RequiredFieldsDetails],
    (Api.COMPANY, ErrorCode.PERMISSION_DENIED): PermissionDetails,
    (Api.ADMIN, ErrorCode.FORBIDDEN): PermissionDetails,
    (Api.COMPANY, ErrorCode.API_KEY_BLOCKED): RetryDetails,
    (Api.COMPANY, ErrorCode.RATE_LIMIT_EXCEEDED): RateLimitDetails,
    # Both a running lockout (retry_after only) and the rate limit raise RATE_LIMITED.
    (Api.ADMIN, ErrorCode.RATE_LIMITED): Union[RateLimitDetails, RetryDetails],
    (Api.COMPANY, ErrorCode.JOB_LIMIT_EXCEEDED): JobLimitDetails,
    (Api.COMPANY, ErrorCode.METHOD_NOT_ALLOWED): AllowedMethodsDetails,
    (Api.COMPANY, ErrorCode.INVALID_JOB_ID): InvalidJobIdDetails,
    (Api.COMPANY, ErrorCode.JOB_NOT_FOUND): JobNotFoundDetails,
    (Api.COMPANY, ErrorCode.SERVICE_UNAVAILABLE): RetryDetails,
    (Api.ADMIN, ErrorCode.SERVICE_UNAVAILABLE): RetryDetails,
    (Api.ADMIN, ErrorCode.METHOD_NOT_ALLOWED): AllowedMethodsDetails,
}

_envelopes: dict[tuple[Api, str], type[Schema]] = {}
_errors: dict[tuple[Api, ErrorCode], type[Schema]] = {}


def _error_name(code: ErrorCode) -> str:
    """Return the schema name of a code: `JobNotFoundError`, and `ValidationError` rather than `…ErrorError`."""
    name = "".join(part.capitalize() for part in code.name.split("_"))
    return name if name.endswith("Error") else f"{name}Error"


def success_envelope(api: Api, data: type[Schema], *, name: str) -> type[Schema]:
    """Return the schema `{"success": true, "data": <data>, "meta": …}` named `name`."""
    key = (api, name)
    if key not in _envelopes:
        meta = CompanyMeta if api is Api.COMPANY else AdminMeta
        _envelopes[key] = create_model(
            name,
            __base__=_Closed,
            success=(Literal[True], ...),
            data=(data, ...),
            meta=(meta, ...),
        )
    return _envelopes[key]


def error_envelope(api: Api, code: ErrorCode) -> type[Schema]:
    """Return the error envelope whose `error.code` is `code`.

    A company API error carries `meta.rate_limit` only once the key has
    passed the rate limiter, so `meta` is optional there. The Admin API
    sends `meta` with every response.
    """
    key = (api, code)
    if key not in _errors:
        prefix = "Admin" if api is Api.ADMIN else ""
        details = _DETAILS.get(key, EmptyDetails)
        body = create_model(
            f"{prefix}{_error_name(code)}Body",
            __base__=_Closed,
            code=(Literal[code.name], ...),
            message=(str, Field(min_length=1, description="in English, or German with Accept-Language: de")),
            details=(details, ...),
        )
        meta_field = (CompanyMeta, None) if api is Api.COMPANY else (AdminMeta, ...)
        _errors[key] = create_model(
            f"{prefix}{_error_name(code)}",
            __base__=_Closed,
            __doc__=CODE_DESCRIPTIONS[code],
            success=(Literal[False], ...),
            error=(body, ...),
            meta=meta_field,
        )
    return _errors[key]


def _header(description: str, schema: dict[str, Any], *, required: bool) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": schema}


def response_headers(*, status: int, authenticated: bool) -> dict[str, Any]:
    """Return the headers of one response: always X-Request-Id, the rate-limit ones once a key passed.

    With `authenticated`, every response with this status has passed the
    rate limiter, so the X-RateLimit-* headers are required.
    """
    headers = {
        "X-Request-Id": _header(
            "id of this request, generated by the server; quote it when asking for support",
            {"type": "string", "pattern": REQUEST_ID_PATTERN},
            required=True,
        ),
    }
    rate_limit = {
        "X-RateLimit-Limit": "requests per minute of the key",
        "X-RateLimit-Remaining": "requests left in the current 60-second window",
        "X-RateLimit-Reset": "Unix time in seconds at which at least one more request is admitted",
    }
    for name, description in rate_limit.items():
        headers[name] = _header(
            description if authenticated else f"{description}; present once the key has passed the rate limiter",
            {"type": "integer", "minimum": 0},
            required=authenticated,
        )
    if status in (403, 429, 503):
        headers["Retry-After"] = _header(
            "seconds until a retry can succeed; on 429 and 503 always, on 403 with API_KEY_BLOCKED",
            {"type": "integer", "minimum": 1},
            required=status != 403,
        )
    return headers


def _error_description(codes: list[ErrorCode]) -> str:
    lines = [f"- `{code.name}`: {CODE_DESCRIPTIONS[code]}" for code in codes]
    return "\n".join(lines)


def operation_contract(
    api: Api,
    *,
    status: int,
    data: type[Schema],
    envelope_name: str,
    errors: Iterable[ErrorCode],
    request_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the `response` and `openapi_extra` arguments of a route decorator.

    The examples of the responses are added by `api.openapi_document`.
    """
    by_status: dict[int, list[ErrorCode]] = defaultdict(list)
    for code in errors:
        if code not in by_status[code.status]:
            by_status[code.status].append(code)

    response: dict[int, Any] = {status: success_envelope(api, data, name=envelope_name)}
    extra_responses: dict[int, Any] = {
        status: {"headers": response_headers(status=status, authenticated=True)},
    }
    for error_status, codes in sorted(by_status.items()):
        schemas = tuple(error_envelope(api, code) for code in codes)
        response[error_status] = schemas[0] if len(schemas) == 1 else Union[schemas]
        extra_responses[error_status] = {
            "description": _error_description(codes),
            "headers": response_headers(status=error_status, authenticated=False),
        }

    openapi_extra: dict[str, Any] = {"responses": extra_responses}
    if request_body is not None:
        openapi_extra["requestBody"] = request_body
    return {"response": response, "openapi_extra": openapi_extra}


def json_body(schema_name: str, *, description: str, examples: dict[str, Any]) -> dict[str, Any]:
    """Return the requestBody object for a JSON body described by a component schema.

    The routes read their bodies themselves (`api.body`), so ninja does not
    see them. `api.openapi_document` adds the named schemas to the components.
    """
    return {
        "required": True,
        "description": description,
        "content": {
            JSON_MEDIA_TYPE: {
                "schema": {"$ref": f"#/components/schemas/{schema_name}"},
                "examples": {name: {"value": value} for name, value in examples.items()},
            }
        },
    }
