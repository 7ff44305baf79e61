from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "safepassage.analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from safepassage.analysis import background

        # Linkage runs and estimates run on the jobs app's runner.
        background.register_kinds()
