"""Reads of companies."""

from django.db.models import QuerySet

from jobriver.companies.models import Company


def company_list() -> QuerySet[Company]:
    return Company.objects.order_by("name", "id")


def company_get(*, company_id: int) -> Company | None:
    return Company.objects.filter(pk=company_id).first()


def company_find(*, reference: str) -> Company | None:
    """Return the company with this id or slug."""
    # str.isdigit() is also true for digits such as "²" that int() rejects.
    if reference.isascii() and reference.isdigit():
        return company_get(company_id=int(reference))
    return Company.objects.filter(slug=reference).first()
