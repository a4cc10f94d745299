"""Blocking client addresses after repeated failed authentication.

Five failures from one address within 60 seconds block that address for 60
seconds. While the block runs, requests are rejected before their key is
looked at, so they are not failures and cannot extend it. A valid key used
from another address is not affected. The failures and blocks live in the
database or, with REDIS_URL, in Redis (see `jobriver.access.counters`).
"""

import logging

from jobriver.access.counters import get_counters
from jobriver.access.counters.base import BLOCK_SECONDS, FAILURE_WINDOW_SECONDS, MAX_FAILURES

__all__ = ["BLOCK_SECONDS", "FAILURE_WINDOW_SECONDS", "MAX_FAILURES", "lockout_record_failure", "lockout_remaining"]

logger = logging.getLogger(__name__)


def lockout_remaining(*, ip: str) -> int:
    """Return the whole seconds left on the address's block, or 0 if it is not blocked."""
    return get_counters().blocked_seconds(ip=ip)


def lockout_record_failure(*, ip: str) -> None:
    """Count a failed attempt and block the address once it reaches the limit."""
    if get_counters().record_failure(ip=ip):
        logger.warning("address blocked ip=%s seconds=%s failures=%s", ip, BLOCK_SECONDS, MAX_FAILURES)
