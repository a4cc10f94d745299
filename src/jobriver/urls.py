from django.contrib import admin
from django.urls import path

from jobriver.api.instances import company_api

urlpatterns = [
    path("api/v1/", company_api.urls),
    path("admin/", admin.site.urls),
]
