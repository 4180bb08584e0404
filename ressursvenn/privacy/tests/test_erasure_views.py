"""The erasure pages: what they say, who may use them, bad input, and the pages that show an
erased person afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World, login
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.participants.models import Referral
from ressursvenn.privacy.tests import canary
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

VALID = {"reason": "own_request", "confirm": "on"}
SESSIONS = ("django_session",)  # each request rewrites the client's session


def _referral(world: World, status: str = "closed") -> Referral:
    referral: Referral = factories.referral(
        world.centre, world.branch, status=status, contact=world.staff, first_name="Amina"
    )
    return referral


def _volunteer(world: World, status: str = "ended") -> Volunteer:
    user: Any = factories.UserFactory(email="siv@example.no", full_name="Siv Sluttet")
    Membership.objects.create(user=user, organisation=world.branch, role=Role.VOLUNTEER)
    return factories.volunteer(world.branch, user=user, status=status)


def woman_url(referral: Referral) -> str:
    return reverse("privacy:erase_woman", args=[referral.pk])


def volunteer_url(volunteer: Volunteer) -> str:
    return reverse("privacy:erase_volunteer", args=[volunteer.pk])


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_the_page_says_what_is_erased_and_kept_and_logs_the_view(
    world: World, mail_queue: Any, client: Client, who: str
) -> None:
    story = canary.story(world)
    user = getattr(world, who)
    login(client, user)
    views = AccessEvent.objects.filter(object_id=str(story.referral.pk)).count()
    response = client.get(woman_url(story.referral))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dette slettes" in page
    assert "Henvisninger" in page or "henvisning" in page
    assert 'data-kind="participants.referral"' in page
    assert 'data-kind="surveys.surveylink"' in page
    assert "Slettes helt" in page
    assert "Dette beholdes for statistikken" in page
    assert "Det kan ikke angres" in page
    assert 'name="reason"' in page
    assert 'name="confirm"' in page
    assert f"henvisning {story.referral.pk}" in page
    assert AccessEvent.objects.filter(object_id=str(story.referral.pk)).count() == views + 1


def test_the_volunteer_page_says_her_account_goes_too(world: World, client: Client) -> None:
    volunteer = _volunteer(world)
    login(client, world.leader)
    response = client.get(volunteer_url(volunteer))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Brukerkontoen hennes stenges" in page
    assert 'data-kind="volunteers.volunteer"' in page
    assert 'data-kind="accounts.user"' in page
    assert "Siv Sluttet, ressursvenn nr." in page


def test_an_open_match_shows_what_to_do_first_and_no_form(world: World, client: Client) -> None:
    referral = _referral(world, "matched")
    factories.match(referral, world.volunteer.volunteer, status="active")
    login(client, world.staff)
    response = client.get(woman_url(referral))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hun har en aktiv kobling. Avslutt koblingen først." in page
    assert 'name="reason"' not in page
    response = client.post(woman_url(referral), VALID)
    assert response.status_code == 400
    assert "Hun har en aktiv kobling. Avslutt koblingen først." in response.content.decode()
    referral.refresh_from_db()
    assert referral.anonymised_at is None


# --- erasing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_erasing_a_woman_redirects_to_the_referrals_with_a_message(
    world: World, client: Client, who: str
) -> None:
    referral = _referral(world)
    login(client, getattr(world, who))
    response = client.post(woman_url(referral), VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:list")
    assert _messages(response) == [f"Personopplysningene i henvisning {referral.pk} er slettet."]
    referral.refresh_from_db()
    assert (referral.first_name, referral.anonymised_at is not None) == ("Anonymisert", True)
    # The pages that show her afterwards still work, without her name.
    listing = client.get(reverse("participants:list"), {"status": "closed"})
    assert listing.status_code == 200
    assert "Amina" not in listing.content.decode()
    detail = client.get(reverse("participants:detail", args=[referral.pk]))
    assert detail.status_code == 200
    assert "Amina" not in detail.content.decode()
    again = client.get(woman_url(referral))
    assert again.status_code == 200
    assert "ble slettet" in again.content.decode()
    assert 'name="reason"' not in again.content.decode()


def test_erasing_a_volunteer_redirects_to_the_volunteers(world: World, client: Client) -> None:
    volunteer = _volunteer(world)
    login(client, world.leader)
    response = client.post(volunteer_url(volunteer), {"reason": "other", "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:pipeline")
    assert _messages(response) == [
        f"Personopplysningene om ressursvenn nr. {volunteer.pk} er slettet."
    ]
    volunteer.refresh_from_db()
    assert volunteer.anonymised_at is not None
    listing = client.get(reverse("volunteers:pipeline"), {"status": "ended"})
    assert listing.status_code == 200
    assert "Siv Sluttet" not in listing.content.decode()
    detail = client.get(reverse("volunteers:detail", args=[volunteer.pk]))
    assert detail.status_code == 200
    assert "Siv Sluttet" not in detail.content.decode()


def test_a_double_submit_gets_the_clear_message_and_changes_nothing(
    world: World, client: Client
) -> None:
    referral = _referral(world)
    login(client, world.staff)
    assert client.post(woman_url(referral), VALID).status_code == 302
    before = canary.dump(without=SESSIONS)
    response = client.post(woman_url(referral), VALID)
    assert response.status_code == 400
    assert "allerede slettet" in response.content.decode()
    assert canary.dump(without=SESSIONS) == before
    assert AuditEvent.objects.filter(action=AuditAction.PRIVACY_ERASE).count() == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            ["Velg hvorfor opplysningene slettes.", "Kryss av for å bekrefte at du forstår dette."],
        ),
        ({"reason": "own_request"}, ["Kryss av for å bekrefte at du forstår dette."]),
        ({"confirm": "on"}, ["Velg hvorfor opplysningene slettes."]),
        ({"reason": "because", "confirm": "on"}, ["Velg hvorfor opplysningene slettes."]),
    ],
)
def test_malformed_posts_are_refused_next_to_the_field(
    world: World, client: Client, data: dict[str, Any], errors: list[str]
) -> None:
    referral = _referral(world)
    login(client, world.staff)
    before = canary.dump(without=SESSIONS)
    response = client.post(woman_url(referral), data)
    assert response.status_code == 400
    page = response.content.decode()
    for error in errors:
        assert error in page
    assert canary.dump(without=SESSIONS) == before


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_staff", 404), ("other_leader", 404), ("coordinator", 403), ("volunteer", 403)],
)
def test_others_are_refused_a_woman_with_her_data_present(
    world: World, client: Client, who: str, status: int
) -> None:
    referral = _referral(world)
    login(client, getattr(world, who))
    assert client.get(woman_url(referral)).status_code == status
    assert client.post(woman_url(referral), VALID).status_code == status
    referral.refresh_from_db()
    assert (referral.first_name, referral.anonymised_at) == ("Amina", None)
    assert not AccessEvent.objects.filter(object_id=str(referral.pk)).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_leader", 404), ("staff", 403), ("coordinator", 403), ("volunteer", 403)],
)
def test_others_are_refused_a_volunteer_with_her_data_present(
    world: World, client: Client, who: str, status: int
) -> None:
    volunteer = _volunteer(world)
    login(client, getattr(world, who))
    assert client.get(volunteer_url(volunteer)).status_code == status
    assert client.post(volunteer_url(volunteer), VALID).status_code == status
    volunteer.refresh_from_db()
    assert (volunteer.full_name, volunteer.anonymised_at) == ("Siv Sluttet", None)


def test_a_volunteer_may_not_erase_herself_here(world: World, client: Client) -> None:
    login(client, world.volunteer)
    own = world.volunteer.volunteer
    assert client.post(volunteer_url(own), VALID).status_code == 403
    own.refresh_from_db()
    assert own.anonymised_at is None


def test_a_missing_person_is_404(world: World, client: Client) -> None:
    login(client, world.staff)
    assert client.get(reverse("privacy:erase_woman", args=[999999])).status_code == 404
    login(client, world.leader)
    assert client.post(reverse("privacy:erase_volunteer", args=[999999]), VALID).status_code == 404


@pytest.mark.parametrize("who", ["leader", "staff"])
def test_the_pages_that_show_her_through_the_match_still_work(
    world: World, mail_queue: Any, client: Client, who: str
) -> None:
    story = canary.story(world, volunteer_next="end")
    login(client, world.staff)
    assert client.post(woman_url(story.referral), VALID).status_code == 302
    login(client, world.leader)
    assert client.post(volunteer_url(story.volunteer), VALID).status_code == 302
    login(client, getattr(world, who))
    for url in (
        reverse("matching:match_detail", args=[story.match.pk]),
        reverse("followup:tasks"),
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "KANARI" not in response.content.decode(), url
