"""Response schema of GET /status, for the published document.

`selectors.api_key_status` builds the response as a plain dict;
tests/contract checks that both agree.
"""

from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from jobriver.access.models import KeyStatus, Permission
from jobriver.api.fields import OffsetTimestamp, UtcTimestamp

KeyStatusValue = Literal[tuple(KeyStatus.values)]  # type: ignore[valid-type]
PermissionValue = Literal[tuple(Permission.values)]  # type: ignore[valid-type]


class _Out(Schema):
    model_config = ConfigDict(extra="forbid")


class StatusKeyOut(_Out):
    name: str
    prefix: str = Field(description="the key's first eight characters")
    status: KeyStatusValue
    permissions: list[PermissionValue]
    created_at: UtcTimestamp
    expires_at: UtcTimestamp | None


class StatusCompanyOut(_Out):
    id: int
    name: str
    slug: str


class StatusRateLimitOut(_Out):
    requests_per_minute: int
    remaining: int
    reset: int = Field(description="Unix time in seconds at which at least one more request is admitted")


class StatusJobLimitOut(_Out):
    limit: int | None
    current_active_jobs: int
    unlimited: bool


class StatusLimitsOut(_Out):
    rate_limit: StatusRateLimitOut
    job_limit: StatusJobLimitOut


class StatusUsageOut(_Out):
    requests_total: int
    requests_today: int = Field(description="the calendar day in the platform time zone, this request included")
    jobs_created: int
    last_request_at: UtcTimestamp | None
    last_request_ip: str | None


class StatusOut(_Out):
    """The key, its company, limits and usage."""

    api_version: Literal["v1"]
    status: Literal["ok"]
    key: StatusKeyOut
    company: StatusCompanyOut
    limits: StatusLimitsOut
    usage: StatusUsageOut
    ip_whitelist: list[str] = Field(description="the key's IP allow-list as CIDR networks; empty allows every address")
    server_time: OffsetTimestamp
