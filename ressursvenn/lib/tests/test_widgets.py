"""LongSelect renders the same select as Django's, only faster."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from ressursvenn.lib.widgets import LongSelect, LongSelectMultiple

CHOICES = [("", "Alle"), ("1", "Åse <Ø>"), ("2", "Bodil & co"), ("3", 'Sitat "x"')]


def _normalised(html: str) -> str:
    """Whitespace between tags dropped and the select's attributes in a fixed order."""
    html = re.sub(r">\s+<", "><", str(html)).strip()
    tag, rest = html.split(">", 1)
    attributes = sorted(re.findall(r'[\w-]+(?:="[^"]*")?', tag.removeprefix("<select")))
    return "<select " + " ".join(attributes) + ">" + rest


def test_same_markup_as_djangos_select() -> None:
    attrs = {"id": "id_user", "class": "ds-input", "aria-describedby": "hint"}
    for value in (None, "", "2", ["3"]):
        ours = LongSelect(choices=CHOICES).render("user", value, attrs=attrs)
        django = forms.Select(choices=CHOICES).render("user", value, attrs=attrs)
        assert _normalised(ours) == _normalised(django)


GROUPED = [
    ("Kommuner", [("0301", "Oslo"), ("1804", "Bodø <N>")]),
    ("Bydeler i Oslo", [("030101", "Gamle Oslo")]),
]


def test_same_markup_as_djangos_for_option_groups_and_multiple() -> None:
    attrs = {"id": "id_areas", "size": 6}
    for value in (None, [], ["0301"], ["1804", "030101"]):
        ours = LongSelectMultiple(choices=GROUPED).render("areas", value, attrs=attrs)
        django = forms.SelectMultiple(choices=GROUPED).render("areas", value, attrs=attrs)
        assert _normalised(ours) == _normalised(django)
    single = LongSelect(choices=GROUPED).render("area", "1804")
    assert _normalised(single) == _normalised(forms.Select(choices=GROUPED).render("area", "1804"))


def test_the_multiple_select_reads_every_submitted_value() -> None:
    from django.http import QueryDict

    data = QueryDict("areas=0301&areas=030101")
    assert LongSelectMultiple().value_from_datadict(data, {}, "areas") == ["0301", "030101"]


def test_labels_and_values_are_escaped() -> None:
    html = LongSelect(choices=CHOICES).render("user", "1")
    assert "Åse &lt;Ø&gt;" in html
    assert "<Ø>" not in html
    assert 'value="1" selected' in html


# --- CommonFirstCheckboxes ---------------------------------------------------------------------

LANGS = [("nb", "Norsk"), ("en", "Engelsk"), ("th", "Thai"), ("x", "<b>&</b>")]


def _widget() -> Any:
    from ressursvenn.lib.widgets import CommonFirstCheckboxes

    return CommonFirstCheckboxes(choices=LANGS, common=["en", "nb"], more_label="Flere språk")


def test_common_choices_first_in_their_order_then_the_rest_in_a_disclosure() -> None:
    html = str(_widget().render("languages", ["en"], attrs={"id": "id_languages"}))
    shown, rest = html.split('<details class="ds-details choice-more">')
    assert re.findall(r'value="(\w+)"', shown) == ["en", "nb"]
    assert re.findall(r'value="(\w+)"', rest) == ["th", "x"]
    assert "<summary>Flere språk</summary>" in rest
    # Ids as Django gives them (by position in the choices), checked only where chosen.
    assert '<input type="checkbox" name="languages" value="en" id="id_languages_1" checked>' in (
        shown
    )
    assert '<input type="checkbox" name="languages" value="nb" id="id_languages_0">' in shown
    assert '<label class="ds-label" data-weight="regular" for="id_languages_2">Thai</label>' in (
        rest
    )
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in rest
    assert "<b>" not in html


def test_disclosure_opens_when_a_hidden_choice_is_selected() -> None:
    html = str(_widget().render("languages", ["th"], attrs={"id": "id_languages"}))
    assert '<details class="ds-details choice-more" open>' in html


def test_no_disclosure_when_every_choice_is_common() -> None:
    from ressursvenn.lib.widgets import CommonFirstCheckboxes

    widget = CommonFirstCheckboxes(choices=LANGS[:2], common=["nb", "en"], more_label="Flere")
    assert "<details" not in str(widget.render("languages", None))


def test_the_widget_reads_the_submitted_list_like_djangos() -> None:
    data = {"languages": ["nb", "th"]}
    from django.utils.datastructures import MultiValueDict

    values = _widget().value_from_datadict(MultiValueDict(data), {}, "languages")
    assert values == forms.CheckboxSelectMultiple().value_from_datadict(
        MultiValueDict(data), {}, "languages"
    )
