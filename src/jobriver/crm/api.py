"""Routes of the Admin API for leads."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from jobriver.access.authentication import AdminTokenAuth
from jobriver.api.body import read_json_object, validate_payload
from jobriver.api.envelope import success_response
from jobriver.api.errors import ErrorCode
from jobriver.crm import selectors, services
from jobriver.crm.schemas import LeadCreateIn, lead_to_dict, raise_if_required_missing

router = Router(tags=["leads"])


@router.post("/leads", auth=AdminTokenAuth("create"))
def leads_create(request: HttpRequest) -> HttpResponse:
    payload = read_json_object(request, invalid_code=ErrorCode.INVALID_BODY)
    raise_if_required_missing(payload)
    data = validate_payload(payload, LeadCreateIn)

    lead = services.lead_create(data=data, created_by=request.auth.credential.user)
    lead = selectors.lead_get(lead_id=lead.pk)
    return success_response(request, {"id": lead.pk, "lead": lead_to_dict(lead)}, status=201)
