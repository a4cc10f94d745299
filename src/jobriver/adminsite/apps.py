from django.contrib.admin.apps import AdminConfig


class JobriverAdminConfig(AdminConfig):
    """Django's admin app with Jobriver's site as `admin.site`, listed in INSTALLED_APPS in its place."""

    default_site = "jobriver.adminsite.sites.JobriverAdminSite"
