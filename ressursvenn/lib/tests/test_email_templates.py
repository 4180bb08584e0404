"""No e-mail can carry a name, place, note or detail: every e-mail template, rendered with a
context where every variable holds a canary, prints only a link, a count or yes/no flags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"
CANARY = "KANARI-Amina-Tøyen-notat"
# What an e-mail may print: where to go, and how many.
ALLOWED = {
    "link": "https://ressursvenn.example.no/x/",
    "site_url": "https://ressursvenn.example.no",
}
NUMBERS = {"count", "counter", "total", "days", "hours"}
# ... and until when a link works (a date about the link, not about her).
DATES = {"expires_on": "17. desember"}


class Poisoned(dict[str, Any]):
    """Every name a template asks for exists; all but the allowed ones hold the canary."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        if key in ALLOWED:
            return ALLOWED[key]
        if key in NUMBERS:
            return 2
        if key in DATES:
            return DATES[key]
        return CANARY


@pytest.mark.parametrize(
    "name", sorted(path.name for path in TEMPLATES.glob("*.txt")), ids=lambda name: name
)
def test_no_email_template_prints_a_value_about_someone(name: str) -> None:
    text = render_to_string(f"emails/{name}", Poisoned())
    assert CANARY not in text
    subject = text.strip().partition("\n")[0]
    assert subject.strip(), f"{name}: the first line is the subject"


def test_the_check_would_catch_a_template_that_prints_a_name() -> None:
    from django.template import engines

    template = engines["django"].from_string("Hei {{ first_name }}, se {{ link }}")
    assert template.render(Poisoned()) == f"Hei {CANARY}, se {ALLOWED['link']}"
