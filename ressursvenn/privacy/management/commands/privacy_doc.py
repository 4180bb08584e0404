"""Write docs/privacy.md from the data inventory, or check that it is current.

    manage.py privacy_doc                 # writes docs/privacy.md
    manage.py privacy_doc --check         # exits 1 when docs/privacy.md differs from the inventory
    manage.py privacy_doc --output PATH   # another file (either mode)

The text is the same wherever it is built: bokmål, the settings' default values
(`privacy/doc.py`).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ressursvenn.privacy import doc

DIFF_LINES = 40


def default_output() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "privacy.md"


class Command(BaseCommand):
    help = "Write docs/privacy.md from the data inventory (--check: fail when it is stale)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero when the file differs from the inventory.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="The file to write or check (default: docs/privacy.md).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or default_output()
        text = doc.build()
        if options["check"]:
            self.check_file(output, text)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output} ({len(doc.INVENTORY)} models).")

    def check_file(self, output: Path, text: str) -> None:
        if not output.exists():
            raise CommandError(f"{output} does not exist: run `python manage.py privacy_doc`.")
        current = output.read_text(encoding="utf-8")
        if current == text:
            self.stdout.write(f"{output} is current.")
            return
        diff = list(
            difflib.unified_diff(
                current.splitlines(),
                text.splitlines(),
                fromfile=str(output),
                tofile="from the inventory",
                lineterm="",
            )
        )
        shown = "\n".join(diff[:DIFF_LINES])
        more = f"\n… ({len(diff) - DIFF_LINES} more diff lines)" if len(diff) > DIFF_LINES else ""
        raise CommandError(
            f"{output} is stale: it differs from the data inventory "
            f"(ressursvenn/privacy/inventory.py). Run `python manage.py privacy_doc` and commit "
            f"the result.\n{shown}{more}"
        )
