"""Blocking client addresses after repeated failed authentication.

Five failures from one address within 60 seconds block that address for 60
seconds. While the block runs, requests are rejected before their key is
looked at, so they are not failures and cannot extend it. A valid key used
from another address is not affected.
"""

import hashlib
import logging
import math
import time

from django.db import transaction

from jobriver.access.models import FailedAttempt, IpBlock
from jobriver.access.ratelimit import lock_bucket

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 60
BLOCK_SECONDS = 60


# NOTE: nothing deletes an address's lock row, its expired block or the
# failed attempts it leaves when it stops failing, so these tables grow with
# the number of addresses that ever failed.
def _lock_name(ip: str) -> str:
    # A digest, because "lockout:" and a 39-character IPv6 address exceed the 40 characters of a bucket name.
    return "lockout:" + hashlib.sha256(ip.encode("ascii")).hexdigest()[:32]


def lockout_remaining(*, ip: str) -> int:
    """Return the whole seconds left on the address's block, or 0 if it is not blocked."""
    now = time.time()
    blocked_until = IpBlock.objects.filter(ip=ip, blocked_until__gt=now).values_list("blocked_until", flat=True).first()
    if blocked_until is None:
        return 0
    return max(1, math.ceil(blocked_until - now))


def lockout_record_failure(*, ip: str) -> None:
    """Count a failed attempt and block the address once it reaches the limit."""
    with transaction.atomic():
        # Without the lock, concurrent failures on PostgreSQL each miss the
        # others' uncommitted rows, so five at once would not block.
        lock_bucket(_lock_name(ip))
        now = time.time()
        window_start = now - FAILURE_WINDOW_SECONDS
        FailedAttempt.objects.filter(ip=ip, at__lte=window_start).delete()
        FailedAttempt.objects.create(ip=ip, at=now)
        if FailedAttempt.objects.filter(ip=ip).count() < MAX_FAILURES:
            return

        # An expired block is replaced; a running one is never extended.
        IpBlock.objects.filter(ip=ip, blocked_until__lte=now).delete()
        IpBlock.objects.bulk_create([IpBlock(ip=ip, blocked_until=now + BLOCK_SECONDS)], ignore_conflicts=True)
        FailedAttempt.objects.filter(ip=ip).delete()

    logger.warning("address blocked ip=%s seconds=%s failures=%s", ip, BLOCK_SECONDS, MAX_FAILURES)
