"""Companies and their users in the dashboard."""

from jobriver.companies.models import Company, CompanyMember

ADD_URL = "/admin/companies/company/add/"


def _company_form(**fields) -> dict:
    form = {
        "name": "",
        "job_limit": "",
        "rate_limit": "",
        "api_access_enabled": "on",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "api_keys-TOTAL_FORMS": "0",
        "api_keys-INITIAL_FORMS": "0",
        "api_keys-MIN_NUM_FORMS": "0",
        "api_keys-MAX_NUM_FORMS": "0",
    }
    form.update(fields)
    return form


def test_create_company_with_slug(dashboard, unique):
    response = dashboard.post(ADD_URL, _company_form(name=f"Bäckerei Müller {unique}"))

    assert response.status_code == 302
    company = Company.objects.get(name=f"Bäckerei Müller {unique}")
    assert company.slug == f"baeckerei-mueller-{unique}"
    assert company.job_limit is None
    assert company.api_access_enabled is True


def test_slug_of_same_name_gets_suffix(dashboard, unique):
    dashboard.post(ADD_URL, _company_form(name=f"Doppelt {unique}"))
    dashboard.post(ADD_URL, _company_form(name=f"Doppelt {unique}"))

    slugs = set(Company.objects.filter(name=f"Doppelt {unique}").values_list("slug", flat=True))
    assert slugs == {f"doppelt-{unique}", f"doppelt-{unique}-2"}


def test_limits_and_access(dashboard, unique):
    form = _company_form(name=f"Begrenzt {unique}", job_limit="5", rate_limit="30")
    del form["api_access_enabled"]

    dashboard.post(ADD_URL, form)

    company = Company.objects.get(name=f"Begrenzt {unique}")
    assert company.job_limit == 5
    assert company.rate_limit == 30
    assert company.api_access_enabled is False


def test_list_shows_unlimited(dashboard_en, make_company, unique):
    make_company(name=f"Ohne Grenze {unique}")

    html = dashboard_en.get(f"/admin/companies/company/?q=Ohne+Grenze+{unique}").content.decode()

    assert f"Ohne Grenze {unique}" in html
    assert "unlimited" in html
    assert "platform default" in html


def test_add_member_inline(dashboard, company, make_user):
    user = make_user()
    form = _company_form(
        name=company.name,
        **{
            "members-TOTAL_FORMS": "1",
            "members-0-user": str(user.pk),
            "members-0-company": str(company.pk),
        },
    )

    response = dashboard.post(f"/admin/companies/company/{company.pk}/change/", form)

    assert response.status_code == 302
    assert CompanyMember.objects.get(user=user).company == company


def test_member_page(dashboard, company, make_user):
    user = make_user()
    CompanyMember.objects.create(user=user, company=company)

    html = dashboard.get(f"/admin/companies/companymember/?q={user.username}").content.decode()

    assert user.username in html
    assert company.name in html


def test_user_autocomplete_for_members(dashboard, make_user):
    user = make_user()
    query = {"term": user.username, "app_label": "companies", "model_name": "companymember", "field_name": "user"}

    response = dashboard.get("/admin/autocomplete/", query)

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(user.pk)]
