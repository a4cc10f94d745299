"""Reads of jobs, categories and technologies. Company scoping lives here."""

import math
import re
from typing import Any

from django.db.models import Prefetch, QuerySet

from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.fields import MAX_DATABASE_ID
from jobriver.jobs.models import Category, Job, Technology
from jobriver.jobs.search import fold

_JOB_ID_PATTERN = re.compile(r"[0-9]+")


def _jobs_with_relations() -> QuerySet[Job]:
    return Job.objects.select_related("category").prefetch_related(
        Prefetch("technologies", queryset=Technology.objects.order_by("name"))
    )


def job_list(
    *, company_id: int, is_active: bool | None = None, category_id: int | None = None, search: str | None = None
) -> QuerySet[Job]:
    """Return the company's jobs, newest first, filtered as the list endpoint allows."""
    jobs = _jobs_with_relations().filter(company_id=company_id)
    if is_active is not None:
        jobs = jobs.filter(is_active=is_active)
    if category_id is not None:
        jobs = jobs.filter(category_id=category_id)
    if search:
        # `contains` escapes % and _, so they match literally.
        jobs = jobs.filter(search_text__contains=fold(search))
    return jobs.order_by("-id")


def paginate(queryset: QuerySet, *, page: int, per_page: int) -> tuple[list[Any], dict[str, int]]:
    """Return one page of `queryset` and the pagination block; a page past the end is empty."""
    total = queryset.count()
    offset = (page - 1) * per_page
    items = list(queryset[offset : offset + per_page]) if offset < total else []
    pagination = {
        "current_page": page,
        "per_page": per_page,
        "total": total,
        "total_pages": math.ceil(total / per_page),
    }
    return items, pagination


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


def job_get(*, company_id: int, job_id: str) -> Job:
    """Return one of the company's jobs; another company's job is as absent as a missing one."""
    parsed = parse_job_id(job_id)
    job = None
    if parsed is not None:
        job = _jobs_with_relations().filter(company_id=company_id, pk=parsed).first()
    if job is None:
        raise ApiError(ErrorCode.JOB_NOT_FOUND, details={"job_id": parsed if parsed is not None else job_id[:100]})
    return job


def _matches(name: str, search: str | None) -> bool:
    return not search or fold(search) in fold(name)


def category_list(*, search: str | None = None) -> list[Category]:
    """Return the active categories by sort order, each with `job_count`, its count of active jobs."""
    categories = Category.objects.filter(is_active=True)
    # The catalogue is small; filtering here folds German case the same way on every database.
    return [category for category in categories.order_by("sort_order", "name") if _matches(category.name, search)]


def technology_list(
    *, category: str | None = None, trending: bool | None = None, search: str | None = None
) -> list[Technology]:
    """Return technologies by name, each with `job_count`, its count of active jobs."""
    technologies = Technology.objects.all()
    if category is not None:
        technologies = technologies.filter(category=category)
    if trending is not None:
        technologies = technologies.filter(is_trending=trending)
    return [technology for technology in technologies.order_by("name") if _matches(technology.name, search)]


def active_job_count(*, company_id: int) -> int:
    return Job.objects.filter(company_id=company_id, is_active=True).count()
