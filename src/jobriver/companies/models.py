from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

COMPANY_NAME_MAX_LENGTH = 200
# PositiveIntegerField is a 32-bit column on PostgreSQL but not on SQLite; one
# bound keeps both databases accepting the same values.
POSITIVE_INTEGER_MAX = 2_147_483_647


class Company(models.Model):
    """An employer on the platform; its API keys manage its job listings.

    `job_limit` caps the number of active jobs (null means unlimited);
    `rate_limit` overrides the platform's default requests per minute for
    keys that do not set their own.
    """

    name = models.CharField(_("name"), max_length=COMPANY_NAME_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=COMPANY_NAME_MAX_LENGTH + 20, unique=True)
    job_limit = models.PositiveIntegerField(
        _("job limit"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(POSITIVE_INTEGER_MAX)],
        help_text=_("Maximum number of active jobs. Leave empty for unlimited."),
    )
    rate_limit = models.PositiveIntegerField(
        _("rate limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(POSITIVE_INTEGER_MAX)],
        help_text=_("Requests per minute for keys without their own limit. Empty: platform default."),
    )
    api_access_enabled = models.BooleanField(
        _("API access enabled"),
        default=True,
        help_text=_("When off, every key of this company is rejected."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_unlimited_jobs(self) -> bool:
        return self.job_limit is None


class CompanyMember(models.Model):
    """A user who acts for a company in the company dashboard."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_membership",
        verbose_name=_("user"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="members", verbose_name=_("company")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"
