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
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
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
from jobriver.rows import RowLookup


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


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# The statements of every request, written out. Through querysets, the
# admission of one request cost about 1.5 ms on SQLite, nearly all of it in
# compiling the ORM's queries (see jobriver.rows).
_SELECT_BLOCK = f"SELECT blocked_until FROM {_table(IpBlock)} WHERE ip = %s AND blocked_until > %s"
_CREATE_BUCKET = f"INSERT INTO {_table(RateLimitBucket)} (name) VALUES (%s) ON CONFLICT (name) DO NOTHING"
_LOCK_BUCKET = f"SELECT name FROM {_table(RateLimitBucket)} WHERE name = %s FOR UPDATE"
_DELETE_EXPIRED_HITS = f"DELETE FROM {_table(RateLimitHit)} WHERE bucket = %s AND at <= %s"
_COUNT_HITS = f"SELECT COUNT(*), MIN(at) FROM {_table(RateLimitHit)} WHERE bucket = %s"
_INSERT_HIT = f"INSERT INTO {_table(RateLimitHit)} (bucket, at) VALUES (%s, %s)"
_COUNT_REQUEST = {
    model: f"UPDATE {_table(model)} SET requests_total = requests_total + 1, last_used_at = %s, last_used_ip = %s "
    "WHERE id = %s"
    for model in (ApiKey, AdminToken)
}
_COUNT_JOB_CREATED = f"UPDATE {_table(ApiKey)} SET jobs_created = jobs_created + 1 WHERE id = %s"
_SELECT_DAY = f"SELECT requests FROM {_table(ApiKeyUsageDay)} WHERE api_key_id = %s AND day = %s"
# One upsert, so that two workers counting the first request of a day do
# not both insert: the unique constraint on (api_key_id, day) turns the
# second insert into an increment.
_COUNT_DAY = (
    f"INSERT INTO {_table(ApiKeyUsageDay)} (api_key_id, day, requests) VALUES (%s, %s, 1) "
    f"ON CONFLICT (api_key_id, day) DO UPDATE SET requests = {_table(ApiKeyUsageDay)}.requests + 1"
)


def _count_request(cursor: CursorWrapper, credential: Credential, ip: str) -> None:
    ops = connection.ops
    now = timezone.now()
    cursor.execute(
        _COUNT_REQUEST[type(credential)],
        [ops.adapt_datetimefield_value(now), ops.adapt_ipaddressfield_value(ip), credential.pk],
    )
    if isinstance(credential, ApiKey):
        cursor.execute(_COUNT_DAY, [credential.pk, ops.adapt_datefield_value(timezone.localdate(now))])


class SqlCounters(Counters):
    name = "database"

    def blocked_seconds(self, *, ip: str) -> int:
        now = time.time()
        with connection.cursor() as cursor:
            cursor.execute(_SELECT_BLOCK, [connection.ops.adapt_ipaddressfield_value(ip), now])
            row = cursor.fetchone()
        if row is None:
            return 0
        return max(1, math.ceil(row[0] - now))

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
        with transaction.atomic(), connection.cursor() as cursor:
            # SQLite begins the transaction IMMEDIATE, which takes the
            # database's single write lock. PostgreSQL locks the bucket's row instead.
            if connection.features.has_select_for_update:
                cursor.execute(_CREATE_BUCKET, [bucket])
                cursor.execute(_LOCK_BUCKET, [bucket])

            # Read the clock only once the lock is held, so that a request that
            # waited for the lock is logged when it is admitted, not when it arrived.
            now = time.time()
            cursor.execute(_DELETE_EXPIRED_HITS, [bucket, now - WINDOW_SECONDS])
            cursor.execute(_COUNT_HITS, [bucket])
            count, oldest = cursor.fetchone()
            if count >= limit:
                return rate_limit_state(allowed=False, limit=limit, count=count, oldest=oldest, now=now)

            cursor.execute(_INSERT_HIT, [bucket, now])
            _count_request(cursor, credential, ip)

        return rate_limit_state(allowed=True, limit=limit, count=count, oldest=oldest, now=now)

    def count_job_created(self, *, api_key: ApiKey) -> None:
        # In the caller's transaction, so the count commits or rolls back with the job.
        with connection.cursor() as cursor:
            cursor.execute(_COUNT_JOB_CREATED, [api_key.pk])

    def usage(self, *, credential: Credential, today: datetime.date) -> Usage:
        row = _USAGE_BY_ID[type(credential)].get(credential.pk)
        requests_today = 0
        if isinstance(credential, ApiKey):
            with connection.cursor() as cursor:
                cursor.execute(_SELECT_DAY, [credential.pk, connection.ops.adapt_datefield_value(today)])
                day = cursor.fetchone()
            requests_today = day[0] if day else 0
        return Usage(
            requests_total=row.requests_total if row else 0,
            requests_today=requests_today,
            jobs_created=getattr(row, "jobs_created", 0),
            last_used_at=row.last_used_at if row else None,
            last_used_ip=row.last_used_ip if row else None,
        )

    def requests_by_day(
        self, *, api_key_ids: list[int], first_day: datetime.date, last_day: datetime.date
    ) -> dict[tuple[int, datetime.date], int]:
        rows = ApiKeyUsageDay.objects.filter(api_key_id__in=api_key_ids, day__gte=first_day, day__lte=last_day)
        return {(row.api_key_id, row.day): row.requests for row in rows}


_USAGE_BY_ID = {
    ApiKey: RowLookup(ApiKey, by="id", fields=["id", "requests_total", "jobs_created", "last_used_at", "last_used_ip"]),
    AdminToken: RowLookup(AdminToken, by="id", fields=["id", "requests_total", "last_used_at", "last_used_ip"]),
}
