"""Writes of jobs: create, update and delete, with the company's job limit.

Validation that needs the database (do the category and technologies
exist?) and rules across fields (salary range, application target) run on
the merged record before anything is written, so an invalid request never
counts against the job limit and never leaves half a job behind.

Each write also moves the `job_count` of the categories and technologies
whose count of active jobs it changes, in the same transaction, so the
catalogue's counts are exact without counting jobs on every read.
"""

import functools
import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, F, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobriver.access.models import ApiKey
from jobriver.access.usage import usage_count_job_created
from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.validation import raise_validation_error
from jobriver.compiled import CompiledQuery, CompiledWrites
from jobriver.companies.models import Company
from jobriver.jobs import selectors
from jobriver.jobs.models import ApplyType, Category, Job, Technology
from jobriver.jobs.schemas import MAX_TECHNOLOGIES_PER_JOB, JobCreateIn, JobWriteIn
from jobriver.jobs.search import job_search_text
from jobriver.jobs.slug_sequence import job_slug, slug_highest_suffix, slug_sequence_advance
from jobriver.rows import RowLookup
from jobriver.slugs import slug_base

logger = logging.getLogger(__name__)

# Every attempt after the first follows a slug that belongs to another job
# (see _save_with_unique_slug). A second collision in a row happens only when
# a concurrent create of another base commits the new slug first.
SLUG_ATTEMPTS = 5
SLUG_FALLBACK = "job"

JobTechnology = Job.technologies.through

# The id in the examples that the compiled queries below are compiled from.
_EXAMPLE_ID = 1

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
    if category_id is not None and not selectors.category_is_active(category_id):
        errors["category_id"] = str(_("category_id %(id)s is not an active category") % {"id": category_id})

    wanted = set(changes.get("technologies") or [])
    if wanted:
        unknown = sorted(wanted - selectors.technologies_known(wanted))
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


_COMPANY_FOR_UPDATE = RowLookup(Company, by="id", fields=["id", "job_limit"], for_update=True)


def _enforce_job_limit(company_id: int) -> None:
    """Raise JOB_LIMIT_EXCEEDED if the company has no room for one more active job.

    The company row stays locked until the caller's transaction ends, so
    concurrent creates for one company pass this check one at a time.
    """
    company = _COMPANY_FOR_UPDATE.get(company_id)
    if company is None:
        raise Company.DoesNotExist(f"company {company_id} not found")
    if company.job_limit is None:
        return
    active = selectors.active_job_count(company_id=company_id)
    if active >= company.job_limit:
        raise ApiError(
            ErrorCode.JOB_LIMIT_EXCEEDED,
            details={"limit": company.job_limit, "current_active_jobs": active},
            limit=company.job_limit,
        )


# Counts of active jobs per category and technology.

# The statements that move the counts, compiled by model and number of rows
# (see jobriver.compiled). A job write changes one category and at most
# MAX_TECHNOLOGIES_PER_JOB technologies, so its shapes stay well inside the
# limit. The recount and a company's deletion add a few larger shapes.
_COUNT_SHAPES = 256
_count_updates = CompiledWrites(max_shapes=_COUNT_SHAPES)


@functools.lru_cache(maxsize=_COUNT_SHAPES)
def _count_lock_query(model: type[Model], count: int) -> CompiledQuery:
    example_ids = list(range(1, count + 1))
    rows = model.objects.select_for_update(no_key=True).filter(pk__in=example_ids).order_by("pk").values_list("pk")
    return CompiledQuery.of_rows(rows, params=example_ids)


def _count_changes(
    *, category_id: int | None, technology_ids: Iterable[int], active: bool, sign: int
) -> tuple[Counter, Counter]:
    """Return what adding (sign 1) or removing (sign -1) one job does to the counts."""
    categories: Counter[int] = Counter()
    technologies: Counter[int] = Counter()
    if active:
        if category_id is not None:
            categories[category_id] += sign
        for technology_id in technology_ids:
            technologies[technology_id] += sign
    return categories, technologies


def _apply_count_changes(model: type[Model], changes: Counter) -> None:
    """Add each change to the row's `job_count`, locking the rows in id order first.

    Every writer locks its categories, then its technologies, each in
    ascending id order, so two transactions that change the same rows on
    PostgreSQL wait for each other instead of deadlocking. The lock is FOR
    NO KEY UPDATE, which a concurrent insert of a job that refers to the
    same row (a FOR KEY SHARE lock) does not wait for. SQLite's IMMEDIATE
    transactions already serialise every writer.
    """
    changes = {pk: change for pk, change in changes.items() if change}
    if not changes:
        return
    if connection.features.has_select_for_update:
        pks = sorted(changes)
        _count_lock_query(model, len(pks)).rows(pks)

    by_change: dict[int, list[int]] = {}
    for pk, change in changes.items():
        by_change.setdefault(change, []).append(pk)
    for change, pks in by_change.items():
        _count_updates.run(
            (model, len(pks)),
            lambda: model.objects.filter(pk__in=pks).update(job_count=F("job_count") + change),
            alias=DEFAULT_DB_ALIAS,
            params=[change, *pks],
        )


def _apply_counts(categories: Counter, technologies: Counter) -> None:
    _apply_count_changes(Category, categories)
    _apply_count_changes(Technology, technologies)


@functools.cache
def _technology_ids_query() -> CompiledQuery:
    links = JobTechnology.objects.filter(job_id=_EXAMPLE_ID).values_list("technology_id")
    return CompiledQuery.of_rows(links, params=[_EXAMPLE_ID])


def _technology_ids(job_id: int) -> list[int]:
    return [technology_id for (technology_id,) in _technology_ids_query().rows([job_id])]


_link_deletes = CompiledWrites(max_shapes=MAX_TECHNOLOGIES_PER_JOB)


def _set_technologies(job_id: int, *, old: Iterable[int], new: Iterable[int]) -> None:
    """Replace the job's technology links `old` with `new`, keeping the links in both.

    It does what `job.technologies.set(new)` does without reading the
    links again, and sends no m2m_changed signal, which nothing receives.
    """
    old, new = set(old), set(new)
    removed = sorted(old - new)
    added = sorted(new - old)
    if removed:
        _link_deletes.run(
            len(removed),
            lambda: JobTechnology.objects.filter(job_id=job_id, technology_id__in=removed).delete(),
            alias=DEFAULT_DB_ALIAS,
            params=[job_id, *removed],
        )
    if added:
        # Through the ORM, because PostgreSQL's bulk insert sends one array per
        # column (UNNEST) where SQLite's sends one value per row and column.
        # Conflicts are ignored as set() ignores them, so a link that another
        # writer has just added is no error.
        links = [JobTechnology(job_id=job_id, technology_id=technology_id) for technology_id in added]
        JobTechnology.objects.bulk_create(links, ignore_conflicts=True)


def job_counts_remove_company(*, company_id: int) -> None:
    """Take all of a company's active jobs out of the counts; called before the company is deleted."""
    active = Job.objects.filter(company_id=company_id, is_active=True)
    categories = Counter(
        {
            category_id: -count
            for category_id, count in active.exclude(category_id=None)
            .values_list("category_id")
            .annotate(count=Count("pk"))
            .order_by()
        }
    )
    links = Job.technologies.through.objects.filter(job__company_id=company_id, job__is_active=True)
    technologies = Counter(
        {technology_id: -count for technology_id, count in links.values_list("technology_id").annotate(count=Count("pk")).order_by()}
    )
    _apply_counts(categories, technologies)


def job_counts_recount() -> tuple[int, int]:
    """Recount every category's and technology's active jobs; return how many of each were wrong.

    The jobs are locked against writes while they are counted (PostgreSQL:
    a SHARE lock on the job tables; SQLite: the IMMEDIATE transaction), so
    the counts match the jobs exactly when the transaction commits.
    """
    links = Job.technologies.through
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in (Job, links))
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")
        active = Job.objects.filter(is_active=True)
        category_counts = dict(
            active.exclude(category_id=None).values_list("category_id").annotate(count=Count("pk")).order_by()
        )
        technology_counts = dict(
            links.objects.filter(job__is_active=True).values_list("technology_id").annotate(count=Count("pk")).order_by()
        )
        wrong = []
        for model, counts in ((Category, category_counts), (Technology, technology_counts)):
            stored = dict(model.objects.values_list("pk", "job_count"))
            changes = Counter({pk: counts.get(pk, 0) - count for pk, count in stored.items()})
            _apply_count_changes(model, changes)
            wrong.append(sum(1 for change in changes.values() if change))
    if any(wrong):
        logger.warning("job counts corrected categories=%s technologies=%s", wrong[0], wrong[1])
    return wrong[0], wrong[1]


def _save_with_unique_slug(job: Job) -> None:
    """Save the new job under the next slug of its title's base.

    The slug can be taken anyway: by a job stored before the sequences
    existed or written around this service, or by a job of another base,
    such as `developer-2` of "Developer 2" for the second "Developer". The
    unique index then rejects the insert (on PostgreSQL also when a
    concurrent create committed that slug first), the sequence jumps past
    the highest suffix in use, and the save is tried again.
    """
    base = slug_base(job.title, fallback=SLUG_FALLBACK)
    at_least = 1
    for _attempt in range(SLUG_ATTEMPTS):
        job.slug = job_slug(base, slug_sequence_advance(base, at_least=at_least))
        try:
            with transaction.atomic():
                job.save()
            return
        except IntegrityError:
            if not Job.objects.filter(slug=job.slug).exists():
                raise

        at_least = slug_highest_suffix(base) + 1
        logger.info("job slug taken slug=%s next_suffix=%s", job.slug, at_least)
    raise IntegrityError(f"no free slug for {base!r} after {SLUG_ATTEMPTS} attempts")


def job_create(*, api_key: ApiKey, data: JobCreateIn) -> Job:
    """Create a job for the key's company and count it on the key."""
    changes = data.changes()
    job = Job(company_id=api_key.company_id)
    _apply(job, changes)
    _validate(job, changes)

    technology_ids = set(changes.get("technologies") or [])
    with transaction.atomic():
        if job.is_active:
            _enforce_job_limit(api_key.company_id)
        _save_with_unique_slug(job)
        _set_technologies(job.pk, old=[], new=technology_ids)
        usage_count_job_created(api_key=api_key)
        # Last, so that the catalogue rows stay locked for as short a time as possible.
        _apply_counts(
            *_count_changes(category_id=job.category_id, technology_ids=technology_ids, active=job.is_active, sign=1)
        )

    logger.info("job created job_id=%s company_id=%s key_prefix=%s", job.pk, job.company_id, api_key.prefix)
    return job


def _update_counts(job: Job, changes: dict[str, Any], *, was_active: bool, old_category_id: int | None) -> None:
    """Set the job's technologies if they changed, and move the counts from its old state to its new one."""
    technologies_change = "technologies" in changes
    if not technologies_change and was_active == job.is_active and old_category_id == job.category_id:
        return

    # An inactive job, before and after, counts nowhere, so its old technologies are read only to be replaced.
    counted = was_active or job.is_active
    old_technology_ids = _technology_ids(job.pk) if counted or technologies_change else []
    new_technology_ids = set(changes["technologies"]) if technologies_change else set(old_technology_ids)
    if technologies_change:
        _set_technologies(job.pk, old=old_technology_ids, new=new_technology_ids)
    if not counted:
        return

    categories, technologies = _count_changes(
        category_id=old_category_id, technology_ids=old_technology_ids, active=was_active, sign=-1
    )
    added_categories, added_technologies = _count_changes(
        category_id=job.category_id, technology_ids=new_technology_ids, active=job.is_active, sign=1
    )
    # update() adds and keeps zero and negative sums, unlike Counter's `+`.
    categories.update(added_categories)
    technologies.update(added_technologies)
    _apply_counts(categories, technologies)


_JOB_FOR_UPDATE = RowLookup(Job, by="id", for_update=True)


def job_update(*, job: Job, data: JobWriteIn) -> Job:
    """Apply a partial update; fields left out of the body keep their value."""
    changes = data.changes()
    if not changes:
        return job

    try:
        with transaction.atomic():
            locked = _JOB_FOR_UPDATE.get(job.pk)
            if locked is None:
                raise Job.DoesNotExist(f"job {job.pk} not found")
            was_active, old_category_id = locked.is_active, locked.category_id
            becomes_active = changes.get("is_active") is True and not locked.is_active
            _apply(locked, changes)
            _validate(locked, changes)
            if becomes_active:
                _enforce_job_limit(locked.company_id)
            locked.save()
            _update_counts(locked, changes, was_active=was_active, old_category_id=old_category_id)
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
            # Locked and read afresh, so that the counts see the state that the delete removes.
            locked = Job.objects.select_for_update().filter(pk=job_id).first()
            if locked is not None:
                technology_ids = _technology_ids(job_id) if locked.is_active else []
                locked.delete()
                _apply_counts(
                    *_count_changes(
                        category_id=locked.category_id, technology_ids=technology_ids, active=locked.is_active, sign=-1
                    )
                )
    except DatabaseError:
        logger.exception("job delete failed job_id=%s", job_id)
        raise ApiError(ErrorCode.DELETE_FAILED) from None
    logger.info("job deleted job_id=%s", job_id)
