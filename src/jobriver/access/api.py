"""The company API's status route: the key's own data, limits and usage."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from jobriver.access.authentication import CompanyKeyAuth
from jobriver.access.schemas import StatusOut
from jobriver.access.selectors import api_key_status
from jobriver.api.envelope import success_response
from jobriver.api.openapi import Api, operation_contract
from jobriver.api.openapi_codes import COMPANY_AUTHENTICATION

router = Router(tags=["status"])


@router.get(
    "/status",
    auth=CompanyKeyAuth(None),
    summary="Show the key, its company, limits and usage",
    description="Any valid key may call it; usage includes this request.",
    **operation_contract(
        Api.COMPANY, status=200, data=StatusOut, envelope_name="StatusResponse", errors=COMPANY_AUTHENTICATION
    ),
)
def status(request: HttpRequest) -> HttpResponse:
    data = api_key_status(key=request.auth.credential, rate_limit=request.rate_limit)
    return success_response(request, data)
