"""Print a demo user's current code, so a newcomer needs no phone."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from safepassage.accounts.models import Authenticator
from safepassage.accounts.twofactor import qr_code_terminal


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a user, or the QR code of their "
        "authenticator with --qr. Development mode only: in production this "
        "command refuses to run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--qr", action="store_true", help="print the QR code to scan")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_ALLOWED:
            raise CommandError("`totp` only works in development mode.")
        device = (
            Authenticator.objects.filter(user__username=options["username"], confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError(f"{options['username']!r} has no authenticator.")
        if options["qr"]:
            self.stdout.write(qr_code_terminal(device))
            return
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        remaining = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}  (valid for {remaining} more seconds)")
