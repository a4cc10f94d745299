"""Reads of jobs, categories and technologies. Company scoping lives here."""

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.fields import MAX_DATABASE_ID
from jobriver.compiled import CompiledQuery
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


CATEGORY_COLUMNS = ("id", "name", "slug", "icon", "description", "job_count")
TECHNOLOGY_COLUMNS = ("id", "name", "slug", "category", "job_count", "is_trending")


# The API's reads below run SQL that Django compiled once for an example of
# the same shape (see jobriver.compiled), because compiling took longer than
# running the query. `job_get` builds a model for the writes from its row,
# as a queryset would. The example search term contains every character that
# LIKE escapes, so its compile checks the escaping in `_JobFilters.params`.
_EXAMPLE_ID = 1
_EXAMPLE_SEARCH = "100%_\\"
_EXAMPLE_TECHNOLOGY_CATEGORY = "other"


@dataclass(frozen=True)
class _JobFilters:
    """The job list's filters, with the search term case-folded."""

    company_id: int
    is_active: bool | None = None
    category_id: int | None = None
    search: str | None = None

    @property
    def shape(self) -> tuple[bool | None, bool, bool]:
        """The parts of the filters that the SQL depends on. Filters of one shape share their SQL.

        Django writes the `is_active` filter as `is_active` or `NOT is_active`,
        without a parameter, so its value is part of the shape.
        """
        return (self.is_active, self.category_id is not None, self.search is not None)

    @classmethod
    def example(cls, shape: tuple[bool | None, bool, bool]) -> "_JobFilters":
        is_active, has_category, has_search = shape
        return cls(
            company_id=_EXAMPLE_ID,
            is_active=is_active,
            category_id=_EXAMPLE_ID if has_category else None,
            search=_EXAMPLE_SEARCH if has_search else None,
        )

    def queryset(self) -> QuerySet[Job]:
        jobs = Job.objects.filter(company_id=self.company_id)
        if self.is_active is not None:
            jobs = jobs.filter(is_active=self.is_active)
        if self.category_id is not None:
            jobs = jobs.filter(category_id=self.category_id)
        if self.search is not None:
            # `contains` escapes % and _, so they match literally.
            jobs = jobs.filter(search_text__contains=self.search)
        return jobs

    def params(self) -> list[Any]:
        """Return the parameters of the WHERE clause of `queryset()`, in the order of its SQL."""
        params: list[Any] = [self.company_id]
        if self.category_id is not None:
            params.append(self.category_id)
        if self.search is not None:
            # The pattern that Django's `contains` lookup sends.
            params.append(f"%{connection.ops.prep_for_like_query(self.search)}%")
        return params


# The COUNT query is built inside QuerySet.count(), so it is compiled by
# running the first count of each shape. Twelve shapes exist.
_count_queries: dict[tuple[bool | None, bool, bool], CompiledQuery] = {}


def _count(filters: _JobFilters) -> int:
    compiled = _count_queries.get(filters.shape)
    if compiled is None:
        compiled, count = CompiledQuery.of_count(filters.queryset(), params=filters.params())
        _count_queries[filters.shape] = compiled
        return count
    return compiled.rows(filters.params())[0][0]


@functools.lru_cache(maxsize=256)
def _page_query(shape: tuple[bool | None, bool, bool], offset: int, limit: int) -> CompiledQuery:
    # Django writes LIMIT and OFFSET into the SQL, so each page is compiled on its own.
    example = _JobFilters.example(shape)
    page = example.queryset().order_by("-id").values(*JOB_COLUMNS)[offset : offset + limit]
    return CompiledQuery.of_rows(page, params=example.params())


@functools.cache
def _detail_query() -> CompiledQuery:
    # The SQL of .first(): ordered by the model's ordering, newest first.
    job = Job.objects.filter(company_id=_EXAMPLE_ID).filter(pk=_EXAMPLE_ID).values(*JOB_COLUMNS)[:1]
    return CompiledQuery.of_rows(job, params=[_EXAMPLE_ID, _EXAMPLE_ID])


@functools.lru_cache(maxsize=128)
def _technologies_query(job_count: int) -> CompiledQuery:
    example_ids = list(range(1, job_count + 1))
    links = (
        Job.technologies.through.objects.filter(job_id__in=example_ids)
        .order_by("technology__name", "technology_id")
        .values_list("job_id", "technology_id", "technology__name", "technology__slug", "technology__category")
    )
    return CompiledQuery.of_rows(links, params=example_ids)


def _job_rows(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Return the job rows as dicts by JOB_COLUMNS, each with `technologies`, its technology rows by name.

    The technologies are read in one query by job id only, so it reads no
    other company's links as long as `rows` come from a query scoped to
    one company.
    """
    jobs = [dict(zip(JOB_COLUMNS, row, strict=True)) for row in rows]
    by_job: dict[int, list[dict[str, Any]]] = {job["id"]: [] for job in jobs}
    if by_job:
        job_ids = list(by_job)
        for job_id, technology_id, name, slug, category in _technologies_query(len(job_ids)).rows(job_ids):
            by_job[job_id].append({"id": technology_id, "name": name, "slug": slug, "category": category})

    for job in jobs:
        job["technologies"] = by_job[job["id"]]
    return jobs


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
    filters = _JobFilters(
        company_id=company_id,
        is_active=is_active,
        category_id=category_id,
        search=fold(search) if search else None,
    )

    total = _count(filters)
    offset = (page - 1) * per_page
    rows = []
    if offset < total:
        rows = _job_rows(_page_query(filters.shape, offset, per_page).rows(filters.params()))
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


# Every column of the job, in the model's order, which `Model.from_db` expects.
_JOB_MODEL_COLUMNS = [field.attname for field in Job._meta.concrete_fields]


@functools.cache
def _job_model_query() -> CompiledQuery:
    job = Job.objects.filter(company_id=_EXAMPLE_ID).filter(pk=_EXAMPLE_ID).values_list(*_JOB_MODEL_COLUMNS)[:1]
    return CompiledQuery.of_rows(job, params=[_EXAMPLE_ID, _EXAMPLE_ID])


def job_get(*, company_id: int, job_id: str) -> Job:
    """Return one of the company's jobs as a model, for the writes.

    Another company's job is as absent as a missing one.
    """
    parsed = parse_job_id(job_id)
    rows = []
    if parsed is not None:
        rows = _job_model_query().rows([company_id, parsed])
    if not rows:
        raise _job_not_found(job_id, parsed)
    return Job.from_db(_job_model_query().alias, _JOB_MODEL_COLUMNS, rows[0])


def job_detail(*, company_id: int, job_id: str) -> dict[str, Any]:
    """Return one of the company's jobs as a row like those of `job_list`, or raise JOB_NOT_FOUND as `job_get` does."""
    parsed = parse_job_id(job_id)
    rows = []
    if parsed is not None:
        rows = _detail_query().rows([company_id, parsed])
    if not rows:
        raise _job_not_found(job_id, parsed)
    return _job_rows(rows)[0]


def _matches(name: str, search: str | None) -> bool:
    return not search or fold(search) in fold(name)


@functools.cache
def _category_query() -> CompiledQuery:
    categories = Category.objects.filter(is_active=True).order_by("sort_order", "name")
    return CompiledQuery.of_rows(categories.values(*CATEGORY_COLUMNS), params=[])


def category_list(*, search: str | None = None) -> list[dict[str, Any]]:
    """Return the active categories by sort order as rows, each with `job_count`, its count of active jobs."""
    rows = [dict(zip(CATEGORY_COLUMNS, row, strict=True)) for row in _category_query().rows([])]
    # The catalogue is small; filtering here folds German case the same way on every database.
    return [row for row in rows if _matches(row["name"], search)]


@functools.cache
def _technology_query(has_category: bool, trending: bool | None) -> CompiledQuery:
    # Django writes the `is_trending` filter without a parameter, so its value is part of the shape.
    technologies = Technology.objects.all()
    params = []
    if has_category:
        technologies = technologies.filter(category=_EXAMPLE_TECHNOLOGY_CATEGORY)
        params.append(_EXAMPLE_TECHNOLOGY_CATEGORY)
    if trending is not None:
        technologies = technologies.filter(is_trending=trending)
    return CompiledQuery.of_rows(technologies.order_by("name").values(*TECHNOLOGY_COLUMNS), params=params)


def technology_list(
    *, category: str | None = None, trending: bool | None = None, search: str | None = None
) -> list[dict[str, Any]]:
    """Return technologies by name as rows, each with `job_count`, its count of active jobs."""
    params = [category] if category is not None else []
    rows = _technology_query(category is not None, trending).rows(params)
    technologies = [dict(zip(TECHNOLOGY_COLUMNS, row, strict=True)) for row in rows]
    return [technology for technology in technologies if _matches(technology["name"], search)]


def active_job_count(*, company_id: int) -> int:
    return _count(_JobFilters(company_id=company_id, is_active=True))


# Reads of the catalogue that validate a job write.


@functools.cache
def _active_category_query() -> CompiledQuery:
    category = Category.objects.filter(pk=_EXAMPLE_ID, is_active=True).values_list("pk")
    return CompiledQuery.of_rows(category, params=[_EXAMPLE_ID])


def category_is_active(category_id: int) -> bool:
    """Return True if the category exists and is active, so that jobs may be filed under it."""
    return bool(_active_category_query().rows([category_id]))


@functools.lru_cache(maxsize=64)
def _known_technologies_query(count: int) -> CompiledQuery:
    example_ids = list(range(1, count + 1))
    technologies = Technology.objects.filter(pk__in=example_ids).order_by().values_list("pk")
    return CompiledQuery.of_rows(technologies, params=example_ids)


def technologies_known(technology_ids: set[int]) -> set[int]:
    """Return those of `technology_ids` that belong to a technology."""
    if not technology_ids:
        return set()
    ids = list(technology_ids)
    return {technology_id for (technology_id,) in _known_technologies_query(len(ids)).rows(ids)}
