"""The one inactivity rule and the end-date reminder on a controlled clock, across a month end
and the leap day of 2028: the nudge to the volunteer after 21 days, the leader's task after 35,
the end reminder 30 days before the planned end."""

from __future__ import annotations

import datetime

import pytest

from ressursvenn.conftest import World
from ressursvenn.followup import inactivity, tasks
from ressursvenn.followup.models import Activity
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match

pytestmark = pytest.mark.django_db

START = datetime.date(2028, 1, 20)
LAST = datetime.date(2028, 2, 8)  # 21 days later is 29 February 2028


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def match_with_contact(world: World, *, last: datetime.date | None = LAST) -> Match:
    match = active_match(world)
    Match.objects.filter(pk=match.pk).update(
        started_on=START, planned_end_on=datetime.date(2028, 3, 30)
    )
    if last is not None:
        for occurred in (START, last):
            Activity.objects.create(
                match=match,
                occurred_on=occurred,
                kind=Activity.Kind.COFFEE,
                duration_minutes=60,
                channel="in_person",
                created_by=world.volunteer,
            )
    match.refresh_from_db()
    return match


def ids(matches: object) -> list[int]:
    return sorted(match.pk for match in matches)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("today", "quiet", "inactive"),
    [
        ("2028-02-28", False, False),  # 20 days
        ("2028-02-29", True, False),  # 21 days: the leap day
        ("2028-03-13", True, False),  # 34 days
        ("2028-03-14", True, True),  # 35 days, across the month end
    ],
)
def test_the_thresholds_count_days_across_the_leap_day(
    world: World, today: str, quiet: bool, inactive: bool
) -> None:
    match = match_with_contact(world)
    rows = Match.objects.filter(pk=match.pk)
    assert ids(inactivity.quiet(rows, today=day(today))) == ([match.pk] if quiet else [])
    assert ids(inactivity.inactive(rows, today=day(today))) == ([match.pk] if inactive else [])


def test_without_activities_the_start_is_the_last_contact(world: World) -> None:
    match = match_with_contact(world, last=None)
    annotated = inactivity.with_last_contact(Match.objects.filter(pk=match.pk)).get()
    assert annotated.last_contact == START
    assert inactivity.days_since(annotated.last_contact, day("2028-02-10")) == 21


@pytest.mark.parametrize("status", ["paused", "closed", "cancelled"])
def test_a_match_that_cannot_log_is_never_inactive(world: World, status: str) -> None:
    match = match_with_contact(world)
    Match.objects.filter(pk=match.pk).update(status=status)
    rows = Match.objects.filter(pk=match.pk)
    assert ids(inactivity.inactive(rows, today=day("2028-06-01"))) == []


def test_the_settings_move_the_thresholds(world: World, settings: object) -> None:
    settings.INACTIVITY_NUDGE_DAYS = 7  # type: ignore[attr-defined]
    settings.INACTIVITY_TASK_DAYS = 14  # type: ignore[attr-defined]
    match = match_with_contact(world)
    rows = Match.objects.filter(pk=match.pk)
    assert ids(inactivity.quiet(rows, today=day("2028-02-15"))) == [match.pk]
    assert ids(inactivity.inactive(rows, today=day("2028-02-21"))) == []
    assert ids(inactivity.inactive(rows, today=day("2028-02-22"))) == [match.pk]


def kinds(user: object, today: str) -> list[str]:
    return sorted(task.kind for task in tasks.tasks_for(user, today=day(today)))


def test_the_tasks_follow_the_clock(world: World) -> None:
    """The leader's inactivity task on day 35 and the end reminder from 30 days before the end
    (29 February, counted back from 30 March); the volunteer's nudge from day 21."""
    match_with_contact(world)
    assert kinds(world.leader, "2028-02-28") == []
    assert kinds(world.leader, "2028-02-29") == [tasks.END]
    assert kinds(world.leader, "2028-03-14") == [tasks.END, tasks.INACTIVE]
    assert tasks.QUIET not in kinds(world.volunteer, "2028-02-28")
    assert tasks.QUIET in kinds(world.volunteer, "2028-02-29")
