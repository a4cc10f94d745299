"""Access control of the dashboard's company pages."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from jobriver.dashboard.selectors import company_for_user


def company_required(view):
    """Let only signed-in members of a company through, and set `request.company`.

    Anonymous users go to the sign-in page; signed-in users without a company
    (such as staff) get a page that explains this, with status 403. Responses are
    never cached, because they show one company's private data.
    """

    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())

        company = company_for_user(user=request.user)
        if company is None:
            return render(request, "dashboard/no_company.html", status=403)

        request.company = company
        return view(request, *args, **kwargs)

    return wrapper
