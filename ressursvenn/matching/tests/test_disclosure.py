"""Staged disclosure: exactly which facts each role sees on the match page, by match state."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from ressursvenn.conftest import World
from ressursvenn.lib.models import AccessEvent
from ressursvenn.matching import disclosure
from ressursvenn.matching.tests.access_meetings import build_match
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

WOMAN_CONTACT = "+47 912 34 567"
VOLUNTEER_PHONE = "+47 400 11 222"
STATES = ["proposed", "meeting_planned", "cancelled", "active", "paused", "ending", "closed"]
# Contact details are shared after the koblingsmøte led to a match, until the match is closed.
SHARED = {"active", "paused", "ending"}

WOMAN_BASIC = {"first_name", "age_band", "area", "interests", "needs", "availability", "modes"}
WOMAN_CONTACT_KEYS = {"contact_channel", "contact_value", "contact_times", "may_leave_message"}
WOMAN_FULL = {
    "first_name",
    "age",
    "area",
    "languages",
    "required_languages",
    "interpreter",
    "interests",
    "needs",
    "availability",
    "modes",
    "children",
} | WOMAN_CONTACT_KEYS
VOLUNTEER_FULL = {"full_name", "age", "area", "interests", "offers", "email", "phone"}


def expected(viewer: str, state: str) -> tuple[set[str], set[str]]:
    held = state in SHARED
    if viewer == "leader":
        return WOMAN_FULL, VOLUNTEER_FULL
    if viewer == "staff":
        return WOMAN_FULL, {"first_name", "age_band"} | ({"email", "phone"} if held else set())
    # A paused match (for safety) hides her contact ways from the volunteer.
    sees_contact = held and state != "paused"
    return WOMAN_BASIC | (WOMAN_CONTACT_KEYS if sees_contact else set()), set()


def _fields(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'data-field="{prefix}-([a-z_]+)"', html))


def _match(world: World, state: str, **referral: Any) -> Any:
    Volunteer.objects.filter(user=world.volunteer).update(phone=VOLUNTEER_PHONE)
    match = build_match(world, status=state)
    for name, value in referral.items():
        setattr(match.referral, name, value)
    match.referral.save()
    return match


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", ["leader", "staff", "volunteer"])
def test_each_role_sees_exactly_what_the_stage_allows(
    world: World, as_user: Any, viewer: str, state: str
) -> None:
    match = _match(world, state)
    response = as_user(getattr(world, viewer)).get(
        reverse("matching:match_detail", args=[match.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    woman, volunteer = expected(viewer, state)
    assert _fields(html, "woman") == woman
    assert _fields(html, "volunteer") == volunteer
    assert (WOMAN_CONTACT in html) == ("contact_value" in woman)
    assert (VOLUNTEER_PHONE in html) == ("phone" in volunteer)
    assert (world.volunteer.email in html) == ("email" in volunteer)
    assert ("Vera Venn" in html) == ("full_name" in volunteer)
    assert "Amina" in html  # her first name is always part of the match


@pytest.mark.parametrize("viewer", ["volunteer", "staff", "leader"])
def test_via_centre_shows_only_that(world: World, as_user: Any, viewer: str) -> None:
    match = _match(world, "active", contact_channel="via_centre")
    html = (
        as_user(getattr(world, viewer))
        .get(reverse("matching:match_detail", args=[match.pk]))
        .content.decode()
    )
    woman = _fields(html, "woman")
    assert "contact_channel" in woman
    assert woman & {"contact_value", "contact_times", "may_leave_message"} == set()
    assert WOMAN_CONTACT not in html
    assert "Bare gjennom krisesenteret" in html


def test_the_page_logs_access_to_both_records(world: World, as_user: Any) -> None:
    match = _match(world, "active")
    as_user(world.staff).get(reverse("matching:match_detail", args=[match.pk]))
    logged = set(AccessEvent.objects.values_list("object_type", "object_id", "user_id", "role"))
    assert logged == {
        ("participants.referral", str(match.referral_id), world.staff.pk, "crisis_staff"),
        ("volunteers.volunteer", str(match.volunteer_id), world.staff.pk, "crisis_staff"),
    }


def test_the_volunteer_viewing_logs_only_the_woman(world: World, as_user: Any) -> None:
    match = _match(world, "proposed")
    as_user(world.volunteer).get(reverse("matching:match_detail", args=[match.pk]))
    assert list(AccessEvent.objects.values_list("object_type", flat=True)) == [
        "participants.referral"
    ]


@pytest.mark.parametrize("outsider", ["other_leader", "other_staff", "other_volunteer"])
def test_nobody_else_sees_anything(world: World, as_user: Any, outsider: str) -> None:
    match = _match(world, "active")
    response = as_user(getattr(world, outsider)).get(
        reverse("matching:match_detail", args=[match.pk])
    )
    assert response.status_code == 404
    html = response.content.decode()
    assert "Amina" not in html
    assert WOMAN_CONTACT not in html
    assert VOLUNTEER_PHONE not in html
    assert disclosure.disclose(getattr(world, outsider), match) is None
    assert AccessEvent.objects.count() == 0
