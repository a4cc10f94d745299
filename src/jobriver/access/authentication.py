"""The authentication pipeline in front of every API route.

The checks run in a fixed order, so that nobody learns anything about a
request's content before its key has passed: client address, address block,
key present, key valid, key state, IP allow-list, rate limit, permission.
`CompanyKeyAuth` applies it to company keys (`jrv_…`), `AdminTokenAuth` to
admin tokens (`jra_…`); each API has its own error codes for the outcomes.

The lockout, the rate limit and the usage counts go through one counters
backend (`jobriver.access.counters`). With Redis, a request that passes
writes nothing to the database; if Redis does not answer, the request is
rejected with 503 SERVICE_UNAVAILABLE.
"""

import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader

from jobriver.access import addresses, keys
from jobriver.access.lockout import lockout_record_failure, lockout_remaining
from jobriver.access.models import AdminToken, ApiKey, KeyStatus
from jobriver.access.ratelimit import RateLimitState, rate_limit_admit
from jobriver.api.errors import ApiError, ErrorCode
from jobriver.companies.models import Company
from jobriver.rows import RowLookup

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Principal:
    """The credential, address and company a request acts for, once authentication has passed."""

    credential: ApiKey | AdminToken
    key_prefix: str
    ip: str
    company_id: int | None = None


@dataclass(frozen=True)
class ErrorCodes:
    """The codes one API uses for the pipeline's outcomes."""

    missing: ErrorCode
    invalid: ErrorCode
    inactive: ErrorCode
    revoked: ErrorCode
    expired: ErrorCode
    blocked: ErrorCode
    ip_not_allowed: ErrorCode
    rate_limited: ErrorCode
    permission_denied: ErrorCode


COMPANY_CODES = ErrorCodes(
    missing=ErrorCode.MISSING_API_KEY,
    invalid=ErrorCode.INVALID_API_KEY,
    inactive=ErrorCode.API_KEY_INACTIVE,
    revoked=ErrorCode.API_KEY_REVOKED,
    expired=ErrorCode.API_KEY_EXPIRED,
    blocked=ErrorCode.API_KEY_BLOCKED,
    ip_not_allowed=ErrorCode.IP_NOT_ALLOWED,
    rate_limited=ErrorCode.RATE_LIMIT_EXCEEDED,
    permission_denied=ErrorCode.PERMISSION_DENIED,
)


def _rate_limit_headers(state: RateLimitState) -> dict[str, str]:
    return {
        "Retry-After": str(state.retry_after),
        "X-RateLimit-Limit": str(state.limit),
        "X-RateLimit-Remaining": str(state.remaining),
        "X-RateLimit-Reset": str(state.reset),
    }


class CredentialAuth(APIKeyHeader):
    """Shared pipeline; subclasses define how to find and limit their credential."""

    param_name = "X-API-Key"
    key_prefix: str
    codes: ErrorCodes
    bucket_prefix: str

    def __init__(self, permission: str | None):
        self.permission = permission
        super().__init__()

    def __call__(self, request: HttpRequest) -> Principal:
        ip = addresses.client_ip(request)

        retry_after = lockout_remaining(ip=ip)
        if retry_after:
            raise ApiError(
                self.codes.blocked,
                message=ErrorCode.API_KEY_BLOCKED.default_message,
                details={"retry_after": retry_after},
                headers={"Retry-After": str(retry_after)},
                retry_after=retry_after,
            )

        secret = request.headers.get(self.param_name, "").strip()
        if not secret:
            raise ApiError(self.codes.missing)

        credential = self._find(secret)
        if credential is None:
            self._fail(ip, self.codes.invalid)
        self._check_state(credential, ip)
        self._check_address(credential, ip)
        self._admit(request, credential, ip)

        principal = self._principal(credential, ip)
        request.principal = principal

        if self.permission is not None and self.permission not in credential.permissions:
            raise ApiError(
                self.codes.permission_denied,
                details={"required_permission": self.permission},
                permission=self.permission,
            )
        return principal

    def _find(self, secret: str) -> ApiKey | AdminToken | None:
        if not keys.is_well_formed(secret, self.key_prefix):
            return None
        key_hash = keys.hash_key(secret)
        credential = self._lookup(key_hash)
        if credential is None or not hmac.compare_digest(credential.key_hash, key_hash):
            return None
        return credential

    def _fail(self, ip: str, code: ErrorCode, /, *, message=None, **params) -> None:
        # `ip` is positional-only, so that a message's `%(ip)s` can still come in `params`.
        lockout_record_failure(ip=ip)
        logger.warning("authentication failed ip=%s code=%s", ip, code.name)
        raise ApiError(code, message=message, **params)

    def _check_state(self, credential: ApiKey | AdminToken, ip: str) -> None:
        if credential.status == KeyStatus.REVOKED:
            self._fail(ip, self.codes.revoked)
        if credential.status == KeyStatus.INACTIVE or not self._owner_enabled(credential):
            self._fail(ip, self.codes.inactive)
        if credential.expires_at is not None and credential.expires_at <= timezone.now():
            self._fail(ip, self.codes.expired)

    def _check_address(self, credential: ApiKey | AdminToken, ip: str) -> None:
        allowlist = getattr(credential, "ip_allowlist", None) or []
        if not addresses.is_allowed(ip, allowlist):
            self._fail(ip, self.codes.ip_not_allowed, message=ErrorCode.IP_NOT_ALLOWED.default_message, ip=ip)

    def _admit(self, request: HttpRequest, credential: ApiKey | AdminToken, ip: str) -> None:
        # An admitted request is counted in the credential's usage by the same call.
        state = rate_limit_admit(
            bucket=f"{self.bucket_prefix}:{credential.pk}", limit=self._limit(credential), credential=credential, ip=ip
        )
        # Set before the check, so that a 429 carries meta.rate_limit like every response to a known key.
        request.rate_limit = state
        if not state.allowed:
            raise ApiError(
                self.codes.rate_limited,
                details={"retry_after": state.retry_after, "limit": state.limit},
                headers=_rate_limit_headers(state),
                limit=state.limit,
                retry_after=state.retry_after,
            )

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        # Required by ninja's APIKeyHeader; `__call__` runs the whole pipeline instead.
        raise NotImplementedError

    # Hooks for the two kinds of credential.

    def _lookup(self, key_hash: str) -> ApiKey | AdminToken | None:
        raise NotImplementedError

    def _owner_enabled(self, credential) -> bool:
        return True

    def _limit(self, credential) -> int:
        return credential.rate_limit or settings.JOBRIVER_DEFAULT_RATE_LIMIT

    def _principal(self, credential, ip: str) -> Principal:
        raise NotImplementedError


class CompanyKeyAuth(CredentialAuth):
    """Authenticates company API keys and requires one permission (None: any valid key)."""

    key_prefix = keys.COMPANY_KEY_PREFIX
    codes = COMPANY_CODES
    bucket_prefix = "key"

    key_by_hash = RowLookup(ApiKey, by="key_hash")
    company_by_id = RowLookup(Company, by="id")

    def _lookup(self, key_hash: str) -> ApiKey | None:
        key = self.key_by_hash.get(key_hash)
        if key is not None:
            key.company = self.company_by_id.get(key.company_id)
        return key

    def _owner_enabled(self, credential: ApiKey) -> bool:
        return credential.company.api_access_enabled

    def _limit(self, credential: ApiKey) -> int:
        return credential.rate_limit or credential.company.rate_limit or settings.JOBRIVER_DEFAULT_RATE_LIMIT

    def _principal(self, credential: ApiKey, ip: str) -> Principal:
        return Principal(credential=credential, key_prefix=credential.prefix, ip=ip, company_id=credential.company_id)


# The Admin API's table of codes has no lockout, address or state codes of
# its own: every credential fault is UNAUTHORIZED, a running lockout is
# RATE_LIMITED (with Retry-After, so a client knows when to try again).
ADMIN_CODES = ErrorCodes(
    missing=ErrorCode.UNAUTHORIZED,
    invalid=ErrorCode.UNAUTHORIZED,
    inactive=ErrorCode.UNAUTHORIZED,
    revoked=ErrorCode.UNAUTHORIZED,
    expired=ErrorCode.UNAUTHORIZED,
    blocked=ErrorCode.RATE_LIMITED,
    ip_not_allowed=ErrorCode.FORBIDDEN,
    rate_limited=ErrorCode.RATE_LIMITED,
    permission_denied=ErrorCode.FORBIDDEN,
)


class AdminTokenAuth(CredentialAuth):
    """Authenticates admin tokens of active staff users and requires one permission."""

    key_prefix = keys.ADMIN_TOKEN_PREFIX
    codes = ADMIN_CODES
    bucket_prefix = "admin"

    token_by_hash = RowLookup(AdminToken, by="key_hash")
    user_by_id = RowLookup(get_user_model(), by="id", fields=["id", "username", "is_active", "is_staff"])

    def _lookup(self, key_hash: str) -> AdminToken | None:
        token = self.token_by_hash.get(key_hash)
        if token is not None:
            token.user = self.user_by_id.get(token.user_id)
        return token

    def _owner_enabled(self, credential: AdminToken) -> bool:
        return credential.user.is_active and credential.user.is_staff

    def _principal(self, credential: AdminToken, ip: str) -> Principal:
        return Principal(credential=credential, key_prefix=credential.prefix, ip=ip)
