"""The volunteer's own pages: Min side, her profile and the confidentiality declaration."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ressursvenn.accounts.models import Role, User
from ressursvenn.conftest import World
from ressursvenn.lib.audit import MASK
from ressursvenn.lib.models import AuditEvent
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import ConfidentialityDeclaration, DeclarationText, Volunteer

MINE = "/min-side/"
PROFILE = "/min-side/profil/"
DECLARATION = "/min-side/taushetserklaering/"


def applicant(world: World, status: str = "screening", name: str = "Sara Søker") -> User:
    """A volunteer-role user with her own row in screening, nothing on the checklist yet."""
    user = factories.member(world.branch, Role.VOLUNTEER, full_name=name)
    factories.volunteer(world.branch, user=user, status=status, cleared=False, phone="11223344")
    return user


def profile_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "phone": "+47 400 00 000",
        "languages": ["nb", "ar"],
        "interests": ["baking"],
        "offers": ["housing", "finances"],
        "availability": ["weekends"],
        "modes": ["digital"],
        "max_travel_km": "5",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Min side


def test_mine_shows_her_status_checklist_and_next_steps(as_user: Any, world: World) -> None:
    user = applicant(world)
    response = as_user(user).get(MINE)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Status: Under vurdering. Lokalforening: Oslo Sanitetsforening." in text
    assert "Vi er i gang med å vurdere deg" in text
    titles = [str(item.title) for item in response.context["checklist"]]
    assert titles == [
        "Alder",
        "Kvinne (egenerklæring)",
        "Politiattest",
        "Opplæringskurs",
        "Taushetserklæring",
        "Egnethetssamtale",
    ]
    assert 'href="/min-side/taushetserklaering/">Les og signer' in text
    assert 'href="/min-side/profil/"' in text
    # Nobody else's data.
    assert "Vera Venn" not in text
    assert "Vilde Venn" not in text


def test_mine_for_an_approved_volunteer_who_has_signed(as_user: Any, world: World) -> None:
    text = as_user(world.volunteer).get(MINE).content.decode()
    assert "Du er godkjent som ressursvenn." in text
    assert "Du har signert gjeldende taushetserklæring." in text
    assert "Les og signer" not in text


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        ("applied", "Søknaden din er mottatt."),
        ("paused", "Du har pause som ressursvenn."),
        ("ended", "Du er ikke lenger aktiv som ressursvenn."),
        ("withdrawn", "Du er ikke lenger aktiv som ressursvenn."),
    ],
)
def test_mine_says_what_comes_next_per_status(
    as_user: Any, world: World, status: str, phrase: str
) -> None:
    user = applicant(world, status=status)
    text = as_user(user).get(MINE).content.decode()
    assert phrase in text
    assert ("Les og signer" in text) == (status in ("applied", "paused"))


def test_mine_query_count_does_not_depend_on_her_records(
    as_user: Any, world: World, django_assert_num_queries: Any
) -> None:
    user = applicant(world)
    client = as_user(user)
    client.get(MINE)  # warm the session
    volunteer = Volunteer.objects.get(user=user)
    _sign_other_version(volunteer, world, 1)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(MINE).status_code == 200
    for number in (2, 3, 4):
        _sign_other_version(volunteer, world, number)
    with django_assert_num_queries(len(one_row.captured_queries)):
        assert client.get(MINE).status_code == 200


def _sign_other_version(volunteer: Volunteer, world: World, number: int) -> None:
    text = DeclarationText.objects.create(
        version=100 + number, text="x", published_on=datetime.date(2030, 1, number)
    )
    ConfidentialityDeclaration.objects.create(
        volunteer=volunteer,
        text=text,
        method="paper",
        signed_on=timezone.localdate(),
        recorded_by=world.leader,
    )


@pytest.mark.parametrize("role", ["coordinator", "leader", "other_leader", "staff", "other_staff"])
def test_staff_are_refused_every_self_service_page(as_user: Any, world: World, role: str) -> None:
    applicant(world)
    client = as_user(getattr(world, role))
    for url in (MINE, PROFILE, DECLARATION):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Sara Søker" not in response.content.decode()
        assert "11223344" not in response.content.decode()


def test_a_volunteer_user_without_a_row_gets_404(as_user: Any, world: World) -> None:
    user = factories.member(world.branch, Role.VOLUNTEER, full_name="Uten Rad")
    applicant(world)
    client = as_user(user)
    for url in (MINE, PROFILE, DECLARATION):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Sara Søker" not in response.content.decode()


def test_another_volunteer_sees_only_her_own(as_user: Any, world: World) -> None:
    applicant(world)
    response = as_user(world.other_volunteer).get(PROFILE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "11223344" not in text
    assert "Sara Søker" not in text
    assert response.context["volunteer"].user == world.other_volunteer


# --- Profile


def test_profile_shows_her_values_and_saves_changes_with_an_audit_event(
    as_user: Any, world: World
) -> None:
    user = applicant(world)
    client = as_user(user)
    form = client.get(PROFILE).context["form"]
    assert form.initial["phone"] == "11223344"
    assert form.initial["languages"] == ["nb"]

    response = client.post(PROFILE, profile_data(capacity="5"), follow=True)

    assert response.redirect_chain == [(MINE, 302)]
    assert "Profilen din er oppdatert." in response.content.decode()
    volunteer = Volunteer.objects.get(user=user)
    assert volunteer.phone == "+47 400 00 000"
    assert volunteer.languages == ["nb", "ar"]
    assert volunteer.interests == ["baking"]
    assert volunteer.offers == ["housing", "finances"]
    assert volunteer.availability == ["weekends"]
    assert volunteer.modes == ["digital"]
    assert volunteer.max_travel_km == 5
    assert volunteer.capacity == 1
    event = AuditEvent.objects.get(action="volunteer.update_own_profile")
    assert event.actor == user
    assert event.changes["phone"] == [MASK, MASK]
    assert event.changes["max_travel_km"] == [MASK, MASK]
    assert "capacity" not in event.changes


def test_saving_again_changes_nothing_and_writes_nothing(as_user: Any, world: World) -> None:
    user = applicant(world)
    client = as_user(user)
    client.post(PROFILE, profile_data())
    events = AuditEvent.objects.count()

    response = client.post(PROFILE, profile_data(), follow=True)

    assert "Ingen endringer å lagre." in response.content.decode()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"modes": None}, "modes", "Velg fysisk oppmøte, digitalt eller begge."),
        ({"languages": ["xx"]}, "languages", "Velg bare blant alternativene"),
        ({"max_travel_km": "mye"}, "max_travel_km", "helt antall kilometer"),
        ({"phone": "abc"}, "phone", "gyldig telefonnummer"),
    ],
)
def test_bad_profile_input_changes_nothing(
    as_user: Any, world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    user = applicant(world)
    response = as_user(user).post(PROFILE, profile_data(**changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    volunteer = Volunteer.objects.get(user=user)
    assert (volunteer.phone, volunteer.modes) == ("11223344", ["in_person", "digital"])
    assert AuditEvent.objects.filter(action="volunteer.update_own_profile").count() == 0


def test_an_ended_volunteer_cannot_change_her_profile(as_user: Any, world: World) -> None:
    user = applicant(world, status="ended")
    response = as_user(user).post(PROFILE, profile_data())

    assert response.status_code == 200
    assert "etter at du har sluttet" in response.content.decode()
    assert Volunteer.objects.get(user=user).phone == "11223344"


# --- Declaration


def test_she_signs_the_current_declaration_in_the_app(as_user: Any, world: World) -> None:
    user = applicant(world)
    client = as_user(user)
    page = client.get(DECLARATION)
    current = DeclarationText.current()
    assert current is not None
    assert f"Versjon {current.version}" in page.content.decode()
    assert "Jeg forteller ikke videre" in page.content.decode()

    response = client.post(DECLARATION, {"version": current.version, "agree": "on"}, follow=True)

    assert response.redirect_chain == [(MINE, 302)]
    assert "Taushetserklæringen er signert." in response.content.decode()
    declaration = ConfidentialityDeclaration.objects.get(volunteer__user=user)
    assert declaration.method == ConfidentialityDeclaration.Method.IN_APP
    assert declaration.recorded_by == user
    assert declaration.text == current
    assert declaration.signed_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="volunteer.sign_declaration", actor=user).count() == 1
    assert "Du har signert gjeldende taushetserklæring." in response.content.decode()


def test_signing_twice_says_so_and_stores_one(as_user: Any, world: World) -> None:
    user = applicant(world)
    client = as_user(user)
    current = DeclarationText.current()
    assert current is not None
    client.post(DECLARATION, {"version": current.version, "agree": "on"})

    response = client.post(DECLARATION, {"version": current.version, "agree": "on"}, follow=True)

    assert "Du har allerede signert denne versjonen" in response.content.decode()
    assert ConfidentialityDeclaration.objects.filter(volunteer__user=user).count() == 1
    page = client.get(DECLARATION).content.decode()
    assert "Du signerte denne versjonen" in page
    assert 'name="agree"' not in page


def test_without_the_tick_nothing_is_signed(as_user: Any, world: World) -> None:
    user = applicant(world)
    current = DeclarationText.current()
    assert current is not None
    response = as_user(user).post(DECLARATION, {"version": current.version})

    assert response.status_code == 200
    assert response.context["form"].errors["agree"] == [
        "Kryss av for at du har lest og godtar erklæringen."
    ]
    assert ConfidentialityDeclaration.objects.filter(volunteer__user=user).count() == 0


def test_a_stale_page_with_an_older_version_signs_nothing(as_user: Any, world: World) -> None:
    user = applicant(world)
    old = DeclarationText.current()
    assert old is not None
    DeclarationText.objects.create(
        version=old.version + 1, text="Ny tekst", published_on=timezone.localdate()
    )

    response = as_user(user).post(DECLARATION, {"version": old.version, "agree": "on"}, follow=True)

    assert response.redirect_chain == [(DECLARATION, 302)]
    assert "Teksten er endret siden du åpnet siden." in response.content.decode()
    assert "Ny tekst" in response.content.decode()
    assert ConfidentialityDeclaration.objects.filter(volunteer__user=user).count() == 0


def test_a_forged_version_is_a_form_error(as_user: Any, world: World) -> None:
    user = applicant(world)
    response = as_user(user).post(DECLARATION, {"version": "abc", "agree": "on"})
    assert response.status_code == 200
    assert ConfidentialityDeclaration.objects.filter(volunteer__user=user).count() == 0


def test_a_new_version_asks_an_approved_volunteer_to_sign_again(as_user: Any, world: World) -> None:
    old = DeclarationText.current()
    assert old is not None
    DeclarationText.objects.create(
        version=old.version + 1, text="Ny tekst", published_on=timezone.localdate()
    )
    text = as_user(world.volunteer).get(MINE).content.decode()
    assert "Les og signer taushetserklæringen" in text


def test_an_ended_volunteer_cannot_sign(as_user: Any, world: World) -> None:
    user = applicant(world, status="ended")
    current = DeclarationText.current()
    assert current is not None
    response = as_user(user).post(
        DECLARATION, {"version": current.version, "agree": "on"}, follow=True
    )
    assert "Du kan ikke signere etter at du har sluttet" in response.content.decode()
    assert ConfidentialityDeclaration.objects.filter(volunteer__user=user).count() == 0


# --- issue 8, items 9 and 18 ------------------------------------------------------------------

WAITING = "Gruppelederen tar kontakt når det er en kvinne som passer med deg."


def test_an_approved_volunteer_without_a_match_is_told_to_wait(as_user: Any, world: World) -> None:
    page = as_user(world.volunteer).get(MINE).content.decode()
    assert WAITING in page


@pytest.mark.parametrize("status", ["proposed", "meeting_planned", "active", "paused"])
def test_a_matched_volunteer_is_not_told_to_wait(as_user: Any, world: World, status: str) -> None:
    referral = factories.referral(world.centre, world.branch, status="matched")
    factories.match(referral, world.volunteer.volunteer, status=status)
    page = as_user(world.volunteer).get(MINE).content.decode()
    assert WAITING not in page
    assert "Du er godkjent som ressursvenn og har en kobling." in page


def test_a_closed_match_does_not_count(as_user: Any, world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="closed")
    factories.match(referral, world.volunteer.volunteer, status="closed")
    assert WAITING in as_user(world.volunteer).get(MINE).content.decode()


def test_an_applicant_is_not_told_to_wait_for_a_woman(as_user: Any, world: World) -> None:
    page = as_user(applicant(world)).get(MINE).content.decode()
    assert WAITING not in page


def test_the_checklist_uses_one_word_for_met_requirements(as_user: Any, world: World) -> None:
    mine = as_user(world.volunteer).get(MINE).content.decode()
    assert "Oppfylt" in mine
    assert "På plass" not in mine


def test_the_declaration_is_shown_as_paragraphs_and_a_list(as_user: Any, world: World) -> None:
    page = as_user(applicant(world)).get(DECLARATION).content.decode()
    assert (
        '<p class="ds-paragraph">Som ressursvenn får jeg vite ting om kvinnen jeg blir koblet med, '
        "om hennes familie og om andre frivillige. Jeg lover å behandle alt dette fortrolig.</p>"
    ) in page
    assert (
        "<li>Jeg legger ikke ut bilder, steder eller annet om kvinnen eller møtene våre i "
        "sosiale medier.</li>"
    ) in page
    assert "hun\n" not in page
    assert "<br>" not in page.split("<main", 1)[1]
    # The signed text itself is unchanged (its version is what she signs).
    assert "hvor hun\n   bor" in DeclarationText.current().text  # type: ignore[union-attr]


def test_paragraph_blocks_of_a_text() -> None:
    from ressursvenn.volunteers.templatetags.declaration_text import as_paragraphs, blocks

    text = "Første linje\nfortsetter.\n\n3. Punkt tre\n   går videre.\n4. Fire <b>\n\nSlutt."
    assert [(b.numbered, b.start, b.items) for b in blocks(text)] == [
        (False, 1, ["Første linje fortsetter."]),
        (True, 3, ["Punkt tre går videre.", "Fire <b>"]),
        (False, 1, ["Slutt."]),
    ]
    assert as_paragraphs(text) == (
        '<p class="ds-paragraph">Første linje fortsetter.</p>'
        '<ol class="ds-list" start="3"><li>Punkt tre går videre.</li><li>Fire &lt;b&gt;</li></ol>'
        '<p class="ds-paragraph">Slutt.</p>'
    )
