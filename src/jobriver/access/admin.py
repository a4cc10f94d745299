"""Admin pages for company API keys and admin tokens.

Keys are created, changed and revoked through access/services.py, so the
admin and the `jobriver key` command apply the same rules. The plaintext of
a new key appears once, in the response to the form that created it. It is
never stored: not in the database, not in the session and not in a message.
No page shows or edits `key_hash`.

Admin tokens live at /admin/admin-tokens/ (see `url_path` and
jobriver/adminsite/sites.py). Only superusers may create, change, revoke or
delete them. Other staff users see them if they have the view permission.
"""

import json
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from jobriver.access import services
from jobriver.access.models import AdminToken, ApiKey, Permission

CREDENTIAL_CREATED_TEMPLATE = "admin/access/credential_created.html"


class NetworkListField(forms.CharField):
    """IP networks in CIDR notation, one per line or separated by commas, stored as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [entry.strip() for entry in text.replace(",", "\n").splitlines() if entry.strip()]


class CredentialForm(forms.ModelForm):
    """Fields shared by keys and tokens, checked with the services' validators."""

    permissions = forms.MultipleChoiceField(
        label=_("permissions"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Permission.READ],
    )

    # Field name and the service validator that checks and normalises it.
    service_validators: dict[str, Callable] = {
        "name": services.validate_key_name,
        "permissions": services.validate_permissions,
        "rate_limit": services.validate_rate_limit,
    }

    def clean(self):
        cleaned = super().clean()
        for field, validator in self.service_validators.items():
            if field not in cleaned:
                continue
            try:
                cleaned[field] = validator(cleaned[field])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ApiKeyForm(CredentialForm):
    ip_allowlist = NetworkListField(
        label=_("IP allow-list"),
        required=False,
        help_text=_("IPv4 and IPv6 networks in CIDR notation, one per line. Empty: every address is allowed."),
    )

    service_validators = {**CredentialForm.service_validators, "ip_allowlist": services.validate_allowlist}

    class Meta:
        model = ApiKey
        fields = ["company", "name", "permissions", "ip_allowlist", "expires_at", "rate_limit"]


class AdminTokenForm(CredentialForm):
    service_validators = {**CredentialForm.service_validators, "user": services.validate_token_user}

    class Meta:
        model = AdminToken
        fields = ["user", "name", "permissions", "expires_at", "rate_limit"]
        # Admin tokens belong to no company, so only the platform default applies.
        help_texts = {"rate_limit": _("Requests per minute. Empty: the platform's default.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            staff = get_user_model().objects.filter(is_staff=True, is_active=True)
            self.fields["user"].queryset = staff.order_by(get_user_model().USERNAME_FIELD)


class CredentialAdmin(admin.ModelAdmin):
    """List, create and change keys or tokens. Subclasses name the services that do it."""

    list_filter = ("status",)
    list_per_page = 50
    actions = ("deactivate_selected", "activate_selected", "revoke_selected")
    # The company or user that owns the credential. It cannot change once the credential exists.
    owner_field: str
    # The status services by action name, and the keyword argument that takes the credential.
    status_services: dict[str, Callable]
    credential_argument: str
    # Fields the change form edits, and those it only shows.
    change_fields: tuple[str, ...] = ()
    state_fields = (
        "prefix",
        "status",
        "created_at",
        "revoked_at",
        "last_used_at",
        "last_used_ip",
        "requests_total",
    )

    @admin.display(description=_("permissions"))
    def permission_list(self, credential) -> str:
        return ", ".join(credential.permissions) or "–"

    @admin.display(description=_("prefix"), ordering="prefix")
    def prefix_display(self, credential) -> str:
        return f"{credential.prefix}…"

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if obj is None:
            return [(None, {"fields": self.form._meta.fields})]
        return [
            (None, {"fields": (self.owner_field, *self.change_fields)}),
            (_("State and usage"), {"fields": self.state_fields}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ()
        return (self.owner_field, *self.state_fields)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if change:
            self.update(obj, form.cleaned_data)
            return

        issued = self.create(request, form.cleaned_data)
        # The service saved its own instance. Load that row into the form's
        # instance, which the admin logs and passes on to response_add.
        obj.pk = issued.credential.pk
        obj.refresh_from_db()
        obj.issued_plaintext = issued.plaintext

    def response_add(self, request: HttpRequest, obj, post_url_continue=None) -> HttpResponse:
        """Show the new key once, in this response. admin_view already sends Cache-Control: no-store."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(name)s created") % {"name": capfirst(self.model._meta.verbose_name)},
            "opts": self.model._meta,
            "object": obj,
            "secret": obj.issued_plaintext,
            "usage_example": self.usage_example(request, obj.issued_plaintext),
        }
        return TemplateResponse(request, CREDENTIAL_CREATED_TEMPLATE, context)

    @admin.action(description=_("Deactivate the selected %(verbose_name_plural)s"), permissions=["change"])
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_status(request, queryset, "deactivate", _("%(count)d %(name)s deactivated."))

    @admin.action(description=_("Reactivate the selected %(verbose_name_plural)s"), permissions=["change"])
    def activate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_status(request, queryset, "activate", _("%(count)d %(name)s reactivated."))

    @admin.action(description=_("Revoke the selected %(verbose_name_plural)s for good"), permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_status(request, queryset, "revoke", _("%(count)d %(name)s revoked."))

    def change_status(self, request: HttpRequest, queryset: QuerySet, change: str, done_message: str) -> None:
        """Apply a status service to each selected credential and report what changed and what was rejected."""
        service = self.status_services[change]
        changed, rejected = 0, []
        for credential in queryset:
            try:
                service(**{self.credential_argument: credential})
                changed += 1
            except ValidationError:
                rejected.append(str(credential))

        if changed:
            opts = self.model._meta
            name = opts.verbose_name if changed == 1 else opts.verbose_name_plural
            self.message_user(request, done_message % {"count": changed, "name": name}, messages.SUCCESS)
        if rejected:
            message = _("Revoked keys stay revoked. Left unchanged: %(names)s") % {"names": ", ".join(rejected)}
            self.message_user(request, message, messages.WARNING)

    # Hooks for the two kinds of credential.

    def create(self, request: HttpRequest, data: dict) -> services.IssuedKey:
        raise NotImplementedError

    def update(self, credential, data: dict) -> None:
        raise NotImplementedError

    def usage_example(self, request: HttpRequest, plaintext: str) -> str:
        raise NotImplementedError


@admin.register(ApiKey)
class ApiKeyAdmin(CredentialAdmin):
    form = ApiKeyForm
    list_display = (
        "name",
        "prefix_display",
        "company",
        "status",
        "permission_list",
        "expires_at",
        "last_used_at",
        "requests_total",
    )
    list_filter = ("status", "company")
    list_select_related = ("company",)
    search_fields = ("name", "prefix", "company__name")
    owner_field = "company"
    change_fields = ("name", "permissions", "ip_allowlist", "expires_at", "rate_limit")
    state_fields = (*CredentialAdmin.state_fields, "jobs_created", "created_by")
    status_services = {
        "deactivate": services.api_key_deactivate,
        "activate": services.api_key_activate,
        "revoke": services.api_key_revoke,
    }
    credential_argument = "api_key"

    def create(self, request: HttpRequest, data: dict) -> services.IssuedKey:
        return services.api_key_create(
            company=data["company"],
            name=data["name"],
            permissions=data["permissions"],
            ip_allowlist=data["ip_allowlist"],
            expires_at=data["expires_at"],
            rate_limit=data["rate_limit"],
            created_by=request.user,
        )

    def update(self, credential: ApiKey, data: dict) -> None:
        services.api_key_update(
            api_key=credential,
            name=data["name"],
            permissions=data["permissions"],
            ip_allowlist=data["ip_allowlist"],
            expires_at=data["expires_at"],
            clear_expiry=data["expires_at"] is None,
            rate_limit=data["rate_limit"],
            clear_rate_limit=data["rate_limit"] is None,
        )

    def usage_example(self, request: HttpRequest, plaintext: str) -> str:
        url = request.build_absolute_uri("/api/v1/status")
        return f'curl -H "X-API-Key: {plaintext}" "{url}"'


@admin.register(AdminToken)
class AdminTokenAdmin(CredentialAdmin):
    # Served at /admin/admin-tokens/ by JobriverAdminSite.
    url_path = "admin-tokens/"
    form = AdminTokenForm
    list_display = (
        "name",
        "prefix_display",
        "user",
        "status",
        "permission_list",
        "last_used_at",
        "expires_at",
        "created_at",
    )
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    owner_field = "user"
    change_fields = ("name", "permissions", "expires_at", "rate_limit")
    status_services = {
        "deactivate": services.admin_token_deactivate,
        "activate": services.admin_token_activate,
        "revoke": services.admin_token_revoke,
    }
    credential_argument = "token"

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        return {"user": request.user.pk, **super().get_changeform_initial_data(request)}

    # A token acts with staff rights on the Admin API, so only superusers manage tokens.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def create(self, request: HttpRequest, data: dict) -> services.IssuedKey:
        return services.admin_token_create(
            user=data["user"],
            name=data["name"],
            permissions=data["permissions"],
            expires_at=data["expires_at"],
            rate_limit=data["rate_limit"],
        )

    def update(self, credential: AdminToken, data: dict) -> None:
        services.admin_token_update(
            token=credential,
            name=data["name"],
            permissions=data["permissions"],
            expires_at=data["expires_at"],
            clear_expiry=data["expires_at"] is None,
            rate_limit=data["rate_limit"],
            clear_rate_limit=data["rate_limit"] is None,
        )

    def usage_example(self, request: HttpRequest, plaintext: str) -> str:
        url = request.build_absolute_uri("/api/v1/admin/leads")
        body = json.dumps({"vorname": "Max", "nachname": "Mustermann"})
        return (
            f'curl -X POST "{url}" \\\n'
            f'  -H "X-API-Key: {plaintext}" \\\n'
            f'  -H "Content-Type: application/json" \\\n'
            f"  -d '{body}'"
        )
