from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from ninja import NinjaAPI

from jobriver.api.instances import admin_api, company_api

urlpatterns = [
    # Before the company API, whose "api/v1/" prefix would otherwise take these paths.
    path("api/v1/admin/", admin_api.urls),
    path("api/v1/", company_api.urls),
    # set_language, used by the language selector of the admin.
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dashboard/", include("jobriver.dashboard.urls")),
    # APPEND_SLASH is off for the API, so these two redirect by hand.
    path("dashboard", RedirectView.as_view(pattern_name="dashboard:overview")),
    path("", RedirectView.as_view(pattern_name="dashboard:overview")),
]

if settings.JOBRIVER_BENCHMARK_FLOOR:
    # The benchmark's floor: a ninja route behind the same middleware as the
    # API, without authentication or database access. Its own instance keeps
    # it out of the company API's document.
    floor_api = NinjaAPI(urls_namespace="benchmark-floor", docs_url=None, openapi_url=None)

    @floor_api.get("")
    def benchmark_floor(request):
        return {"success": True, "data": {"status": "ok"}}

    urlpatterns.insert(0, path("api/v1/_floor", floor_api.urls))
