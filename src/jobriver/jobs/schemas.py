"""Request schemas and response shapes of the jobs, categories and technologies routes."""

import datetime
from typing import Annotated, Any, ClassVar, Literal, get_args

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema

from jobriver.api.fields import (
    DatabaseId,
    DateOut,
    DateText,
    EmailText,
    QueryBool,
    QueryId,
    QuerySearch,
    UrlText,
    UTC_TIMESTAMP_FORMAT,
    UtcTimestamp,
    query_int,
    text,
)
from jobriver.jobs.models import (
    DESCRIPTION_MIN_LENGTH,
    LOCATION_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    SALARY_CURRENCY,
    SALARY_MAX,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
)

MAX_TECHNOLOGIES_PER_JOB = 50
MAX_LIST_ITEMS = 20
LIST_ITEM_MAX_LENGTH = 100
PER_PAGE_MAX = 100

Title = text(min_length=TITLE_MIN_LENGTH, max_length=TITLE_MAX_LENGTH, visible=True)
Description = text(min_length=DESCRIPTION_MIN_LENGTH, max_length=LONG_TEXT_MAX_LENGTH, visible=True)
Location = text(min_length=1, max_length=LOCATION_MAX_LENGTH, visible=True)
LongText = text(max_length=LONG_TEXT_MAX_LENGTH)
ListItem = text(min_length=1, max_length=LIST_ITEM_MAX_LENGTH)
Salary = Annotated[int, Field(ge=0, le=SALARY_MAX)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
StringList = Annotated[list[ListItem], Field(max_length=MAX_LIST_ITEMS)]
TechnologyIds = Annotated[list[DatabaseId], Field(max_length=MAX_TECHNOLOGIES_PER_JOB)]

LocationTypeValue = Literal["onsite", "remote", "hybrid"]
EmploymentTypeValue = Literal["fulltime", "parttime", "contract", "freelance", "internship"]
ExperienceLevelValue = Literal["junior", "mid", "senior", "lead", "any"]
ApplyTypeValue = Literal["internal", "external", "email"]
TechnologyCategoryValue = Literal["language", "framework", "database", "devops", "cloud", "tool", "other"]

# Fields of the job object that clients read but never write.
READ_ONLY_JOB_FIELDS = frozenset(
    {
        "id",
        "slug",
        "category",
        "salary",
        "applications_count",
        "published_at",
        "expires_at",
        "created_at",
        "updated_at",
        "company",
        "company_id",
    }
)

class JobWriteIn(Schema):
    """Every writable field of a job, each optional: the shape of PUT and PATCH.

    A field that is left out stays as it is; `null` clears a nullable field.
    Non-nullable fields are typed without `None`, so an explicit null fails
    validation with "must not be null".
    """

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    field_labels: ClassVar[dict[str, Any]] = {
        "title": _("Title"),
        "description": _("Description"),
        "location": _("Location"),
    }
    read_only_fields: ClassVar[frozenset[str]] = READ_ONLY_JOB_FIELDS

    title: Title = None
    description: Description = None
    location: Location = None
    requirements: LongText | None = None
    benefits: LongText | None = None
    location_type: LocationTypeValue = None
    employment_type: EmploymentTypeValue = None
    experience_level: ExperienceLevelValue = None
    category_id: DatabaseId | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    salary_min: Salary | None = None
    salary_max: Salary | None = None
    technologies: TechnologyIds = None
    apply_type: ApplyTypeValue = None
    apply_url: UrlText | None = None
    apply_email: EmailText | None = None
    start_date: DateText | None = None
    languages_required: StringList = None
    soft_skills: StringList = None
    is_featured: bool = None
    is_active: bool = None

    def changes(self) -> dict[str, Any]:
        """Return the fields the client sent, with their validated values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class JobCreateIn(JobWriteIn):
    """The body of POST /jobs: title, description and location are required."""

    title: Title
    description: Description
    location: Location


# The route takes the raw path segment, so that `selectors.parse_job_id`
# raises INVALID_JOB_ID where ninja would respond 422. The document shows
# what a client sends.
JobPathId = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "integer",
            "minimum": 1,
            "description": "the job's id; an id that is not a positive whole number is 400 INVALID_JOB_ID",
        }
    ),
]


class JobListQuery(Schema):
    page: query_int(default=1, ge=1) = 1
    per_page: query_int(default=20, ge=1, le=PER_PAGE_MAX) = 20
    is_active: QueryBool = None
    category_id: QueryId = None
    search: QuerySearch = None


class CategoryListQuery(Schema):
    search: QuerySearch = None


class TechnologyListQuery(Schema):
    category: Annotated[
        TechnologyCategoryValue | None,
        Field(),
        WithJsonSchema({"type": "string", "enum": list(get_args(TechnologyCategoryValue))}),
    ] = None
    trending: QueryBool = None
    search: QuerySearch = None


# Response schemas, for the published document only: the routes build the
# same objects as plain dicts below. tests/contract checks that both agree.


class _Out(Schema):
    model_config = ConfigDict(extra="forbid")


class CategoryRef(_Out):
    id: int
    name: str
    slug: str


class SalaryOut(_Out):
    min: int | None
    max: int | None
    currency: Literal["EUR"]


class TechnologyRef(_Out):
    id: int
    name: str
    slug: str
    category: TechnologyCategoryValue


class JobOut(_Out):
    """A job as the API returns it."""

    id: int
    slug: str
    title: str
    description: str
    requirements: str | None
    benefits: str | None
    location: str
    latitude: float | None
    longitude: float | None
    location_type: LocationTypeValue
    employment_type: EmploymentTypeValue
    experience_level: ExperienceLevelValue
    category: CategoryRef | None
    salary: SalaryOut
    technologies: list[TechnologyRef]
    apply_type: ApplyTypeValue
    apply_url: str | None
    apply_email: str | None
    is_featured: bool
    is_active: bool
    applications_count: int
    start_date: DateOut | None
    languages_required: list[str]
    soft_skills: list[str]
    published_at: UtcTimestamp | None = Field(description="first activation")
    expires_at: UtcTimestamp | None
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class PaginationOut(_Out):
    current_page: int
    per_page: int
    total: int
    total_pages: int


class JobListOut(_Out):
    jobs: list[JobOut]
    pagination: PaginationOut


class JobDeletedOut(_Out):
    deleted: Literal[True]
    job_id: int


class CategoryOut(_Out):
    id: int
    name: str
    slug: str
    icon: str | None
    description: str | None
    job_count: int = Field(description="active jobs across the platform")


class CategoryListOut(_Out):
    categories: list[CategoryOut]
    total: int


class TechnologyOut(TechnologyRef):
    job_count: int = Field(description="active jobs across the platform")
    is_trending: bool


class TechnologyListOut(_Out):
    technologies: list[TechnologyOut]
    total: int


# Response shapes. Built as plain dicts: the list endpoints are the hottest
# paths of the API and need no validation on the way out.


def _utc(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime(UTC_TIMESTAMP_FORMAT)


def technology_ref(technology: dict[str, Any]) -> dict[str, Any]:
    """Return the technology reference of the API from a row with id, name, slug and category."""
    return {
        "id": technology["id"],
        "name": technology["name"],
        "slug": technology["slug"],
        "category": technology["category"],
    }


def job_to_dict(job: dict[str, Any]) -> dict[str, Any]:
    """Return the job object of the API from a row of `selectors.job_list` or `selectors.job_detail`."""
    category_id = job["category_id"]
    start_date = job["start_date"]
    return {
        "id": job["id"],
        "slug": job["slug"],
        "title": job["title"],
        "description": job["description"],
        "requirements": job["requirements"],
        "benefits": job["benefits"],
        "location": job["location"],
        "latitude": job["latitude"],
        "longitude": job["longitude"],
        "location_type": job["location_type"],
        "employment_type": job["employment_type"],
        "experience_level": job["experience_level"],
        "category": (
            {"id": category_id, "name": job["category__name"], "slug": job["category__slug"]}
            if category_id is not None
            else None
        ),
        "salary": {"min": job["salary_min"], "max": job["salary_max"], "currency": SALARY_CURRENCY},
        "technologies": [technology_ref(technology) for technology in job["technologies"]],
        "apply_type": job["apply_type"],
        "apply_url": job["apply_url"],
        "apply_email": job["apply_email"],
        "is_featured": job["is_featured"],
        "is_active": job["is_active"],
        "applications_count": job["applications_count"],
        "start_date": start_date.isoformat() if start_date else None,
        "languages_required": job["languages_required"],
        "soft_skills": job["soft_skills"],
        "published_at": _utc(job["published_at"]),
        "expires_at": _utc(job["expires_at"]),
        "created_at": _utc(job["created_at"]),
        "updated_at": _utc(job["updated_at"]),
    }


def category_to_dict(category: dict[str, Any]) -> dict[str, Any]:
    """Return the category object of the API from a row of `selectors.category_list`."""
    return {
        "id": category["id"],
        "name": category["name"],
        "slug": category["slug"],
        "icon": category["icon"],
        "description": category["description"],
        "job_count": category["job_count"],
    }


def technology_to_dict(technology: dict[str, Any]) -> dict[str, Any]:
    """Return the technology object of the API from a row of `selectors.technology_list`."""
    return {
        **technology_ref(technology),
        "job_count": technology["job_count"],
        "is_trending": technology["is_trending"],
    }
