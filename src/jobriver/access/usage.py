"""Usage statistics of company keys and admin tokens: totals, last use and requests per day.

Without Redis every admitted request writes its counts to the credential's
row at once. With REDIS_URL the counts live in Redis and reach the rows
within about JOBRIVER_USAGE_FLUSH_SECONDS; the functions here read Redis's
counts where they exist, so they are exact either way. Code that reads the
rows directly (the admin site) gets the database's values.
"""

import datetime
import logging

from jobriver.access.counters import CountersUnavailable, Usage, get_counters
from jobriver.access.counters.base import Credential
from jobriver.access.counters.sql import SqlCounters
from jobriver.access.models import ApiKey

__all__ = ["Usage", "usage_count_job_created", "usage_flush", "usage_of", "usage_requests_by_day"]

logger = logging.getLogger(__name__)


def usage_count_job_created(*, api_key: ApiKey) -> None:
    """Count a created job on the key; call it inside the transaction that creates the job."""
    get_counters().count_job_created(api_key=api_key)


def usage_of(*, credential: Credential, today: datetime.date) -> Usage:
    """Return the credential's exact usage; raise CountersUnavailable if Redis does not respond."""
    return get_counters().usage(credential=credential, today=today)


def usage_requests_by_day(
    *, api_key_ids: list[int], first_day: datetime.date, last_day: datetime.date
) -> dict[tuple[int, datetime.date], int]:
    """Return the requests per key and day in the range, for pages.

    If Redis does not respond, the database's counts are returned, which lag
    by at most about one flush interval, so that a page still renders.
    """
    try:
        return get_counters().requests_by_day(api_key_ids=api_key_ids, first_day=first_day, last_day=last_day)
    except CountersUnavailable:
        logger.warning("usage from the database only: redis unreachable")
        return SqlCounters().requests_by_day(api_key_ids=api_key_ids, first_day=first_day, last_day=last_day)


def usage_flush() -> int:
    """Write the usage counts stored in Redis to the database rows now; return the rows written."""
    return get_counters().flush_usage()
