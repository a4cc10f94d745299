"""Reading and moving the state of the rate limit and the lockout, in whichever backend the tests run on.

Tests shorten the waits by moving stored times into the past instead of
sleeping. With REDIS_URL the state is in Redis (sorted sets of times and a
block key), without it in the database (RateLimitHit, FailedAttempt,
IpBlock rows). Usage counts are read through `jobriver.access.usage`.
"""

import math
import time
import uuid

from jobriver.access.counters import get_counters
from jobriver.access.counters.redis import RedisCounters
from jobriver.access.models import FailedAttempt, IpBlock, RateLimitHit


def _redis() -> RedisCounters | None:
    counters = get_counters()
    return counters if isinstance(counters, RedisCounters) else None


def credential_bucket(credential) -> str:
    """Return the rate-limit bucket of a company key."""
    return f"key:{credential.pk}"


# Rate limit


def add_hit(bucket: str, at: float) -> None:
    """Store an admitted request at epoch second `at`."""
    redis = _redis()
    if redis is None:
        RateLimitHit.objects.create(bucket=bucket, at=at)
        return
    redis.client.zadd(redis.rate_limit_key(bucket), {f"test-{uuid.uuid4().hex}": at})
    redis.client.expire(redis.rate_limit_key(bucket), 120)


def hit_times(bucket: str) -> list[float]:
    """Return the times of the admitted requests in the bucket's window, oldest first."""
    redis = _redis()
    if redis is None:
        return list(RateLimitHit.objects.filter(bucket=bucket).order_by("at").values_list("at", flat=True))
    return [score for _member, score in redis.client.zrange(redis.rate_limit_key(bucket), 0, -1, withscores=True)]


def hit_count(bucket: str) -> int:
    return len(hit_times(bucket))


def move_hit(bucket: str, at: float, new_at: float) -> None:
    """Move the admitted request stored at exactly `at` to `new_at`."""
    redis = _redis()
    if redis is None:
        RateLimitHit.objects.filter(bucket=bucket, at=at).update(at=new_at)
        return
    key = redis.rate_limit_key(bucket)
    for member in redis.client.zrangebyscore(key, at, at):
        redis.client.zadd(key, {member: new_at})


def age_hits(bucket: str, seconds: float) -> None:
    """Move every admitted request of the bucket `seconds` into the past."""
    for at in hit_times(bucket):
        move_hit(bucket, at, at - seconds)


# Lockout


def block(ip: str, until: float) -> None:
    """Block the address until epoch second `until`, as five failures would."""
    redis = _redis()
    if redis is None:
        IpBlock.objects.update_or_create(ip=ip, defaults={"blocked_until": until})
        return
    redis.client.set(redis.block_key(ip), repr(until), pxat=math.ceil(until * 1000))


def blocked_until(ip: str) -> float | None:
    """Return the epoch second at which the address's block ends, or None without a running block."""
    redis = _redis()
    if redis is None:
        value = IpBlock.objects.filter(ip=ip, blocked_until__gt=time.time()).values_list("blocked_until", flat=True)
        return value.first()
    value = redis.client.get(redis.block_key(ip))
    return float(value) if value is not None else None


def end_block(ip: str) -> None:
    """End the address's block as if its time had run out."""
    redis = _redis()
    if redis is None:
        IpBlock.objects.filter(ip=ip).update(blocked_until=time.time() - 1)
        return
    redis.client.delete(redis.block_key(ip))


def failure_times(ip: str) -> list[float]:
    redis = _redis()
    if redis is None:
        return list(FailedAttempt.objects.filter(ip=ip).order_by("at").values_list("at", flat=True))
    return [score for _member, score in redis.client.zrange(redis.failures_key(ip), 0, -1, withscores=True)]


def failure_count(ip: str) -> int:
    return len(failure_times(ip))


def shift_failures(ip: str, seconds: float) -> None:
    """Move every stored failure of the address `seconds` into the past."""
    redis = _redis()
    if redis is None:
        for attempt in FailedAttempt.objects.filter(ip=ip):
            attempt.at -= seconds
            attempt.save(update_fields=["at"])
        return
    key = redis.failures_key(ip)
    for member, at in redis.client.zrange(key, 0, -1, withscores=True):
        redis.client.zadd(key, {member: at - seconds})


def clear_address(ip: str) -> None:
    """Remove the address's failures and block."""
    redis = _redis()
    if redis is None:
        FailedAttempt.objects.filter(ip=ip).delete()
        IpBlock.objects.filter(ip=ip).delete()
        return
    redis.client.delete(redis.failures_key(ip), redis.block_key(ip))
