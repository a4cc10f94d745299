"""Per-credential rate limiting over a sliding 60-second window.

Each admitted request is logged with its time; a request is admitted while
fewer than `limit` requests were admitted in the 60 seconds before it, so no
60-second span ever holds more than `limit` admitted requests, across any
number of worker processes. Rejected requests are not logged and use no
quota. The bucket row is locked while its window is checked (SQLite's
IMMEDIATE transactions serialise the same check).
"""

import math
import time
from dataclasses import dataclass

from django.db import transaction

from jobriver.access.models import RateLimitBucket, RateLimitHit

WINDOW_SECONDS = 60


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


def lock_bucket(name: str) -> None:
    """Lock the bucket row `name`, creating it first, until the caller's transaction ends."""
    RateLimitBucket.objects.bulk_create([RateLimitBucket(name=name)], ignore_conflicts=True)
    RateLimitBucket.objects.select_for_update().filter(name=name).exists()


def rate_limit_hit(*, bucket: str, limit: int) -> RateLimitState:
    """Count one request against `bucket` if the window has room, and report the state."""
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
            reset = oldest + WINDOW_SECONDS
            return RateLimitState(
                allowed=False,
                limit=limit,
                remaining=0,
                reset=math.ceil(reset),
                retry_after=max(1, math.ceil(reset - now)),
            )

        RateLimitHit.objects.create(bucket=bucket, at=now)

    reset = (oldest if oldest is not None else now) + WINDOW_SECONDS
    return RateLimitState(
        allowed=True,
        limit=limit,
        remaining=max(0, limit - count - 1),
        reset=math.ceil(reset),
        retry_after=0,
    )
