"""The admin site: Jobriver's titles, and model pages at paths of their own.

A ModelAdmin with a `url_path` attribute is served there instead of at
`<app_label>/<model_name>/`, under the same URL names, so every admin
template and `reverse("admin:…")` finds it. Admin tokens use this to live at
/admin/admin-tokens/.
"""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _


class JobriverAdminSite(admin.AdminSite):
    site_header = _("Jobriver administration")
    site_title = _("Jobriver admin")
    index_title = _("Dashboard")

    def get_urls(self) -> list[URLPattern | URLResolver]:
        moved = {
            f"{model._meta.app_label}/{model._meta.model_name}/": model_admin
            for model, model_admin in self._registry.items()
            if getattr(model_admin, "url_path", None)
        }

        urls = []
        for pattern in super().get_urls():
            model_admin = moved.get(str(pattern.pattern))
            if model_admin is None:
                urls.append(pattern)
            else:
                urls.append(path(model_admin.url_path, include(model_admin.urls)))
        return urls
