from django.contrib import admin
from django.urls import path

from jobriver.api.instances import admin_api, company_api

urlpatterns = [
    # Before the company API, whose "api/v1/" prefix would otherwise take these paths.
    path("api/v1/admin/", admin_api.urls),
    path("api/v1/", company_api.urls),
    path("admin/", admin.site.urls),
]
