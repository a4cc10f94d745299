"""The public form to request API access; it needs no sign-in."""

import logging

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from jobriver.access.addresses import client_ip
from jobriver.api.errors import ApiError
from jobriver.dashboard.access_requests import SAVE_FAILED_MESSAGE, AccessRequestForm, access_request_create
from jobriver.dashboard.forms import wait_message
from jobriver.dashboard.selectors import company_for_user
from jobriver.dashboard.throttle import ACCESS_REQUEST_PER_ADDRESS, throttle_record, throttle_wait_seconds

logger = logging.getLogger(__name__)


def _initial(request) -> dict:
    """Prefill the company and the contact for a signed-in company user."""
    company = company_for_user(user=request.user)
    if company is None:
        return {}
    user = request.user
    return {"company": company.name, "email": user.email, "first_name": user.first_name, "last_name": user.last_name}


@require_http_methods(["GET", "HEAD", "POST"])
def access_request(request):
    if request.method != "POST":
        form = AccessRequestForm(initial=_initial(request))
        return render(request, "dashboard/access_request.html", {"form": form})

    form = AccessRequestForm(request.POST)
    if form.is_valid():
        ip = client_ip(request)
        wait = throttle_wait_seconds(rule=ACCESS_REQUEST_PER_ADDRESS, subject=ip)
        if wait:
            form.add_error(None, wait_message(wait))
        else:
            if throttle_record(rule=ACCESS_REQUEST_PER_ADDRESS, subject=ip):
                logger.warning("access request limit reached ip=%s", ip)
            return _submit(request, form, ip)
    return render(request, "dashboard/access_request.html", {"form": form})


def _submit(request, form: AccessRequestForm, ip: str):
    if form.is_spam():
        # A bot gets the same response as a person, so it cannot tell that it was caught.
        logger.warning("access request dropped: honeypot field filled ip=%s", ip)
        return redirect("dashboard:access_request_sent")

    try:
        access_request_create(data=form.cleaned_data, user=request.user)
    except ApiError:
        # lead_create has logged the database error.
        form.add_error(None, SAVE_FAILED_MESSAGE)
        return render(request, "dashboard/access_request.html", {"form": form})
    return redirect("dashboard:access_request_sent")


@require_safe
def access_request_sent(request):
    return render(request, "dashboard/access_request_sent.html")
