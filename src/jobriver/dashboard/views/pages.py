"""The overview and the job list."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from jobriver.access.models import KeyStatus
from jobriver.access.selectors import api_key_list
from jobriver.dashboard.charts import bar_chart
from jobriver.dashboard.decorators import company_required
from jobriver.dashboard.selectors import company_job_page, company_usage, effective_rate_limit
from jobriver.jobs.selectors import active_job_count


@require_safe
@company_required
def overview(request):
    company = request.company
    usage = company_usage(company_id=company.pk, today=timezone.localdate())
    context = {
        "section": "overview",
        "active_jobs": active_job_count(company_id=company.pk),
        "active_keys": api_key_list(company_id=company.pk).filter(status=KeyStatus.ACTIVE).count(),
        "rate_limit": effective_rate_limit(company=company),
        "usage": usage,
        "chart": bar_chart(usage.per_day),
    }
    return render(request, "dashboard/overview.html", context)


@require_safe
@company_required
def job_list(request):
    page = company_job_page(company_id=request.company.pk, page_number=request.GET.get("page"))
    return render(request, "dashboard/job_list.html", {"section": "jobs", "page": page})
