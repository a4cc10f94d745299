"""API keys: list, create (the plaintext is shown once), edit, deactivate, reactivate, revoke.

Every change goes through access/services.py. The API reads the key on
every request, so a change applies to the very next request.
"""

import base64
import binascii
import hmac
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jobriver.access.keys import hash_key
from jobriver.access.models import ApiKey, KeyStatus
from jobriver.access.selectors import api_key_get, api_key_list, api_keys_with_usage
from jobriver.access.services import (
    api_key_activate,
    api_key_create,
    api_key_deactivate,
    api_key_revoke,
    api_key_update,
)
from jobriver.dashboard.decorators import company_required
from jobriver.dashboard.forms import ApiKeyForm

# The plaintext of a new key waits here between the create POST and the page
# that shows it, and is deleted from the session when that page is rendered.
# The session (a database row) keeps it only XOR-ed with a one-time pad of
# random bytes, and the pad goes to the browser in a cookie, so neither the
# database nor the cookie alone contains the key.
NEW_KEY_SESSION_KEY = "dashboard_new_key"
NEW_KEY_PAD_COOKIE = "dashboard_new_key_pad"
NEW_KEY_PAD_MAX_AGE = 600  # seconds


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(left ^ right for left, right in zip(data, pad, strict=True))


def _seal(plaintext: str) -> tuple[str, str]:
    """Return (the sealed plaintext, its pad), both base64 text."""
    data = plaintext.encode("ascii")
    pad = secrets.token_bytes(len(data))
    return base64.b64encode(_xor(data, pad)).decode(), base64.b64encode(pad).decode()


def _unseal(sealed: str, pad: str) -> str | None:
    """Return the plaintext, or None when the pad is missing, malformed or of another key."""
    try:
        data = _xor(base64.b64decode(sealed, validate=True), base64.b64decode(pad, validate=True))
        return data.decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _company_key_or_404(request: HttpRequest, key_id: int) -> ApiKey:
    # The selector filters by company, so another company's key is not found.
    api_key = api_key_get(company_id=request.company.pk, key_id=key_id)
    if api_key is None:
        raise Http404("no such API key")
    return api_key


def _bound_form(request: HttpRequest, api_key: ApiKey | None = None) -> ApiKeyForm:
    data = request.POST if request.method == "POST" else None
    return ApiKeyForm(data, api_key=api_key)


@require_safe
@company_required
def key_list(request):
    keys = api_keys_with_usage(api_key_list(company_id=request.company.pk))
    context = {"section": "keys", "keys": keys, "now": timezone.now()}
    return render(request, "dashboard/key_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@company_required
def key_create(request):
    form = _bound_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_key_create(
                company=request.company,
                name=form.cleaned_data["name"],
                permissions=form.cleaned_data["permissions"],
                ip_allowlist=form.cleaned_data["ip_allowlist"],
                expires_at=form.expires_at(),
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sealed, pad = _seal(issued.plaintext)
            request.session[NEW_KEY_SESSION_KEY] = {"key_id": issued.credential.pk, "sealed": sealed}
            response = redirect("dashboard:key_created", key_id=issued.credential.pk)
            response.set_cookie(
                NEW_KEY_PAD_COOKIE,
                pad,
                max_age=NEW_KEY_PAD_MAX_AGE,
                path=reverse("dashboard:key_created", args=[issued.credential.pk]),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
            return response

    return render(request, "dashboard/key_form.html", {"section": "keys", "form": form, "api_key": None})


@require_safe
@require_http_methods(["GET", "HEAD", "POST"])
@company_required
def key_created(request, key_id: int):
    api_key = _company_key_or_404(request, key_id)
    plaintext = None
    stored = request.session.get(NEW_KEY_SESSION_KEY)
    pad = request.COOKIES.get(NEW_KEY_PAD_COOKIE)
    if stored is not None and stored.get("key_id") == api_key.pk:
        plaintext = _unseal(stored.get("sealed", ""), pad) if pad else None
        # A pad of another key can unseal to text of the right length; only this key's hash proves it.
        if plaintext is not None and not hmac.compare_digest(hash_key(plaintext), api_key.key_hash):
            plaintext = None
        del request.session[NEW_KEY_SESSION_KEY]

    context = {"section": "keys", "api_key": api_key, "plaintext": plaintext}
    response: HttpResponse = render(request, "dashboard/key_created.html", context)
    if pad is not None:
        response.delete_cookie(NEW_KEY_PAD_COOKIE, path=request.path, samesite="Strict")
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@company_required
def key_edit(request, key_id: int):
    api_key = _company_key_or_404(request, key_id)
    if api_key.status == KeyStatus.REVOKED:
        messages.error(request, _("A revoked key cannot be changed. Create a new one."))
        return redirect("dashboard:key_list")

    form = _bound_form(request, api_key)
    if request.method == "POST" and form.is_valid():
        expires_at = form.expires_at()
        try:
            api_key_update(
                api_key=api_key,
                name=form.cleaned_data["name"],
                permissions=form.cleaned_data["permissions"],
                ip_allowlist=form.cleaned_data["ip_allowlist"],
                expires_at=expires_at,
                clear_expiry=expires_at is None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Key “%(name)s” saved. The changes apply from the next request on.") % {"name": api_key.name},
            )
            return redirect("dashboard:key_list")

    return render(request, "dashboard/key_form.html", {"section": "keys", "form": form, "api_key": api_key})


def _change_status(request, key_id: int, service, success_message: str):
    api_key = _company_key_or_404(request, key_id)
    try:
        service(api_key=api_key)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success_message % {"name": api_key.name})
    return redirect("dashboard:key_list")


@require_POST
@company_required
def key_deactivate(request, key_id: int):
    return _change_status(
        request, key_id, api_key_deactivate, _("Key “%(name)s” deactivated. It is rejected until you reactivate it.")
    )


@require_POST
@company_required
def key_activate(request, key_id: int):
    return _change_status(request, key_id, api_key_activate, _("Key “%(name)s” reactivated."))


@require_http_methods(["GET", "HEAD", "POST"])
@company_required
def key_revoke(request, key_id: int):
    """Ask for confirmation on GET and revoke on POST."""
    api_key = _company_key_or_404(request, key_id)
    if api_key.status == KeyStatus.REVOKED:
        messages.info(request, _("Key “%(name)s” is already revoked.") % {"name": api_key.name})
        return redirect("dashboard:key_list")

    if request.method == "POST":
        return _change_status(
            request, key_id, api_key_revoke, _("Key “%(name)s” revoked. It is rejected from now on, for good.")
        )
    return render(request, "dashboard/key_revoke.html", {"section": "keys", "api_key": api_key})
