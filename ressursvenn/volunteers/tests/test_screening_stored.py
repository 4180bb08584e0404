"""`Volunteer.screening_valid_until`: every action that changes a checklist row stores the value
the rows give (`screening.valid_until`), and the stored value says what the checklist says."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.tests import factories
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.actions import courses as course_actions
from ressursvenn.volunteers.actions import screening as actions
from ressursvenn.volunteers.actions.self_service import sign_declaration
from ressursvenn.volunteers.models import (
    BranchPolicy,
    DeclarationText,
    SuitabilityInterview,
    Volunteer,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def stored(volunteer: Volunteer) -> datetime.date | None:
    """Her stored value, after checking it against the rows and the checklist on many days."""
    row = screening.with_checklist(Volunteer.objects.filter(pk=volunteer.pk)).get()
    assert row.screening_valid_until == screening.valid_until(row)
    for offset in (-1, 0, 1, 200, 1000, 1100, 1200, 5000):
        day = TODAY + offset * DAY
        cleared = Volunteer.objects.filter(pk=row.pk).filter(screening.cleared_q(day)).exists()
        assert cleared == screening.is_cleared(row, day), day
    return row.screening_valid_until


def _screening(world: World, *, without: Callable[[Volunteer], Any]) -> Volunteer:
    """A volunteer in screening with every requirement but one (`without` removes it)."""
    user = factories.member(world.branch, Role.VOLUNTEER, full_name="Sara Søker")
    v: Volunteer = factories.volunteer(
        world.branch, user=user, status="screening", cleared=True, email="sara@example.no"
    )
    without(v)
    screening.refresh_valid_until([v.pk])
    assert stored(v) is None
    return v


def _text() -> DeclarationText:
    text = DeclarationText.current()
    assert text is not None
    return text


def test_recording_a_police_certificate(world: World) -> None:
    v = _screening(world, without=lambda v: v.police_certificates.all().delete())
    actions.record_police_certificate(
        v, by=world.leader, kind="ordinary", issued_on=TODAY - 3 * DAY, seen_on=TODAY
    )
    # The course (15 days ago) lapses before the new certificate's renewal (three years on).
    assert stored(v) == screening.add_years(TODAY - 15 * DAY, 3)
    assert v.screening_valid_until == stored(v)


def test_recording_interviews(world: World) -> None:
    v = _screening(world, without=lambda v: v.interviews.all().delete())
    actions.record_interview(
        v, by=world.leader, held_on=TODAY - DAY, interviewer=world.leader, outcome="suitable"
    )
    assert stored(v) is not None
    actions.record_interview(
        v,
        by=world.leader,
        held_on=TODAY,
        interviewer=world.leader,
        outcome=SuitabilityInterview.Outcome.NOT_SUITABLE,
    )
    assert stored(v) is None


def test_recording_references(world: World) -> None:
    v = _screening(
        world,
        without=lambda v: BranchPolicy.objects.create(branch=v.branch, references_required=1),
    )
    reference = {"relation": "Kollega", "contacted_on": TODAY, "notes": ""}
    actions.record_reference(v, by=world.leader, name="Ola", is_positive=False, **reference)
    assert stored(v) is None
    actions.record_reference(v, by=world.leader, name="Kari", is_positive=True, **reference)
    assert stored(v) is not None


def test_recording_a_paper_declaration(world: World) -> None:
    v = _screening(world, without=lambda v: v.declarations.all().delete())
    text = _text()
    actions.record_paper_declaration(v, by=world.leader, text=text, signed_on=TODAY)
    assert stored(v) is not None


def test_signing_the_declaration_in_the_app(world: World) -> None:
    v = _screening(world, without=lambda v: v.declarations.all().delete())
    assert v.user is not None
    sign_declaration(v, by=v.user, text=_text())
    assert stored(v) is not None
    assert v.screening_valid_until == stored(v)


def test_course_attendance_completion_and_a_new_mandatory_session(world: World) -> None:
    v = _screening(
        world, without=lambda v: Volunteer.objects.filter(pk=v.pk).update(course_completed_on=None)
    )
    course = course_actions.create_course(
        by=world.leader, branch=world.branch, title="Grunnkurs", capacity=10
    )
    now = timezone.now()
    sessions = [
        course_actions.add_session(
            course,
            by=world.leader,
            starts_at=now - days * DAY,
            ends_at=now - days * DAY + 3 * HOUR,
            place="Sal 2",
            is_mandatory=True,
        )
        for days in (10, 3)
    ]
    course_actions.enrol_volunteer(course, v, by=world.leader)
    for session in sessions:
        course_actions.record_attendance(session, by=world.leader, attended={v.pk: True})
    completed = timezone.localdate(sessions[-1].starts_at)
    assert stored(v) == screening.add_years(completed, 3)
    course_actions.record_attendance(sessions[0], by=world.leader, attended={v.pk: False})
    assert stored(v) is None
    course_actions.record_attendance(sessions[0], by=world.leader, attended={v.pk: True})
    assert stored(v) == screening.add_years(completed, 3)
    course_actions.add_session(  # a new mandatory day: the course is not complete any more
        course,
        by=world.leader,
        starts_at=now + DAY,
        ends_at=now + DAY + 3 * HOUR,
        place="Sal 2",
        is_mandatory=True,
    )
    assert stored(v) is None


def test_approval_stores_the_value_even_when_it_was_stale(world: World) -> None:
    v = factories.volunteer(world.branch, status="screening", cleared=True)
    Volunteer.objects.filter(pk=v.pk).update(screening_valid_until=None)  # a write past the actions
    actions.approve_volunteer(v, by=world.leader)
    assert stored(v) is not None


def test_status_changes_keep_the_value(world: World) -> None:
    v = world.volunteer.volunteer
    before = stored(v)
    assert before is not None
    actions.pause_volunteer(v, by=world.leader, reason="Ferie")
    actions.resume_volunteer(v, by=world.leader)
    assert stored(v) == before


def test_renewal_settings_are_applied(world: World, settings: Any) -> None:
    v = world.volunteer.volunteer
    settings.COURSE_RENEWAL_YEARS = 0  # courses never lapse: only the certificate would
    screening.refresh_all_valid_until()
    assert stored(v) == screening.NEVER  # the factory's certificate has no renewal day


def test_refresh_changes_only_what_differs(world: World) -> None:
    ids = list(Volunteer.objects.values_list("pk", flat=True))
    assert screening.refresh_valid_until(ids) == 0
    Volunteer.objects.update(screening_valid_until=None)
    assert screening.refresh_valid_until(ids) == len(ids) == 2


def test_the_data_migration_fills_existing_rows(world: World) -> None:
    """The migration's function with the historical models, as `migrate` runs it."""
    Volunteer.objects.update(screening_valid_until=None)
    state = MigrationExecutor(connection).loader.project_state(
        ("volunteers", "0005_screening_valid_until")
    )
    migration = importlib.import_module(
        "ressursvenn.volunteers.migrations.0005_screening_valid_until"
    )
    migration.fill(state.apps, None)
    for v in Volunteer.objects.all():
        assert stored(v) is not None
