"""The lead service called directly: the default date under a fixed clock, and who created a lead."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jobriver.api.errors import ApiError
from jobriver.crm.models import Lead
from jobriver.crm.schemas import LeadCreateIn
from jobriver.crm.services import lead_create, lead_default_datum_eingang


def _clock(monkeypatch, moment: datetime.datetime) -> None:
    # timezone.localdate() and auto_now_add both read django.utils.timezone.now.
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Winter time, UTC+1: 23:30 UTC is already the next day in Berlin.
        (_utc(2025, 3, 10, 23, 30), datetime.date(2025, 3, 11)),
        (_utc(2025, 3, 10, 22, 59), datetime.date(2025, 3, 10)),
        # Summer time, UTC+2: the day changes at 22:00 UTC.
        (_utc(2025, 7, 10, 22, 0), datetime.date(2025, 7, 11)),
        (_utc(2025, 7, 10, 21, 59), datetime.date(2025, 7, 10)),
        # New Year's Eve crosses into the next year.
        (_utc(2025, 12, 31, 23, 30), datetime.date(2026, 1, 1)),
    ],
)
def test_default_date_is_berlin_day(monkeypatch, moment, expected):
    _clock(monkeypatch, moment)

    assert lead_default_datum_eingang() == expected


def test_create_uses_berlin_day(monkeypatch, make_staff_user):
    _clock(monkeypatch, _utc(2025, 3, 10, 23, 30))
    data = LeadCreateIn.model_validate({"vorname": "Erika", "nachname": "Spätschicht"})

    lead = lead_create(data=data, created_by=make_staff_user())

    assert lead.datum_eingang == datetime.date(2025, 3, 11)
    assert Lead.objects.get(pk=lead.pk).datum_eingang == datetime.date(2025, 3, 11)


def test_given_date_wins_over_clock(monkeypatch, make_staff_user):
    _clock(monkeypatch, _utc(2025, 3, 10, 23, 30))
    data = LeadCreateIn.model_validate({"vorname": "Erika", "nachname": "M", "datum_eingang": "2025-01-02"})

    lead = lead_create(data=data, created_by=make_staff_user())

    assert lead.datum_eingang == datetime.date(2025, 1, 2)


def test_create_stores_decimals(make_staff_user):
    user = make_staff_user()
    data = LeadCreateIn.model_validate({"vorname": "Erika", "nachname": "M", "preis": 0.1, "rabatt": 33.33})

    lead = Lead.objects.get(pk=lead_create(data=data, created_by=user).pk)

    assert lead.preis == Decimal("0.10")
    assert lead.rabatt == Decimal("33.33")
    assert lead.created_by_id == user.pk


def test_inactive_package_rejected(make_staff_user, make_package):
    package = make_package(is_active=False)
    data = LeadCreateIn.model_validate({"vorname": "Erika", "nachname": "M", "package_id": package.pk})

    with pytest.raises(ApiError) as raised:
        lead_create(data=data, created_by=make_staff_user())

    assert raised.value.code.name == "VALIDATION_ERROR"
    assert set(raised.value.details["errors"]) == {"package_id"}
