"""Throttling of dashboard actions that anybody can try: sign-in, password reset, access requests.

A rule admits an action while fewer than `limit` events of its scope and
subject happened within `window`. Once the limit is reached, the action is
rejected until the oldest of those events leaves the window. Rejected
actions are not recorded, so waiting always ends the block.
"""

import datetime
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jobriver.dashboard.models import THROTTLE_SUBJECT_MAX_LENGTH, ThrottleEvent


@dataclass(frozen=True)
class ThrottleRule:
    """At most `limit` events per subject within `window`."""

    scope: str
    limit: int
    window: datetime.timedelta


# A username gets few tries, because only its owner should be typing it.
SIGN_IN_PER_USERNAME = ThrottleRule("sign-in-username", limit=5, window=datetime.timedelta(minutes=15))
# An address gets more, because one office behind a NAT shares it among its staff.
SIGN_IN_PER_ADDRESS = ThrottleRule("sign-in-address", limit=20, window=datetime.timedelta(minutes=15))
PASSWORD_RESET_PER_ADDRESS = ThrottleRule("password-reset-address", limit=5, window=datetime.timedelta(hours=1))
ACCESS_REQUEST_PER_ADDRESS = ThrottleRule("access-request-address", limit=5, window=datetime.timedelta(hours=1))


def _subject(text: str) -> str:
    return text.casefold()[:THROTTLE_SUBJECT_MAX_LENGTH]


def throttle_wait_seconds(*, rule: ThrottleRule, subject: str) -> int:
    """Return the whole seconds until `rule` admits another event for `subject`, 0 if it does now."""
    now = timezone.now()
    recent = list(
        ThrottleEvent.objects.filter(scope=rule.scope, subject=_subject(subject), at__gt=now - rule.window)
        .order_by("-at")
        .values_list("at", flat=True)[: rule.limit]
    )
    if len(recent) < rule.limit:
        return 0

    # Once the limit-th newest event leaves the window, one place is free again.
    free_at = recent[-1] + rule.window
    return max(1, math.ceil((free_at - now).total_seconds()))


def throttle_record(*, rule: ThrottleRule, subject: str) -> bool:
    """Count one event for `subject` and return whether that reached the limit.

    The scope's events that have left the window are deleted on the way, so
    the table stays small without a separate clean-up job.
    """
    now = timezone.now()
    with transaction.atomic():
        ThrottleEvent.objects.filter(scope=rule.scope, at__lte=now - rule.window).delete()
        ThrottleEvent.objects.create(scope=rule.scope, subject=_subject(subject), at=now)

    return throttle_wait_seconds(rule=rule, subject=subject) > 0


def throttle_clear(*, rule: ThrottleRule, subject: str) -> None:
    ThrottleEvent.objects.filter(scope=rule.scope, subject=_subject(subject)).delete()
