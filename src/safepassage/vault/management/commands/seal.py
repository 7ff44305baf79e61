"""`safepassage seal`: end every session and drop every key, now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from safepassage.vault.seal import restart_workers, seal_vault


class Command(BaseCommand):
    help = (
        "Seal the vault: every session ends and the server's worker processes are "
        "replaced, so no unwrapped key stays in memory. Data stays intact; people "
        "log in again to read. The running server can also be sealed with a signal: "
        "kill -PWR $(cat DATA_DIR/serve.pid)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ended = seal_vault(by="cli", reason="command")
        pid_file = settings.DATA_DIR / "serve.pid"
        restarted = False
        if pid_file.exists():
            try:
                restarted = restart_workers(int(pid_file.read_text().strip()))
            except ValueError:
                restarted = False
        self.stdout.write(f"Vault sealed: {ended} sessions ended.")
        if restarted:
            self.stdout.write("The server's worker processes are being replaced.")
