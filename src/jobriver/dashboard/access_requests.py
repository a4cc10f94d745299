"""Requests for API access from the public form: each becomes a CRM lead with status "neu"."""

import logging

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jobriver.api.fields import EMAIL_MAX_LENGTH
from jobriver.crm.models import FIRMA_MAX_LENGTH, NAME_MAX_LENGTH, TELEFON_MAX_LENGTH, Lead, LeadStatus, validate_phone
from jobriver.crm.schemas import LeadCreateIn
from jobriver.crm.services import lead_create

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 5000
# The name of the hidden field that people never see and bots fill in.
HONEYPOT_FIELD = "website"
SAVE_FAILED_MESSAGE = _("Your request could not be saved. Please try again in a few minutes.")


class AccessRequestForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=NAME_MAX_LENGTH)
    last_name = forms.CharField(label=_("Last name"), max_length=NAME_MAX_LENGTH)
    company = forms.CharField(label=_("Company"), max_length=FIRMA_MAX_LENGTH)
    email = forms.EmailField(label=_("E-mail"), max_length=EMAIL_MAX_LENGTH)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=TELEFON_MAX_LENGTH,
        required=False,
        validators=[validate_phone],
        help_text=_("Optional. We call you if that is easier than e-mail."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional: which system you want to connect and how many jobs you publish."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT_FIELD))


def _notes(message: str, username: str | None) -> str:
    # The sales team reads the notes, so they are written in the platform's language.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [str(_("Request for API access from the company dashboard."))]
        if username:
            lines.append(str(_("Sent by the signed-in dashboard user %(username)s.") % {"username": username}))
    if message:
        lines += ["", message]
    return "\n".join(lines)


def access_request_create(*, data: dict, user=None) -> Lead:
    """Create a CRM lead with status "neu" from the form's cleaned data.

    `user` is the signed-in company user who sent the form, or None for an
    anonymous visitor. The lead's `created_by` stays empty either way,
    because that field names the staff member who entered a lead.
    """
    username = user.get_username() if user is not None and user.is_authenticated else None
    lead_data = LeadCreateIn.model_validate(
        {
            "vorname": data["first_name"],
            "nachname": data["last_name"],
            "firma": data["company"],
            "email": data["email"],
            "telefon": data["phone"] or None,
            "notizen": _notes(data["message"], username),
            "status": LeadStatus.NEU.value,
        }
    )
    lead = lead_create(data=lead_data, created_by=None)
    logger.info("access request received lead_id=%s", lead.pk)
    return lead
