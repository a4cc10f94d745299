"""The public form to request API access, which creates a CRM lead with status "neu"."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jobriver.crm.models import Lead
from jobriver.dashboard.throttle import ACCESS_REQUEST_PER_ADDRESS
from tests.dashboard.conftest import new_client

URL = "/dashboard/request-access/"


def request_form(unique: str, **fields) -> dict:
    return {
        "first_name": "Erika",
        "last_name": f"Mustermann-{unique}",
        "company": "Muster GmbH",
        "email": "erika@muster.example",
        "phone": "+49 (0)30 123-456",
        "message": "Wir möchten unser ATS anbinden.",
        "website": "",
        **fields,
    }


def test_form_needs_no_sign_in():
    response = new_client().get(URL)

    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()
    assert 'name="website"' in response.content.decode()


def test_request_creates_lead(unique):
    client = new_client(language="en")

    response = client.post(URL, request_form(unique))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:access_request_sent")
    lead = Lead.objects.get(nachname=f"Mustermann-{unique}")
    assert lead.vorname == "Erika"
    assert lead.status == "neu"
    assert lead.firma == "Muster GmbH"
    assert lead.email == "erika@muster.example"
    assert lead.telefon == "+49 (0)30 123-456"
    assert lead.datum_eingang == timezone.localdate()
    assert lead.created_by is None
    assert lead.notizen.endswith("\n\nWir möchten unser ATS anbinden.")
    assert "Thank you for your request" in client.get(response["Location"]).content.decode()


def test_phone_and_message_optional(unique):
    response = new_client().post(URL, request_form(unique, phone="", message=""))

    assert response.status_code == 302
    lead = Lead.objects.get(nachname=f"Mustermann-{unique}")
    assert lead.telefon is None
    assert "\n" not in lead.notizen


@pytest.mark.parametrize("field", ["first_name", "last_name", "company", "email"])
def test_required_fields(field, unique):
    response = new_client(language="en").post(URL, request_form(unique, **{field: "  "}))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["This field is required."]
    assert not Lead.objects.filter(nachname__startswith=f"Mustermann-{unique}").exists()


def test_invalid_email_and_phone(unique):
    response = new_client(language="en").post(URL, request_form(unique, email="erika@", phone="call me"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert response.context["form"].errors["phone"] == [
        "Enter a phone number with at least 3 digits, using only digits, spaces and + ( ) / . -"
    ]


def test_honeypot_drops_request(unique):
    response = new_client().post(URL, request_form(unique, website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:access_request_sent")
    assert not Lead.objects.filter(nachname=f"Mustermann-{unique}").exists()


def test_requests_limited_per_address(unique):
    client = new_client(language="en")
    for number in range(ACCESS_REQUEST_PER_ADDRESS.limit):
        assert client.post(URL, request_form(unique, last_name=f"Mustermann-{unique}-{number}")).status_code == 302

    response = client.post(URL, request_form(unique, last_name=f"Mustermann-{unique}-last"))
    elsewhere = new_client().post(URL, request_form(unique, last_name=f"Mustermann-{unique}-other"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Too many attempts. Please wait 60 minutes and try again."]
    assert not Lead.objects.filter(nachname=f"Mustermann-{unique}-last").exists()
    assert elsewhere.status_code == 302


def test_signed_in_user_gets_prefilled_form(signed_in, make_company):
    company = make_company(api_access_enabled=False)
    client, user = signed_in(company=company, language="en")

    response = client.get(URL)

    form = response.context["form"]
    assert form.initial["company"] == company.name
    assert form.initial["email"] == user.email


def test_signed_in_request_names_user(signed_in, unique):
    client, user = signed_in(language="en")

    client.post(URL, request_form(unique))

    lead = Lead.objects.get(nachname=f"Mustermann-{unique}")
    assert user.username in lead.notizen
    assert lead.created_by is None


def test_request_without_csrf_token_is_403(unique):
    response = new_client(enforce_csrf_checks=True).post(URL, request_form(unique))

    assert response.status_code == 403
    assert not Lead.objects.filter(nachname=f"Mustermann-{unique}").exists()
