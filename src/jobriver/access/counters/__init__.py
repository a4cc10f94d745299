"""The shared counters: lockout, rate limit and usage, in the database or in Redis.

`get_counters()` returns the backend that REDIS_URL selects, created once
per process (`AccessConfig.ready()` creates it at start-up).
"""

import logging
from functools import lru_cache

from django.conf import settings

from jobriver.access.counters.base import Counters, CountersUnavailable, RateLimitState, Usage

__all__ = ["Counters", "CountersUnavailable", "RateLimitState", "Usage", "get_counters"]

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def get_counters() -> Counters:
    """Return the process's counters backend: Redis if REDIS_URL is set, else the database."""
    if not settings.REDIS_URL:
        from jobriver.access.counters.sql import SqlCounters

        return SqlCounters()

    from jobriver.access.counters.redis import RedisCounters, describe_url

    counters = RedisCounters(
        url=settings.REDIS_URL,
        prefix=settings.JOBRIVER_REDIS_PREFIX,
        flush_seconds=settings.JOBRIVER_USAGE_FLUSH_SECONDS,
    )
    logger.debug("counters in redis url=%s prefix=%s", describe_url(settings.REDIS_URL), counters.prefix)
    return counters
