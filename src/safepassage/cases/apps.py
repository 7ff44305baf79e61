from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "safepassage.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from safepassage.cases import retention

        # Retention runs on the jobs app's runner (the command line, serve's daily run).
        retention.register_kind()
