"""Usage statistics of company keys: totals, last use and requests per day."""

from django.db import connection
from django.db.models import F
from django.utils import timezone

from jobriver.access.models import AdminToken, ApiKey, ApiKeyUsageDay


def _count_day(api_key_id: int, day) -> None:
    # One upsert, so concurrent workers never lose an increment or race on
    # the first request of a day.
    table = connection.ops.quote_name(ApiKeyUsageDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (api_key_id, day, requests) VALUES (%s, %s, 1) "
            f"ON CONFLICT (api_key_id, day) DO UPDATE SET requests = {table}.requests + 1",
            [api_key_id, day],
        )


def usage_record_request(*, api_key: ApiKey, ip: str) -> None:
    """Count an admitted request of a company key."""
    now = timezone.now()
    ApiKey.objects.filter(pk=api_key.pk).update(
        requests_total=F("requests_total") + 1, last_used_at=now, last_used_ip=ip
    )
    _count_day(api_key.pk, timezone.localdate(now))


def usage_record_admin_request(*, token: AdminToken, ip: str) -> None:
    """Count an admitted request of an admin token."""
    AdminToken.objects.filter(pk=token.pk).update(
        requests_total=F("requests_total") + 1, last_used_at=timezone.now(), last_used_ip=ip
    )


def usage_count_job_created(*, api_key: ApiKey) -> None:
    ApiKey.objects.filter(pk=api_key.pk).update(jobs_created=F("jobs_created") + 1)


def usage_requests_on(*, api_key: ApiKey, day) -> int:
    """Return the requests a key made on one calendar day of the platform time zone."""
    return ApiKeyUsageDay.objects.filter(api_key=api_key, day=day).values_list("requests", flat=True).first() or 0
