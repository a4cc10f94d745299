"""Writes of leads.

A lead is validated completely (schema, then the package it names) before
anything is written, so a rejected request stores nothing.
"""

import datetime
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.validation import raise_validation_error
from jobriver.crm.models import Lead, Package
from jobriver.crm.schemas import LeadCreateIn

logger = logging.getLogger(__name__)


def lead_default_datum_eingang() -> datetime.date:
    """Return today's date in the platform time zone (TIME_ZONE), not the server's UTC date."""
    return timezone.localdate()


def _check_package(package_id: int) -> None:
    if not Package.objects.filter(pk=package_id, is_active=True).exists():
        message = _("package_id %(id)s is not an active package") % {"id": package_id}
        raise_validation_error({"package_id": str(message)})


def lead_create(*, data: LeadCreateIn, created_by: AbstractBaseUser | None) -> Lead:
    """Create a lead from a validated body. `created_by` is the user that the admin token belongs to."""
    lead = Lead(
        vorname=data.vorname,
        nachname=data.nachname,
        firma=data.firma,
        adresse=data.adresse,
        telefon=data.telefon,
        email=data.email,
        datum_eingang=data.datum_eingang or lead_default_datum_eingang(),
        package_id=data.package_id,
        preis=data.preis,
        anzahl=data.anzahl,
        rabatt=data.rabatt,
        status=data.status,
        notizen=data.notizen,
        created_by=created_by,
    )

    try:
        with transaction.atomic():
            if data.package_id is not None:
                _check_package(data.package_id)
            lead.save()
    except DatabaseError:
        logger.exception("lead creation failed created_by=%s", getattr(created_by, "pk", None))
        raise ApiError(ErrorCode.CREATION_FAILED) from None

    logger.info("lead created lead_id=%s created_by=%s status=%s", lead.pk, lead.created_by_id, lead.status)
    return lead
