"""Reads of jobs, categories and technologies. Company scoping lives here."""

import math
import re
from typing import Any

from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.fields import MAX_DATABASE_ID
from jobriver.jobs.models import Category, Job, Technology
from jobriver.jobs.search import fold

_JOB_ID_PATTERN = re.compile(r"[0-9]+")


# Columns of the API's job object. The reads take them as plain rows because
# building model instances took most of a list request's time. The category's
# columns come through the join.
JOB_COLUMNS = (
    "id",
    "slug",
    "title",
    "description",
    "requirements",
    "benefits",
    "location",
    "latitude",
    "longitude",
    "location_type",
    "employment_type",
    "experience_level",
    "category_id",
    "category__name",
    "category__slug",
    "salary_min",
    "salary_max",
    "apply_type",
    "apply_url",
    "apply_email",
    "is_featured",
    "is_active",
    "applications_count",
    "start_date",
    "languages_required",
    "soft_skills",
    "published_at",
    "expires_at",
    "created_at",
    "updated_at",
)


def _with_technologies(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add to each job row `technologies`, its technology rows by name, read in one query.

    The query selects by job id only, so it reads no other company's links
    as long as `rows` come from a query scoped to one company.
    """
    by_job: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
    if by_job:
        links = (
            Job.technologies.through.objects.filter(job_id__in=by_job)
            .order_by("technology__name", "technology_id")
            .values_list("job_id", "technology_id", "technology__name", "technology__slug", "technology__category")
        )
        for job_id, technology_id, name, slug, category in links:
            by_job[job_id].append({"id": technology_id, "name": name, "slug": slug, "category": category})

    for row in rows:
        row["technologies"] = by_job[row["id"]]
    return rows


def job_list(
    *,
    company_id: int,
    page: int,
    per_page: int,
    is_active: bool | None = None,
    category_id: int | None = None,
    search: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Return one page of the company's job rows, newest first, and the pagination block.

    Each row has the keys of JOB_COLUMNS and `technologies`. A page past
    the end is empty and still reports the totals.
    """
    jobs = Job.objects.filter(company_id=company_id)
    if is_active is not None:
        jobs = jobs.filter(is_active=is_active)
    if category_id is not None:
        jobs = jobs.filter(category_id=category_id)
    if search:
        # `contains` escapes % and _, so they match literally.
        jobs = jobs.filter(search_text__contains=fold(search))

    total = jobs.count()
    offset = (page - 1) * per_page
    rows = []
    if offset < total:
        rows = _with_technologies(list(jobs.order_by("-id").values(*JOB_COLUMNS)[offset : offset + per_page]))
    pagination = {
        "current_page": page,
        "per_page": per_page,
        "total": total,
        "total_pages": math.ceil(total / per_page),
    }
    return rows, pagination


def parse_job_id(raw: str) -> int | None:
    """Return the job id in a path segment, None for an id no job can have, or raise INVALID_JOB_ID.

    Any run of ASCII digits above zero is a well-formed id, however long.
    No job has an id beyond the 64-bit key range, so such ids are not
    converted at all: Python refuses to convert more than 4300 digits.
    """
    digits = raw.lstrip("0")
    if not _JOB_ID_PATTERN.fullmatch(raw) or not digits:
        raise ApiError(ErrorCode.INVALID_JOB_ID, details={"job_id": raw[:100]})
    if len(digits) > len(str(MAX_DATABASE_ID)) or int(digits) > MAX_DATABASE_ID:
        return None
    return int(digits)


def _job_not_found(job_id: str, parsed: int | None) -> ApiError:
    return ApiError(ErrorCode.JOB_NOT_FOUND, details={"job_id": parsed if parsed is not None else job_id[:100]})


def job_get(*, company_id: int, job_id: str) -> Job:
    """Return one of the company's jobs as a model, for writes; another company's job is as absent as a missing one."""
    parsed = parse_job_id(job_id)
    job = None
    if parsed is not None:
        job = Job.objects.filter(company_id=company_id, pk=parsed).first()
    if job is None:
        raise _job_not_found(job_id, parsed)
    return job


def job_detail(*, company_id: int, job_id: str) -> dict[str, Any]:
    """Return one of the company's jobs as a row like those of `job_list`, or raise JOB_NOT_FOUND as `job_get` does."""
    parsed = parse_job_id(job_id)
    row = None
    if parsed is not None:
        row = Job.objects.filter(company_id=company_id, pk=parsed).values(*JOB_COLUMNS).first()
    if row is None:
        raise _job_not_found(job_id, parsed)
    return _with_technologies([row])[0]


def _matches(name: str, search: str | None) -> bool:
    return not search or fold(search) in fold(name)


def category_list(*, search: str | None = None) -> list[dict[str, Any]]:
    """Return the active categories by sort order as rows, each with `job_count`, its count of active jobs."""
    categories = Category.objects.filter(is_active=True).order_by("sort_order", "name")
    rows = categories.values("id", "name", "slug", "icon", "description", "job_count")
    # The catalogue is small; filtering here folds German case the same way on every database.
    return [row for row in rows if _matches(row["name"], search)]


def technology_list(
    *, category: str | None = None, trending: bool | None = None, search: str | None = None
) -> list[dict[str, Any]]:
    """Return technologies by name as rows, each with `job_count`, its count of active jobs."""
    technologies = Technology.objects.all()
    if category is not None:
        technologies = technologies.filter(category=category)
    if trending is not None:
        technologies = technologies.filter(is_trending=trending)
    rows = technologies.order_by("name").values("id", "name", "slug", "category", "job_count", "is_trending")
    return [row for row in rows if _matches(row["name"], search)]


def active_job_count(*, company_id: int) -> int:
    return Job.objects.filter(company_id=company_id, is_active=True).count()
