from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "safepassage.intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # The case page reads what a request wrote with our words.
        from safepassage.cases import presenting
        from safepassage.intake import labels

        presenting.register_labels(labels.label)
