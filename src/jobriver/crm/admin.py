"""Admin pages for packages and leads.

The lead list is the sales team's daily view. It filters by status, by the
day a lead came in and by its follow-up reminder, and status and reminder
can be edited in the list itself.
"""

import datetime

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobriver.crm.models import Lead, Package

REMINDER_SOON_DAYS = 7


class ReminderFilter(admin.SimpleListFilter):
    """Leads by when their follow-up is due, relative to today in the platform time zone."""

    title = _("reminder")
    parameter_name = "reminder_due"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [
            ("overdue", _("Overdue")),
            ("today", _("Today")),
            ("soon", _("In the next %(days)s days") % {"days": REMINDER_SOON_DAYS}),
            ("set", _("Any reminder")),
            ("none", _("No reminder")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Lead]) -> QuerySet[Lead]:
        today = timezone.localdate()
        conditions = {
            "overdue": Q(reminder__lt=today),
            "today": Q(reminder=today),
            "soon": Q(reminder__gt=today, reminder__lte=today + datetime.timedelta(days=REMINDER_SOON_DAYS)),
            "set": Q(reminder__isnull=False),
            "none": Q(reminder__isnull=True),
        }
        condition = conditions.get(self.value())
        return queryset if condition is None else queryset.filter(condition)


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "is_active", "sort_order", "lead_count")
    list_editable = ("is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    fields = ("name", "description", "price", "is_active", "sort_order")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Package]:
        return super().get_queryset(request).annotate(lead_total=Count("leads"))

    @admin.display(description=_("leads"), ordering="lead_total")
    def lead_count(self, package: Package) -> int:
        return package.lead_total


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = (
        "nachname",
        "vorname",
        "firma",
        "email",
        "telefon",
        "status",
        "datum_eingang",
        "reminder",
        "package",
        "preis",
        "angebot_status",
    )
    list_display_links = ("nachname", "vorname")
    list_editable = ("status", "reminder")
    list_filter = ("status", "datum_eingang", ReminderFilter, "angebot_status", "package")
    list_select_related = ("package",)
    search_fields = ("vorname", "nachname", "firma", "email")
    date_hierarchy = "datum_eingang"
    readonly_fields = ("created_by", "created_at", "updated_at")
    fieldsets = (
        (_("Contact"), {"fields": ("vorname", "nachname", "firma", "adresse", "telefon", "email")}),
        (_("Follow-up"), {"fields": ("status", "datum_eingang", "reminder", "notizen")}),
        (
            _("Offer"),
            {"fields": ("package", "preis", "anzahl", "rabatt", "angebot_status", "angebot_nummer", "angebot_pdf_path")},
        ),
        (_("Record"), {"fields": ("created_by", "created_at", "updated_at")}),
    )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        return {"datum_eingang": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def get_form(self, request: HttpRequest, obj: Lead | None = None, change: bool = False, **kwargs):
        # New leads get active packages only, as on the Admin API. A lead keeps the package it has.
        form = super().get_form(request, obj, change=change, **kwargs)
        if "package" in form.base_fields:
            current = Q(pk=obj.package_id) if obj is not None and obj.package_id else Q(pk__in=[])
            form.base_fields["package"].queryset = Package.objects.filter(Q(is_active=True) | current)
        return form

    def save_model(self, request: HttpRequest, obj: Lead, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
