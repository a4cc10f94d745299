from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobriver.companies.models import Company

KEY_NAME_MAX_LENGTH = 100
IP_ALLOWLIST_MAX_ENTRIES = 50


class Permission(models.TextChoices):
    READ = "read", _("read")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")


ALL_PERMISSIONS = [permission.value for permission in Permission]


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive")
    REVOKED = "revoked", _("revoked")


class Credential(models.Model):
    """Fields shared by company API keys and admin tokens.

    Only an HMAC-SHA256 of the secret is stored (`key_hash`); the secret is
    shown once when the credential is created. `prefix` is the secret's
    first eight characters, safe to display and to log.
    """

    name = models.CharField(_("name"), max_length=KEY_NAME_MAX_LENGTH)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    permissions = models.JSONField(_("permissions"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    rate_limit = models.PositiveIntegerField(
        _("rate limit"),
        null=True,
        blank=True,
        help_text=_("Requests per minute. Empty: the company's or the platform's default."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True, editable=False)
    requests_total = models.PositiveBigIntegerField(_("requests in total"), default=0, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiKey(Credential):
    """A company's key for the company API (`jrv_…`)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("company")
    )
    ip_allowlist = models.JSONField(
        _("IP allow-list"),
        default=list,
        blank=True,
        help_text=_("IPv4 and IPv6 networks in CIDR notation. Empty: every address is allowed."),
    )
    jobs_created = models.PositiveIntegerField(_("jobs created"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]


class AdminToken(Credential):
    """A staff user's token for the Admin API (`jra_…`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admin_tokens", verbose_name=_("user")
    )

    class Meta:
        verbose_name = _("admin token")
        verbose_name_plural = _("admin tokens")
        ordering = ["-created_at"]


class ApiKeyUsageDay(models.Model):
    """Requests admitted for one key on one calendar day in the platform time zone."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage_days")
    day = models.DateField(_("day"))
    requests = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("API key usage per day")
        verbose_name_plural = _("API key usage per day")
        constraints = [models.UniqueConstraint(fields=["api_key", "day"], name="usage_day_unique_per_key")]


class RateLimitBucket(models.Model):
    """A lock row: one per rate-limited credential and per address with failed attempts.

    A request locks its credential's row while it checks the rate-limit
    window, and a failed attempt locks its address's row while it counts.
    """

    name = models.CharField(max_length=40, primary_key=True)

    class Meta:
        verbose_name = _("rate-limit bucket")


class RateLimitHit(models.Model):
    """One admitted request in a bucket's sliding window (epoch seconds)."""

    bucket = models.CharField(max_length=40)
    at = models.FloatField()

    class Meta:
        verbose_name = _("rate-limit hit")
        indexes = [models.Index(fields=["bucket", "at"], name="ratelimit_hit_bucket_at")]


class FailedAttempt(models.Model):
    """A failed authentication from a client address (epoch seconds)."""

    ip = models.GenericIPAddressField()
    at = models.FloatField()

    class Meta:
        verbose_name = _("failed authentication attempt")
        indexes = [models.Index(fields=["ip", "at"], name="failed_attempt_ip_at")]


class IpBlock(models.Model):
    """A client address blocked after too many failed attempts."""

    ip = models.GenericIPAddressField(primary_key=True)
    blocked_until = models.FloatField()

    class Meta:
        verbose_name = _("blocked address")
