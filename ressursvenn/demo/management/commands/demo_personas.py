"""`manage.py demo_personas`: how to log in as each demo persona (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ressursvenn.accounts.models import Role
from ressursvenn.demo import seed

OTP_COMMAND = ".venv/bin/python manage.py demo_otp"


class Command(BaseCommand):
    help = "Print the demo personas with e-mail, password and authenticator secret."

    def handle(self, *args: Any, **options: Any) -> None:
        seed.refuse_in_production()
        personas = seed.demo_personas()
        if not personas:
            self.stdout.write(
                "No demo personas found. Create them with `.venv/bin/python manage.py seed_demo` "
                "(or `make run`, which seeds an empty database)."
            )
            return
        site = settings.SITE_URL
        write = self.stdout.write
        write("")
        write("Ressursvenn demo personas (demo data only; the secrets below are public)")
        write(f"  1. Open {site} and log in with an e-mail address and the password below.")
        write("  2. For the six-digit code, run the persona's demo_otp command in a second")
        write("     terminal, or add the TOTP secret to an authenticator app. A code works once;")
        write("     if it was just used, wait for the next one (every 30 seconds).")
        write(f"  Password for every persona: {seed.DEMO_PASSWORD}")
        for persona in personas:
            roles: dict[str, list[str]] = {}
            for role, organisation in persona.roles:
                roles.setdefault(role, []).append(organisation)
            write("")
            for role, organisations in roles.items():
                write(f"{Role(role).label}: {', '.join(organisations)}")
            write(f"  name:        {persona.user.full_name}")
            write(f"  e-mail:      {persona.user.email}")
            write(f"  password:    {seed.DEMO_PASSWORD}")
            write(f"  TOTP secret: {seed.base32_secret(persona.device)}")
            write(f"  code now:    {OTP_COMMAND} {persona.user.email}")
        write("")
