"""POST /api/v1/admin/leads: accepted bodies, the lead object and what is stored."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from jobriver.crm.models import Lead
from tests.crm.conftest import CLIENT_EXAMPLE, CURL_EXAMPLE, LEADS, assert_meta

LEAD_KEYS = [
    "id",
    "vorname",
    "nachname",
    "firma",
    "adresse",
    "telefon",
    "email",
    "datum_eingang",
    "reminder",
    "package_id",
    "package_name",
    "preis",
    "anzahl",
    "rabatt",
    "status",
    "angebot_status",
    "angebot_pdf_path",
    "angebot_nummer",
    "notizen",
    "created_by",
    "created_at",
    "updated_at",
]
LOCAL_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


def _created(response) -> dict:
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["success"] is True
    assert_meta(response)
    return body["data"]["lead"]


def test_curl_example(admin_api, admin_token):
    response = admin_api.post(LEADS, json=CURL_EXAMPLE)

    assert response.status_code == 201, response.text
    body = response.json()
    assert list(body) == ["success", "data", "meta"]
    assert list(body["data"]) == ["id", "lead"]
    lead = body["data"]["lead"]
    assert list(lead) == LEAD_KEYS
    assert body["data"]["id"] == lead["id"]
    assert {key: value for key, value in lead.items() if key not in ("id", "created_at", "updated_at")} == {
        "vorname": "Max",
        "nachname": "Mustermann",
        "firma": "Muster GmbH",
        "adresse": None,
        "telefon": "+49 123 456789",
        "email": "max@mustermann.de",
        "datum_eingang": "2026-02-16",
        "reminder": None,
        "package_id": None,
        "package_name": None,
        "preis": None,
        "anzahl": 1,
        "rabatt": "0.00",
        "status": "neu",
        "angebot_status": "keine",
        "angebot_pdf_path": None,
        "angebot_nummer": None,
        "notizen": None,
        "created_by": admin_token.credential.user_id,
    }
    assert_meta(response)


def test_client_example_returns_id(admin_api):
    response = admin_api.post(LEADS, json=CLIENT_EXAMPLE)

    assert response.status_code == 201, response.text
    result = response.json()
    assert isinstance(result["data"]["id"], int)
    assert Lead.objects.filter(pk=result["data"]["id"], vorname="Max", email="max@mustermann.de").exists()


def test_timestamps_are_local_time(admin_api):
    lead = _created(admin_api.post(LEADS, json=CURL_EXAMPLE))

    stored = Lead.objects.get(pk=lead["id"])
    assert LOCAL_DATETIME.fullmatch(lead["created_at"])
    assert LOCAL_DATETIME.fullmatch(lead["updated_at"])
    assert lead["created_at"] == timezone.localtime(stored.created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert lead["updated_at"] == timezone.localtime(stored.updated_at).strftime("%Y-%m-%d %H:%M:%S")


def test_stored_as_returned(admin_api, admin_token):
    lead = _created(admin_api.post(LEADS, json={**CURL_EXAMPLE, "preis": 499, "rabatt": 12.5, "anzahl": 3}))

    stored = Lead.objects.get(pk=lead["id"])
    assert stored.vorname == "Max"
    assert stored.firma == "Muster GmbH"
    assert stored.preis == Decimal("499.00")
    assert stored.rabatt == Decimal("12.50")
    assert stored.anzahl == 3
    assert stored.datum_eingang.isoformat() == "2026-02-16"
    assert stored.created_by_id == admin_token.credential.user_id


def test_defaults(admin_api):
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau"}))

    assert lead["email"] is None
    assert lead["telefon"] is None
    assert lead["firma"] is None
    assert lead["adresse"] is None
    assert lead["notizen"] is None
    assert lead["status"] == "neu"
    assert lead["anzahl"] == 1
    assert lead["rabatt"] == "0.00"
    assert lead["preis"] is None
    assert lead["package_id"] is None


def test_datum_eingang_defaults_to_local_today(admin_api):
    before = timezone.localdate()
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau"}))
    after = timezone.localdate()

    # Read around the request, so a request that crosses midnight still matches one of the two days.
    assert lead["datum_eingang"] in {before.isoformat(), after.isoformat()}


def test_null_means_default(admin_api):
    body = {"vorname": "Erika", "nachname": "Musterfrau", "status": None, "anzahl": None, "rabatt": None}
    lead = _created(admin_api.post(LEADS, json={**body, "datum_eingang": None}))

    assert lead["status"] == "neu"
    assert lead["anzahl"] == 1
    assert lead["rabatt"] == "0.00"
    assert lead["datum_eingang"] == Lead.objects.get(pk=lead["id"]).datum_eingang.isoformat()


def test_blank_optional_text_is_null(admin_api):
    body = {"vorname": "Erika", "nachname": "Musterfrau", "email": "", "telefon": " ", "firma": "", "notizen": ""}
    lead = _created(admin_api.post(LEADS, json=body))

    assert lead["email"] is None
    assert lead["telefon"] is None
    assert lead["firma"] is None
    assert lead["notizen"] is None


def test_whitespace_is_stripped(admin_api):
    lead = _created(admin_api.post(LEADS, json={"vorname": "  Erika ", "nachname": "\tMusterfrau\n"}))

    assert lead["vorname"] == "Erika"
    assert lead["nachname"] == "Musterfrau"


def test_german_text_round_trips(admin_api):
    body = {"vorname": "Jürgen", "nachname": "Weiß", "firma": "Müller & Söhne GmbH", "adresse": "Hauptstraße 1, 50667 Köln"}
    lead = _created(admin_api.post(LEADS, json=body))

    assert lead["vorname"] == "Jürgen"
    assert lead["nachname"] == "Weiß"
    assert lead["firma"] == "Müller & Söhne GmbH"
    assert lead["adresse"] == "Hauptstraße 1, 50667 Köln"


@pytest.mark.parametrize("status", ["neu", "wv", "termin", "angebot", "deal", "tot"])
def test_each_status(admin_api, status):
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau", "status": status}))

    assert lead["status"] == status


@pytest.mark.parametrize(
    ("preis", "expected"),
    [(0, "0.00"), (0.01, "0.01"), (499, "499.00"), (1234.5, "1234.50"), (9999999999.99, "9999999999.99")],
)
def test_preis_accepted(admin_api, preis, expected):
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau", "preis": preis}))

    assert lead["preis"] == expected
    assert Lead.objects.get(pk=lead["id"]).preis == Decimal(expected)


@pytest.mark.parametrize(("rabatt", "expected"), [(0, "0.00"), (12.5, "12.50"), (99.99, "99.99"), (100, "100.00")])
def test_rabatt_accepted(admin_api, rabatt, expected):
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau", "rabatt": rabatt}))

    assert lead["rabatt"] == expected


@pytest.mark.parametrize("anzahl", [1, 2, 1_000_000])
def test_anzahl_accepted(admin_api, anzahl):
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau", "anzahl": anzahl}))

    assert lead["anzahl"] == anzahl


def test_leap_day(admin_api):
    body = {"vorname": "Erika", "nachname": "Musterfrau", "datum_eingang": "2024-02-29"}
    lead = _created(admin_api.post(LEADS, json=body))

    assert lead["datum_eingang"] == "2024-02-29"


def test_package_name_is_set(admin_api, make_package):
    package = make_package(name="Premium Paket")
    body = {"vorname": "Erika", "nachname": "Musterfrau", "package_id": package.pk, "preis": 499}
    lead = _created(admin_api.post(LEADS, json=body))

    assert lead["package_id"] == package.pk
    assert lead["package_name"] == "Premium Paket"
    assert lead["preis"] == "499.00"


@pytest.mark.parametrize(
    ("field", "value"),
    [("vorname", "V" * 100), ("firma", "F" * 255), ("adresse", "A" * 255), ("notizen", "N" * 10_000)],
)
def test_text_at_max_length(admin_api, field, value):
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau", field: value}))

    assert lead[field] == value


@pytest.mark.parametrize("telefon", ["+49 123 456789", "0221/123-45", "+49 (0)30 1234.56", "112"])
def test_telefon_accepted(admin_api, telefon):
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau", "telefon": telefon}))

    assert lead["telefon"] == telefon


def test_notizen_keep_line_breaks(admin_api):
    notes = "Rückruf am Montag.\nInteresse an Premium."
    lead = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Musterfrau", "notizen": notes}))

    assert lead["notizen"] == notes


def test_trailing_slash(admin_api):
    response = admin_api.post(LEADS + "/", json={"vorname": "Erika", "nachname": "Musterfrau"})

    _created(response)


def test_content_type_with_charset(admin_api):
    response = admin_api.post(
        LEADS,
        content='{"vorname": "Erika", "nachname": "Musterfrau"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )

    _created(response)


def test_ids_increase(admin_api):
    first = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Eins"}))
    second = _created(admin_api.post(LEADS, json={"vorname": "Erika", "nachname": "Zwei"}))

    assert second["id"] > first["id"]
