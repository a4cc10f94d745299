"""Lifecycle of company API keys and admin tokens: create, change, deactivate, reactivate, revoke.

The plaintext of a key exists only in the return value of `api_key_create`
or `admin_token_create`; the database keeps its keyed hash. A change of
state is written at once, and every request looks the key up afresh, so it
applies to the very next request on every worker.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobriver.access import keys
from jobriver.access.addresses import normalise_allowlist
from jobriver.access.models import (
    ALL_PERMISSIONS,
    IP_ALLOWLIST_MAX_ENTRIES,
    KEY_NAME_MAX_LENGTH,
    AdminToken,
    ApiKey,
    KeyStatus,
)
from jobriver.companies.models import Company

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedKey:
    """A freshly created credential and its plaintext, shown to the user once."""

    credential: ApiKey | AdminToken
    plaintext: str


def validate_key_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("A name is required.")})
    if len(name) > KEY_NAME_MAX_LENGTH:
        raise ValidationError({"name": _("The name may have at most %(max)s characters.") % {"max": KEY_NAME_MAX_LENGTH}})
    return name


def validate_permissions(permissions: list[str]) -> list[str]:
    unknown = [permission for permission in permissions if permission not in ALL_PERMISSIONS]
    if unknown:
        raise ValidationError(
            {
                "permissions": _("Unknown permissions: %(unknown)s. Allowed: %(allowed)s.")
                % {"unknown": ", ".join(unknown), "allowed": ", ".join(ALL_PERMISSIONS)}
            }
        )
    # Keep the canonical order, whatever order the caller used.
    return [permission for permission in ALL_PERMISSIONS if permission in permissions]


def validate_allowlist(entries: list[str]) -> list[str]:
    networks, invalid = normalise_allowlist(entries)
    if invalid:
        raise ValidationError(
            {
                "ip_allowlist": [
                    _("%(entry)s is not a valid IPv4 or IPv6 address or CIDR network.") % {"entry": entry}
                    for entry in invalid
                ]
            }
        )
    if len(networks) > IP_ALLOWLIST_MAX_ENTRIES:
        raise ValidationError(
            {"ip_allowlist": _("At most %(max)s networks are allowed.") % {"max": IP_ALLOWLIST_MAX_ENTRIES}}
        )
    return networks


# The largest value that the rate_limit column stores on every supported
# database: PostgreSQL's integer, which PositiveIntegerField maps to.
RATE_LIMIT_MAX = 2_147_483_647  # requests per minute


def validate_rate_limit(rate_limit: int | None) -> int | None:
    if rate_limit is not None and rate_limit < 1:
        raise ValidationError({"rate_limit": _("The rate limit must be at least 1 request per minute.")})
    if rate_limit is not None and rate_limit > RATE_LIMIT_MAX:
        raise ValidationError(
            {"rate_limit": _("The rate limit must be at most %(max)s requests per minute.") % {"max": RATE_LIMIT_MAX}}
        )
    return rate_limit


def _new_secret(prefix: str, model: type[ApiKey] | type[AdminToken]) -> tuple[str, str]:
    # A collision of 238 random bits does not happen, but the unique index
    # would turn one into a 500, so check anyway.
    while True:
        plaintext = keys.generate_key(prefix)
        key_hash = keys.hash_key(plaintext)
        if not model.objects.filter(key_hash=key_hash).exists():
            return plaintext, key_hash


def api_key_create(
    *,
    company: Company,
    name: str,
    permissions: list[str],
    ip_allowlist: list[str] | None = None,
    expires_at: datetime.datetime | None = None,
    rate_limit: int | None = None,
    created_by=None,
) -> IssuedKey:
    """Create a company key and return it with its plaintext."""
    name = validate_key_name(name)
    permissions = validate_permissions(permissions)
    networks = validate_allowlist(ip_allowlist or [])
    rate_limit = validate_rate_limit(rate_limit)

    plaintext, key_hash = _new_secret(keys.COMPANY_KEY_PREFIX, ApiKey)
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            company=company,
            name=name,
            prefix=keys.display_prefix(plaintext),
            key_hash=key_hash,
            permissions=permissions,
            ip_allowlist=networks,
            expires_at=expires_at,
            rate_limit=rate_limit,
            created_by=created_by,
        )

    logger.info("api key created key_id=%s prefix=%s company_id=%s", api_key.pk, api_key.prefix, company.pk)
    return IssuedKey(credential=api_key, plaintext=plaintext)


def api_key_update(
    *,
    api_key: ApiKey,
    name: str | None = None,
    permissions: list[str] | None = None,
    ip_allowlist: list[str] | None = None,
    expires_at: datetime.datetime | None = None,
    clear_expiry: bool = False,
    rate_limit: int | None = None,
    clear_rate_limit: bool = False,
) -> ApiKey:
    """Change a key's settings; arguments left as None keep their value."""
    if name is not None:
        api_key.name = validate_key_name(name)
    if permissions is not None:
        api_key.permissions = validate_permissions(permissions)
    if ip_allowlist is not None:
        api_key.ip_allowlist = validate_allowlist(ip_allowlist)
    if expires_at is not None or clear_expiry:
        api_key.expires_at = expires_at
    if rate_limit is not None or clear_rate_limit:
        api_key.rate_limit = validate_rate_limit(rate_limit)

    api_key.save(update_fields=["name", "permissions", "ip_allowlist", "expires_at", "rate_limit"])
    logger.info("api key updated key_id=%s prefix=%s", api_key.pk, api_key.prefix)
    return api_key


def _set_status(credential: ApiKey | AdminToken, status: str) -> None:
    if credential.status == KeyStatus.REVOKED and status != KeyStatus.REVOKED:
        raise ValidationError({"status": _("A revoked key cannot be used again. Create a new one.")})
    credential.status = status
    fields = ["status"]
    if status == KeyStatus.REVOKED and credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        fields.append("revoked_at")
    credential.save(update_fields=fields)


def api_key_deactivate(*, api_key: ApiKey) -> ApiKey:
    _set_status(api_key, KeyStatus.INACTIVE)
    logger.info("api key deactivated key_id=%s prefix=%s", api_key.pk, api_key.prefix)
    return api_key


def api_key_activate(*, api_key: ApiKey) -> ApiKey:
    _set_status(api_key, KeyStatus.ACTIVE)
    logger.info("api key reactivated key_id=%s prefix=%s", api_key.pk, api_key.prefix)
    return api_key


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key for good: it is rejected from the next request on and cannot be reactivated."""
    _set_status(api_key, KeyStatus.REVOKED)
    logger.info("api key revoked key_id=%s prefix=%s", api_key.pk, api_key.prefix)
    return api_key


# Admin tokens. They follow the rules of company keys, except that they
# belong to a staff user instead of a company and have no IP allow-list.


def validate_token_user(user):
    """Return `user` if it may own an admin token (an active staff user), else raise ValidationError."""
    if not (user.is_active and user.is_staff):
        raise ValidationError({"user": _("Admin tokens can only belong to active staff users.")})
    return user


def admin_token_create(
    *,
    user,
    name: str,
    permissions: list[str],
    expires_at: datetime.datetime | None = None,
    rate_limit: int | None = None,
) -> IssuedKey:
    """Create an admin token for a staff user and return it with its plaintext."""
    validate_token_user(user)
    name = validate_key_name(name)
    permissions = validate_permissions(permissions)
    rate_limit = validate_rate_limit(rate_limit)

    plaintext, key_hash = _new_secret(keys.ADMIN_TOKEN_PREFIX, AdminToken)
    with transaction.atomic():
        token = AdminToken.objects.create(
            user=user,
            name=name,
            prefix=keys.display_prefix(plaintext),
            key_hash=key_hash,
            permissions=permissions,
            expires_at=expires_at,
            rate_limit=rate_limit,
        )

    logger.info("admin token created token_id=%s prefix=%s user_id=%s", token.pk, token.prefix, user.pk)
    return IssuedKey(credential=token, plaintext=plaintext)


def admin_token_update(
    *,
    token: AdminToken,
    name: str | None = None,
    permissions: list[str] | None = None,
    expires_at: datetime.datetime | None = None,
    clear_expiry: bool = False,
    rate_limit: int | None = None,
    clear_rate_limit: bool = False,
) -> AdminToken:
    """Change a token's settings; arguments left as None keep their value."""
    if name is not None:
        token.name = validate_key_name(name)
    if permissions is not None:
        token.permissions = validate_permissions(permissions)
    if expires_at is not None or clear_expiry:
        token.expires_at = expires_at
    if rate_limit is not None or clear_rate_limit:
        token.rate_limit = validate_rate_limit(rate_limit)

    token.save(update_fields=["name", "permissions", "expires_at", "rate_limit"])
    logger.info("admin token updated token_id=%s prefix=%s", token.pk, token.prefix)
    return token


def admin_token_deactivate(*, token: AdminToken) -> AdminToken:
    _set_status(token, KeyStatus.INACTIVE)
    logger.info("admin token deactivated token_id=%s prefix=%s", token.pk, token.prefix)
    return token


def admin_token_activate(*, token: AdminToken) -> AdminToken:
    _set_status(token, KeyStatus.ACTIVE)
    logger.info("admin token reactivated token_id=%s prefix=%s", token.pk, token.prefix)
    return token


def admin_token_revoke(*, token: AdminToken) -> AdminToken:
    """Revoke a token for good: it is rejected from the next request on and cannot be reactivated."""
    _set_status(token, KeyStatus.REVOKED)
    logger.info("admin token revoked token_id=%s prefix=%s", token.pk, token.prefix)
    return token
