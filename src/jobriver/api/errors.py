"""The one error type of both APIs and the catalogue of its codes.

Services, selectors and the authentication pipeline raise `ApiError`; the
exception handlers in `handlers.py` turn it into the reference's envelope.
Messages are lazy translations with named placeholders, rendered in the
request's language when the response is built.
"""

from enum import Enum, unique
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


# Members with equal (status, message) values would silently become aliases
# of each other and respond with the other's name, so values must be unique.
@unique
class ErrorCode(Enum):
    """Error codes with their HTTP status and default message."""

    # Company API: authentication.
    MISSING_API_KEY = (401, _("The X-API-Key header is missing."))
    INVALID_API_KEY = (403, _("The API key is invalid or unknown."))
    API_KEY_INACTIVE = (403, _("The API key is deactivated."))
    API_KEY_REVOKED = (403, _("The API key has been revoked."))
    API_KEY_EXPIRED = (403, _("The API key has expired."))
    API_KEY_BLOCKED = (
        403,
        _("Too many failed attempts from this address. Try again in %(retry_after)s seconds."),
    )
    IP_NOT_ALLOWED = (403, _("The address %(ip)s is not in this API key's IP allow-list."))
    PERMISSION_DENIED = (403, _("This API key lacks the '%(permission)s' permission."))

    # Company API: limits.
    RATE_LIMIT_EXCEEDED = (
        429,
        _("Rate limit of %(limit)s requests per minute exceeded. Retry after %(retry_after)s seconds."),
    )
    JOB_LIMIT_EXCEEDED = (403, _("The company has reached its limit of %(limit)s active jobs."))

    # Company API: request and resources.
    VALIDATION_ERROR = (422, _("Validation failed"))
    INVALID_JOB_ID = (400, _("The job ID must be a positive whole number."))
    JOB_NOT_FOUND = (404, _("Job not found."))
    INVALID_REQUEST_BODY = (400, _("The request body is missing or not valid JSON: %(reason)s"))
    INVALID_CONTENT_TYPE = (415, _("Content-Type must be application/json."))
    METHOD_NOT_ALLOWED = (405, _("The method %(method)s is not allowed here. Allowed: %(allowed)s."))
    NOT_FOUND = (404, _("No API endpoint exists at this path."))
    PAYLOAD_TOO_LARGE = (413, _("The request body exceeds the limit of %(limit)s bytes."))

    # Both APIs: a request that fails before any route reads it, such as a
    # Host header outside ALLOWED_HOSTS or more query parameters than
    # DATA_UPLOAD_MAX_NUMBER_FIELDS.
    BAD_REQUEST = (400, _("The request is invalid: %(reason)s"))

    # Company API: server faults.
    INTERNAL_ERROR = (500, _("Internal server error. Quote the request ID when contacting support."))
    UPDATE_FAILED = (500, _("The job could not be updated. Quote the request ID when contacting support."))
    DELETE_FAILED = (500, _("The job could not be deleted. Quote the request ID when contacting support."))

    # Admin API.
    INVALID_BODY = (400, _("The request body is not valid JSON: %(reason)s"))
    UNAUTHORIZED = (401, _("The admin token is missing or invalid."))
    FORBIDDEN = (403, _("This admin token lacks the '%(permission)s' permission."))
    RATE_LIMITED = (
        429,
        _(
            "Rate limit of %(limit)s requests per minute exceeded for this admin token. "
            "Retry after %(retry_after)s seconds."
        ),
    )
    CREATION_FAILED = (500, _("The lead could not be created. Quote the request ID when contacting support."))

    # Both APIs: Redis, which stores the limits and counters, cannot be reached,
    # so no request is admitted unchecked.
    SERVICE_UNAVAILABLE = (503, _("The service is temporarily unavailable. Retry after %(retry_after)s seconds."))

    def __init__(self, status: int, message: Promise):
        self.status = status
        self.default_message = message


class ApiError(Exception):
    """A request failed with one of the reference's error codes.

    `params` fill the placeholders of the message; `details` goes to the
    envelope's `error.details`; `headers` are added to the response
    (`Retry-After`, `Allow`).
    """

    def __init__(
        self,
        code: ErrorCode,
        *,
        message: Promise | str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ):
        self.code = code
        self.message = message if message is not None else code.default_message
        self.details = details or {}
        self.headers = headers or {}
        self.params = params
        super().__init__(code.name)

    @property
    def status(self) -> int:
        return self.code.status

    def render_message(self) -> str:
        """Return the message in the active language with its placeholders filled."""
        text = str(self.message)
        return text % self.params if self.params else text
