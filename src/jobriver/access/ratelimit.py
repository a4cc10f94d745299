"""Per-credential rate limiting over a sliding 60-second window.

Each admitted request is logged with its time; a request is admitted while
fewer than `limit` requests were admitted in the 60 seconds before it, so no
60-second span ever holds more than `limit` admitted requests, across any
number of worker processes and servers. Rejected requests are not logged and
use no quota. The log lives in the database or, with REDIS_URL, in Redis
(see `jobriver.access.counters`).
"""

from jobriver.access.counters import RateLimitState, get_counters
from jobriver.access.counters.base import WINDOW_SECONDS, Credential

__all__ = ["WINDOW_SECONDS", "RateLimitState", "rate_limit_admit"]


def rate_limit_admit(*, bucket: str, limit: int, credential: Credential, ip: str) -> RateLimitState:
    """Count one request against `bucket` if the window has room, count the credential's use, and report the state."""
    return get_counters().admit(bucket=bucket, limit=limit, credential=credential, ip=ip)
