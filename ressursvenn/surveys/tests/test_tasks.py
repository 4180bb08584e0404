"""The questionnaires' tasks in the task list (surveys/tasks.py via followup.tasks)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ressursvenn.followup.tasks import tasks_for
from ressursvenn.matching.models import Match
from ressursvenn.surveys.actions import outcomes
from ressursvenn.surveys.actions import questionnaires as actions
from ressursvenn.surveys.tests.builders import at_midway, at_start, link_for

pytestmark = pytest.mark.django_db


def _survey_keys(user: Any) -> list[str]:
    return sorted(t.key for t in tasks_for(user) if t.kind.startswith("survey_"))


def test_the_start_link_is_a_task_for_centre_and_volunteer_until_handed_over(world: Any) -> None:
    match = at_start(world)
    key = f"survey_link:m{match.pk}:start"
    assert _survey_keys(world.staff) == [key]
    assert _survey_keys(world.volunteer) == [key]
    assert _survey_keys(world.leader) == []
    task = next(t for t in tasks_for(world.staff) if t.key == key)
    assert task.text == "Gi Amina lenken til spørreskjemaet ved oppstart"
    assert task.url == reverse("surveys:link_new", args=[match.pk, "start"])
    assert task.due == match.started_on
    link_for(world, match)
    assert _survey_keys(world.staff) == []
    assert _survey_keys(world.volunteer) == []


def test_only_the_centre_when_she_is_reached_through_the_centre(world: Any) -> None:
    match = at_start(world, contact_channel="via_centre", contact_value="")
    assert _survey_keys(world.staff) == [f"survey_link:m{match.pk}:start"]
    assert _survey_keys(world.volunteer) == []


def test_six_months_tasks_and_their_ends(world: Any) -> None:
    match = at_midway(world)
    m = match.pk
    assert _survey_keys(world.staff) == [
        f"survey_link:m{m}:six_months",
        f"survey_outcome:m{m}:six_months",
    ]
    assert _survey_keys(world.leader) == [f"survey_outcome:m{m}:six_months"]
    assert _survey_keys(world.volunteer) == [
        f"survey_link:m{m}:six_months",
        f"survey_own:m{m}:six_months",
    ]
    outcomes.record_outcome(match, by=world.leader, time_point="six_months", value="unknown")
    draft = actions.start_entry(
        match, by=world.staff, time_point="six_months", respondent="participant"
    )
    actions.submit_response(draft, by=world.staff)
    own = actions.start_entry(
        match, by=world.volunteer, time_point="six_months", respondent="volunteer"
    )
    actions.submit_response(own, by=world.volunteer)
    assert _survey_keys(world.staff) == []
    assert _survey_keys(world.leader) == []
    assert _survey_keys(world.volunteer) == []


def test_no_tasks_while_paused_nor_for_other_branches(world: Any) -> None:
    at_start(world, status=Match.Status.PAUSED)
    assert _survey_keys(world.staff) == []
    assert _survey_keys(world.volunteer) == []
    at_start(world)
    assert _survey_keys(world.other_staff) == []
    assert _survey_keys(world.other_leader) == []
    assert _survey_keys(world.coordinator) == []


@pytest.mark.parametrize("who", ["staff", "leader", "volunteer"])
def test_a_fixed_number_of_queries(world: Any, who: str) -> None:
    user = getattr(world, who)
    at_midway(world)
    tasks_for(user)  # her memberships are cached on the user after the first call
    with CaptureQueriesContext(connection) as one:
        tasks_for(user)
    for _ in range(3):
        match = at_midway(world)
        link_for(world, match, "six_months")
        outcomes.record_outcome(match, by=world.staff, time_point="six_months", value="free")
    with CaptureQueriesContext(connection) as several:
        tasks_for(user)
    assert len(several) == len(one)
