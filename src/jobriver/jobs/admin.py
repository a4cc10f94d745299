"""Admin pages for the catalogue (categories, technologies) and a read-only view of jobs.

Jobs are written only through the company API, which keeps the job limit,
the slug and the search text consistent, so the admin shows them without
add, change or delete.
"""

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jobriver.jobs.models import Category, Job, Technology


def _with_active_job_count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(active_job_count=Count("jobs", filter=Q(jobs__is_active=True)))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "icon", "sort_order", "is_active", "active_jobs")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "icon", "description", "sort_order", "is_active")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return _with_active_job_count(super().get_queryset(request))

    @admin.display(description=_("active jobs"), ordering="active_job_count")
    def active_jobs(self, category: Category) -> int:
        return category.active_job_count


@admin.register(Technology)
class TechnologyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "category", "is_trending", "active_jobs")
    list_editable = ("is_trending",)
    list_filter = ("category", "is_trending")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "category", "is_trending")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Technology]:
        return _with_active_job_count(super().get_queryset(request))

    @admin.display(description=_("active jobs"), ordering="active_job_count")
    def active_jobs(self, technology: Technology) -> int:
        return technology.active_job_count


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "company", "location", "category", "is_active", "is_featured", "created_at")
    list_filter = ("is_active", "is_featured", "employment_type", "location_type", "category")
    list_select_related = ("company", "category")
    search_fields = ("title", "company__name", "location")
    date_hierarchy = "created_at"
    exclude = ("search_text",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
