"""Guidance groups: members, sessions, attendance and the "guidance this year" overview."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.tests import factories
from ressursvenn.volunteers.actions import guidance as actions
from ressursvenn.volunteers.models import GuidanceAttendance, GuidanceGroup, Volunteer

DAY = datetime.timedelta(days=1)


def _group(world: World) -> GuidanceGroup:
    return actions.create_group(by=world.leader, branch=world.branch, name="Veiledning høst")


def test_members_only_approved_volunteers_of_the_branch(world: World) -> None:
    group = _group(world)
    vera = world.volunteer.volunteer
    actions.set_members(group, by=world.leader, members=[vera])
    assert list(group.members.all()) == [vera]
    applicant = factories.volunteer(world.branch, status="screening", full_name="Sara Søker")
    with pytest.raises(ValidationError):
        actions.set_members(group, by=world.leader, members=[vera, applicant])
    with pytest.raises(ValidationError):
        actions.set_members(group, by=world.leader, members=[world.other_volunteer.volunteer])
    with pytest.raises(PermissionDenied):
        actions.set_members(group, by=world.other_leader, members=[])
    assert list(group.members.all()) == [vera]
    actions.set_members(group, by=world.leader, members=[])
    assert list(group.members.all()) == []


def test_attendance_for_members_only_and_not_before_start(world: World) -> None:
    group = _group(world)
    vera = world.volunteer.volunteer
    actions.set_members(group, by=world.leader, members=[vera])
    past = actions.add_guidance_session(
        group, by=world.leader, starts_at=timezone.now() - DAY, place="Sal 1"
    )
    future = actions.add_guidance_session(
        group, by=world.leader, starts_at=timezone.now() + DAY, place="Sal 1"
    )
    with pytest.raises(ValidationError):
        actions.record_guidance_attendance(future, by=world.leader, attended={vera.pk: True})
    stranger = factories.volunteer(world.branch, full_name="Stine", email="s@e.no")
    with pytest.raises(ValidationError):
        actions.record_guidance_attendance(past, by=world.leader, attended={stranger.pk: True})
    assert GuidanceAttendance.objects.count() == 0
    assert actions.record_guidance_attendance(past, by=world.leader, attended={vera.pk: True}) == 1
    assert actions.record_guidance_attendance(past, by=world.leader, attended={vera.pk: True}) == 0


def test_session_needs_place_or_link_and_sane_date(world: World) -> None:
    group = _group(world)
    with pytest.raises(ValidationError):
        actions.add_guidance_session(group, by=world.leader, starts_at=timezone.now())
    with pytest.raises(ValidationError):
        actions.add_guidance_session(
            group, by=world.leader, starts_at=timezone.now() + 900 * DAY, place="Sal"
        )
    assert group.sessions.count() == 0


def _guided(world: World, volunteer: Volunteer, when: datetime.datetime) -> None:
    group = GuidanceGroup.objects.filter(branch=world.branch).first() or _group(world)
    group.members.add(volunteer)
    session = actions.add_guidance_session(group, by=world.leader, starts_at=when, place="Sal")
    actions.record_guidance_attendance(session, by=world.leader, attended={volunteer.pk: True})


def test_list_shows_who_had_guidance_this_year(world: World, as_user: Any) -> None:
    vera = world.volunteer.volunteer
    nina = factories.volunteer(world.branch, full_name="Nina Ny", email="n@e.no")
    _guided(world, vera, timezone.now() - datetime.timedelta(minutes=5))
    response = as_user(world.leader).get(reverse("volunteers:guidance_groups"))
    rows = {v.full_name: v.guided for v in response.context["page"]}
    assert rows == {vera.full_name: True, nina.full_name: False}
    assert response.context["guided_count"] == 1


def test_other_leader_sees_nothing_of_the_branch(world: World, as_user: Any) -> None:
    group = _group(world)
    actions.set_members(group, by=world.leader, members=[world.volunteer.volunteer])
    client = as_user(world.other_leader)
    page = client.get(reverse("volunteers:guidance_groups")).content.decode()
    assert "Veiledning høst" not in page
    assert "Vera Venn" not in page
    response = client.get(reverse("volunteers:guidance_detail", args=[group.pk]))
    assert response.status_code == 404
    assert "Vera Venn" not in response.content.decode()


def test_leader_uses_the_pages(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    response = client.post(
        reverse("volunteers:guidance_create"), {"branch": world.branch.pk, "name": "Vår"}
    )
    group = GuidanceGroup.objects.get(name="Vår")
    assert response.url == reverse("volunteers:guidance_members", args=[group.pk])
    vera = world.volunteer.volunteer
    client.post(reverse("volunteers:guidance_members", args=[group.pk]), {"members": [vera.pk]})
    assert list(group.members.all()) == [vera]
    yesterday = timezone.localdate() - DAY
    client.post(
        reverse("volunteers:guidance_session_add", args=[group.pk]),
        {"day": yesterday.isoformat(), "start_time": "18:00", "place": "Sal 1"},
    )
    session = group.sessions.get()
    client.post(
        reverse("volunteers:guidance_attendance", args=[session.pk]),
        {"shown": str(vera.pk), f"v{vera.pk}": "on"},
    )
    assert GuidanceAttendance.objects.get(session=session).attended is True
    page = client.get(reverse("volunteers:guidance_detail", args=[group.pk])).content.decode()
    assert "Møtte" in page


def test_create_with_foreign_branch_is_a_form_error(world: World, as_user: Any) -> None:
    response = as_user(world.leader).post(
        reverse("volunteers:guidance_create"), {"branch": world.other_branch.pk, "name": "X"}
    )
    assert response.status_code == 200
    assert GuidanceGroup.objects.count() == 0


def test_guidance_list_query_count_is_constant(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    url = reverse("volunteers:guidance_groups")
    _guided(world, world.volunteer.volunteer, timezone.now() - DAY)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(5):
        person = factories.volunteer(world.branch, full_name=f"P{n}", email=f"p{n}@e.no")
        _guided(world, person, timezone.now() - DAY)
        actions.create_group(by=world.leader, branch=world.branch, name=f"G{n}")
    with CaptureQueriesContext(connection) as several:
        response = client.get(url)
    assert response.context["page"].paginator.count == 6
    assert len(several) == len(one)


def test_list_filters_those_without_guidance(world: World, as_user: Any) -> None:
    vera = world.volunteer.volunteer
    nina = factories.volunteer(world.branch, full_name="Nina Ny", email="n@e.no")
    _guided(world, vera, timezone.now() - datetime.timedelta(minutes=5))
    client = as_user(world.leader)
    url = reverse("volunteers:guidance_groups")
    without = client.get(url, {"show": "uten"})
    assert [v.full_name for v in without.context["page"]] == [nina.full_name]
    assert (without.context["guided_count"], without.context["total"]) == (1, 2)
    guided = client.get(url, {"show": "med"})
    assert [v.full_name for v in guided.context["page"]] == [vera.full_name]
    assert client.get(url, {"show": "tull"}).status_code == 200


def test_guidance_groups_visible_to_the_branch_leaders_only(world: World) -> None:
    """Issue 8, item 21: `GuidanceGroup.objects.visible_to` scopes the guidance pages."""
    from ressursvenn.lib.access import is_scoped

    ours = _group(world)
    theirs = actions.create_group(by=world.other_leader, branch=world.other_branch, name="Nord")
    seen = {
        who: list(GuidanceGroup.objects.visible_to(getattr(world, who)).order_by("pk"))
        for who in ("leader", "other_leader", "volunteer", "staff", "coordinator")
    }
    assert seen == {
        "leader": [ours],
        "other_leader": [theirs],
        "volunteer": [],
        "staff": [],
        "coordinator": [],
    }
    assert is_scoped(GuidanceGroup.objects.visible_to(world.leader), world.leader)
