"""Leads and packages in the dashboard: filters, search, reminders and the add form."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from jobriver.crm.models import Lead, Package

LIST_URL = "/admin/crm/lead/"


@pytest.fixture
def make_lead(unique):
    def factory(**fields) -> Lead:
        fields.setdefault("vorname", "Max")
        fields.setdefault("nachname", f"Liste{unique}")
        fields.setdefault("datum_eingang", datetime.date(2026, 2, 16))
        return Lead.objects.create(**fields)

    return factory


def _listed(client, query: str) -> set[int]:
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    return {lead.pk for lead in response.context["cl"].result_list}


def test_status_filter(dashboard, make_lead, unique):
    new = make_lead(status="neu")
    lost = make_lead(status="tot")

    assert _listed(dashboard, f"q=Liste{unique}&status__exact=tot") == {lost.pk}
    assert _listed(dashboard, f"q=Liste{unique}&status__exact=neu") == {new.pk}


def test_reminder_filter(dashboard, make_lead, unique):
    today = timezone.localdate()
    overdue = make_lead(reminder=today - datetime.timedelta(days=1))
    due = make_lead(reminder=today)
    soon = make_lead(reminder=today + datetime.timedelta(days=3))
    later = make_lead(reminder=today + datetime.timedelta(days=30))
    unset = make_lead()

    assert _listed(dashboard, f"q=Liste{unique}&reminder_due=overdue") == {overdue.pk}
    assert _listed(dashboard, f"q=Liste{unique}&reminder_due=today") == {due.pk}
    assert _listed(dashboard, f"q=Liste{unique}&reminder_due=soon") == {soon.pk}
    assert _listed(dashboard, f"q=Liste{unique}&reminder_due=set") == {overdue.pk, due.pk, soon.pk, later.pk}
    assert _listed(dashboard, f"q=Liste{unique}&reminder_due=none") == {unset.pk}


def test_date_filter(dashboard, make_lead, unique):
    february = make_lead(datum_eingang=datetime.date(2026, 2, 16))
    make_lead(datum_eingang=datetime.date(2026, 3, 1))

    query = f"q=Liste{unique}&datum_eingang__gte=2026-02-01&datum_eingang__lt=2026-03-01"
    assert _listed(dashboard, query) == {february.pk}


@pytest.mark.parametrize(
    ("field", "template"),
    [
        ("vorname", "Zacharias{unique}"),
        ("nachname", "Nachname{unique}"),
        ("firma", "Suchfirma {unique} GmbH"),
        ("email", "such{unique}@example.org"),
    ],
)
def test_search(dashboard, make_lead, unique, field, template):
    value = template.format(unique=unique)
    target = make_lead(**{field: value})
    make_lead()

    assert _listed(dashboard, urlencode({"q": value})) == {target.pk}


def _change_form(lead: Lead, **fields) -> dict:
    form = {
        "vorname": lead.vorname,
        "nachname": lead.nachname,
        "firma": lead.firma or "",
        "adresse": lead.adresse or "",
        "telefon": lead.telefon or "",
        "email": lead.email or "",
        "status": lead.status,
        "datum_eingang": lead.datum_eingang.isoformat(),
        "reminder": "",
        "notizen": lead.notizen or "",
        "package": "",
        "preis": "",
        "anzahl": str(lead.anzahl),
        "rabatt": str(lead.rabatt),
        "angebot_status": lead.angebot_status,
        "angebot_nummer": "",
        "angebot_pdf_path": "",
    }
    form.update(fields)
    return form


def test_set_reminder(dashboard, make_lead):
    lead = make_lead()

    response = dashboard.post(f"{LIST_URL}{lead.pk}/change/", _change_form(lead, reminder="2026-03-02", status="wv"))

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.reminder == datetime.date(2026, 3, 2)
    assert lead.status == "wv"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"telefon": "ruf an"}, "telefon"),
        ({"rabatt": "100.01"}, "rabatt"),
        ({"preis": "-1"}, "preis"),
        ({"preis": "1.001"}, "preis"),
        ({"anzahl": "0"}, "anzahl"),
        ({"email": "kaputt"}, "email"),
    ],
)
def test_change_form_rules(dashboard, make_lead, fields, field):
    lead = make_lead()

    response = dashboard.post(f"{LIST_URL}{lead.pk}/change/", _change_form(lead, **fields))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_add_lead_records_creator(dashboard, superuser, unique):
    lead = Lead(vorname="Neu", nachname=f"Angelegt{unique}", datum_eingang=datetime.date(2026, 2, 16))

    response = dashboard.post(f"{LIST_URL}add/", _change_form(lead, anzahl="1", rabatt="0"))

    assert response.status_code == 302
    created = Lead.objects.get(nachname=f"Angelegt{unique}")
    assert created.created_by == superuser
    assert created.angebot_status == "keine"


def test_add_form_defaults_to_today(dashboard):
    response = dashboard.get(f"{LIST_URL}add/")

    assert response.context["adminform"].form.initial["datum_eingang"] == timezone.localdate()


def test_add_form_offers_active_packages(dashboard, unique):
    active = Package.objects.create(name=f"Aktiv {unique}", price=Decimal("10"))
    inactive = Package.objects.create(name=f"Inaktiv {unique}", price=Decimal("10"), is_active=False)

    choices = dashboard.get(f"{LIST_URL}add/").context["adminform"].form.fields["package"].queryset

    assert active in choices
    assert inactive not in choices


def test_lead_keeps_inactive_package(dashboard, make_lead, unique):
    package = Package.objects.create(name=f"Alt {unique}", price=Decimal("10"), is_active=False)
    lead = make_lead(package=package)

    choices = dashboard.get(f"{LIST_URL}{lead.pk}/change/").context["adminform"].form.fields["package"].queryset

    assert package in choices


def test_package_in_use_cannot_be_deleted(dashboard, make_lead, unique):
    package = Package.objects.create(name=f"Belegt {unique}", price=Decimal("10"))
    make_lead(package=package)

    response = dashboard.post(f"/admin/crm/package/{package.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200
    assert Package.objects.filter(pk=package.pk).exists()


def test_create_package(dashboard, unique):
    form = {"name": f"Starter {unique}", "description": "", "price": "199.00", "is_active": "on", "sort_order": "1"}

    response = dashboard.post("/admin/crm/package/add/", form)

    assert response.status_code == 302
    assert Package.objects.get(name=f"Starter {unique}").price == Decimal("199.00")


@pytest.mark.parametrize("price", ["-1", "1.001"])
def test_package_price_rules(dashboard, unique, price):
    form = {"name": f"Falsch {unique}", "description": "", "price": price, "is_active": "on", "sort_order": "0"}

    response = dashboard.post("/admin/crm/package/add/", form)

    assert response.status_code == 200
    assert "price" in response.context["adminform"].form.errors
