"""POST /api/v1/admin/leads: each field rule at its edges, and nothing stored after a rejection."""

import pytest

from jobriver.crm.models import Lead, Package
from tests.crm.conftest import LEADS, assert_admin_error

VALID = {"vorname": "Erika", "nachname": "Musterfrau"}


@pytest.fixture
def reject(admin_api):
    """Post a body, assert 422 VALIDATION_ERROR naming `field`, that no lead was stored, and return the errors."""

    def check(field: str, *, body: dict | None = None, content: str | None = None, **fields) -> dict:
        before = Lead.objects.count()
        if content is not None:
            response = admin_api.post(LEADS, content=content, headers={"Content-Type": "application/json"})
        else:
            response = admin_api.post(LEADS, json=body if body is not None else {**VALID, **fields})

        errors = assert_admin_error(response, 422, "VALIDATION_ERROR", field)["error"]["details"]["errors"]
        assert Lead.objects.count() == before
        return errors

    return check


# Required fields


def test_both_names_missing(admin_api):
    before = Lead.objects.count()
    response = admin_api.post(LEADS, json={})

    error = assert_admin_error(response, 422, "VALIDATION_ERROR")["error"]
    assert error["message"] == 'Fields "vorname" and "nachname" are required'
    assert error["details"] == {"required": ["vorname", "nachname"]}
    assert Lead.objects.count() == before


def test_nachname_missing(admin_api):
    response = admin_api.post(LEADS, json={"vorname": "Erika"})

    error = assert_admin_error(response, 422, "VALIDATION_ERROR")["error"]
    assert error["message"] == 'Field "nachname" is required'
    assert error["details"] == {"required": ["nachname"]}


def test_vorname_missing(admin_api):
    response = admin_api.post(LEADS, json={"nachname": "Musterfrau"})

    error = assert_admin_error(response, 422, "VALIDATION_ERROR")["error"]
    assert error["message"] == 'Field "vorname" is required'
    assert error["details"] == {"required": ["vorname"]}


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_name_is_missing(admin_api, value):
    response = admin_api.post(LEADS, json={"vorname": value, "nachname": "Musterfrau"})

    error = assert_admin_error(response, 422, "VALIDATION_ERROR")["error"]
    assert error["details"] == {"required": ["vorname"]}


def test_required_reported_before_other_errors(admin_api):
    response = admin_api.post(LEADS, json={"vorname": "Erika", "email": "kaputt", "status": "Neu"})

    error = assert_admin_error(response, 422, "VALIDATION_ERROR")["error"]
    assert error["details"] == {"required": ["nachname"]}


def test_name_must_be_string(reject):
    errors = reject("vorname", vorname=123)

    assert errors["vorname"] == "vorname must be a string"


def test_name_too_long(reject):
    errors = reject("nachname", nachname="N" * 101)

    assert errors["nachname"] == "nachname must be at most 100 characters"


# Money and numbers


@pytest.mark.parametrize(
    ("preis", "message"),
    [
        (0.001, "preis must have at most 2 decimal places"),
        (-0.01, "preis must be at least 0"),
        ("abc", "preis must be a number"),
        ("499.00", "preis must be a number"),
        (True, "preis must be a number"),
        ([499], "preis must be a number"),
        (10_000_000_000, "preis must be at most 9999999999.99"),
    ],
)
def test_preis_rejected(reject, preis, message):
    errors = reject("preis", preis=preis)

    assert errors["preis"] == message


def test_preis_overflowing_float(reject):
    errors = reject("preis", content='{"vorname": "Erika", "nachname": "Musterfrau", "preis": 1e400}')

    assert errors["preis"] == "preis must be a finite number"


@pytest.mark.parametrize(
    ("rabatt", "message"),
    [
        (100.01, "rabatt must be at most 100"),
        (-1, "rabatt must be at least 0"),
        (0.001, "rabatt must have at most 2 decimal places"),
        ("10", "rabatt must be a number"),
        (False, "rabatt must be a number"),
    ],
)
def test_rabatt_rejected(reject, rabatt, message):
    errors = reject("rabatt", rabatt=rabatt)

    assert errors["rabatt"] == message


@pytest.mark.parametrize(
    ("anzahl", "message"),
    [
        (0, "anzahl must be at least 1"),
        (-1, "anzahl must be at least 1"),
        (1.5, "anzahl must be a whole number"),
        (1.0, "anzahl must be a whole number"),
        (True, "anzahl must be a whole number"),
        ("2", "anzahl must be a whole number"),
        (1_000_001, "anzahl must be at most 1000000"),
    ],
)
def test_anzahl_rejected(reject, anzahl, message):
    errors = reject("anzahl", anzahl=anzahl)

    assert errors["anzahl"] == message


# Dates and choices


@pytest.mark.parametrize("datum", ["2025-02-29", "2026-13-01", "16.02.2026", "2026-2-16", " 2026-02-16", "heute"])
def test_datum_eingang_rejected(reject, datum):
    errors = reject("datum_eingang", datum_eingang=datum)

    assert errors["datum_eingang"] == "datum_eingang must be a date in the format YYYY-MM-DD"


def test_datum_eingang_must_be_string(reject):
    errors = reject("datum_eingang", datum_eingang=20260216)

    assert errors["datum_eingang"] == "datum_eingang must be a string"


@pytest.mark.parametrize("status", ["Neu", "NEU", "gewonnen", "new", "", 1])
def test_status_rejected(reject, status):
    errors = reject("status", status=status)

    assert errors["status"].startswith("status must be")


def test_status_message_lists_values(reject):
    errors = reject("status", status="gewonnen")

    assert errors["status"] == "status must be one of: neu, wv, termin, angebot, deal or tot"


# Package


def test_package_unknown(reject):
    unknown = (Package.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1_000_000

    errors = reject("package_id", package_id=unknown)

    assert errors["package_id"] == f"package_id {unknown} is not an active package"


def test_package_inactive(reject, make_package):
    package = make_package(is_active=False)

    errors = reject("package_id", package_id=package.pk)

    assert errors["package_id"] == f"package_id {package.pk} is not an active package"


@pytest.mark.parametrize(("package_id", "message"), [("1", "must be a whole number"), (0, "must be at least 1")])
def test_package_id_type(reject, package_id, message):
    errors = reject("package_id", package_id=package_id)

    assert errors["package_id"] == f"package_id {message}"


# Text fields


@pytest.mark.parametrize("email", ["kaputt", "max@", "@mustermann.de", "max@mustermann", "max mustermann@example.org"])
def test_email_rejected(reject, email):
    errors = reject("email", email=email)

    assert errors["email"] == "email must be a valid e-mail address"


def test_email_too_long(reject):
    errors = reject("email", email="m" * 245 + "@example.org")

    assert errors["email"] == "email must be at most 254 characters"


def test_obfuscated_email_text_is_rejected(reject):
    # Some web pages show this text in place of an e-mail address that they hide. It is not an address.
    errors = reject("email", email="[email protected]")

    assert errors["email"] == "email must be a valid e-mail address"


@pytest.mark.parametrize("telefon", ["call me", "12", "+49 123 456789 ext. 5", "++49 123", "０２２１ 12345"])
def test_telefon_rejected(reject, telefon):
    errors = reject("telefon", telefon=telefon)

    assert errors["telefon"].startswith("telefon must be a phone number with at least 3 digits")


def test_telefon_too_long(reject):
    errors = reject("telefon", telefon="1" * 51)

    assert errors["telefon"] == "telefon must be at most 50 characters"


@pytest.mark.parametrize(
    ("field", "length"), [("vorname", 101), ("firma", 256), ("adresse", 256), ("notizen", 10_001)]
)
def test_text_too_long(reject, field, length):
    errors = reject(field, **{field: "x" * length})

    assert errors[field] == f"{field} must be at most {length - 1} characters"


@pytest.mark.parametrize("field", ["vorname", "firma", "notizen"])
def test_nul_character(reject, field):
    errors = reject(field, **{field: "Erika\x00"})

    assert errors[field] == f"{field} contains a NUL character or an unpaired surrogate"


def test_lone_surrogate(reject):
    errors = reject("nachname", content='{"vorname": "Erika", "nachname": "Muster\\ud800frau"}')

    assert errors["nachname"] == "nachname contains a NUL character or an unpaired surrogate"


@pytest.mark.parametrize("field", ["firma", "notizen", "email", "telefon"])
def test_text_must_be_string(reject, field):
    errors = reject(field, **{field: 42})

    assert errors[field] == f"{field} must be a string"


# Unknown and read-only fields


def test_unknown_fields_are_named(reject):
    errors = reject("unbekannt", body={**VALID, "unbekannt": 1, "gewinn": "hoch"})

    assert errors == {"unbekannt": "unbekannt is not a known field", "gewinn": "gewinn is not a known field"}


@pytest.mark.parametrize("field", ["id", "reminder", "package_name", "angebot_status", "created_by", "created_at"])
def test_read_only_fields(reject, field):
    errors = reject(field, body={**VALID, field: None})

    assert errors[field] == f"{field} is read-only"


def test_one_message_per_field(reject):
    errors = reject("preis", body={**VALID, "preis": -0.001, "anzahl": 0, "status": "Neu"})

    assert set(errors) == {"preis", "anzahl", "status"}
    assert all(isinstance(message, str) for message in errors.values())
