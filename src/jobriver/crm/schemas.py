"""Request schema and response shape of the Admin API's lead routes.

Bodies are validated strictly, as on the company API: `"5"` is not a
number and `true` is not 1. Money and percentages become Decimals, never
floats. Optional text fields treat an empty string as absent (null), and
fields with a default (`datum_eingang`, `status`, `anzahl`, `rabatt`) treat
null as absent, so HTML forms that send every field work unchanged.
"""

import datetime
import math
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from jobriver.api.errors import ApiError, ErrorCode
from jobriver.api.fields import DatabaseId, DateOut, DateText, EmailText, reject_bad_characters, text
from jobriver.crm.models import (
    ADRESSE_MAX_LENGTH,
    ANZAHL_MAX,
    FIRMA_MAX_LENGTH,
    MONEY_DECIMAL_PLACES,
    MONEY_MAX,
    NAME_MAX_LENGTH,
    NOTIZEN_MAX_LENGTH,
    RABATT_MAX,
    TELEFON_MAX_LENGTH,
    TELEFON_MIN_DIGITS,
    AngebotStatus,
    Lead,
    LeadStatus,
    is_phone_number,
)

REQUIRED_LEAD_FIELDS = ("vorname", "nachname")

# Fields of the lead object that the API returns but does not accept.
READ_ONLY_LEAD_FIELDS = frozenset(
    {
        "id",
        "reminder",
        "package_name",
        "angebot_status",
        "angebot_pdf_path",
        "angebot_nummer",
        "created_by",
        "created_at",
        "updated_at",
    }
)

LEAD_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _none_to(default: Any):
    return lambda value: default if value is None else value


def _json_number_to_decimal(value: Any) -> Decimal:
    """Convert a JSON number to a Decimal, and reject strings, booleans and other types."""
    # bool is a subclass of int, so it is checked first.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("float_type", "not a number")
    if isinstance(value, int):
        return Decimal(value)
    if not math.isfinite(value):
        raise PydanticCustomError("finite_number", "not a finite number")
    # repr() gives the shortest text that reads back as the same float,
    # which is the number as the client wrote it for up to 15 significant digits.
    # NOTE: the JSON parser has already turned the number into a float, so a
    # number with more than about 15 significant digits is rounded before
    # this check; 1.0000000000000000001 passes as 1.00.
    return Decimal(repr(value))


def _amount_checker(maximum: Decimal):
    """Return a validator that checks the range 0 to `maximum` and cent precision."""

    # Bounds are checked here rather than with Field(ge=, le=) because
    # Pydantic 2.14 reports those as "Decimal('100')" after a BeforeValidator.
    def check(value: Decimal) -> Decimal:
        if value < 0:
            raise PydanticCustomError("greater_than_equal", "below 0", {"ge": "0"})
        if value > maximum:
            raise PydanticCustomError("less_than_equal", "above the maximum", {"le": str(maximum)})

        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MONEY_DECIMAL_PLACES:
            raise PydanticCustomError(
                "decimal_places", "too many decimal places", {"decimal_places": MONEY_DECIMAL_PLACES}
            )
        return value

    return check


def _check_phone(value: str) -> str:
    if not is_phone_number(value):
        raise PydanticCustomError(
            "jobriver_phone",
            "not a phone number",
            {
                "message": _(
                    "%(field)s must be a phone number with at least %(min_digits)s digits, "
                    "using only digits, spaces and + ( ) / . -"
                ),
                "min_digits": TELEFON_MIN_DIGITS,
            },
        )
    return value


def _amount(*, maximum: Decimal) -> Any:
    # Documented as the JSON number a client sends: Pydantic would also list
    # strings, which _json_number_to_decimal rejects.
    documented = {
        "type": "number",
        "minimum": 0,
        "maximum": float(maximum),
        "description": f"at most {MONEY_DECIMAL_PLACES} decimal places",
    }
    return Annotated[
        Decimal,
        BeforeValidator(_json_number_to_decimal),
        AfterValidator(_amount_checker(maximum)),
        WithJsonSchema(documented),
    ]


def _optional_text(max_length: int) -> Any:
    return Annotated[text(max_length=max_length) | None, BeforeValidator(_blank_to_none)]


Name = text(min_length=1, max_length=NAME_MAX_LENGTH)
Telefon = Annotated[
    str, BeforeValidator(reject_bad_characters), Field(max_length=TELEFON_MAX_LENGTH), AfterValidator(_check_phone)
]
StatusValue = Literal["neu", "wv", "termin", "angebot", "deal", "tot"]
Anzahl = Annotated[int, Field(ge=1, le=ANZAHL_MAX)]


class LeadCreateIn(Schema):
    """The body of POST /leads. `vorname` and `nachname` are checked by `raise_if_required_missing` first."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    read_only_fields: ClassVar[frozenset[str]] = READ_ONLY_LEAD_FIELDS

    vorname: Name
    nachname: Name
    email: Annotated[EmailText | None, BeforeValidator(_blank_to_none)] = None
    telefon: Annotated[Telefon | None, BeforeValidator(_blank_to_none)] = None
    firma: _optional_text(FIRMA_MAX_LENGTH) = None
    adresse: _optional_text(ADRESSE_MAX_LENGTH) = None
    datum_eingang: DateText | None = None
    status: Annotated[StatusValue, BeforeValidator(_none_to(LeadStatus.NEU.value))] = LeadStatus.NEU.value
    package_id: DatabaseId | None = None
    preis: _amount(maximum=MONEY_MAX) | None = None
    anzahl: Annotated[Anzahl, BeforeValidator(_none_to(1))] = 1
    # The default is documented as the JSON number 0; Pydantic would show the string "0".
    rabatt: Annotated[_amount(maximum=RABATT_MAX), BeforeValidator(_none_to(0))] = Field(
        default=Decimal("0"), json_schema_extra={"default": 0}
    )
    notizen: _optional_text(NOTIZEN_MAX_LENGTH) = None


MONEY_PATTERN = r"^[0-9]+\.[0-9]{2}$"
LEAD_DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
Money = Annotated[str, WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "description": "euros"})]
LocalDateTime = Annotated[
    str,
    WithJsonSchema({"type": "string", "pattern": LEAD_DATETIME_PATTERN, "description": "the platform time zone"}),
]


class LeadOut(Schema):
    """A lead as the Admin API returns it; for the published document, `lead_to_dict` builds it."""

    model_config = ConfigDict(extra="forbid")

    id: int
    vorname: str
    nachname: str
    firma: str | None
    adresse: str | None
    telefon: str | None
    email: str | None
    datum_eingang: DateOut
    reminder: DateOut | None
    package_id: int | None
    package_name: str | None
    preis: Money | None
    anzahl: int
    rabatt: Money = Field(description="percent")
    status: StatusValue
    angebot_status: Literal[tuple(AngebotStatus.values)]  # type: ignore[valid-type]
    angebot_pdf_path: str | None
    angebot_nummer: str | None
    notizen: str | None
    created_by: int | None = Field(description="the user that the admin token belongs to")
    created_at: LocalDateTime
    updated_at: LocalDateTime


class LeadCreatedOut(Schema):
    model_config = ConfigDict(extra="forbid")

    id: int
    lead: LeadOut


def _is_missing(payload: dict[str, Any], field: str) -> bool:
    value = payload.get(field)
    return value is None or (isinstance(value, str) and not value.strip())


def raise_if_required_missing(payload: dict[str, Any]) -> None:
    """Raise VALIDATION_ERROR listing the required fields that are absent, null or blank."""
    missing = [field for field in REQUIRED_LEAD_FIELDS if _is_missing(payload, field)]
    if not missing:
        return

    details = {"required": missing}
    if len(missing) == 1:
        raise ApiError(
            ErrorCode.VALIDATION_ERROR, message=_('Field "%(name)s" is required'), details=details, name=missing[0]
        )
    raise ApiError(
        ErrorCode.VALIDATION_ERROR,
        message=_('Fields %(names)s and "%(last)s" are required'),
        details=details,
        names=", ".join(f'"{field}"' for field in missing[:-1]),
        last=missing[-1],
    )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(LEAD_DATETIME_FORMAT)


def lead_to_dict(lead: Lead) -> dict[str, Any]:
    """Return the lead object of the Admin API with its keys in the documented order; `package` must be loaded."""
    package = lead.package
    return {
        "id": lead.id,
        "vorname": lead.vorname,
        "nachname": lead.nachname,
        "firma": lead.firma,
        "adresse": lead.adresse,
        "telefon": lead.telefon,
        "email": lead.email,
        "datum_eingang": lead.datum_eingang.isoformat(),
        "reminder": lead.reminder.isoformat() if lead.reminder else None,
        "package_id": lead.package_id,
        "package_name": package.name if package else None,
        "preis": _money(lead.preis),
        "anzahl": lead.anzahl,
        "rabatt": _money(lead.rabatt),
        "status": lead.status,
        "angebot_status": lead.angebot_status,
        "angebot_pdf_path": lead.angebot_pdf_path,
        "angebot_nummer": lead.angebot_nummer,
        "notizen": lead.notizen,
        "created_by": lead.created_by_id,
        "created_at": _local(lead.created_at),
        "updated_at": _local(lead.updated_at),
    }
