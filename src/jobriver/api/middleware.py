"""Request plumbing shared by every API route.

`ApiRequestMiddleware` wraps the whole stack: it gives each request an id,
strips a trailing slash from API paths (so `/jobs/` is `/jobs`, never a
redirect), turns the framework's bare 400, 404 and 405 responses into the
envelope, sets the `X-Request-Id` and `X-RateLimit-*` headers and writes one
log line per API request.

An oversized body is answered 413 where a route reads it (`api.body`), after
authentication, as the pipeline's order requires. Django raises
RequestDataTooBig from the declared Content-Length before it reads any of
the body, because DATA_UPLOAD_MAX_MEMORY_SIZE is JOBRIVER_MAX_BODY_BYTES.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

from jobriver.access.addresses import is_trusted_peer
from jobriver.api.envelope import error_response
from jobriver.api.errors import ApiError, ErrorCode

logger = logging.getLogger("jobriver.api.requests")

API_PREFIX = "/api/"
API_DEFAULT_LANGUAGE = "en"

# The framework reports allowed methods in no fixed order; the Allow header lists them in this one.
METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

# Granian sends `server: granian` unless the application sets its own value;
# this one names no software and no version.
SERVER_HEADER = "jobriver"

# Headers that SecurityMiddleware and its neighbours set on the framework's
# own response, kept when the envelope replaces that response.
SECURITY_HEADERS = (
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
    "Content-Security-Policy",
)


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def api_language(request: HttpRequest) -> str:
    """Return `de` when the client prefers German, else English, the API's default."""
    supported = {code for code, _name in settings.LANGUAGES}
    for language, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = language.split("-", 1)[0].lower()
        if base in supported:
            return base
    return API_DEFAULT_LANGUAGE


def page_language(request: HttpRequest) -> str:
    """Return the language the user chose with the language switcher, else LANGUAGE_CODE.

    The browser's Accept-Language is not consulted: the dashboards are German
    until a user picks English, whatever language their browser prefers.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in {code for code, _name in settings.LANGUAGES}:
        return chosen
    return settings.LANGUAGE_CODE


class ApiLocaleMiddleware(LocaleMiddleware):
    """Django's locale middleware with the platform's two defaults.

    API clients get English unless their Accept-Language asks for German;
    pages are German unless the user chose English (see `page_language`).
    """

    def process_request(self, request: HttpRequest) -> None:
        language = api_language(request) if is_api_path(request.path_info) else page_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language


def _bad_request_reason(request: HttpRequest) -> str:
    """Return why Django responded 400 before any route ran."""
    try:
        request.get_host()
    except DisallowedHost:
        return str(_("the Host header is missing or not in ALLOWED_HOSTS"))
    return str(_("the request is malformed"))


class ApiRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex
        self._drop_untrusted_forwarded_proto(request)
        if not is_api_path(request.path_info):
            response = self.get_response(request)
            response["X-Request-Id"] = request.request_id
            response["Server"] = SERVER_HEADER
            return response

        started = time.perf_counter()
        self._strip_trailing_slash(request)
        bare = self.get_response(request)
        response = self._envelope_bare_response(request, bare)
        if response is not bare:
            for name in SECURITY_HEADERS:
                if name in bare:
                    response[name] = bare[name]

        self._add_headers(request, response)
        self._log(request, response, started)
        return response

    @staticmethod
    def _drop_untrusted_forwarded_proto(request: HttpRequest) -> None:
        # SECURE_PROXY_SSL_HEADER makes Django believe X-Forwarded-Proto from
        # any peer; only a trusted proxy may say that the client used HTTPS.
        if "HTTP_X_FORWARDED_PROTO" in request.META and not is_trusted_peer(request):
            del request.META["HTTP_X_FORWARDED_PROTO"]

    @staticmethod
    def _strip_trailing_slash(request: HttpRequest) -> None:
        if len(request.path_info) > len(API_PREFIX) and request.path_info.endswith("/"):
            request.path_info = request.path_info.rstrip("/")
            request.path = request.path.rstrip("/")

    @staticmethod
    def _envelope_bare_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Give the framework's own 400, 404, 405 and 500 responses the API's envelope."""
        if getattr(response, "is_api_envelope", False):
            return response

        with translation.override(api_language(request)):
            if response.status_code == 400:
                return error_response(request, ApiError(ErrorCode.BAD_REQUEST, reason=_bad_request_reason(request)))
            if response.status_code == 404:
                return error_response(request, ApiError(ErrorCode.NOT_FOUND))
            if response.status_code == 405:
                methods = {method.strip().upper() for method in response.get("Allow", "").split(",") if method.strip()}
                ordered = sorted(methods, key=lambda method: (METHOD_ORDER + [method]).index(method))
                allowed = ", ".join(ordered)
                error = ApiError(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    details={"allowed_methods": ordered},
                    headers={"Allow": allowed},
                    method=request.method,
                    allowed=allowed,
                )
                return error_response(request, error)
            if response.status_code >= 500:
                return error_response(request, ApiError(ErrorCode.INTERNAL_ERROR))
        return response

    @staticmethod
    def _add_headers(request: HttpRequest, response: HttpResponse) -> None:
        response["X-Request-Id"] = request.request_id
        response["Server"] = SERVER_HEADER
        state = getattr(request, "rate_limit", None)
        if state is not None:
            response["X-RateLimit-Limit"] = str(state.limit)
            response["X-RateLimit-Remaining"] = str(state.remaining)
            response["X-RateLimit-Reset"] = str(state.reset)

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, started: float) -> None:
        principal = getattr(request, "principal", None)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "api_request request_id=%s method=%s path=%s status=%s duration_ms=%.1f key_prefix=%s company_id=%s",
            request.request_id,
            request.method,
            request.path_info,
            response.status_code,
            duration_ms,
            getattr(principal, "key_prefix", "-"),
            getattr(principal, "company_id", "-"),
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path_info,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "key_prefix": getattr(principal, "key_prefix", None),
                "company_id": getattr(principal, "company_id", None),
            },
        )
