from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from jobriver.api.fields import EMAIL_MAX_LENGTH, URL_MAX_LENGTH
from jobriver.companies.models import Company

# Limits shared by the models and the API schemas.
TITLE_MIN_LENGTH = 3
TITLE_MAX_LENGTH = 255
DESCRIPTION_MIN_LENGTH = 50
LONG_TEXT_MAX_LENGTH = 65535
LOCATION_MAX_LENGTH = 255
SALARY_MAX = 1_000_000  # euros per year
SLUG_MAX_LENGTH = 255
SALARY_CURRENCY = "EUR"

# Category.job_count and Technology.job_count count active jobs. The job
# services keep them up to date in the transaction of each write, and
# `jobriver manage recount_jobs` rebuilds them from the jobs.
JOB_COUNT_HELP = _("Active jobs; kept up to date by every job write.")


class LocationType(models.TextChoices):
    ONSITE = "onsite", _("on site")
    REMOTE = "remote", _("remote")
    HYBRID = "hybrid", _("hybrid")


class EmploymentType(models.TextChoices):
    FULLTIME = "fulltime", _("full time")
    PARTTIME = "parttime", _("part time")
    CONTRACT = "contract", _("contract")
    FREELANCE = "freelance", _("freelance")
    INTERNSHIP = "internship", _("internship")


class ExperienceLevel(models.TextChoices):
    JUNIOR = "junior", _("junior")
    MID = "mid", _("mid-level")
    SENIOR = "senior", _("senior")
    LEAD = "lead", _("lead")
    ANY = "any", _("any")


class ApplyType(models.TextChoices):
    INTERNAL = "internal", _("on Jobriver")
    EXTERNAL = "external", _("external URL")
    EMAIL = "email", _("by e-mail")


class TechnologyCategory(models.TextChoices):
    LANGUAGE = "language", _("language")
    FRAMEWORK = "framework", _("framework")
    DATABASE = "database", _("database")
    DEVOPS = "devops", _("DevOps")
    CLOUD = "cloud", _("cloud")
    TOOL = "tool", _("tool")
    OTHER = "other", _("other")


class Category(models.Model):
    """A field of work that jobs are filed under; listed by `sort_order`."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    icon = models.CharField(_("icon"), max_length=50, null=True, blank=True)
    description = models.TextField(_("description"), null=True, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    job_count = models.IntegerField(_("active jobs"), default=0, editable=False, help_text=JOB_COUNT_HELP)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Technology(models.Model):
    """A language, framework or tool that jobs can ask for."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=TechnologyCategory.choices, default=TechnologyCategory.OTHER
    )
    is_trending = models.BooleanField(_("trending"), default=False)
    job_count = models.IntegerField(_("active jobs"), default=0, editable=False, help_text=JOB_COUNT_HELP)

    class Meta:
        verbose_name = _("technology")
        verbose_name_plural = _("technologies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Job(models.Model):
    """A job listing of one company.

    `slug` is unique across the platform and fixed at creation. `search_text`
    holds the case-folded title and description, so that search matches
    German text case-insensitively on SQLite and PostgreSQL alike.

    Every read of the company API filters by company first, and the indexes
    those reads use start with the company, so a request reads only that
    company's rows however many jobs the platform has. On PostgreSQL, migration 0003 adds
    the trigram index `job_search_trgm` on search_text.
    """

    # No single-column indexes on the foreign keys: the composite indexes below start with them.
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("company"), db_index=False
    )
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"))
    requirements = models.TextField(_("requirements"), null=True, blank=True)
    benefits = models.TextField(_("benefits"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=LOCATION_MAX_LENGTH)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_type = models.CharField(
        _("location type"), max_length=10, choices=LocationType.choices, default=LocationType.ONSITE
    )
    employment_type = models.CharField(
        _("employment type"), max_length=12, choices=EmploymentType.choices, default=EmploymentType.FULLTIME
    )
    experience_level = models.CharField(
        _("experience level"), max_length=10, choices=ExperienceLevel.choices, default=ExperienceLevel.ANY
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("category"),
        db_index=False,
    )
    salary_min = models.PositiveIntegerField(_("minimum salary (EUR)"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("maximum salary (EUR)"), null=True, blank=True)
    technologies = models.ManyToManyField(Technology, blank=True, related_name="jobs", verbose_name=_("technologies"))
    apply_type = models.CharField(
        _("application type"), max_length=10, choices=ApplyType.choices, default=ApplyType.INTERNAL
    )
    apply_url = models.URLField(_("application URL"), max_length=URL_MAX_LENGTH, null=True, blank=True)
    apply_email = models.EmailField(_("application e-mail"), max_length=EMAIL_MAX_LENGTH, null=True, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    applications_count = models.PositiveIntegerField(_("applications"), default=0, editable=False)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    languages_required = models.JSONField(_("languages required"), default=list, blank=True)
    soft_skills = models.JSONField(_("soft skills"), default=list, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["company", "-id"], name="job_company_newest"),
            models.Index(fields=["company", "is_active", "-id"], name="job_company_active_newest"),
            models.Index(fields=["category", "is_active"], name="job_category_active"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="job_salary_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True) | models.Q(salary_min__lte=SALARY_MAX),
                name="job_salary_min_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(salary_max__isnull=True) | models.Q(salary_max__lte=SALARY_MAX),
                name="job_salary_max_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="job_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="job_longitude_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class JobSlugSequence(models.Model):
    """The last slug suffix handed out for one slug base, such as `koch-m-w-d` for "Koch (m/w/d)".

    Each job create advances its base's row in one statement and takes the
    new value: 1 gives the slug `base`, n > 1 gives `base-n`. The value only
    grows, so no suffix is handed out twice: the slug of a deleted job does
    not go to a later job, and an old link to it never leads to a different
    job. The advance is part of the create's transaction and rolls back
    with it. Values are skipped when the slug belongs to a job of another
    base, as `developer-2` of "Developer 2" does for the second "Developer".
    The create then jumps past the slugs in use.

    Migration 0004 filled the rows from the slugs of the jobs that existed
    before. It counted a slug with a numeric tail for the shorter base only.
    So one of those older slugs can come back after its job is deleted: the
    slug `developer-2` of a job titled "Developer 2" can go to the next job
    of that title.
    """

    base = models.CharField(_("slug base"), max_length=SLUG_MAX_LENGTH, primary_key=True)
    last_suffix = models.PositiveIntegerField(_("last suffix"))

    class Meta:
        verbose_name = _("job slug sequence")
        verbose_name_plural = _("job slug sequences")

    def __str__(self) -> str:
        return f"{self.base}: {self.last_suffix}"


@receiver(pre_delete, sender=Company, dispatch_uid="jobs.uncount_company_jobs")
def _uncount_company_jobs(sender, instance: Company, **kwargs) -> None:
    """Take a company's active jobs out of the catalogue's counts before the cascade deletes them."""
    from jobriver.jobs.services import job_counts_remove_company

    job_counts_remove_company(company_id=instance.pk)
