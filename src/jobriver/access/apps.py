from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "jobriver.access"
    label = "access"
    verbose_name = _("API access")

    def ready(self) -> None:
        from jobriver.access.addresses import check_trusted_proxies
        from jobriver.access.counters import get_counters

        # Checked at start-up, because a bad entry would otherwise turn every request into a 500.
        check_trusted_proxies()
        # The backend is chosen once per process, from REDIS_URL.
        get_counters()
