"""The company API's status route: the key's own data, limits and usage."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from jobriver.access.authentication import CompanyKeyAuth
from jobriver.access.selectors import api_key_status
from jobriver.api.envelope import success_response

router = Router(tags=["status"])


@router.get("/status", auth=CompanyKeyAuth(None))
def status(request: HttpRequest) -> HttpResponse:
    data = api_key_status(api_key_id=request.auth.credential.pk, rate_limit=request.rate_limit)
    return success_response(request, data)
