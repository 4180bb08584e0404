"""Social events: the actions and the invitation queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from ressursvenn.accounts.models import Role, TaskEmail
from ressursvenn.followup import events as queries
from ressursvenn.followup.actions.events import (
    answer_event,
    cancel_event,
    create_event,
    record_attendance,
    update_event,
)
from ressursvenn.followup.models import Activity, EventSignup, Notice, SocialEvent
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db


def make_event(world: Any, **fields: Any) -> SocialEvent:
    """An event of world.branch, directly in the database (no invitations sent)."""
    defaults: dict[str, Any] = {
        "branch": world.branch,
        "title": "Digital kaffe",
        "starts_at": timezone.now() + datetime.timedelta(days=5),
        "duration_minutes": 90,
        "place": "Biblioteket på Tøyen",
        "capacity": 10,
        "audience": SocialEvent.Audience.PAIRS,
        "organiser": world.leader,
    }
    defaults.update(fields)
    return SocialEvent.objects.create(**defaults)


def second_volunteer(world: Any, name: str = "Wenche Annen") -> Any:
    """Another approved volunteer of world.branch with a user account."""
    user = factories.member(world.branch, Role.VOLUNTEER, full_name=name)
    return factories.volunteer(world.branch, user=user)


def create_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "title": "Tur rundt Sognsvann",
        "starts_at": timezone.now() + datetime.timedelta(days=7),
        "duration_minutes": 120,
        "capacity": 12,
        "audience": SocialEvent.Audience.PAIRS,
        "digital": False,
        "place": "Sognsvann parkering",
    }
    args.update(overrides)
    return args


# --- create, invitations ------------------------------------------------------------------


def test_create_invites_volunteers_with_an_active_pair(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    active_match(world)
    alone = second_volunteer(world)  # approved, no match: not invited to a pairs event
    world.volunteer.task_email = TaskEmail.EVERY
    world.volunteer.save()
    alone.user.task_email = TaskEmail.EVERY
    alone.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        event = create_event(world.branch, by=world.leader, **create_args())
    assert list(queries.invited_volunteers(event)) == [world.volunteer.volunteer]
    assert [m.to for m in mail.outbox] == [[world.volunteer.email]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    for secret in ("Tur rundt", "Sognsvann", "Amina", "Vera", world.volunteer.full_name):
        assert secret not in text
    assert Notice.objects.filter(key=f"event:{event.pk}").count() == 1
    assert event.organiser == world.leader
    audit = AuditEvent.objects.get(action=AuditAction.EVENT_CREATE)
    assert audit.object_id == str(event.pk)
    assert audit.organisation == world.branch
    today = timezone.localdate()
    assert list(queries.open_invitations(world.volunteer.volunteer, today)) == [event]
    assert list(queries.open_invitations(alone, today)) == []


def test_create_volunteers_only_invites_every_approved_volunteer(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    alone = second_volunteer(world)
    factories.volunteer(world.branch, status="screening", email="soker@example.no")
    with django_capture_on_commit_callbacks(execute=True):
        event = create_event(
            world.branch,
            by=world.leader,
            **create_args(audience=SocialEvent.Audience.VOLUNTEERS),
        )
    assert set(queries.invited_volunteers(event)) == {world.volunteer.volunteer, alone}
    # Default preference is the daily summary: no e-mail at once.
    assert mail.outbox == []


def test_digital_event_gets_a_room_and_no_place(world: Any) -> None:
    event = create_event(
        world.branch, by=world.leader, **create_args(digital=True, place="Biblioteket")
    )
    assert event.place == ""
    assert event.video_url.startswith("https://")
    assert len(event.video_url.rsplit("/", 1)[1]) >= 24


def test_create_in_the_past_is_refused(world: Any) -> None:
    past = timezone.now() - datetime.timedelta(minutes=5)
    with pytest.raises(ValidationError) as error:
        create_event(world.branch, by=world.leader, **create_args(starts_at=past))
    assert error.value.message_dict == {
        "date": ["Tidspunktet har vært. Velg et tidspunkt fram i tid."]
    }
    assert SocialEvent.objects.count() == 0


def test_only_the_branch_leader_may_create(world: Any) -> None:
    for user in (world.other_leader, world.volunteer, world.staff, world.coordinator):
        with pytest.raises(PermissionDenied):
            create_event(world.branch, by=user, **create_args())
    assert SocialEvent.objects.count() == 0


# --- update, cancel --------------------------------------------------------------------------


def test_update_cannot_go_below_places_taken(world: Any) -> None:
    match = active_match(world)
    event = make_event(world, capacity=4)
    answer_event(event, by=world.volunteer, answer="pair", match=match)
    args = create_args(capacity=1, starts_at=event.starts_at)
    with pytest.raises(ValidationError) as error:
        update_event(event, by=world.leader, **args)
    assert error.value.message_dict == {
        "capacity": ["2 plasser er allerede tatt. Antall plasser kan ikke være lavere."]
    }
    event.refresh_from_db()
    assert event.capacity == 4
    update_event(event, by=world.leader, **create_args(capacity=2, starts_at=event.starts_at))
    event.refresh_from_db()
    assert (event.capacity, event.title) == (2, "Tur rundt Sognsvann")
    assert AuditEvent.objects.filter(action=AuditAction.EVENT_UPDATE).count() == 1


def test_cancel_tells_those_coming_without_detail(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    match = active_match(world)
    event = make_event(world, title="Tur med Amina", place="Tøyenparken")
    answer_event(event, by=world.volunteer, answer="pair", match=match)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(event, by=world.leader)
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = message.subject + message.body
    for secret in ("Amina", "Tøyenparken", "Tur med", world.volunteer.full_name, "Vera"):
        assert secret not in text
    assert message.subject == "Et treff i Ressursvenn er avlyst"
    with pytest.raises(ValidationError) as error:
        cancel_event(event, by=world.leader)
    assert error.value.messages == ["Treffet er allerede avlyst."]
    assert AuditEvent.objects.filter(action=AuditAction.EVENT_CANCEL).count() == 1


def test_cancelled_email_template_holds_nothing_personal() -> None:
    text = render_to_string(
        "emails/followup_event_cancelled.txt", {"link": "https://example.no/oppfolging/treff/1/"}
    )
    assert text.startswith("Et treff i Ressursvenn er avlyst\n")
    assert "https://example.no/oppfolging/treff/1/" in text


# --- answers -----------------------------------------------------------------------------------


def test_answer_self_pair_and_no(world: Any) -> None:
    match = active_match(world)
    event = make_event(world, capacity=3)
    signup = answer_event(event, by=world.volunteer, answer="self")
    assert (signup.answer, signup.places, signup.match) == ("self", 1, None)
    signup = answer_event(event, by=world.volunteer, answer="pair", match=match)
    assert (signup.answer, signup.places, signup.match) == ("pair", 2, match)
    signup = answer_event(event, by=world.volunteer, answer="no")
    assert (signup.answer, signup.places, signup.match) == ("no", 0, None)
    assert EventSignup.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.EVENT_SIGNUP).count() == 3
    assert list(queries.open_invitations(world.volunteer.volunteer)) == []


def test_capacity_is_never_exceeded(world: Any) -> None:
    match = active_match(world)
    other = second_volunteer(world)
    event = make_event(world, capacity=2, audience=SocialEvent.Audience.VOLUNTEERS)
    answer_event(event, by=other.user, answer="self")
    with pytest.raises(ValidationError) as error:
        answer_event(event, by=world.volunteer, answer="pair", match=match)
    # volunteers-only event: no pair at all
    assert error.value.message_dict == {"answer": ["Dette treffet er bare for ressursvenner."]}
    event.audience = SocialEvent.Audience.PAIRS
    event.save()
    with pytest.raises(ValidationError) as error:
        answer_event(event, by=world.volunteer, answer="pair", match=match)
    assert error.value.message_dict == {
        "answer": ["Treffet er fullt: det er bare én ledig plass. Velg «Jeg kommer»."]
    }
    answer_event(event, by=world.volunteer, answer="self")
    third = second_volunteer(world, "Tove Tredje")
    factories.match(
        factories.referral(world.centre, world.branch, status="matched"),
        third,
        status="active",
        started_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as error:
        answer_event(event, by=third.user, answer="self")
    assert error.value.message_dict == {"answer": ["Treffet er fullt."]}
    assert sum(EventSignup.objects.values_list("places", flat=True)) == 2
    assert queries.counts(event) == {"taken": 2, "free": 0, "coming": 2}


def test_double_submit_changes_nothing(world: Any) -> None:
    active_match(world)
    event = make_event(world)
    answer_event(event, by=world.volunteer, answer="self")
    with pytest.raises(ValidationError) as error:
        answer_event(event, by=world.volunteer, answer="self")
    assert error.value.code == "stale"
    assert error.value.messages == ["Svaret ditt var allerede lagret."]
    assert AuditEvent.objects.filter(action=AuditAction.EVENT_SIGNUP).count() == 1


def test_answer_to_a_past_or_cancelled_event_is_refused(world: Any) -> None:
    active_match(world)
    past = make_event(world, starts_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError) as error:
        answer_event(past, by=world.volunteer, answer="self")
    assert error.value.messages == ["Treffet har vært. Svaret kan ikke endres nå."]
    cancelled = make_event(world, cancelled_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        answer_event(cancelled, by=world.volunteer, answer="self")
    assert error.value.messages == ["Treffet er avlyst."]
    assert EventSignup.objects.count() == 0


def test_not_invited_and_other_branch_are_refused(world: Any) -> None:
    event = make_event(world)  # pairs event; the volunteer has no active match
    with pytest.raises(ValidationError) as error:
        answer_event(event, by=world.volunteer, answer="self")
    assert error.value.messages == ["Du er ikke invitert til dette treffet."]
    for user in (world.other_volunteer, world.leader):
        with pytest.raises(PermissionDenied):
            answer_event(event, by=user, answer="self")
    assert EventSignup.objects.count() == 0


def test_pair_needs_her_own_active_match(world: Any) -> None:
    match = active_match(world)
    event = make_event(world)
    other = second_volunteer(world)
    factories.match(
        factories.referral(world.centre, world.branch, status="matched"),
        other,
        status="active",
        started_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as error:
        answer_event(event, by=other.user, answer="pair", match=match)
    assert error.value.message_dict == {
        "answer": ["Du har ingen aktiv kobling å komme sammen med."]
    }
    answer_event(event, by=world.volunteer, answer="self")
    match.status = "paused"
    match.save()
    with pytest.raises(ValidationError) as error:
        answer_event(event, by=world.volunteer, answer="pair", match=match)
    assert error.value.message_dict == {"answer": ["Koblingen er ikke aktiv nå."]}
    assert list(EventSignup.objects.values_list("answer", "places")) == [("self", 1)]


# --- attendance ---------------------------------------------------------------------------


def test_attendance_counts_as_one_activity_per_pair(world: Any) -> None:
    match = active_match(world)
    other = second_volunteer(world)
    event = make_event(world, audience=SocialEvent.Audience.PAIRS, duration_minutes=120)
    factories.match(
        factories.referral(world.centre, world.branch, status="matched"),
        other,
        status="active",
        started_on=timezone.localdate(),
    )
    pair = answer_event(event, by=world.volunteer, answer="pair", match=match)
    alone = answer_event(event, by=other.user, answer="self")
    with pytest.raises(ValidationError) as error:
        record_attendance(event, by=world.leader, attended={pair.pk})
    assert error.value.messages == ["Oppmøtet kan registreres når treffet har begynt."]
    SocialEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    event.refresh_from_db()
    record_attendance(event, by=world.leader, attended={pair.pk})
    record_attendance(event, by=world.leader, attended={pair.pk})  # twice: still one
    pair.refresh_from_db()
    alone.refresh_from_db()
    assert (pair.attended, alone.attended) == (True, False)
    activity = Activity.objects.get()
    assert (
        activity.match,
        activity.kind,
        activity.channel,
        activity.occurred_on,
        activity.duration_minutes,
        activity.event,
    ) == (
        match,
        "social_event",
        "in_person",
        timezone.localtime(event.starts_at).date(),
        120,
        event,
    )
    record_attendance(event, by=world.leader, attended=set())
    assert Activity.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.EVENT_ATTENDANCE).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.ACTIVITY_LOG).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ACTIVITY_DELETE).count() == 1
    with pytest.raises(ValidationError):
        record_attendance(event, by=world.leader, attended={pair.pk + 1000})
    with pytest.raises(PermissionDenied):
        record_attendance(event, by=world.volunteer, attended={pair.pk})
    with pytest.raises(PermissionDenied):
        record_attendance(event, by=world.other_leader, attended={pair.pk})


def test_attendance_leaves_a_closed_match_alone(world: Any) -> None:
    match = active_match(world)
    event = make_event(world)
    pair = answer_event(event, by=world.volunteer, answer="pair", match=match)
    SocialEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    event.refresh_from_db()
    match.status = "closed"
    match.save()
    record_attendance(event, by=world.leader, attended={pair.pk})
    assert Activity.objects.count() == 0
    pair.refresh_from_db()
    assert pair.attended is True


# --- queries --------------------------------------------------------------------------------


def test_for_volunteer_lists_her_upcoming_invitations_with_her_answer(world: Any) -> None:
    match = active_match(world)
    coming = make_event(world, title="A", starts_at=timezone.now() + datetime.timedelta(days=2))
    unanswered = make_event(world, title="B")
    make_event(world, title="past", starts_at=timezone.now() - datetime.timedelta(days=1))
    make_event(world, title="cancelled", cancelled_at=timezone.now())
    make_event(world, title="other", branch=world.other_branch, organiser=world.other_leader)
    answer_event(coming, by=world.volunteer, answer="pair", match=match)
    other = second_volunteer(world)
    other_match = factories.match(
        factories.referral(world.centre, world.branch, status="matched"),
        other,
        status="active",
        started_on=timezone.localdate(),
    )
    answer_event(coming, by=other.user, answer="pair", match=other_match)
    rows = list(queries.with_counts(queries.for_volunteer(world.volunteer.volunteer)))
    assert [(e.title, e.my_answer, e.taken, e.free) for e in rows] == [
        ("A", "pair", 4, 6),
        ("B", "", 0, 10),
    ]
    assert list(queries.open_invitations(world.volunteer.volunteer)) == [unanswered]
    # A day after both events: nothing upcoming.
    later = timezone.localdate() + datetime.timedelta(days=30)
    assert list(queries.open_invitations(world.volunteer.volunteer, later)) == []
