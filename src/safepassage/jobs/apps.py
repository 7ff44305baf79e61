from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "safepassage.jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from safepassage.jobs import status
        from safepassage.vault import stopping

        # The seal page lists every job that sealing stops, of every kind.
        stopping.register(status.running_jobs)
