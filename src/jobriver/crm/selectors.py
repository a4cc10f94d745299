"""Reads of leads."""

from jobriver.crm.models import Lead


def lead_get(*, lead_id: int) -> Lead:
    return Lead.objects.select_related("package").get(pk=lead_id)
