"""The counters in Redis: the backend for several application servers on one Redis.

Each operation is one Lua script or one command, so it is atomic across all
servers and workers, and the scripts read the clock from Redis (TIME), so
the servers' clocks need not agree.

- Rate limit: a sorted set per credential of the times of its admitted
  requests. The script drops the times that left the window, counts the
  rest and adds this request only if fewer than the limit remain.
- Lockout: a sorted set per address of its failure times, and a block key
  that expires with the block. The block is set with NX, so a running block
  is never extended.
- Usage: one hash per credential with its absolute counts (requests in
  total, jobs created, last use, requests per day), seeded from the
  database row when it is missing. A change marks the hash dirty and
  removes its expiry; `flush.py` writes dirty hashes to the rows. Readers
  take the hash where it exists, so the API shows exact numbers while the
  rows lag behind.

A Redis error raises CountersUnavailable (503): no request is admitted
unchecked while Redis is unreachable.
"""

import datetime
import logging
import math
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from redis import Redis, RedisError
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from jobriver.access.counters import scripts
from jobriver.access.counters.base import (
    BLOCK_SECONDS,
    FAILURE_WINDOW_SECONDS,
    MAX_FAILURES,
    WINDOW_SECONDS,
    Counters,
    CountersUnavailable,
    Credential,
    RateLimitState,
    ThrottledLog,
    Usage,
    rate_limit_state,
)
from jobriver.access.counters.flush import UsageFlusher, flush_usage
from jobriver.access.counters.hashes import (
    CLEAN_USAGE_TTL_SECONDS,
    day_field,
    from_microseconds,
    parse_day_field,
    to_microseconds,
)
from jobriver.access.counters.sql import SqlCounters
from jobriver.access.models import AdminToken, ApiKey, ApiKeyUsageDay

logger = logging.getLogger(__name__)

# How long a request waits for Redis before the server responds 503.
REDIS_TIMEOUT_SECONDS = 2.0


def describe_url(url: str) -> str:
    """Return the Redis URL without user name and password, for the log."""
    parts = urlsplit(url)
    location = parts.hostname or parts.path
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{location}{port}{parts.path if parts.hostname else ''}"


def _redis_clock(seconds: str, microseconds: str) -> float:
    # The same arithmetic as the scripts' `now`, so both give the same float.
    return int(seconds) + int(microseconds) / 1_000_000


def usage_kind(credential: Credential) -> str:
    return "key" if isinstance(credential, ApiKey) else "admin"


class RedisCounters(Counters):
    name = "redis"

    def __init__(self, *, url: str, prefix: str, flush_seconds: int):
        self.url = url
        self.prefix = prefix
        self.flush_seconds = flush_seconds
        # One retry on a connection error, because a pooled connection may
        # have been closed by a Redis restart. None on a timeout, because
        # the script may have run, and running it twice would count twice.
        self.client = Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        )
        self._admit = self.client.register_script(scripts.ADMIT)
        self._failure = self.client.register_script(scripts.RECORD_FAILURE)
        self._block = self.client.register_script(scripts.READ_BLOCK)
        self._record = self.client.register_script(scripts.RECORD_USAGE)
        self._seed_script = self.client.register_script(scripts.SEED_USAGE)
        self.clean_script = self.client.register_script(scripts.CLEAN_USAGE)
        self._errors = ThrottledLog(logger)
        self._flusher = UsageFlusher(self)

    # Key names. Braces make a hash tag, so an address's two keys share a slot.

    def rate_limit_key(self, bucket: str) -> str:
        return f"{self.prefix}ratelimit:{bucket}"

    def failures_key(self, ip: str) -> str:
        return f"{self.prefix}lockout:{{{ip}}}:failures"

    def block_key(self, ip: str) -> str:
        return f"{self.prefix}lockout:{{{ip}}}:block"

    def usage_key(self, kind: str, pk: int) -> str:
        return f"{self.prefix}usage:{kind}:{pk}"

    @property
    def dirty_key(self) -> str:
        return f"{self.prefix}usage:dirty"

    @property
    def flush_claim_key(self) -> str:
        return f"{self.prefix}usage:flush"

    @contextmanager
    def _redis(self, action: str) -> Iterator[None]:
        try:
            yield
        except RedisError as error:
            self._errors.error("redis unreachable action=%s url=%s error=%r", action, describe_url(self.url), error)
            raise CountersUnavailable() from error

    # Lockout.

    def blocked_seconds(self, *, ip: str) -> int:
        with self._redis("read block"):
            blocked_until, seconds, microseconds = self._block(keys=[self.block_key(ip)])
        if blocked_until is None:
            return 0
        remaining = float(blocked_until) - _redis_clock(seconds, microseconds)
        if remaining <= 0:
            return 0
        return max(1, math.ceil(remaining))

    def record_failure(self, *, ip: str) -> bool:
        with self._redis("record failure"):
            started = self._failure(
                keys=[self.failures_key(ip), self.block_key(ip)],
                args=[MAX_FAILURES, FAILURE_WINDOW_SECONDS, BLOCK_SECONDS, secrets.token_hex(8)],
            )
        return bool(started)

    # Rate limit and usage.

    def admit(self, *, bucket: str, limit: int, credential: Credential, ip: str) -> RateLimitState:
        now = timezone.now()
        day = day_field(timezone.localdate(now)) if isinstance(credential, ApiKey) else ""
        usage_keys, usage_args = self._usage_call(
            credential, "requests_total", day=day, used_at=to_microseconds(now), ip=ip
        )
        with self._redis("rate limit"):
            allowed, count, oldest, seconds, microseconds, counted = self._admit(
                keys=[self.rate_limit_key(bucket), *usage_keys],
                args=[limit, WINDOW_SECONDS, secrets.token_hex(8), *usage_args],
            )
        state = rate_limit_state(
            allowed=bool(allowed),
            limit=limit,
            count=int(count),
            oldest=float(oldest) if oldest is not None else None,
            now=_redis_clock(seconds, microseconds),
        )
        if state.allowed:
            if not counted:
                self._count(credential, "requests_total", day=day, used_at=to_microseconds(now), ip=ip)
            self._flusher.ensure_running()
        return state

    def count_job_created(self, *, api_key: ApiKey) -> None:
        # After the commit, because Redis cannot roll back with the job.
        transaction.on_commit(lambda: self._count_job_created(api_key))

    def _count_job_created(self, api_key: ApiKey) -> None:
        try:
            self._count(api_key, "jobs_created", day="", used_at=None, ip="")
        except CountersUnavailable:
            # The job is committed by now, so the request must not fail.
            logger.error("jobs_created not counted key_id=%s: redis unreachable", api_key.pk)

    def _usage_call(
        self, credential: Credential, counter: str, *, day: str, used_at: int | None, ip: str
    ) -> tuple[list[str], list[object]]:
        """Return the keys and arguments of record_usage in the scripts for one use of `credential`."""
        kind = usage_kind(credential)
        keys = [self.usage_key(kind, credential.pk), self.dirty_key]
        args = [f"{kind}:{credential.pk}", counter, day, "" if used_at is None else used_at, ip]
        return keys, args

    def _count(self, credential: Credential, counter: str, *, day: str, used_at: int | None, ip: str) -> None:
        keys, args = self._usage_call(credential, counter, day=day, used_at=used_at, ip=ip)
        with self._redis("count usage"):
            if self._record(keys=keys, args=args):
                return
            if not self._seed(credential):
                return  # The credential was deleted meanwhile.
            if self._record(keys=keys, args=args):
                return
        # Only eviction removes a hash this fast; Redis must run with noeviction.
        logger.error("usage hash missing right after seeding key=%s; check maxmemory-policy", keys[0])
        raise CountersUnavailable()

    def _seed(self, credential: Credential) -> bool:
        """Copy the credential's counters from its database row into a missing hash."""
        model = type(credential)
        row = model.objects.filter(pk=credential.pk).values(*_ROW_FIELDS[model]).first()
        if row is None:
            return False

        fields: dict[str, object] = {"requests_total": row["requests_total"]}
        if model is ApiKey:
            fields["jobs_created"] = row["jobs_created"]
            # Days before yesterday are never counted again.
            since = timezone.localdate() - datetime.timedelta(days=1)
            for day, requests in ApiKeyUsageDay.objects.filter(api_key_id=credential.pk, day__gte=since).values_list(
                "day", "requests"
            ):
                fields[day_field(day)] = requests
        if row["last_used_at"] is not None:
            fields["last_used_at"] = to_microseconds(row["last_used_at"])
            fields["last_used_ip"] = row["last_used_ip"] or ""

        pairs = [item for field in fields.items() for item in field]
        self._seed_script(
            keys=[self.usage_key(usage_kind(credential), credential.pk)],
            args=[CLEAN_USAGE_TTL_SECONDS * 1000, *pairs],
        )
        return True

    # Reads.

    def usage(self, *, credential: Credential, today: datetime.date) -> Usage:
        with self._redis("read usage"):
            fields = self.client.hgetall(self.usage_key(usage_kind(credential), credential.pk))
        if not fields:
            # Without a hash, the row contains every count.
            return SqlCounters().usage(credential=credential, today=today)

        used_at = fields.get("last_used_at")
        return Usage(
            requests_total=int(fields.get("requests_total", 0)),
            requests_today=int(fields.get(day_field(today), 0)),
            jobs_created=int(fields.get("jobs_created", 0)),
            last_used_at=from_microseconds(int(used_at)) if used_at else None,
            last_used_ip=fields.get("last_used_ip") or None,
        )

    def requests_by_day(
        self, *, api_key_ids: list[int], first_day: datetime.date, last_day: datetime.date
    ) -> dict[tuple[int, datetime.date], int]:
        counts = SqlCounters().requests_by_day(api_key_ids=api_key_ids, first_day=first_day, last_day=last_day)
        with self._redis("read usage"):
            pipeline = self.client.pipeline(transaction=False)
            for pk in api_key_ids:
                pipeline.hgetall(self.usage_key("key", pk))
            hashes = pipeline.execute()

        # A hash's day count includes the row's, so it replaces it.
        for pk, fields in zip(api_key_ids, hashes, strict=True):
            for field, value in fields.items():
                day = parse_day_field(field)
                if day is not None and first_day <= day <= last_day:
                    counts[(pk, day)] = int(value)
        return counts

    def flush_usage(self) -> int:
        with self._redis("flush usage"):
            return flush_usage(self)


_ROW_FIELDS = {
    ApiKey: ("requests_total", "jobs_created", "last_used_at", "last_used_ip"),
    AdminToken: ("requests_total", "last_used_at", "last_used_ip"),
}
