"""Security headers of the dashboard's pages."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

# Scripts, styles and images come only from this server's static files, so
# an injected <script> or inline event handler would not run. Forms may only
# post to this server, and no other site may frame the pages.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class DashboardSecurityHeadersMiddleware:
    """Add the Content-Security-Policy header to every response under the dashboard's prefix."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._prefix is None:
            # Resolved on first use, because the URLconf may not be loaded when the middleware is built.
            self._prefix = reverse("dashboard:overview")
        if request.path.startswith(self._prefix):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
