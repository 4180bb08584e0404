"""LongSelect renders the same select as Django's, only faster."""

from __future__ import annotations

import re

from django import forms

from ressursvenn.lib.widgets import LongSelect

CHOICES = [("", "Alle"), ("1", "Åse <Ø>"), ("2", "Bodil & co"), ("3", 'Sitat "x"')]


def _normalised(html: str) -> str:
    """Whitespace between tags dropped and the select's attributes in a fixed order."""
    html = re.sub(r">\s+<", "><", str(html)).strip()
    tag, rest = html.split(">", 1)
    attributes = sorted(re.findall(r'[\w-]+="[^"]*"', tag))
    return "<select " + " ".join(attributes) + ">" + rest


def test_same_markup_as_djangos_select() -> None:
    attrs = {"id": "id_user", "class": "ds-input", "aria-describedby": "hint"}
    for value in (None, "", "2", ["3"]):
        ours = LongSelect(choices=CHOICES).render("user", value, attrs=attrs)
        django = forms.Select(choices=CHOICES).render("user", value, attrs=attrs)
        assert _normalised(ours) == _normalised(django)


def test_labels_and_values_are_escaped() -> None:
    html = LongSelect(choices=CHOICES).render("user", "1")
    assert "Åse &lt;Ø&gt;" in html
    assert "<Ø>" not in html
    assert 'value="1" selected' in html
