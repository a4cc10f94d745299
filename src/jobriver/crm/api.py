"""Routes of the Admin API for leads."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from jobriver.access.authentication import AdminTokenAuth
from jobriver.api.body import read_json_object, validate_payload
from jobriver.api.envelope import success_response
from jobriver.api.errors import ErrorCode
from jobriver.api.openapi import Api, json_body, operation_contract
from jobriver.api.openapi_codes import ADMIN_AUTHENTICATION, ADMIN_JSON_BODY, ADMIN_PERMISSION
from jobriver.crm import selectors, services
from jobriver.crm.schemas import LeadCreatedOut, LeadCreateIn, lead_to_dict, raise_if_required_missing

router = Router(tags=["leads"])

LEAD_CREATE_EXAMPLE = {
    "vorname": "Max",
    "nachname": "Mustermann",
    "email": "max@mustermann.de",
    "telefon": "+49 123 456789",
    "firma": "Muster GmbH",
    "status": "neu",
    "datum_eingang": "2026-02-16",
}


@router.post(
    "/leads",
    auth=AdminTokenAuth("create"),
    summary="Record a lead",
    description=(
        "Needs an admin token with the create permission. A missing vorname or nachname is reported "
        "before any other field, in details.required."
    ),
    **operation_contract(
        Api.ADMIN,
        status=201,
        data=LeadCreatedOut,
        envelope_name="LeadCreatedResponse",
        errors=(*ADMIN_AUTHENTICATION, *ADMIN_PERMISSION, *ADMIN_JSON_BODY, ErrorCode.CREATION_FAILED),
        request_body=json_body(
            "LeadCreateIn",
            description=(
                "Leading and trailing spaces are removed; an empty optional text is stored as null; "
                "null for datum_eingang, status, anzahl or rabatt means the default."
            ),
            examples={"contact_form": LEAD_CREATE_EXAMPLE},
        ),
    ),
)
def leads_create(request: HttpRequest) -> HttpResponse:
    payload = read_json_object(request, invalid_code=ErrorCode.INVALID_BODY)
    raise_if_required_missing(payload)
    data = validate_payload(payload, LeadCreateIn)

    lead = services.lead_create(data=data, created_by=request.auth.credential.user)
    lead = selectors.lead_get(lead_id=lead.pk)
    return success_response(request, {"id": lead.pk, "lead": lead_to_dict(lead)}, status=201)
