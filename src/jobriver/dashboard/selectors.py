"""Reads for the dashboard. Every read takes the company, so a user only reaches their own rows."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator

from jobriver.access.models import ApiKey
from jobriver.access.usage import usage_requests_by_day
from jobriver.companies.models import Company, CompanyMember
from jobriver.jobs.models import Job

CHART_DAYS = 30
JOBS_PER_PAGE = 20


@dataclass(frozen=True)
class UsageSummary:
    """Requests of all the company's keys; days are calendar days in TIME_ZONE."""

    today: int
    this_month: int
    per_day: list[tuple[datetime.date, int]]


def company_for_user(*, user) -> Company | None:
    """Return the company the user acts for, or None for users without a membership (such as staff)."""
    if not user.is_authenticated:
        return None
    membership = CompanyMember.objects.select_related("company").filter(user=user).first()
    return membership.company if membership is not None else None


def effective_rate_limit(*, company: Company) -> int:
    """Return the requests per minute of the company's keys that do not set their own limit."""
    return company.rate_limit or settings.JOBRIVER_DEFAULT_RATE_LIMIT


def _requests_by_day(company_id: int, first_day: datetime.date, last_day: datetime.date) -> dict[datetime.date, int]:
    # Through the usage module, because with Redis the rows lag behind the counts.
    key_ids = list(ApiKey.objects.filter(company_id=company_id).values_list("pk", flat=True))
    totals: dict[datetime.date, int] = defaultdict(int)
    counts = usage_requests_by_day(api_key_ids=key_ids, first_day=first_day, last_day=last_day)
    for (_key_id, day), requests in counts.items():
        totals[day] += requests
    return dict(totals)


def company_usage(*, company_id: int, today: datetime.date, days: int = CHART_DAYS) -> UsageSummary:
    """Return today's and this month's requests and one count per day for the last `days` days."""
    first_chart_day = today - datetime.timedelta(days=days - 1)
    first_of_month = today.replace(day=1)
    counts = _requests_by_day(company_id, min(first_chart_day, first_of_month), today)

    per_day = []
    for offset in range(days):
        day = first_chart_day + datetime.timedelta(days=offset)
        per_day.append((day, counts.get(day, 0)))

    return UsageSummary(
        today=counts.get(today, 0),
        this_month=sum(total for day, total in counts.items() if day >= first_of_month),
        per_day=per_day,
    )


def company_job_page(*, company_id: int, page_number: str | int | None) -> Page:
    """Return one page of the company's jobs, newest first; an invalid page number gives the nearest page."""
    jobs = Job.objects.filter(company_id=company_id).select_related("category").order_by("-id")
    return Paginator(jobs, JOBS_PER_PAGE).get_page(page_number)
