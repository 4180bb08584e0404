"""The task list: each role's tasks from the state of her own rows, cleared when done, a fixed
number of queries, and the page "Dine oppgaver"."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import User
from ressursvenn.conftest import World
from ressursvenn.followup import tasks
from ressursvenn.followup.models import (
    Activity,
    CheckIn,
    Closure,
    Concern,
    EventSignup,
    Pause,
    PlannedMeeting,
    SocialEvent,
)
from ressursvenn.followup.tests.builders import active_match, other_branch_match
from ressursvenn.matching.models import Match

DAY = datetime.timedelta(days=1)
TASKS = reverse("followup:tasks")


def _log(match: Match, world: World, days_ago: int = 0) -> Activity:
    return Activity.objects.create(
        match=match,
        occurred_on=timezone.localdate() - days_ago * DAY,
        kind=Activity.Kind.COFFEE,
        duration_minutes=60,
        channel="in_person",
        note="Kafé på Grünerløkka",
        created_by=world.volunteer,
    )


def _fresh(world: World, **kwargs: Any) -> Match:
    """An active match with contact today (neither quiet nor inactive)."""
    match = active_match(world, **kwargs)
    _log(match, world)
    return match


def _checkin(match: Match, due: datetime.date, party: str = "volunteer") -> CheckIn:
    return CheckIn.objects.create(match=match, party=party, due_on=due)


def _concern(match: Match, world: World, **fields: Any) -> Concern:
    values: dict[str, Any] = {
        "category": Concern.Category.SAFETY,
        "severity": Concern.Severity.SOON,
        "description": "Eksen sto utenfor døren",
        "reported_by": world.volunteer,
    }
    values.update(fields)
    return Concern.objects.create(match=match, **values)


def _event(world: World, *, starts_in_days: int, **fields: Any) -> SocialEvent:
    values: dict[str, Any] = {
        "branch": world.branch,
        "title": "Kaffetreff",
        "starts_at": timezone.now() + starts_in_days * DAY,
        "capacity": 10,
        "audience": SocialEvent.Audience.PAIRS,
        "organiser": world.leader,
        "place": "Frivillighetshuset",
    }
    values.update(fields)
    return SocialEvent.objects.create(**values)


def _kinds(user: Any) -> list[tuple[str, str]]:
    return [(task.kind, task.key) for task in tasks.tasks_for(user)]


# --- group leader -----------------------------------------------------------------------------


def test_leader_gets_due_and_overdue_checkins_not_later_ones(world: World) -> None:
    match = _fresh(world)
    today = timezone.localdate()
    overdue = _checkin(match, today - 2 * DAY)
    soon = _checkin(match, today + 3 * DAY, party="woman")
    _checkin(match, today + 4 * DAY)  # beyond CHECKIN_NOTICE_DAYS (3)
    found = tasks.tasks_for(world.leader)
    assert [(t.kind, t.key, t.due) for t in found] == [
        ("checkin", f"checkin:{overdue.pk}", overdue.due_on),
        ("checkin", f"checkin:{soon.pk}", soon.due_on),
    ]
    assert found[0].url == reverse("followup:checkin_record", args=[overdue.pk])
    assert found[0].text.startswith("Oppfølgingssamtale med ressursvennen til Amina, frist ")
    assert found[1].text.startswith("Oppfølgingssamtale med Amina, frist ")


def test_a_held_checkin_or_a_closed_match_clears_the_task(world: World) -> None:
    match = _fresh(world)
    checkin = _checkin(match, timezone.localdate())
    assert _kinds(world.leader) == [("checkin", f"checkin:{checkin.pk}")]
    CheckIn.objects.filter(pk=checkin.pk).update(status=CheckIn.Status.HELD)
    assert _kinds(world.leader) == []
    _checkin(match, timezone.localdate() - DAY)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.CLOSED)
    assert _kinds(world.leader) == []


def test_the_check_in_notice_is_configurable(world: World, settings: Any) -> None:
    match = _fresh(world)
    _checkin(match, timezone.localdate() + 5 * DAY)
    assert _kinds(world.leader) == []
    settings.CHECKIN_NOTICE_DAYS = 5
    assert [kind for kind, _key in _kinds(world.leader)] == ["checkin"]


def test_inactive_match_is_a_task_for_the_leader(world: World) -> None:
    match = active_match(world, started_days_ago=40)
    [task] = tasks.tasks_for(world.leader)
    started = match.started_on
    assert (task.kind, task.key, task.url, task.due) == (
        "inactive",
        f"inactive:m{match.pk}:{started.isoformat()}",
        reverse("matching:match_detail", args=[match.pk]),
        started + 35 * DAY,
    )
    _log(match, world, days_ago=34)
    assert _kinds(world.leader) == []


def test_concerns_for_the_leader_new_urgent_first_and_acknowledged(world: World) -> None:
    match = _fresh(world)
    soon = _concern(match, world)
    urgent = _concern(match, world, severity=Concern.Severity.URGENT)
    seen = _concern(match, world, status=Concern.Status.ACKNOWLEDGED)
    _concern(match, world, status=Concern.Status.RESOLVED)
    found = tasks.tasks_for(world.leader)
    assert [(t.key, t.urgent) for t in found] == [
        (f"concern:{urgent.pk}", True),
        (f"concern:{soon.pk}", False),
        (f"concern:{seen.pk}", False),
    ]
    assert found[0].text.startswith("Haster: Ny bekymringsmelding om koblingen med Amina")
    assert found[0].url == reverse("followup:concern_detail", args=[urgent.pk])
    assert "døren" not in " ".join(t.text for t in found)


def _pause(match: Match, world: World, **fields: Any) -> Pause:
    Match.objects.filter(pk=match.pk).update(status=Match.Status.PAUSED)
    return Pause.objects.create(
        match=match,
        reason="Ny trussel",
        started_on=timezone.localdate() - 10 * DAY,
        paused_by=world.leader,
        **fields,
    )


def test_resume_waits_for_the_one_who_has_not_confirmed(world: World) -> None:
    match = active_match(world)
    pause = _pause(match, world)
    assert _kinds(world.leader) == []
    assert _kinds(world.staff) == []
    Pause.objects.filter(pk=pause.pk).update(
        centre_confirmed_by=world.staff, centre_confirmed_at=timezone.now()
    )
    [task] = tasks.tasks_for(world.leader)
    assert (task.kind, task.key, task.url) == (
        "resume",
        f"resume:{pause.pk}",
        reverse("followup:resume", args=[match.pk]),
    )
    assert _kinds(world.staff) == []
    Pause.objects.filter(pk=pause.pk).update(
        centre_confirmed_by=None,
        centre_confirmed_at=None,
        leader_confirmed_by=world.leader,
        leader_confirmed_at=timezone.now(),
    )
    assert _kinds(world.leader) == []
    assert _kinds(world.staff) == [("resume", f"resume:{pause.pk}")]
    assert _kinds(world.other_staff) == []


def test_planned_end_is_a_task_until_closed(world: World) -> None:
    match = _fresh(world)
    end = timezone.localdate() + 30 * DAY
    Match.objects.filter(pk=match.pk).update(planned_end_on=end)
    assert _kinds(world.leader) == [("end", f"end:m{match.pk}:{end.isoformat()}")]
    [task] = tasks.tasks_for(world.leader)
    assert task.url == reverse("followup:close", args=[match.pk])
    [own] = [t for t in tasks.tasks_for(world.volunteer) if t.kind == "end"]
    assert own.url == reverse("matching:match_detail", args=[match.pk])
    later = end + DAY
    Match.objects.filter(pk=match.pk).update(planned_end_on=later)
    assert _kinds(world.leader) == []
    Match.objects.filter(pk=match.pk).update(planned_end_on=end)
    Closure.objects.create(
        match=match,
        reason=Closure.Reason.COMPLETED,
        ended_on=timezone.localdate(),
        keep_in_touch=Closure.KeepInTouch.UNKNOWN,
        volunteer_next=Closure.VolunteerNext.AVAILABLE,
        closed_by=world.leader,
    )
    assert _kinds(world.leader) == []


def test_past_event_without_attendance_is_a_task_for_its_organiser(world: World) -> None:
    past = _event(world, starts_in_days=-1)
    _event(world, starts_in_days=-2, cancelled_at=timezone.now())
    _event(world, starts_in_days=2)
    assert _kinds(world.leader) == [("attendance", f"attendance:{past.pk}")]
    [task] = tasks.tasks_for(world.leader)
    assert task.url == reverse("followup:event_attendance", args=[past.pk])
    SocialEvent.objects.filter(pk=past.pk).update(attendance_recorded_at=timezone.now())
    assert _kinds(world.leader) == []


def test_the_other_branch_leader_gets_none_of_these(world: World) -> None:
    match = active_match(world)
    _checkin(match, timezone.localdate())
    _concern(match, world, severity=Concern.Severity.URGENT)
    _event(world, starts_in_days=-1)
    assert len(tasks.tasks_for(world.leader)) == 4
    assert tasks.tasks_for(world.other_leader) == []
    assert tasks.tasks_for(world.coordinator) == []


# --- crisis-centre staff ----------------------------------------------------------------------


def test_centre_staff_get_new_concerns_children_flagged(world: World) -> None:
    match = _fresh(world)
    children = _concern(match, world, category=Concern.Category.CHILDREN)
    _concern(match, world, status=Concern.Status.ACKNOWLEDGED)
    [task] = tasks.tasks_for(world.staff)
    assert (task.key, task.url) == (
        f"concern:{children.pk}",
        reverse("followup:concern_detail", args=[children.pk]),
    )
    assert task.text.endswith("– gjelder barn")
    leader_text = tasks.tasks_for(world.leader)[0].text
    assert "gjelder barn" not in leader_text
    assert tasks.tasks_for(world.other_staff) == []


# --- volunteer --------------------------------------------------------------------------------


def test_volunteer_is_nudged_after_21_days_without_contact(world: World) -> None:
    match = _fresh(world)
    Activity.objects.filter(match=match).update(occurred_on=timezone.localdate() - 20 * DAY)
    assert _kinds(world.volunteer) == []
    Activity.objects.filter(match=match).update(occurred_on=timezone.localdate() - 21 * DAY)
    [task] = tasks.tasks_for(world.volunteer)
    last = timezone.localdate() - 21 * DAY
    assert (task.kind, task.key, task.url) == (
        "quiet",
        f"quiet:m{match.pk}:{last.isoformat()}",
        reverse("followup:activity_new", args=[match.pk]),
    )
    assert task.text.startswith("Registrer en aktivitet med Amina")
    assert tasks.tasks_for(world.other_volunteer) == []


def test_a_passed_meeting_not_logged_is_a_task_with_the_meeting_prefilled(world: World) -> None:
    match = _fresh(world)
    passed = PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() - 2 * 3600 * datetime.timedelta(seconds=1),
        mode=PlannedMeeting.Mode.DIGITAL,
        created_by=world.volunteer,
    )
    PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() - DAY,
        mode=PlannedMeeting.Mode.DIGITAL,
        created_by=world.volunteer,
        cancelled_at=timezone.now(),
    )
    PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() + DAY,
        mode=PlannedMeeting.Mode.IN_PERSON,
        created_by=world.volunteer,
    )
    [task] = tasks.tasks_for(world.volunteer)
    url = reverse("followup:activity_new", args=[match.pk])
    assert (task.kind, task.key, task.url) == (
        "log_meeting",
        f"log_meeting:{passed.pk}",
        f"{url}?meeting={passed.pk}",
    )
    activity = _log(match, world)
    Activity.objects.filter(pk=activity.pk).update(planned_meeting=passed)
    assert _kinds(world.volunteer) == []


def test_volunteer_is_invited_to_events_for_her_until_she_answers(world: World) -> None:
    pairs = _event(world, starts_in_days=3)
    volunteers = _event(world, starts_in_days=4, audience=SocialEvent.Audience.VOLUNTEERS)
    _event(world, starts_in_days=-1)
    _event(world, starts_in_days=5, cancelled_at=timezone.now())
    _event(world, starts_in_days=6, branch=world.other_branch, organiser=world.other_leader)
    # No running match yet: only the volunteers' event.
    assert _kinds(world.volunteer) == [("event", f"event:{volunteers.pk}")]
    _fresh(world)
    assert _kinds(world.volunteer) == [
        ("event", f"event:{pairs.pk}"),
        ("event", f"event:{volunteers.pk}"),
    ]
    [first, _second] = tasks.tasks_for(world.volunteer)
    assert first.url == reverse("followup:event_detail", args=[pairs.pk])
    EventSignup.objects.create(
        event=pairs, volunteer=world.volunteer.volunteer, answer=EventSignup.Answer.NO
    )
    assert _kinds(world.volunteer) == [("event", f"event:{volunteers.pk}")]
    assert tasks.tasks_for(world.other_volunteer) == []


def test_a_volunteer_does_not_get_another_volunteers_tasks(world: World) -> None:
    other_branch_match(world)
    assert tasks.tasks_for(world.volunteer) == []
    assert [t.kind for t in tasks.tasks_for(world.other_volunteer)] == ["quiet"]


# --- constant queries -------------------------------------------------------------------------


def _count(user: Any) -> int:
    fresh = User.objects.get(pk=user.pk)  # her roles not cached yet: counted every time
    with CaptureQueriesContext(connection) as queries:
        tasks.tasks_for(fresh)
    return len(queries)


def _everything(world: World) -> None:
    match = active_match(world)
    PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() - DAY,
        mode=PlannedMeeting.Mode.DIGITAL,
        created_by=world.volunteer,
    )
    Match.objects.filter(pk=match.pk).update(planned_end_on=timezone.localdate() + DAY)
    _checkin(match, timezone.localdate())
    _concern(match, world)
    pause_match = active_match(world)
    _pause(pause_match, world, centre_confirmed_at=timezone.now(), centre_confirmed_by=world.staff)
    _event(world, starts_in_days=-1)
    _event(world, starts_in_days=1)


def test_the_number_of_queries_does_not_grow_with_the_tasks(world: World) -> None:
    _everything(world)
    counts = {user.pk: _count(user) for user in (world.leader, world.staff, world.volunteer)}
    sizes = {user.pk: len(tasks.tasks_for(user)) for user in (world.leader, world.staff)}
    for _ in range(3):
        _everything(world)
    assert {user.pk: _count(user) for user in (world.leader, world.staff, world.volunteer)} == (
        counts
    )
    assert all(len(tasks.tasks_for(u)) > sizes[u.pk] for u in (world.leader, world.staff))


# --- the page ---------------------------------------------------------------------------------


def test_the_page_lists_the_leaders_tasks_with_links(world: World, as_user: Any) -> None:
    match = _fresh(world)
    concern = _concern(match, world, severity=Concern.Severity.URGENT)
    checkin = _checkin(match, timezone.localdate() - DAY)
    response = as_user(world.leader).get(TASKS)
    assert response.status_code == 200
    assert [t.key for t in response.context["tasks"]] == [
        f"concern:{concern.pk}",
        f"checkin:{checkin.pk}",
    ]
    page = response.content.decode()
    assert reverse("followup:concern_detail", args=[concern.pk]) in page
    assert reverse("followup:checkin_record", args=[checkin.pk]) in page
    assert "Haster" in page
    assert "Forfalt" in page
    assert "døren" not in page  # never the concern's text


def test_the_page_for_the_centre_and_the_volunteer(world: World, as_user: Any) -> None:
    match = active_match(world)
    concern = _concern(match, world)
    page = as_user(world.staff).get(TASKS).content.decode()
    assert reverse("followup:concern_detail", args=[concern.pk]) in page
    assert "Følg opp" in page  # a concern has no deadline to be past
    assert "Forfalt" not in page
    page = as_user(world.volunteer).get(TASKS).content.decode()
    assert reverse("followup:activity_new", args=[match.pk]) in page
    assert "døren" not in page


def test_no_tasks_and_other_scopes_say_so(world: World, as_user: Any) -> None:
    match = active_match(world)
    _concern(match, world)
    for user in (world.other_leader, world.other_staff, world.other_volunteer, world.coordinator):
        response = as_user(user).get(TASKS)
        page = response.content.decode()
        assert (response.status_code, response.context["tasks"]) == (200, [])
        assert "Du har ingen oppgaver nå." in page
        assert "Amina" not in page
        assert reverse("followup:concern_detail", args=[match.concerns.get().pk]) not in page


def test_the_page_query_count_is_the_same_at_one_and_many_tasks(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    _everything(world)
    client.get(TASKS)
    with CaptureQueriesContext(connection) as one:
        client.get(TASKS)
    for _ in range(4):
        _everything(world)
    with CaptureQueriesContext(connection) as many:
        response = client.get(TASKS)
    assert len(response.context["tasks"]) > 4
    assert len(many) == len(one)
