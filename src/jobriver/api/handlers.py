"""Exception handlers that turn every failure into the envelope."""

import logging

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from jobriver.api.envelope import error_response
from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.validation import messages_from_pydantic

logger = logging.getLogger(__name__)


def install_exception_handlers(api: NinjaAPI, *, unauthenticated: ErrorCode, internal: ErrorCode) -> None:
    """Register the handlers on one API instance.

    `unauthenticated` is the code for a request without credentials and
    `internal` the one for an unexpected fault, since the two APIs name
    them differently.
    """

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
        return error_response(request, error)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        messages = messages_from_pydantic(error.errors)
        return error_response(request, ApiError(ErrorCode.VALIDATION_ERROR, details={"errors": messages}))

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return error_response(request, ApiError(unauthenticated))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return error_response(request, ApiError(ErrorCode.NOT_FOUND))

    @api.exception_handler(TooManyFieldsSent)
    def on_too_many_fields(request: HttpRequest, error: TooManyFieldsSent) -> HttpResponse:
        # Django raises it when a route reads a query string with too many parameters.
        reason = _("the query string has more than %(limit)s parameters") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
        return error_response(request, ApiError(ErrorCode.BAD_REQUEST, reason=reason))

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("unhandled error request_id=%s path=%s", getattr(request, "request_id", "-"), request.path)
        return error_response(request, ApiError(internal))
