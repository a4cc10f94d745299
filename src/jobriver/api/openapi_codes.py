"""Which error codes each kind of operation can respond with, and what each code means.

The groups follow the request pipeline: authentication, then the path,
the query or the body, then the service. Routes combine them in their
`operation_contract()`. The authentication groups come from the
pipeline's own code tables, so they cannot drift from it.
"""

from dataclasses import fields

from jobriver.access.authentication import ADMIN_CODES, COMPANY_CODES, ErrorCodes
from jobriver.api.errors import ErrorCode

# The published meaning of each code. English only, like the document.
CODE_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.MISSING_API_KEY: "no X-API-Key header",
    ErrorCode.INVALID_API_KEY: "the key is malformed or unknown",
    ErrorCode.API_KEY_INACTIVE: "the key is deactivated, or its company's API access is switched off",
    ErrorCode.API_KEY_REVOKED: "the key is revoked",
    ErrorCode.API_KEY_EXPIRED: "the key is past its expires_at",
    ErrorCode.API_KEY_BLOCKED: (
        "the client address is blocked after 5 failed authentications within 60 s; Retry-After gives the seconds"
    ),
    ErrorCode.IP_NOT_ALLOWED: "the client address is not in the key's IP allow-list",
    ErrorCode.PERMISSION_DENIED: "the key lacks the permission; details.required_permission names it",
    ErrorCode.RATE_LIMIT_EXCEEDED: "over the key's requests per minute; wait Retry-After seconds",
    ErrorCode.JOB_LIMIT_EXCEEDED: "the company's limit of active jobs is reached",
    ErrorCode.VALIDATION_ERROR: "a field or query parameter is invalid; details.errors maps each to one message",
    ErrorCode.INVALID_JOB_ID: "the id in the path is not a positive whole number",
    ErrorCode.JOB_NOT_FOUND: "no job with this id for this company",
    ErrorCode.INVALID_REQUEST_BODY: "the body is missing, not UTF-8, not JSON, has a duplicate key or is not an object",
    ErrorCode.INVALID_CONTENT_TYPE: (
        "Content-Type is not application/json (parameters and case do not matter), or the body is compressed"
    ),
    ErrorCode.METHOD_NOT_ALLOWED: "the path has no such method; the Allow header lists the allowed ones",
    ErrorCode.NOT_FOUND: "no endpoint at this path, for example a job id that contains a slash",
    ErrorCode.PAYLOAD_TOO_LARGE: "the body is larger than JOBRIVER_MAX_BODY_BYTES (256 KiB by default)",
    ErrorCode.INTERNAL_ERROR: "a server fault; the message carries no internals, the log has the request id",
    ErrorCode.UPDATE_FAILED: "the database failed while updating the job",
    ErrorCode.DELETE_FAILED: "the database failed while deleting the job",
    ErrorCode.INVALID_BODY: "the body is empty, not UTF-8, not JSON or not a JSON object",
    ErrorCode.UNAUTHORIZED: (
        "the token is missing, malformed, unknown, inactive, revoked or expired, its user is no longer "
        "active staff, or it is a company key"
    ),
    ErrorCode.FORBIDDEN: "the token lacks the permission; details.required_permission names it",
    ErrorCode.RATE_LIMITED: (
        "the token's rate limit is used up, or the address is blocked after 5 failed authentications "
        "within 60 s; Retry-After gives the seconds"
    ),
    ErrorCode.CREATION_FAILED: "the database failed while storing the lead",
    ErrorCode.BAD_REQUEST: (
        "the request fails before any route: the Host header is not allowed, or the query string has more "
        "than 1000 parameters"
    ),
    ErrorCode.SERVICE_UNAVAILABLE: (
        "the store of the rate limits and counters (Redis) cannot be reached; Retry-After gives the seconds"
    ),
}


def _authentication_codes(codes: ErrorCodes) -> tuple[ErrorCode, ...]:
    # Every outcome of the pipeline but the permission check, which routes
    # without a permission (GET /status) never reach.
    result: list[ErrorCode] = []
    for field in fields(codes):
        code = getattr(codes, field.name)
        if field.name != "permission_denied" and code not in result:
            result.append(code)
    return tuple(result)


# Any request can fail these: BAD_REQUEST before the route, the others in the server.
_SERVER_FAULTS = (ErrorCode.BAD_REQUEST, ErrorCode.INTERNAL_ERROR, ErrorCode.SERVICE_UNAVAILABLE)

COMPANY_AUTHENTICATION = (*_authentication_codes(COMPANY_CODES), *_SERVER_FAULTS)
COMPANY_PERMISSION = (COMPANY_CODES.permission_denied,)
COMPANY_QUERY = (ErrorCode.VALIDATION_ERROR,)
COMPANY_JOB_ID = (ErrorCode.INVALID_JOB_ID, ErrorCode.JOB_NOT_FOUND, ErrorCode.NOT_FOUND)
COMPANY_JSON_BODY = (
    ErrorCode.INVALID_CONTENT_TYPE,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.INVALID_REQUEST_BODY,
    ErrorCode.VALIDATION_ERROR,
)

ADMIN_AUTHENTICATION = (*_authentication_codes(ADMIN_CODES), *_SERVER_FAULTS)
ADMIN_PERMISSION = (ADMIN_CODES.permission_denied,)
ADMIN_JSON_BODY = (
    ErrorCode.INVALID_CONTENT_TYPE,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.INVALID_BODY,
    ErrorCode.VALIDATION_ERROR,
)
