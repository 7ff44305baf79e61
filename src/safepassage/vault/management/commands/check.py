"""Django's ``check``, saying first which path list pages open values on:
the vault's compiled loop, or Python where it was not built (vault.bulk)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import check

from safepassage.vault import bulk


class Command(check.Command):
    help = (
        "Checks the configuration (add --deploy for the production checklist) and says "
        "whether list pages open values in the vault's compiled loop or in Python."
    )

    def handle(self, *app_labels: Any, **options: Any) -> None:
        self.stdout.write(bulk.accelerator_status())
        super().handle(*app_labels, **options)
