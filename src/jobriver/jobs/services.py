"""Writes of jobs: create, update and delete, with the company's job limit.

Validation that needs the database (do the category and technologies
exist?) and rules across fields (salary range, application target) run on
the merged record before anything is written, so an invalid request never
counts against the job limit and never leaves half a job behind.
"""

import logging
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobriver.access.models import ApiKey
from jobriver.access.usage import usage_count_job_created
from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.validation import raise_validation_error
from jobriver.companies.models import Company
from jobriver.jobs.models import ApplyType, Category, Job, Technology
from jobriver.jobs.schemas import JobCreateIn, JobWriteIn
from jobriver.jobs.search import job_search_text
from jobriver.slugs import first_free_slug, slug_base

logger = logging.getLogger(__name__)

# Concurrent creates with one title can pick the same free slug; the loser
# of the unique-index race tries the next one.
SLUG_ATTEMPTS = 25
SLUG_FALLBACK = "job"

_SCALAR_FIELDS = (
    "title",
    "description",
    "location",
    "requirements",
    "benefits",
    "location_type",
    "employment_type",
    "experience_level",
    "category_id",
    "latitude",
    "longitude",
    "salary_min",
    "salary_max",
    "apply_type",
    "apply_url",
    "apply_email",
    "start_date",
    "languages_required",
    "soft_skills",
    "is_featured",
    "is_active",
)


def _reference_errors(changes: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}

    category_id = changes.get("category_id")
    if category_id is not None and not Category.objects.filter(pk=category_id, is_active=True).exists():
        errors["category_id"] = str(_("category_id %(id)s is not an active category") % {"id": category_id})

    wanted = set(changes.get("technologies") or [])
    if wanted:
        known = set(Technology.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        unknown = sorted(wanted - known)
        if unknown:
            ids = ", ".join(str(technology_id) for technology_id in unknown)
            errors["technologies"] = str(_("Unknown technology IDs: %(ids)s") % {"ids": ids})
    return errors


def _merged_errors(job: Job, changes: dict[str, Any]) -> dict[str, str]:
    """Check the rules that span fields on the job as it would be after the change."""
    errors: dict[str, str] = {}

    if job.salary_min is not None and job.salary_max is not None and job.salary_min > job.salary_max:
        if "salary_min" in changes or "salary_max" not in changes:
            errors["salary_min"] = str(_("salary_min cannot be greater than salary_max"))
        else:
            errors["salary_max"] = str(_("salary_max cannot be less than salary_min"))

    if job.apply_type == ApplyType.EXTERNAL and not job.apply_url:
        errors["apply_url"] = str(_("apply_url is required when apply_type is external"))
    if job.apply_type == ApplyType.EMAIL and not job.apply_email:
        errors["apply_email"] = str(_("apply_email is required when apply_type is email"))
    return errors


def _apply(job: Job, changes: dict[str, Any]) -> None:
    for field in _SCALAR_FIELDS:
        if field in changes:
            setattr(job, field, changes[field])
    job.search_text = job_search_text(job.title, job.description)
    if job.is_active and job.published_at is None:
        job.published_at = timezone.now()


def _validate(job: Job, changes: dict[str, Any]) -> None:
    errors = {**_reference_errors(changes), **_merged_errors(job, changes)}
    if errors:
        raise_validation_error(errors)


def _enforce_job_limit(company_id: int) -> None:
    """Raise JOB_LIMIT_EXCEEDED if the company has no room for one more active job.

    The company row stays locked until the caller's transaction ends, so
    concurrent creates for one company pass this check one at a time.
    """
    company = Company.objects.select_for_update().get(pk=company_id)
    if company.job_limit is None:
        return
    active = Job.objects.filter(company_id=company_id, is_active=True).count()
    if active >= company.job_limit:
        raise ApiError(
            ErrorCode.JOB_LIMIT_EXCEEDED,
            details={"limit": company.job_limit, "current_active_jobs": active},
            limit=company.job_limit,
        )


def _save_with_unique_slug(job: Job) -> None:
    base = slug_base(job.title, fallback=SLUG_FALLBACK)
    for _attempt in range(SLUG_ATTEMPTS):
        job.slug = first_free_slug(Job, base)
        try:
            with transaction.atomic():
                job.save()
            return
        except IntegrityError:
            if not Job.objects.filter(slug=job.slug).exists():
                raise
    raise IntegrityError(f"no free slug for {base!r} after {SLUG_ATTEMPTS} attempts")


def job_create(*, api_key: ApiKey, data: JobCreateIn) -> Job:
    """Create a job for the key's company and count it on the key."""
    changes = data.changes()
    job = Job(company_id=api_key.company_id)
    _apply(job, changes)
    _validate(job, changes)

    with transaction.atomic():
        if job.is_active:
            _enforce_job_limit(api_key.company_id)
        _save_with_unique_slug(job)
        job.technologies.set(changes.get("technologies") or [])
        usage_count_job_created(api_key=api_key)

    logger.info("job created job_id=%s company_id=%s key_prefix=%s", job.pk, job.company_id, api_key.prefix)
    return job


def job_update(*, job: Job, data: JobWriteIn) -> Job:
    """Apply a partial update; fields left out of the body keep their value."""
    changes = data.changes()
    if not changes:
        return job

    try:
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            becomes_active = changes.get("is_active") is True and not locked.is_active
            _apply(locked, changes)
            _validate(locked, changes)
            if becomes_active:
                _enforce_job_limit(locked.company_id)
            locked.save()
            if "technologies" in changes:
                locked.technologies.set(changes["technologies"])
    except DatabaseError:
        logger.exception("job update failed job_id=%s", job.pk)
        raise ApiError(ErrorCode.UPDATE_FAILED) from None

    logger.info("job updated job_id=%s company_id=%s fields=%s", job.pk, job.company_id, ",".join(sorted(changes)))
    return locked


def job_delete(*, job: Job) -> None:
    """Delete a job for good."""
    job_id = job.pk
    try:
        with transaction.atomic():
            job.delete()
    except DatabaseError:
        logger.exception("job delete failed job_id=%s", job_id)
        raise ApiError(ErrorCode.DELETE_FAILED) from None
    logger.info("job deleted job_id=%s", job_id)
