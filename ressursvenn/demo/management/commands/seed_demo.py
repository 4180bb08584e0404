"""`manage.py seed_demo [--if-empty] [--seed N]`: create the demo data (development only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ressursvenn.demo import seed
from ressursvenn.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Create demo organisations, personas that can log in, volunteers, courses, referrals, "
        "matches and their follow-up (not production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any organisation exists already.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=seed.DEFAULT_SEED,
            help=f"Seed for the generated names and dates (default {seed.DEFAULT_SEED}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed.refuse_in_production()
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("seed_demo: organisations exist already; no demo data created.")
            return
        summary = seed.seed_demo(seed=options["seed"])
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write("Log-in details: `manage.py demo_personas`.")
