"""Forms of the dashboard: sign-in, password reset and API keys."""

import datetime
import logging

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobriver.access.addresses import client_ip, normalise_allowlist
from jobriver.access.models import IP_ALLOWLIST_MAX_ENTRIES, KEY_NAME_MAX_LENGTH, ApiKey, Permission
from jobriver.dashboard.selectors import company_for_user
from jobriver.dashboard.throttle import (
    SIGN_IN_PER_ADDRESS,
    SIGN_IN_PER_USERNAME,
    throttle_clear,
    throttle_record,
    throttle_wait_seconds,
)

logger = logging.getLogger(__name__)

# Room for the maximum number of networks in their longest form (an IPv6 CIDR
# has up to 43 characters), one per line, with some blank lines.
ALLOWLIST_TEXT_MAX_LENGTH = 4000
# Bad entries are quoted in messages; a pasted paragraph is cut to this length.
QUOTED_ENTRY_MAX_LENGTH = 60


def wait_message(seconds: int) -> str:
    """Return the message for a throttled action, with the wait rounded up to whole minutes."""
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Too many attempts. Please wait %(minutes)s minute and try again.",
        "Too many attempts. Please wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


class SignInForm(AuthenticationForm):
    """Django's sign-in form for company users, slowed down after repeated failures.

    Failures are counted per username and per client address (see
    throttle.py). While either has reached its limit, every attempt is
    rejected, including one with the right password.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_company": _(
            "This account is not linked to a company, so it cannot use the company dashboard. "
            "Staff members use the admin site."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data

        ip = client_ip(self.request)
        wait = max(
            throttle_wait_seconds(rule=SIGN_IN_PER_USERNAME, subject=username),
            throttle_wait_seconds(rule=SIGN_IN_PER_ADDRESS, subject=ip),
        )
        if wait:
            raise ValidationError(wait_message(wait), code="throttled")

        try:
            super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                self._record_failure(username, ip)
            raise

        throttle_clear(rule=SIGN_IN_PER_USERNAME, subject=username)
        return self.cleaned_data

    @staticmethod
    def _record_failure(username: str, ip: str) -> None:
        username_limited = throttle_record(rule=SIGN_IN_PER_USERNAME, subject=username)
        address_limited = throttle_record(rule=SIGN_IN_PER_ADDRESS, subject=ip)
        # The username is not logged, because people sometimes type their password into that field.
        if username_limited or address_limited:
            logger.warning(
                "sign-in slowed down ip=%s username_limited=%s address_limited=%s",
                ip,
                username_limited,
                address_limited,
            )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if company_for_user(user=user) is None:
            raise ValidationError(self.error_messages["no_company"], code="no_company")


class CompanyPasswordResetForm(PasswordResetForm):
    """Django's password reset form, limited to users who belong to a company."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if company_for_user(user=user) is not None)


def _quote(entry: str) -> str:
    if len(entry) > QUOTED_ENTRY_MAX_LENGTH:
        return entry[: QUOTED_ENTRY_MAX_LENGTH - 1] + "…"
    return entry


class ApiKeyForm(forms.Form):
    """Name, permissions, IP allow-list and expiry of a key; field names match access/services.py."""

    name = forms.CharField(
        label=_("Name"),
        max_length=KEY_NAME_MAX_LENGTH,
        help_text=_("Says where the key is used, for example “ATS production”."),
    )
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one permission.")},
    )
    ip_allowlist = forms.CharField(
        label=_("IP allow-list"),
        required=False,
        max_length=ALLOWLIST_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "One IPv4 or IPv6 address or CIDR network per line, for example 203.0.113.0/24 or 2001:db8::/32. "
            "Leave it empty to allow every address."
        ),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The key works until the end of this day. Leave it empty for a key without expiry."),
    )

    def __init__(self, *args, api_key: ApiKey | None = None, **kwargs):
        if api_key is None:
            kwargs.setdefault("initial", {"permissions": [Permission.READ]})
        else:
            kwargs.setdefault("initial", self.initial_for(api_key))
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(api_key: ApiKey) -> dict:
        expires_on = timezone.localdate(api_key.expires_at) if api_key.expires_at else None
        return {
            "name": api_key.name,
            "permissions": api_key.permissions,
            "ip_allowlist": "\n".join(api_key.ip_allowlist),
            "expires_on": expires_on,
        }

    def clean_ip_allowlist(self) -> list[str]:
        entries = []
        errors = []
        for line_number, line in enumerate(self.cleaned_data["ip_allowlist"].splitlines(), start=1):
            entry = line.strip()
            if not entry:
                continue
            entries.append(entry)
            _networks, invalid = normalise_allowlist([entry])
            if invalid:
                errors.append(
                    ValidationError(
                        _("Line %(line)s: “%(entry)s” is not a valid IPv4 or IPv6 address or CIDR network."),
                        code="invalid_network",
                        params={"line": line_number, "entry": _quote(entry)},
                    )
                )
        if errors:
            raise ValidationError(errors)

        networks, _invalid = normalise_allowlist(entries)
        if len(networks) > IP_ALLOWLIST_MAX_ENTRIES:
            raise ValidationError(
                _("At most %(max)s networks are allowed; this list has %(count)s."),
                code="too_many_networks",
                params={"max": IP_ALLOWLIST_MAX_ENTRIES, "count": len(networks)},
            )
        return entries

    def clean_expires_on(self) -> datetime.date | None:
        expires_on = self.cleaned_data["expires_on"]
        # An unchanged date may lie in the past: the key has expired and other fields are being edited.
        if expires_on and "expires_on" in self.changed_data and expires_on < timezone.localdate():
            raise ValidationError(
                _("The expiry date lies in the past. Choose today or a later day, or leave it empty."),
                code="expiry_in_past",
            )
        return expires_on

    def expires_at(self) -> datetime.datetime | None:
        """Return the end of the chosen day in the platform time zone, or None for no expiry."""
        expires_on = self.cleaned_data["expires_on"]
        if expires_on is None:
            return None
        end_of_day = datetime.datetime.combine(expires_on, datetime.time(23, 59, 59))
        return timezone.make_aware(end_of_day)
