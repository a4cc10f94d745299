"""Turning Pydantic's validation errors into one translated message per field.

Pydantic reports errors by type (`string_too_short`, `int_type`, ...). The
API promises `details.errors` as a map from field name to one readable
message, in English or German, so each type gets a message template here.
"""

from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _

from jobriver.api.errors import ApiError, ErrorCode

# Message templates by Pydantic error type. `%(field)s` is the field's label.
_MESSAGES = {
    "missing": _("%(field)s is required"),
    "extra_forbidden": _("%(field)s is not a known field"),
    "read_only": _("%(field)s is read-only"),
    "null": _("%(field)s must not be null"),
    "string_type": _("%(field)s must be a string"),
    "string_too_short": _("%(field)s must be at least %(min_length)s characters"),
    "string_too_long": _("%(field)s must be at most %(max_length)s characters"),
    "int_type": _("%(field)s must be a whole number"),
    "int_parsing": _("%(field)s must be a whole number"),
    "int_from_float": _("%(field)s must be a whole number"),
    # More digits than Pydantic converts (4300, Python's limit for int()).
    "int_parsing_size": _("%(field)s is too large"),
    "bool_type": _("%(field)s must be true or false"),
    "bool_parsing": _("%(field)s must be true or false"),
    "float_type": _("%(field)s must be a number"),
    "float_parsing": _("%(field)s must be a number"),
    "finite_number": _("%(field)s must be a finite number"),
    "greater_than_equal": _("%(field)s must be at least %(ge)s"),
    "greater_than": _("%(field)s must be greater than %(gt)s"),
    "less_than_equal": _("%(field)s must be at most %(le)s"),
    "less_than": _("%(field)s must be less than %(lt)s"),
    "literal_error": _("%(field)s must be one of: %(expected)s"),
    "enum": _("%(field)s must be one of: %(expected)s"),
    "list_type": _("%(field)s must be an array"),
    "too_short": _("%(field)s must be at least %(min_length)s characters"),
    "too_long": _("%(field)s must be at most %(max_length)s characters"),
    "list_too_short": _("%(field)s must have at least %(min_length)s items"),
    "list_too_long": _("%(field)s must have at most %(max_length)s items"),
    "date_format": _("%(field)s must be a date in the format YYYY-MM-DD"),
    "url_invalid": _("%(field)s must be an http or https URL"),
    "email_invalid": _("%(field)s must be a valid e-mail address"),
    "no_visible_character": _("%(field)s must contain at least one visible character"),
    "bad_character": _("%(field)s contains a NUL character or an unpaired surrogate"),
    # Raised for a lone surrogate in an object key, where no field check runs.
    "string_unicode": _("%(field)s contains a NUL character or an unpaired surrogate"),
    "decimal_places": _("%(field)s must have at most %(decimal_places)s decimal places"),
}
_FALLBACK = _("%(field)s is invalid")

# Error types that a null sent for a non-nullable field raises.
_NULL_TYPES = {
    "string_type",
    "int_type",
    "bool_type",
    "float_type",
    "list_type",
    "dict_type",
    "model_type",
    "literal_error",
    "enum",
}
_LOCATION_PREFIXES = ("body", "query", "path", "payload", "filters")


def _message_for(error: dict[str, Any], field: str, label: str, read_only: frozenset[str]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden" and field in read_only:
        kind = "read_only"
    elif kind in _NULL_TYPES and error.get("input", ...) is None and len(_field_path(error["loc"])) == 1:
        # Only the field itself: a null item inside a list is a wrong item, not a null field.
        kind = "null"
    elif kind in ("too_short", "too_long") and error.get("ctx", {}).get("field_type") == "List":
        kind = f"list_{kind}"

    if kind.startswith("jobriver_") and "message" in error.get("ctx", {}):
        # Custom validators carry their own lazy message and parameters.
        template = error["ctx"]["message"]
    else:
        template = _MESSAGES.get(kind, _FALLBACK)

    params = {key: value for key, value in error.get("ctx", {}).items() if key != "message"}
    if "expected" in params:
        params["expected"] = str(params["expected"]).replace("'", "")
    params["field"] = label
    return str(template) % params


def _field_path(location: tuple) -> list:
    return [part for part in location if part not in _LOCATION_PREFIXES]


def field_of(location: tuple) -> str:
    """Return the top-level field name of a Pydantic error location."""
    parts = _field_path(location)
    return str(parts[0]) if parts else "body"


def messages_from_pydantic(errors: list[dict[str, Any]], *, schema: Any = None) -> dict[str, str]:
    """Return one message per field, the first error of each field winning."""
    labels = getattr(schema, "field_labels", {}) or {}
    read_only = frozenset(getattr(schema, "read_only_fields", ()) or ())

    messages: dict[str, str] = {}
    for error in errors:
        field = field_of(error["loc"])
        if field in messages:
            continue
        label = str(labels.get(field, field))
        messages[field] = _message_for(error, field, label, read_only)
    return messages


def raise_validation_error(messages: dict[str, str]) -> NoReturn:
    raise ApiError(ErrorCode.VALIDATION_ERROR, details={"errors": messages})
