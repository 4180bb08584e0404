"""One text field for every name and short text: NFC, no invisible or direction characters.

A name with a right-to-left override (U+202E) or zero-width characters displays as something
else than it is, so a name can be spoofed. Every name and short text, in forms and in the
volunteer import, goes through `clean_text`: it normalises to NFC and refuses control
characters (Cc), format characters (Cf: bidi overrides and isolates, zero-width space and
joiners, the byte-order mark, soft hyphen), surrogates, private-use and unassigned code points.
Multi-line text keeps line breaks and tabs.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
LINE_CHARACTERS = {"\n", "\r", "\t"}

MESSAGE = _(
    "Teksten inneholder usynlige tegn eller tegn som snur skriveretningen. "
    "Skriv den inn på nytt uten å lime inn fra et annet sted."
)


def refused_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The code points in `value` that a name or text may not hold, as U+XXXX."""
    allowed = LINE_CHARACTERS if multiline else set()
    return [
        f"U+{ord(char):04X}"
        for char in value
        if unicodedata.category(char) in REFUSED_CATEGORIES and char not in allowed
    ]


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` in NFC with surrounding white space removed; ValidationError if it holds a
    refused character (see the module docstring)."""
    normalised = unicodedata.normalize("NFC", value)
    if refused_characters(normalised, multiline=multiline):
        raise ValidationError(MESSAGE, code="invisible_characters")
    return normalised.strip()


class CleanCharField(forms.CharField):
    """A CharField (names, short text, and with `multiline=True` a text area) through
    `clean_text`."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        if multiline:
            kwargs.setdefault("widget", forms.Textarea)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return text
        return clean_text(text, multiline=self.multiline)
