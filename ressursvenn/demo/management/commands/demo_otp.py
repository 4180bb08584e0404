"""`manage.py demo_otp EMAIL`: the current six-digit code of a demo persona (development only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ressursvenn.demo import seed


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo persona (…@demo.ressursvenn.no)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The demo persona's e-mail address.")

    def handle(self, *args: Any, **options: Any) -> None:
        device = seed.persona_device(options["email"])
        self.stdout.write(seed.current_code(device))
        self.stdout.write(
            f"(valid for about {seed.seconds_left(device)} more seconds; each code works once)"
        )
