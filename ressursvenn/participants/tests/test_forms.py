"""The referral form: a single branch preselected, compact language lists, the "first name
only" check, and names and texts without invisible characters (issue 8, items 15 and 4)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ressursvenn.conftest import World
from ressursvenn.lib.vocabulary import Language
from ressursvenn.participants.forms import (
    COMMON_LANGUAGES,
    FULL_NAME_MESSAGE,
    ReasonForm,
    ReferralForm,
)
from ressursvenn.participants.tests.test_views import _valid_post
from ressursvenn.tests import factories

INVISIBLE = "Teksten inneholder usynlige tegn"


def _form(world: World, **extra: Any) -> ReferralForm:
    return ReferralForm(_valid_post(world, **extra), user=world.staff)


# --- branch ----------------------------------------------------------------------------------


def test_the_only_cooperating_branch_is_preselected(world: World) -> None:
    form = ReferralForm(user=world.staff)
    assert form["branch"].value() == world.branch.pk
    assert re.search(rf'<option value="{world.branch.pk}" selected>', str(form["branch"]))


def test_with_two_branches_none_is_preselected(world: World) -> None:
    factories.cooperation(factories.branch("Bærum Sanitetsforening", "3201"), world.centre)
    form = ReferralForm(user=world.staff)
    assert form["branch"].value() is None


def test_a_draft_keeps_its_branch(world: World) -> None:
    draft = factories.referral(world.centre, world.branch, status="draft", contact=world.staff)
    factories.cooperation(factories.branch("Bærum Sanitetsforening", "3201"), world.centre)
    assert ReferralForm(user=world.staff, instance=draft)["branch"].value() == world.branch.pk


# --- languages -------------------------------------------------------------------------------


def _values(html: str) -> list[str]:
    return re.findall(r'name="languages" value="([^"]+)"', html)


def test_common_languages_first_and_the_rest_behind_a_disclosure(world: World) -> None:
    html = str(ReferralForm(user=world.staff)["languages"])
    shown, hidden = html.split('<details class="ds-details choice-more">')
    assert _values(shown) == [str(code) for code in COMMON_LANGUAGES]
    assert "<summary>Flere språk</summary>" in hidden
    assert _values(hidden) == [code for code in Language.values if code not in COMMON_LANGUAGES]
    # Each option keeps its label, so the form stays usable and accessible.
    assert '<label class="ds-label" data-weight="regular" for="id_languages_0">Norsk</label>' in (
        shown
    )


def test_disclosure_is_open_when_a_hidden_language_is_chosen(world: World) -> None:
    common = str(_form(world, languages=["nb", "so"])["languages"])
    rare = str(_form(world, languages=["nb", "th"])["languages"])
    assert '<details class="ds-details choice-more">' in common
    assert '<details class="ds-details choice-more" open>' in rare
    assert re.search(r'value="th" id="id_languages_\d+" checked', rare)


def test_every_language_is_still_accepted(world: World) -> None:
    form = _form(world, languages=Language.values, required_languages=["th"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["languages"] == Language.values
    assert form.cleaned_data["required_languages"] == ["th"]


def test_an_unknown_language_is_refused(world: World) -> None:
    form = _form(world, languages=["xx"])
    assert form.errors["languages"] == ["Velg bare blant valgene i listen."]


# --- first name only -------------------------------------------------------------------------


def test_a_full_name_asks_for_confirmation(world: World) -> None:
    form = _form(world, first_name="Solveig Hansen")
    assert form.errors["first_name"] == [str(FULL_NAME_MESSAGE)]
    assert FULL_NAME_MESSAGE.startswith("Det ser ut som et fullt navn")
    assert form.asks_name_confirmation


def test_confirmed_first_name_with_a_space_passes(world: World) -> None:
    form = _form(world, first_name="Anne  Marie", first_name_confirmed="on")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_name"] == "Anne Marie"
    assert "first_name_confirmed" not in form.referral_fields()


def test_a_single_name_needs_no_confirmation(world: World) -> None:
    form = _form(world, first_name="Solveig")
    assert form.is_valid(), form.errors
    assert not form.asks_name_confirmation


def test_a_drafts_confirmed_name_is_not_asked_again(world: World) -> None:
    draft = factories.referral(
        world.centre, world.branch, status="draft", contact=world.staff, first_name="Anne Marie"
    )
    form = ReferralForm(
        _valid_post(world, first_name="Anne Marie"), user=world.staff, instance=draft
    )
    assert form.is_valid(), form.errors


# --- invisible characters (item 4) -----------------------------------------------------------


@pytest.mark.parametrize("name", ["Amina\u202e", "Am\u200bina", "\u202eanimA"])
def test_first_name_with_bidi_or_zero_width_characters_is_refused(world: World, name: str) -> None:
    form = _form(world, first_name=name, first_name_confirmed="on")
    assert not form.is_valid()
    assert form.errors["first_name"][0].startswith(INVISIBLE)


def test_names_are_normalised_to_nfc(world: World) -> None:
    form = _form(world, first_name="Zoe\u0301")  # e + combining acute
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_name"] == "Zo\u00e9"


def test_notes_keep_line_breaks_but_refuse_invisible_characters(world: World) -> None:
    ok = _form(world, notes="Liker turer.\nSnakker litt norsk.")
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["notes"] == "Liker turer.\nSnakker litt norsk."
    bad = _form(world, notes="Liker\u200b turer.")
    assert bad.errors["notes"][0].startswith(INVISIBLE)


def test_contact_value_refuses_invisible_characters(world: World) -> None:
    form = _form(world, contact_value="912\u200e34567")
    assert form.errors["contact_value"][0].startswith(INVISIBLE)


def test_reason_refuses_invisible_characters() -> None:
    assert ReasonForm({"reason": "Flyttet\u202e"}).errors["reason"][0].startswith(INVISIBLE)
    assert ReasonForm({"reason": "Flyttet.\nTil Bergen."}).is_valid()
