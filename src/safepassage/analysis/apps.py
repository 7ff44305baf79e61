from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "safepassage.analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from safepassage.analysis import jobs
        from safepassage.vault import stopping

        # The seal page lists the runs and estimates that sealing stops.
        stopping.register(jobs.running_jobs)
