"""Admin pages for companies and the users who act for them.

A company's API keys are listed on its page. They are created and revoked
on the API key pages, which show a new key once.
"""

import logging
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jobriver.access.models import ApiKey
from jobriver.companies.models import Company, CompanyMember
from jobriver.slugs import first_free_slug, slug_base

logger = logging.getLogger(__name__)


class CompanyMemberInline(admin.TabularInline):
    model = CompanyMember
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)
    extra = 0


class ApiKeyInline(admin.TabularInline):
    """The company's keys, read-only. The key pages create and change them."""

    model = ApiKey
    fields = ("name", "prefix", "status", "permissions", "expires_at", "last_used_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("API keys")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "job_limit_display",
        "active_jobs",
        "rate_limit_display",
        "api_access_enabled",
        "created_at",
    )
    list_filter = ("api_access_enabled",)
    search_fields = ("name", "slug")
    readonly_fields = ("slug", "created_at", "new_api_key_link")
    fieldsets = (
        (None, {"fields": ("name", "slug")}),
        (_("Limits and access"), {"fields": ("job_limit", "rate_limit", "api_access_enabled", "new_api_key_link")}),
        (None, {"fields": ("created_at",)}),
    )
    inlines = (CompanyMemberInline, ApiKeyInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Company]:
        return super().get_queryset(request).annotate(
            active_job_count=Count("jobs", filter=Q(jobs__is_active=True))
        )

    @admin.display(description=_("job limit"), ordering="job_limit")
    def job_limit_display(self, company: Company):
        return _("unlimited") if company.job_limit is None else company.job_limit

    @admin.display(description=_("active jobs"), ordering="active_job_count")
    def active_jobs(self, company: Company) -> int:
        return company.active_job_count

    @admin.display(description=_("rate limit"), ordering="rate_limit")
    def rate_limit_display(self, company: Company):
        return _("platform default") if company.rate_limit is None else company.rate_limit

    @admin.display(description=_("API keys"))
    def new_api_key_link(self, company: Company):
        if company.pk is None:
            return _("Save the company first, then create its API keys.")
        url = reverse("admin:access_apikey_add") + "?" + urlencode({"company": company.pk})
        return format_html('<a class="addlink" href="{}">{}</a>', url, _("Create an API key"))

    def save_model(self, request: HttpRequest, obj: Company, form, change: bool) -> None:
        # The slug is derived from the name once, as `company_create` does, and never changes.
        if not change:
            obj.slug = first_free_slug(Company, slug_base(obj.name, fallback="company"))
        super().save_model(request, obj, form, change)
        if not change:
            logger.info("company created company_id=%s user_id=%s", obj.pk, request.user.pk)


@admin.register(CompanyMember)
class CompanyMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "created_at")
    list_select_related = ("user", "company")
    search_fields = ("user__username", "user__email", "company__name")
    autocomplete_fields = ("user", "company")
    readonly_fields = ("created_at",)
