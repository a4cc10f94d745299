"""Writes of companies."""

import logging

from django.db import transaction

from jobriver.companies.models import Company
from jobriver.slugs import first_free_slug, slug_base

logger = logging.getLogger(__name__)


def company_create(
    *,
    name: str,
    job_limit: int | None = None,
    rate_limit: int | None = None,
    api_access_enabled: bool = True,
) -> Company:
    """Create a company with a unique slug derived from its name."""
    name = name.strip()
    if not name:
        raise ValueError("a company needs a name")

    with transaction.atomic():
        company = Company(
            name=name,
            slug=first_free_slug(Company, slug_base(name, fallback="company")),
            job_limit=job_limit,
            rate_limit=rate_limit,
            api_access_enabled=api_access_enabled,
        )
        company.full_clean()
        company.save()

    logger.info("company created company_id=%s", company.pk)
    return company
