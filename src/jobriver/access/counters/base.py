"""The interface of the shared counters: lockout, rate limit and usage.

Two backends implement it. `SqlCounters` keeps every counter in the
database. `RedisCounters` keeps them in Redis and writes usage to the
database rows in batches. `get_counters()` in this package picks one when
the process starts, from REDIS_URL.
"""

import datetime
import logging
import math
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

from jobriver.access.models import AdminToken, ApiKey
from jobriver.api.errors import ApiError, ErrorCode

# Rate limit: a sliding log per credential over this window.
WINDOW_SECONDS = 60

# Lockout: this many failures from one address within the failure window
# block the address for BLOCK_SECONDS.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 60
BLOCK_SECONDS = 60

# The Retry-After of a 503 while Redis is unreachable. A hint only: the
# server admits requests again as soon as Redis responds.
UNAVAILABLE_RETRY_AFTER_SECONDS = 5

Credential = ApiKey | AdminToken


@dataclass(frozen=True)
class RateLimitState:
    """The outcome of one check, as the response headers report it.

    `reset` is the epoch second at which the oldest request in the window
    leaves it, so at least one more request is admitted from then on.
    """

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int


def rate_limit_state(*, allowed: bool, limit: int, count: int, oldest: float | None, now: float) -> RateLimitState:
    """Return the state of a window that held `count` requests, the oldest at `oldest`, before this one."""
    reset = (oldest if oldest is not None else now) + WINDOW_SECONDS
    if not allowed:
        return RateLimitState(
            allowed=False, limit=limit, remaining=0, reset=math.ceil(reset), retry_after=max(1, math.ceil(reset - now))
        )
    return RateLimitState(
        allowed=True, limit=limit, remaining=max(0, limit - count - 1), reset=math.ceil(reset), retry_after=0
    )


@dataclass(frozen=True)
class Usage:
    """A credential's usage counters as the API reports them; admin tokens have no per-day counts."""

    requests_total: int
    requests_today: int
    jobs_created: int
    last_used_at: datetime.datetime | None
    last_used_ip: str | None


class CountersUnavailable(ApiError):
    """Redis, which stores the counters, did not respond, so no limit can be checked."""

    def __init__(self) -> None:
        seconds = UNAVAILABLE_RETRY_AFTER_SECONDS
        super().__init__(
            ErrorCode.SERVICE_UNAVAILABLE,
            details={"retry_after": seconds},
            headers={"Retry-After": str(seconds)},
            retry_after=seconds,
        )


class ThrottledLog:
    """An error log that writes at most one line per `interval` seconds and counts the lines it skipped."""

    def __init__(self, logger: logging.Logger, interval: float = 10.0):
        self._logger = logger
        self._interval = interval
        self._last = -math.inf
        self._suppressed = 0

    def error(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            self._suppressed += 1
            return
        self._logger.error(message + " repeats_not_logged=%s", *args, self._suppressed)
        self._last = now
        self._suppressed = 0


class Counters(ABC):
    """The operations the authentication pipeline, the services and the selectors need."""

    name: str

    @abstractmethod
    def blocked_seconds(self, *, ip: str) -> int:
        """Return the whole seconds left on the address's block, or 0 if it is not blocked."""

    @abstractmethod
    def record_failure(self, *, ip: str) -> bool:
        """Count a failed authentication from `ip`; return True if this failure started a block."""

    @abstractmethod
    def admit(self, *, bucket: str, limit: int, credential: Credential, ip: str) -> RateLimitState:
        """Count one request against `bucket` if its window has room, and then count the credential's use."""

    @abstractmethod
    def count_job_created(self, *, api_key: ApiKey) -> None:
        """Count a created job on the key once the caller's transaction commits."""

    @abstractmethod
    def usage(self, *, credential: Credential, today: datetime.date) -> Usage:
        """Return the credential's exact usage, including counts not yet written to its row."""

    @abstractmethod
    def requests_by_day(
        self, *, api_key_ids: list[int], first_day: datetime.date, last_day: datetime.date
    ) -> dict[tuple[int, datetime.date], int]:
        """Return the requests per key and day in the range, for the days that had any."""

    def flush_usage(self) -> int:
        """Write pending usage counts to the database rows; return how many credentials were written."""
        return 0
