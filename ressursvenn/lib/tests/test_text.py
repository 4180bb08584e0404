"""lib.text: names and short texts in NFC, without invisible or direction-changing characters."""

from __future__ import annotations

import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError

from ressursvenn.lib.text import MESSAGE, CleanCharField, clean_text, refused_characters

REFUSED = {
    "right-to-left override": "\u202e",
    "left-to-right override": "\u202d",
    "right-to-left isolate": "\u2067",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "zero-width non-joiner": "\u200c",
    "byte-order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "null": "\x00",
    "escape": "\x1b",
    "private use": "\ue000",
}


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_invisible_and_direction_characters_are_refused(char: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_text(f"Kari{char}Nordmann")
    assert caught.value.code == "invisible_characters"
    assert caught.value.messages == [str(MESSAGE)]


def test_a_spoofed_name_with_rlo_is_refused_and_named_by_code_point() -> None:
    spoof = "Kari\u202enamdroN"  # displays as "KariNordman", the rest reversed
    assert refused_characters(spoof) == ["U+202E"]
    with pytest.raises(ValidationError):
        clean_text(spoof)


def test_decomposed_a_ring_is_normalised_to_nfc() -> None:
    decomposed = "Ha\u030akon"  # "a" + combining ring above
    assert unicodedata.normalize("NFD", "Håkon") == decomposed
    cleaned = clean_text(decomposed)
    assert cleaned == "Håkon"
    assert len(cleaned) == 5
    assert unicodedata.is_normalized("NFC", cleaned)


def test_surrounding_white_space_is_removed_and_ordinary_text_kept() -> None:
    assert clean_text("  Ærlige Øyvor-Åse O'Neil, 3. etg.  ") == "Ærlige Øyvor-Åse O'Neil, 3. etg."
    assert clean_text("محمد علي") == "محمد علي"  # right-to-left script itself is fine


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\t"], ids=["lf", "crlf", "tab"])
def test_line_breaks_only_with_multiline(brk: str) -> None:
    text = f"Første linje{brk}andre linje"
    with pytest.raises(ValidationError):
        clean_text(text)
    assert clean_text(text, multiline=True) == text


def test_multiline_still_refuses_invisible_characters() -> None:
    with pytest.raises(ValidationError):
        clean_text("Linje\n\u200bto", multiline=True)


class _Form(forms.Form):
    name = CleanCharField(max_length=20)
    note = CleanCharField(multiline=True, required=False)


def test_the_form_field_shows_the_message_next_to_the_field() -> None:
    form = _Form({"name": "Kari\u200b", "note": ""})
    assert not form.is_valid()
    assert form.errors == {"name": [str(MESSAGE)]}


def test_the_form_field_cleans_and_keeps_its_limits() -> None:
    form = _Form({"name": " Ha\u030akon ", "note": "a\nb"})
    assert form.is_valid()
    assert form.cleaned_data == {"name": "Håkon", "note": "a\nb"}
    assert isinstance(_Form().fields["note"].widget, forms.Textarea)
    too_long = _Form({"name": "x" * 21})
    assert not too_long.is_valid()
    assert "name" in too_long.errors


def test_an_empty_optional_value_stays_empty() -> None:
    form = _Form({"name": "Ola", "note": ""})
    assert form.is_valid()
    assert form.cleaned_data["note"] == ""
