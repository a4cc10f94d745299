"""Writing the usage counts from Redis to the database rows, in batches.

With Redis, an admitted request changes only its credential's usage hash
in Redis and marks it dirty. A thread in each server process wakes every
JOBRIVER_USAGE_FLUSH_SECONDS. The first thread to claim the interval in
Redis writes every dirty hash to its row. So the rows are written about
once per interval for all servers together, not once per request.

The hashes hold absolute counts and the rows take the larger of the two
values, so writing a hash twice, or two processes writing at once, changes
nothing. A hash leaves the dirty set only if it did not change while it was
written. A process that dies while writing leaves it dirty, and the next
flush writes it again.
"""

import datetime
import logging
import os
import random
import threading
import time
from typing import TYPE_CHECKING

from django.db import close_old_connections, connection, transaction
from django.db.models import Case, DateTimeField, F, GenericIPAddressField, PositiveBigIntegerField, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from jobriver.access.counters.base import ThrottledLog
from jobriver.access.counters.hashes import CLEAN_USAGE_TTL_SECONDS, from_microseconds, parse_day_field
from jobriver.access.models import AdminToken, ApiKey, ApiKeyUsageDay

if TYPE_CHECKING:
    from jobriver.access.counters.redis import RedisCounters

logger = logging.getLogger(__name__)

# Dirty hashes read from Redis per round trip.
BATCH_SIZE = 500

_MODELS = {"key": ApiKey, "admin": AdminToken}


def flush_usage(counters: "RedisCounters") -> int:
    """Write every dirty usage hash to its row; return how many rows were written."""
    written = 0
    members = sorted(counters.client.smembers(counters.dirty_key))
    for start in range(0, len(members), BATCH_SIZE):
        batch = members[start : start + BATCH_SIZE]
        pipeline = counters.client.pipeline(transaction=False)
        for member in batch:
            kind, pk = member.split(":", 1)
            pipeline.hgetall(counters.usage_key(kind, int(pk)))
        snapshots = pipeline.execute()

        for member, snapshot in zip(batch, snapshots, strict=True):
            kind, pk = member.split(":", 1)
            hash_key = counters.usage_key(kind, int(pk))
            if not snapshot or not _write_row(_MODELS[kind], int(pk), snapshot):
                # The hash or its credential is gone: nothing left to write.
                counters.client.srem(counters.dirty_key, member)
                counters.client.delete(hash_key)
                continue

            written += 1
            counters.clean_script(
                keys=[hash_key, counters.dirty_key],
                args=[member, snapshot.get("version", "0"), CLEAN_USAGE_TTL_SECONDS * 1000, *_old_day_fields(snapshot)],
            )
    return written


def _old_day_fields(snapshot: dict[str, str]) -> list[str]:
    """Return the day fields before yesterday, which no request counts on any more."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return [field for field in snapshot if (day := parse_day_field(field)) is not None and day < yesterday]


# TODO(usage-flush): one UPDATE per credential, compiled anew each time, is
# about 2,000 statements per flush for 2,000 busy keys; write them in one.
def _write_row(model: type[ApiKey] | type[AdminToken], pk: int, snapshot: dict[str, str]) -> bool:
    """Raise the row's counters to the hash's; return False if the credential no longer exists."""
    big_integer = PositiveBigIntegerField()
    changes = {"requests_total": Greatest("requests_total", Value(int(snapshot.get("requests_total", 0))), output_field=big_integer)}
    if model is ApiKey:
        changes["jobs_created"] = Greatest("jobs_created", Value(int(snapshot.get("jobs_created", 0))), output_field=big_integer)
    if snapshot.get("last_used_at"):
        used_at = from_microseconds(int(snapshot["last_used_at"]))
        newer = Q(last_used_at__isnull=True) | Q(last_used_at__lt=used_at)
        changes["last_used_at"] = Case(
            When(newer, then=Value(used_at, output_field=DateTimeField())), default=F("last_used_at")
        )
        changes["last_used_ip"] = Case(
            When(newer, then=Value(snapshot.get("last_used_ip") or None, output_field=GenericIPAddressField())),
            default=F("last_used_ip"),
        )

    days = [(day, int(value)) for field, value in snapshot.items() if (day := parse_day_field(field)) is not None]
    with transaction.atomic():
        if not model.objects.filter(pk=pk).update(**changes):
            return False
        for day, requests in days:
            _raise_day(pk, day, requests)
    return True


def _raise_day(api_key_id: int, day: datetime.date, requests: int) -> None:
    table = connection.ops.quote_name(ApiKeyUsageDay._meta.db_table)
    larger = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (api_key_id, day, requests) VALUES (%s, %s, %s) "
            f"ON CONFLICT (api_key_id, day) DO UPDATE SET requests = {larger}({table}.requests, excluded.requests)",
            [api_key_id, day, requests],
        )


class UsageFlusher:
    """The thread of one server process that flushes usage every interval."""

    def __init__(self, counters: "RedisCounters"):
        self._counters = counters
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._errors = ThrottledLog(logger)

    def ensure_running(self) -> None:
        """Start the thread in this process unless it runs already (a forked worker starts its own)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            thread = threading.Thread(target=self._run, name="jobriver-usage-flush", daemon=True)
            thread.start()
            self._pid = os.getpid()
            logger.info("usage flush thread started pid=%s interval_s=%s", self._pid, self._counters.flush_seconds)

    def _run(self) -> None:
        interval = self._counters.flush_seconds
        # A random phase, so that the workers do not all wake at once.
        wait = random.uniform(0, interval)
        while True:
            time.sleep(wait)
            wait = interval
            try:
                if self._claim(interval):
                    written = self._counters.flush_usage()
                    logger.debug("usage flushed rows=%s", written)
            except Exception as error:
                # The thread must survive any failure; the counts stay dirty in Redis for the next try.
                self._errors.error("usage flush failed error=%r", error)
            finally:
                close_old_connections()

    def _claim(self, interval: int) -> bool:
        # The first process to set the key flushes; the key expires after one
        # interval, so all processes together flush about once per interval.
        claim = self._counters.client.set(self._counters.flush_claim_key, os.getpid(), nx=True, px=interval * 1000)
        return bool(claim)
