"""Reads of keys and their usage."""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jobriver.access.counters import CountersUnavailable
from jobriver.access.models import AdminToken, ApiKey
from jobriver.access.ratelimit import RateLimitState
from jobriver.access.usage import usage_of
from jobriver.jobs.selectors import active_job_count

logger = logging.getLogger(__name__)


def _utc(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_key_list(*, company_id: int) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(company_id=company_id).order_by("-created_at", "-id")


def api_key_get(*, company_id: int, key_id: int) -> ApiKey | None:
    """Return one of the company's keys; another company's key is as absent as a missing one."""
    return ApiKey.objects.filter(company_id=company_id, pk=key_id).first()


def admin_token_list(*, user_id: int | None = None) -> QuerySet[AdminToken]:
    tokens = AdminToken.objects.select_related("user")
    if user_id is not None:
        tokens = tokens.filter(user_id=user_id)
    return tokens.order_by("-created_at", "-id")


def api_keys_with_usage(keys: Iterable[ApiKey]) -> list[ApiKey]:
    """Return the keys with their usage fields set to the exact counts, for pages that list keys.

    If Redis does not respond, the keys keep their rows' values, which lag
    by at most about one flush interval, so that the page still renders.
    """
    keys = list(keys)
    today = timezone.localdate()
    try:
        for key in keys:
            usage = usage_of(credential=key, today=today)
            key.requests_total = usage.requests_total
            key.jobs_created = usage.jobs_created
            key.last_used_at = usage.last_used_at
            key.last_used_ip = usage.last_used_ip
    except CountersUnavailable:
        logger.warning("key usage from the database only: redis unreachable")
    return keys


def api_key_status(*, key: ApiKey, rate_limit: RateLimitState) -> dict[str, Any]:
    """Return the data of GET /status for the key that authenticated this request, with its company.

    The key and company are as this request's authentication read them;
    usage is read after this request was counted, so it includes it.
    """
    company = key.company
    now = timezone.now()
    usage = usage_of(credential=key, today=timezone.localdate(now))

    return {
        "api_version": "v1",
        "status": "ok",
        "key": {
            "name": key.name,
            "prefix": key.prefix,
            "status": key.status,
            "permissions": key.permissions,
            "created_at": _utc(key.created_at),
            "expires_at": _utc(key.expires_at),
        },
        "company": {"id": company.id, "name": company.name, "slug": company.slug},
        "limits": {
            "rate_limit": {
                "requests_per_minute": rate_limit.limit,
                "remaining": rate_limit.remaining,
                "reset": rate_limit.reset,
            },
            "job_limit": {
                "limit": company.job_limit,
                "current_active_jobs": active_job_count(company_id=company.id),
                "unlimited": company.job_limit is None,
            },
        },
        "usage": {
            "requests_total": usage.requests_total,
            "requests_today": usage.requests_today,
            "jobs_created": usage.jobs_created,
            "last_request_at": _utc(usage.last_used_at),
            "last_request_ip": usage.last_used_ip,
        },
        "ip_whitelist": key.ip_allowlist,
        "server_time": timezone.localtime(now).isoformat(timespec="seconds"),
    }
