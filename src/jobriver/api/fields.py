"""Annotated field types shared by the API schemas.

Bodies are validated strictly: `"5"` is not an integer, `1` is not a
boolean and `"false"` is not false. Query strings are text by nature, so
their integers and booleans are parsed from text, and only the spellings
the API documents are accepted.
"""

import datetime
import re
import unicodedata
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

URL_MAX_LENGTH = 2048
EMAIL_MAX_LENGTH = 254
SEARCH_MAX_LENGTH = 100
MAX_DATABASE_ID = 2**63 - 1  # the largest value of a 64-bit primary key
UTC_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# ASCII digits only: `\d` would also match other scripts' digits.
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUERY_INT_PATTERN = re.compile(r"-?[0-9]+")


def reject_bad_characters(value: Any) -> Any:
    """Reject strings that no database stores faithfully: NUL and unpaired surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise PydanticCustomError("bad_character", "contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise PydanticCustomError("bad_character", "contains an unpaired surrogate") from None
    return value


def _check_date_format(value: Any) -> Any:
    # Runs before the schema's whitespace stripping: " 2024-05-01" is not YYYY-MM-DD.
    if isinstance(value, str) and not _DATE_PATTERN.fullmatch(value):
        raise PydanticCustomError("date_format", "not a YYYY-MM-DD date")
    return value


def _parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_format", "not a calendar date") from None


def _check_url(value: str) -> str:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except DjangoValidationError:
        raise PydanticCustomError("url_invalid", "not an http or https URL") from None
    return value


def _check_email(value: str) -> str:
    try:
        EmailValidator()(value)
    except DjangoValidationError:
        raise PydanticCustomError("email_invalid", "not an e-mail address") from None
    return value


def _empty_to_none(value: Any) -> Any:
    return None if value == "" else value


def _check_query_int(value: Any) -> Any:
    # Pydantic alone would also take "+5", " 5" and "1_0".
    if isinstance(value, str) and not _QUERY_INT_PATTERN.fullmatch(value):
        raise PydanticCustomError("int_parsing", "not a whole number")
    return value


def _parse_query_bool(value: Any) -> Any:
    if isinstance(value, bool) or value is None or value == "":
        return None if value == "" else value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise PydanticCustomError("bool_parsing", "not true, false, 1 or 0")


def _require_visible_character(value: str) -> str:
    # Three zero-width spaces pass a length check but show nothing. Separators
    # (Unicode category Z*) and control and format characters (C*) are invisible.
    if all(unicodedata.category(character)[0] in "ZC" for character in value):
        raise PydanticCustomError("no_visible_character", "contains no visible character")
    return value


def text(*, min_length: int = 0, max_length: int, visible: bool = False) -> Any:
    """Return a string type of bounded length, free of NUL and unpaired surrogates.

    With `visible`, it must also contain at least one visible character.
    """
    constraints = [BeforeValidator(reject_bad_characters), Field(min_length=min_length, max_length=max_length)]
    if visible:
        constraints.append(AfterValidator(_require_visible_character))
    return Annotated[str, *constraints]


# The WithJsonSchema annotations give the published OpenAPI document the
# type a client sends. Pydantic cannot derive it through the validators: it
# would document the dates as plain strings, and the query parameters as
# nullable with "ge" and "le", which are not JSON Schema keywords.
DateText = Annotated[
    str,
    BeforeValidator(_check_date_format),
    BeforeValidator(reject_bad_characters),
    AfterValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{_DATE_PATTERN.pattern}$"}),
]
UrlText = Annotated[
    str,
    BeforeValidator(reject_bad_characters),
    Field(max_length=URL_MAX_LENGTH, json_schema_extra={"format": "uri"}),
    AfterValidator(_check_url),
]
EmailText = Annotated[
    str,
    BeforeValidator(reject_bad_characters),
    Field(max_length=EMAIL_MAX_LENGTH, json_schema_extra={"format": "email"}),
    AfterValidator(_check_email),
]
DatabaseId = Annotated[int, Field(ge=1, le=MAX_DATABASE_ID)]

# Bounds go on the inner type. On the `X | None` union Pydantic applies them
# to None as well and raises TypeError, so `?category_id=` would fail with 500.
QueryBool = Annotated[
    bool | None,
    BeforeValidator(_parse_query_bool),
    WithJsonSchema({"type": "boolean", "description": "true, false, 1 or 0 in any case; empty counts as absent"}),
]
QueryId = Annotated[
    Annotated[int, BeforeValidator(_check_query_int), Field(ge=1, le=MAX_DATABASE_ID)] | None,
    BeforeValidator(_empty_to_none),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_DATABASE_ID}),
]
QuerySearch = Annotated[
    Annotated[str, Field(max_length=SEARCH_MAX_LENGTH)] | None,
    BeforeValidator(lambda value: reject_bad_characters(_empty_to_none(value))),
    WithJsonSchema({"type": "string", "maxLength": SEARCH_MAX_LENGTH}),
]


def query_int(*, default: int, ge: int, le: int | None = None) -> Any:
    """Return an integer query-parameter type; an empty value counts as absent."""
    documented: dict[str, Any] = {"type": "integer", "minimum": ge, "default": default}
    if le is not None:
        documented["maximum"] = le
    return Annotated[
        int,
        BeforeValidator(lambda value: default if value == "" else _check_query_int(value)),
        Field(ge=ge, le=le),
        WithJsonSchema(documented),
    ]


# Response fields, for the published document: the routes build their
# responses as plain dicts, so these only describe what they contain.
UtcTimestamp = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
            "description": "UTC, whole seconds",
        }
    ),
]
OffsetTimestamp = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$",
            "description": "the platform time zone (TIME_ZONE) with its UTC offset, whole seconds",
        }
    ),
]
DateOut = Annotated[str, WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{_DATE_PATTERN.pattern}$"})]
