"""The response envelope of both APIs.

Company API: `{"success", "data" | "error", "meta": {"rate_limit"}}`, the meta
present once a key has passed the rate limiter. Admin API: the same with
`meta.request_id` and `meta.timestamp` on every response, errors included.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from jobriver.api.errors import ApiError

ADMIN_API_PREFIX = "/api/v1/admin"


def is_admin_api_path(path: str) -> bool:
    return path == ADMIN_API_PREFIX or path.startswith(ADMIN_API_PREFIX + "/")


def _meta(request: HttpRequest) -> dict[str, Any] | None:
    if is_admin_api_path(request.path_info):
        return {
            "request_id": getattr(request, "request_id", None),
            "timestamp": timezone.localtime().isoformat(timespec="seconds"),
        }

    state = getattr(request, "rate_limit", None)
    if state is None:
        return None
    return {"rate_limit": {"limit": state.limit, "remaining": state.remaining, "reset": state.reset}}


def _json(body: dict[str, Any], status: int) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response.is_api_envelope = True
    return response


def success_response(request: HttpRequest, data: Any, *, status: int = 200) -> JsonResponse:
    body: dict[str, Any] = {"success": True, "data": data}
    meta = _meta(request)
    if meta is not None:
        body["meta"] = meta
    return _json(body, status)


def error_response(request: HttpRequest, error: ApiError) -> JsonResponse:
    body: dict[str, Any] = {
        "success": False,
        "error": {"code": error.code.name, "message": error.render_message(), "details": error.details},
    }
    meta = _meta(request)
    if meta is not None:
        body["meta"] = meta

    response = _json(body, error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response
