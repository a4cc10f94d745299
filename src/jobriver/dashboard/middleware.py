"""Content-Security-Policy of the server's HTML pages: the company dashboard, the admin and the API docs."""

import base64
import hashlib
import re

from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.urls import reverse

ADMIN_BASE_TEMPLATE = "admin/base_site.html"
_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _policy(*, style_src: str = "'self'") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


# Scripts, styles and images come only from this server's static files, so
# an injected <script> or inline event handler would not run. Forms may only
# post to this server, and no other site may frame the pages.
CONTENT_SECURITY_POLICY = _policy()

# Swagger UI (ninja's static copy) renders the document within the
# dashboard's policy: its settings are a JSON <script> element, which is
# data and not code, and it loads the document from this server.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY


def admin_content_security_policy() -> str:
    """Return the admin's policy: the dashboard's, plus the hash of each inline <style> of its base template.

    Django's admin templates use only static files, but Jobriver's
    templates/admin/base_site.html styles the language selector in an
    inline <style> element. Its hash admits exactly that element, so the
    policy follows the template when it changes; inline scripts stay blocked.
    """
    source = get_template(ADMIN_BASE_TEMPLATE).template.source
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in _STYLE_ELEMENT.findall(source)
    ]
    return _policy(style_src=" ".join(["'self'", *hashes]))


class PageSecurityHeadersMiddleware:
    """Add the Content-Security-Policy header to every response under a page's prefix."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefixes: list[tuple[str, str]] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._prefixes is None:
            # Resolved on first use, because the URLconf and the templates may
            # not be loaded when the middleware is built. The first matching prefix wins.
            self._prefixes = [
                (reverse("dashboard:overview"), CONTENT_SECURITY_POLICY),
                (reverse("admin:index"), admin_content_security_policy()),
                (reverse("company-api:openapi-view"), DOCS_CONTENT_SECURITY_POLICY),
            ]
        for prefix, policy in self._prefixes:
            if request.path.startswith(prefix):
                response.setdefault("Content-Security-Policy", policy)
                break
        return response
