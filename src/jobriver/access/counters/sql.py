"""The counters in the database: the backend without Redis.

Rate limit: each admitted request stores its time in `RateLimitHit`; the
credential's `RateLimitBucket` row is locked while its window is checked
(PostgreSQL `SELECT … FOR UPDATE`; SQLite's IMMEDIATE transactions
serialise the same check). The request's usage counts are written in the
same transaction, so an admitted request costs one transaction. Requests of
one credential wait for each other at the bucket lock, which an exact
sliding window in SQL cannot avoid; requests of different credentials do not
on PostgreSQL.

Lockout: each failure stores its time in `FailedAttempt` under the
address's own bucket lock, and a block is an `IpBlock` row.
"""

import datetime
import hashlib
import math
import time

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from jobriver.access.counters.base import (
    BLOCK_SECONDS,
    FAILURE_WINDOW_SECONDS,
    MAX_FAILURES,
    WINDOW_SECONDS,
    Counters,
    Credential,
    RateLimitState,
    Usage,
    rate_limit_state,
)
from jobriver.access.models import (
    AdminToken,
    ApiKey,
    ApiKeyUsageDay,
    FailedAttempt,
    IpBlock,
    RateLimitBucket,
    RateLimitHit,
)


def lock_bucket(name: str) -> None:
    """Lock the bucket row `name`, creating it first, until the caller's transaction ends."""
    RateLimitBucket.objects.bulk_create([RateLimitBucket(name=name)], ignore_conflicts=True)
    RateLimitBucket.objects.select_for_update().filter(name=name).exists()


# NOTE: nothing deletes an address's lock row, its expired block or the
# failed attempts it leaves when it stops failing, so these tables grow with
# the number of addresses that ever failed.
def _lock_name(ip: str) -> str:
    # A digest, because "lockout:" and a 39-character IPv6 address exceed the 40 characters of a bucket name.
    return "lockout:" + hashlib.sha256(ip.encode("ascii")).hexdigest()[:32]


def _count_day(api_key_id: int, day: datetime.date) -> None:
    # One upsert, so concurrent workers never lose an increment or race on
    # the first request of a day.
    table = connection.ops.quote_name(ApiKeyUsageDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (api_key_id, day, requests) VALUES (%s, %s, 1) "
            f"ON CONFLICT (api_key_id, day) DO UPDATE SET requests = {table}.requests + 1",
            [api_key_id, day],
        )


def _count_request(credential: Credential, ip: str) -> None:
    now = timezone.now()
    type(credential).objects.filter(pk=credential.pk).update(
        requests_total=F("requests_total") + 1, last_used_at=now, last_used_ip=ip
    )
    if isinstance(credential, ApiKey):
        _count_day(credential.pk, timezone.localdate(now))


class SqlCounters(Counters):
    name = "database"

    def blocked_seconds(self, *, ip: str) -> int:
        now = time.time()
        blocked_until = (
            IpBlock.objects.filter(ip=ip, blocked_until__gt=now).values_list("blocked_until", flat=True).first()
        )
        if blocked_until is None:
            return 0
        return max(1, math.ceil(blocked_until - now))

    def record_failure(self, *, ip: str) -> bool:
        with transaction.atomic():
            # Without the lock, concurrent failures on PostgreSQL each miss the
            # others' uncommitted rows, so five at once would not block.
            lock_bucket(_lock_name(ip))
            now = time.time()
            window_start = now - FAILURE_WINDOW_SECONDS
            FailedAttempt.objects.filter(ip=ip, at__lte=window_start).delete()
            FailedAttempt.objects.create(ip=ip, at=now)
            if FailedAttempt.objects.filter(ip=ip).count() < MAX_FAILURES:
                return False

            # An expired block is replaced; a running one is never extended.
            IpBlock.objects.filter(ip=ip, blocked_until__lte=now).delete()
            created = IpBlock.objects.bulk_create(
                [IpBlock(ip=ip, blocked_until=now + BLOCK_SECONDS)], ignore_conflicts=True
            )
            FailedAttempt.objects.filter(ip=ip).delete()
        return bool(created)

    def admit(self, *, bucket: str, limit: int, credential: Credential, ip: str) -> RateLimitState:
        with transaction.atomic():
            lock_bucket(bucket)

            # Read the clock only once the lock is held, so that a request that
            # waited for the lock is logged when it is admitted, not when it arrived.
            now = time.time()
            window_start = now - WINDOW_SECONDS
            RateLimitHit.objects.filter(bucket=bucket, at__lte=window_start).delete()
            in_window = RateLimitHit.objects.filter(bucket=bucket)
            count = in_window.count()
            oldest = in_window.order_by("at").values_list("at", flat=True).first()
            if count >= limit:
                return rate_limit_state(allowed=False, limit=limit, count=count, oldest=oldest, now=now)

            RateLimitHit.objects.create(bucket=bucket, at=now)
            _count_request(credential, ip)

        return rate_limit_state(allowed=True, limit=limit, count=count, oldest=oldest, now=now)

    def count_job_created(self, *, api_key: ApiKey) -> None:
        # In the caller's transaction, so the count commits or rolls back with the job.
        ApiKey.objects.filter(pk=api_key.pk).update(jobs_created=F("jobs_created") + 1)

    def usage(self, *, credential: Credential, today: datetime.date) -> Usage:
        row = type(credential).objects.filter(pk=credential.pk).values(*_USAGE_FIELDS[type(credential)]).first()
        row = row or {}
        requests_today = 0
        if isinstance(credential, ApiKey):
            requests_today = (
                ApiKeyUsageDay.objects.filter(api_key_id=credential.pk, day=today)
                .values_list("requests", flat=True)
                .first()
                or 0
            )
        return Usage(
            requests_total=row.get("requests_total", 0),
            requests_today=requests_today,
            jobs_created=row.get("jobs_created", 0),
            last_used_at=row.get("last_used_at"),
            last_used_ip=row.get("last_used_ip"),
        )

    def requests_by_day(
        self, *, api_key_ids: list[int], first_day: datetime.date, last_day: datetime.date
    ) -> dict[tuple[int, datetime.date], int]:
        rows = ApiKeyUsageDay.objects.filter(api_key_id__in=api_key_ids, day__gte=first_day, day__lte=last_day)
        return {(row.api_key_id, row.day): row.requests for row in rows}


_USAGE_FIELDS = {
    ApiKey: ("requests_total", "jobs_created", "last_used_at", "last_used_ip"),
    AdminToken: ("requests_total", "last_used_at", "last_used_ip"),
}
