"""The start page of each role: real counts, open tasks, nothing from other organisations."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.tests import factories

HOME = reverse("home")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def test_national_coordinator_sees_programme_counts_and_tasks(world: World, as_user: Any) -> None:
    lonely = factories.OrganisationFactory(name="Alta Sanitetsforening")  # no leader, no area
    response = as_user(world.coordinator).get(HOME)
    context = response.context
    assert (
        context["branch_count"],
        context["centre_count"],
        context["cooperation_count"],
        context["staff_count"],
    ) == (3, 2, 2, 5)
    assert context["branches_without_leader"] == [lonely]
    assert context["branches_without_area"] == [lonely]
    assert "Alta Sanitetsforening" in response.content.decode()


def test_group_leader_sees_only_her_branch(world: World, as_user: Any) -> None:
    response = as_user(world.leader).get(HOME)
    [item] = response.context["branches"]
    assert (item["organisation"], item["volunteer_count"], item["centres"]) == (
        world.branch,
        1,
        [world.centre],
    )
    page = response.content.decode()
    assert world.other_branch.name not in page
    assert world.other_centre.name not in page


def test_crisis_staff_sees_the_branches_she_can_refer_to(world: World, as_user: Any) -> None:
    response = as_user(world.staff).get(HOME)
    [item] = response.context["centres"]
    assert (item["organisation"], item["branches"]) == (world.centre, [world.branch])
    assert world.other_branch.name not in response.content.decode()


def test_volunteer_sees_her_group_leader(world: World, as_user: Any) -> None:
    response = as_user(world.volunteer).get(HOME)
    [item] = response.context["branches"]
    assert (item["organisation"], item["leaders"]) == (world.branch, ["Gro Leder"])
    assert "Nora Nord" not in response.content.decode()


def test_user_without_roles_gets_a_clear_message(world: World, as_user: Any) -> None:
    user = factories.UserFactory()
    response = as_user(user).get(HOME)
    assert response.context["role"] is None
    assert "ingen aktive roller" in response.content.decode()


def _queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_national_start_page_query_count_does_not_grow(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    client.get(HOME)
    before = _queries(client)
    for n in range(10):
        branch = factories.OrganisationFactory(name=f"Ekstra {n}")
        factories.member(branch, Role.VOLUNTEER)
    assert _queries(client) == before


def test_group_leader_start_page_query_count_does_not_grow(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    client.get(HOME)
    before = _queries(client)
    for _ in range(10):
        factories.member(world.branch, Role.VOLUNTEER)
    centre = factories.crisis_centre("Ekstra krisesenter", "0301")
    factories.cooperation(world.branch, centre)
    assert _queries(client) == before


def test_group_leader_sees_her_tasks_with_links(world: World, as_user: Any) -> None:
    from django.utils import timezone

    now = timezone.now()
    factories.volunteer(
        world.branch, status="applied", full_name="Gammel Søknad", applied_at=now - 30 * DAY
    )
    factories.volunteer(world.branch, status="screening", full_name="Uten Samtale")
    factories.volunteer(
        world.other_branch, status="applied", full_name="Nord Søknad", applied_at=now - 30 * DAY
    )
    response = as_user(world.leader).get(HOME)
    [item] = response.context["branches"]
    assert (item["tasks"]["application_waiting"], item["tasks"]["interview_missing"]) == (1, 1)
    assert item["task_count"] == 2
    page = response.content.decode()
    assert "1 søknad har ventet mer enn 7 dager." in page
    assert "?status=applied" in page
    assert "?status=screening" in page
    assert "Gammel Søknad" not in page
    assert "Nord Søknad" not in page


def test_group_leader_without_tasks_is_told_so(world: World, as_user: Any) -> None:
    page = as_user(world.leader).get(HOME).content.decode()
    assert "Ingen oppgaver venter." in page
    assert reverse("volunteers:courses") in page


def test_group_leader_task_queries_do_not_grow(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    client.get(HOME)
    before = _queries(client)
    from django.utils import timezone

    for n in range(5):
        factories.volunteer(
            world.branch,
            status="applied",
            full_name=f"S {n}",
            applied_at=timezone.now() - 30 * DAY,
        )
        factories.volunteer(world.branch, status="screening", full_name=f"V {n}")
    assert _queries(client) == before


def test_volunteer_next_course_dates(world: World) -> None:
    from django.utils import timezone

    from ressursvenn.reports import start
    from ressursvenn.volunteers.actions import courses

    course = courses.create_course(
        by=world.leader, branch=world.branch, title="Grunnkurs", capacity=5
    )
    soon = timezone.now() + 2 * DAY
    session = courses.add_session(
        course, by=world.leader, starts_at=soon, ends_at=soon + HOUR, place="Sal 2"
    )
    courses.sign_up_for_course(course, by=world.volunteer)
    [item] = start.volunteer_summary({world.branch.pk}, user=world.volunteer)
    assert item["next_sessions"] == [session]
    [other] = start.volunteer_summary({world.other_branch.pk}, user=world.other_volunteer)
    assert other["next_sessions"] == []


def test_volunteer_start_page_links_to_courses(world: World, as_user: Any) -> None:
    page = as_user(world.volunteer).get(HOME).content.decode()
    assert "Dine neste kursdager" in page
    assert reverse("volunteers:courses") in page


def test_group_leader_sees_referral_and_match_counts(world: World, as_user: Any) -> None:
    factories.referral(world.centre, world.branch, status="submitted")
    factories.referral(world.centre, world.branch, status="accepted")
    factories.referral(world.centre, world.branch, status="accepted")
    factories.referral(world.other_centre, world.other_branch, status="accepted")
    matched = factories.referral(world.centre, world.branch, status="matched")
    factories.match(matched, world.volunteer.volunteer, status="active")
    response = as_user(world.leader).get(HOME)
    [item] = response.context["branches"]
    assert (item["referrals"], item["active_matches"], item["volunteer_count"]) == (
        {"submitted": 1, "accepted": 2, "matched": 1},
        1,
        1,
    )
    page = response.content.decode()
    assert "1 ny henvisning venter på svar" in page
    assert "2 kvinner venter på en ressursvenn" in page


def test_crisis_staff_sees_her_referrals_by_status(world: World, as_user: Any) -> None:
    factories.referral(world.centre, world.branch, status="draft")
    factories.referral(world.centre, world.branch, status="accepted")
    factories.referral(world.other_centre, world.other_branch, status="submitted")
    response = as_user(world.staff).get(HOME)
    [item] = response.context["centres"]
    assert [(status, count) for status, _label, count in item["referrals"]] == [
        ("draft", 1),
        ("accepted", 1),
    ]


def test_crisis_staff_start_page_query_count_does_not_grow(world: World, as_user: Any) -> None:
    client = as_user(world.staff)
    factories.referral(world.centre, world.branch, status="draft")
    client.get(HOME)
    before = _queries(client)
    for status in ("submitted", "accepted", "declined", "withdrawn"):
        factories.referral(world.centre, world.branch, status=status)
    assert _queries(client) == before
