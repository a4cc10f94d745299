"""Every admin page loads in German and in English, and only for staff users."""

import datetime

import pytest
from django.conf import settings
from django.test import Client

from jobriver.access.services import admin_token_create
from jobriver.crm.models import Lead, Package

PAGES = [
    "/admin/",
    "/admin/companies/",
    "/admin/companies/company/",
    "/admin/companies/company/add/",
    "/admin/companies/companymember/",
    "/admin/companies/companymember/add/",
    "/admin/access/",
    "/admin/access/apikey/",
    "/admin/access/apikey/add/",
    "/admin/admin-tokens/",
    "/admin/admin-tokens/add/",
    "/admin/jobs/category/",
    "/admin/jobs/category/add/",
    "/admin/jobs/technology/",
    "/admin/jobs/technology/add/",
    "/admin/jobs/job/",
    "/admin/crm/",
    "/admin/crm/package/",
    "/admin/crm/package/add/",
    "/admin/crm/lead/",
    "/admin/crm/lead/add/",
    "/admin/auth/user/",
]

LEAD_LIST_FILTERS = [
    "status__exact=neu",
    "status__exact=tot",
    "reminder_due=overdue",
    "reminder_due=today",
    "reminder_due=soon",
    "reminder_due=set",
    "reminder_due=none",
    "angebot_status__exact=keine",
    "datum_eingang__gte=2026-01-01&datum_eingang__lt=2026-02-01",
    "q=Mustermann",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_in_german(dashboard, path):
    response = dashboard.get(path)

    assert response.status_code == 200
    assert "Abmelden" in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_page_in_english(dashboard_en, path):
    response = dashboard_en.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Log out" in html
    assert "Abmelden" not in html


@pytest.mark.parametrize("query", LEAD_LIST_FILTERS)
def test_lead_list_filters(dashboard, query):
    response = dashboard.get(f"/admin/crm/lead/?{query}")

    assert response.status_code == 200
    assert 'id="changelist"' in response.content.decode()


def test_change_pages(dashboard, company, issued_key, make_category, make_technology, make_job, superuser):
    token = admin_token_create(user=superuser, name="Seite", permissions=["read"]).credential
    package = Package.objects.create(name=f"Paket {company.pk}", price=100)
    lead = Lead.objects.create(vorname="Max", nachname="Seite", datum_eingang=datetime.date(2026, 2, 16))
    paths = [
        f"/admin/companies/company/{company.pk}/change/",
        f"/admin/access/apikey/{issued_key.credential.pk}/change/",
        f"/admin/admin-tokens/{token.pk}/change/",
        f"/admin/jobs/category/{make_category().pk}/change/",
        f"/admin/jobs/technology/{make_technology().pk}/change/",
        f"/admin/jobs/job/{make_job().pk}/change/",
        f"/admin/crm/package/{package.pk}/change/",
        f"/admin/crm/lead/{lead.pk}/change/",
    ]

    for path in paths:
        response = dashboard.get(path)
        assert response.status_code == 200, path


def test_admin_token_list_has_its_own_path(dashboard):
    assert dashboard.get("/admin/access/admintoken/").status_code == 404


def test_index_links_admin_tokens(dashboard):
    html = dashboard.get("/admin/").content.decode()

    assert 'href="/admin/admin-tokens/"' in html
    assert 'href="/admin/admin-tokens/add/"' in html


def test_anonymous_is_sent_to_login():
    response = Client().get("/admin/crm/lead/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/crm/lead/"


@pytest.mark.parametrize("path", ["/admin/", "/admin/crm/lead/", "/admin/admin-tokens/"])
def test_non_staff_is_sent_to_login(make_user, path):
    client = Client()
    client.force_login(make_user())

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={path}"


def test_login_page_is_german_by_default():
    html = Client().get("/admin/login/").content.decode()

    assert '<html lang="de"' in html
    assert "Anmelden" in html
    assert 'action="/i18n/setlang/"' in html


def test_language_selector_switches_to_english(dashboard):
    response = dashboard.post("/i18n/setlang/", {"language": "en", "next": "/admin/crm/lead/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/crm/lead/"
    assert dashboard.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = dashboard.get("/admin/crm/lead/").content.decode()
    assert "Log out" in html


def test_language_selector_switches_back(dashboard_en):
    dashboard_en.post("/i18n/setlang/", {"language": "de", "next": "/admin/"})

    assert "Abmelden" in dashboard_en.get("/admin/").content.decode()


def test_language_selector_offers_both(dashboard):
    html = dashboard.get("/admin/").content.decode()

    assert 'name="language" value="de"' in html
    assert 'name="language" value="en"' in html
    assert ">Deutsch</button>" in html
    assert ">English</button>" in html
