from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "safepassage.intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # The case page reads what a request wrote with our words.
        from django.db.models.signals import post_delete

        from safepassage.cases import presenting
        from safepassage.intake import labels, signals
        from safepassage.intake.models import Submission

        presenting.register_labels(labels.label)
        # The contact index names requests by id, with no foreign key.
        post_delete.connect(signals.forget, sender=Submission, dispatch_uid="intake.forget")
