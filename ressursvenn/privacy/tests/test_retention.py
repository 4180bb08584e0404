"""Retention (`manage.py apply_retention`, `privacy/retention.py`): time travel over every row
that holds personal data (canaries, `canary.py`), statistics intact, idempotent, dry run,
interrupted run, the rules' dates and the purges."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone
from mailer.models import MessageLog

from ressursvenn.accounts.models import User
from ressursvenn.conftest import World
from ressursvenn.lib.audit import record_change
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import anonymise, retention
from ressursvenn.privacy.inventory import INVENTORY
from ressursvenn.privacy.people import VOLUNTEER, WOMAN
from ressursvenn.privacy.tests import canary
from ressursvenn.reports import dashboard, definitions
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def run(day: datetime.date, *, dry_run: bool = False) -> str:
    out = io.StringIO()
    call_command("apply_retention", today=day, dry_run=dry_run, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def found(canaries: list[canary.Canary]) -> set[str]:
    """The canary values the scan still finds somewhere in the database."""
    return {value for _table, _column, value in canary.scan(canaries)}


def names(canaries: list[canary.Canary]) -> set[str]:
    return {c.key for c in canaries}


def due_day(ended: datetime.date, months: int) -> datetime.date:
    """The first day the rule makes her due: the day after ended + months."""
    return add_months(ended, months) + DAY


# --- time travel with canaries ----------------------------------------------------------------


def test_woman_is_anonymised_the_day_after_twelve_months_and_her_volunteer_stays(
    world: World, mail_queue: Any
) -> None:
    story = canary.story(world)  # the volunteer stays approved
    woman, volunteer = story.of(WOMAN), story.of(VOLUNTEER)
    assert woman
    assert volunteer
    assert found(story.canaries) == names(story.canaries)  # the scan can fail

    day = due_day(story.ended_on, 12)
    output = run(day - DAY)
    assert "0 person(s) anonymised" in output
    story.referral.refresh_from_db()
    assert story.referral.anonymised_at is None
    # Only the technical logs (older than 90 days by then) are gone.
    assert found(story.canaries) == names(
        story.of(WOMAN, technical=False) + story.of(VOLUNTEER, technical=False)
    )

    output = run(day)
    assert f"anonymised woman {story.referral.pk}: woman_ended" in output
    assert "1 person(s) anonymised" in output
    story.referral.refresh_from_db()
    assert story.referral.anonymised_at is not None
    assert found(woman) == set()
    # Her volunteer's data stays, but for the notes on her match (they may name the woman).
    assert found(volunteer) == names(_off_her_match(story.of(VOLUNTEER, technical=False)))
    story.volunteer.refresh_from_db()
    assert story.volunteer.anonymised_at is None
    assert User.objects.get(pk=story.user.pk).is_active


# The tables whose rows the inventory narrows to one party of a match: the volunteer's side of
# them (her check-ins, closing talk, questionnaire) is anonymised with the woman.
HER_MATCH = {
    label
    for label, entry in INVENTORY.items()
    if entry.only.get(WOMAN) and (entry.woman or "").startswith("match__")
}


def _off_her_match(canaries: list[canary.Canary]) -> list[canary.Canary]:
    return [c for c in canaries if c.label not in HER_MATCH]


def test_ended_volunteer_is_anonymised_after_twenty_four_months_with_her_account(
    world: World, mail_queue: Any
) -> None:
    story = canary.story(world, volunteer_next="end")
    assert found(story.canaries) == names(story.canaries)
    day = due_day(story.ended_on, 24)

    run(day - DAY)  # the woman is long due, the volunteer not yet
    story.volunteer.refresh_from_db()
    assert story.volunteer.anonymised_at is None
    assert found(story.canaries) == names(_off_her_match(story.of(VOLUNTEER, technical=False)))

    output = run(day)
    assert f"anonymised volunteer {story.volunteer.pk}: volunteer_ended" in output
    assert found(story.canaries) == set()
    account = User.objects.get(pk=story.user.pk)
    assert (account.is_active, account.has_usable_password()) == (False, False)
    assert account.session_stamp != story.user.session_stamp


@pytest.mark.parametrize("status", ["rejected", "withdrawn"])
def test_applicant_is_anonymised_after_six_months(
    world: World, mail_queue: Any, status: str
) -> None:
    row, planted = canary.applicant(world, status=status)
    assert found(planted) == names(planted)
    day = due_day(timezone.localdate(), 6)

    assert "0 person(s) anonymised" in run(day - DAY)
    assert found(planted) == names([c for c in planted if not c.technical])

    output = run(day)
    assert f"anonymised volunteer {row.pk}: applicant_ended" in output
    assert found(planted) == set()
    row.refresh_from_db()
    assert (row.status, row.anonymised_at is not None) == (status, True)


def _figures(world: World, today: datetime.date) -> tuple[Any, dict[str, Any]]:
    starts_on = today.replace(month=1, day=1)
    ends_on = today.replace(month=12, day=31)
    report = dashboard.build(world.coordinator, starts_on=starts_on, ends_on=ends_on, today=today)
    span = definitions.Span(starts_on, ends_on, None, today=today)
    values = {code: definitions.compute(code, span) for code in sorted(definitions.REGISTRY)}
    return report, values


def test_statistics_are_the_same_after_the_run(world: World, mail_queue: Any) -> None:
    story = canary.story(world, volunteer_next="end")
    canary.applicant(world)
    today = timezone.localdate()
    report, values = _figures(world, today)
    assert values["closures"] == {world.branch.pk: 1}  # the figures hold the story

    run(due_day(story.ended_on, 24))
    assert Referral.objects.filter(anonymised_at__isnull=True).count() == 0
    assert Volunteer.objects.filter(anonymised_at__isnull=False).count() == 2
    after_report, after_values = _figures(world, today)
    assert after_values == values
    assert after_report == report


# --- idempotent, dry run, interrupted ---------------------------------------------------------


def test_a_second_run_finds_nothing_to_do(world: World, mail_queue: Any) -> None:
    story = canary.story(world, volunteer_next="end")
    day = due_day(story.ended_on, 24)
    assert "2 person(s) anonymised" in run(day)
    before = canary.dump()
    output = run(day)
    assert "0 person(s) anonymised, 0 skipped, 0 failed; 0 log row(s) deleted." in output
    assert canary.dump() == before


def test_dry_run_lists_what_would_be_done_and_changes_nothing(
    world: World, mail_queue: Any
) -> None:
    story = canary.story(world, volunteer_next="end")
    day = due_day(story.ended_on, 24)
    before = canary.dump()
    output = run(day, dry_run=True)
    assert canary.dump() == before
    lines = [line.strip() for line in output.splitlines()]
    ended = story.ended_on.isoformat()
    assert (
        f"would anonymise woman {story.referral.pk}: woman_ended (ended {ended}, "
        f"due from {due_day(story.ended_on, 12).isoformat()})"
    ) in lines
    assert (
        f"would anonymise volunteer {story.volunteer.pk}: volunteer_ended (ended {ended}, "
        f"due from {day.isoformat()})"
    ) in lines
    assert "2 person(s) would be anonymised" in output
    assert "KANARI" not in output.upper()
    assert "kanari" not in output


def _closed_referral(world: World, days_ago: int, **fields: Any) -> Referral:
    closed = timezone.now() - datetime.timedelta(days=days_ago)
    referral: Referral = factories.referral(
        world.centre,
        world.branch,
        status=fields.pop("status", "closed"),
        contact=world.staff,
        closed_at=closed,
        status_changed_at=closed,
        **fields,
    )
    return referral


def test_an_interrupted_run_leaves_the_person_untouched_and_a_rerun_completes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    women = [_closed_referral(world, 400, first_name=f"Kvinne {n}") for n in range(3)]
    second = women[1]
    real = anonymise._remove_login_logs
    calls = {"n": 0}

    def fail_on_second(addresses: set[str]) -> int:
        calls["n"] += 1
        if calls["n"] == 2:  # after her rows were cleared, before the marker
            raise RuntimeError("the machine went away")
        return real(addresses)

    monkeypatch.setattr(anonymise, "_remove_login_logs", fail_on_second)
    before = Referral.objects.filter(pk=second.pk).values().get()
    with pytest.raises(CommandError, match=f"woman {second.pk}"):
        run(timezone.localdate())
    states = dict(Referral.objects.values_list("pk", "anonymised_at"))
    assert [states[w.pk] is not None for w in women] == [True, False, True]
    assert Referral.objects.filter(pk=second.pk).values().get() == before
    assert not AuditEvent.objects.filter(
        action=AuditAction.PRIVACY_RETENTION, object_id=str(second.pk)
    ).exists()

    output = run(timezone.localdate())
    assert f"anonymised woman {second.pk}" in output
    assert "1 person(s) anonymised" in output
    second.refresh_from_db()
    assert (second.first_name, second.anonymised_at is not None) == ("Anonymisert", True)
    events = AuditEvent.objects.filter(action=AuditAction.PRIVACY_RETENTION).order_by("pk")
    assert [(e.object_id, e.actor_id, e.changes) for e in events] == [
        (str(w.pk), None, {"rule": "woman_ended"}) for w in (women[0], women[2], second)
    ]


def test_a_bad_today_is_refused_with_a_clear_message() -> None:
    with pytest.raises(CommandError, match="argument --today: must be a date as YYYY-MM-DD"):
        call_command("apply_retention", "--today", "2027-13-01")


# --- the rules --------------------------------------------------------------------------------


def _due(day: datetime.date) -> list[tuple[str, int, str]]:
    return [(item.kind, item.pk, item.rule) for item in retention.due(day)]


def test_the_woman_is_due_the_day_after_the_later_of_closure_and_her_last_match(
    world: World,
) -> None:
    referral = _closed_referral(world, 0, status="withdrawn")
    closed = timezone.localdate()
    match = factories.match(
        referral,
        world.volunteer.volunteer,
        status="cancelled",
        status_changed_at=timezone.now() + datetime.timedelta(days=10),
    )
    day = due_day(closed + datetime.timedelta(days=10), 12)
    assert _due(day - DAY) == []
    assert _due(day) == [(WOMAN, referral.pk, "woman_ended")]
    match.delete()
    assert _due(due_day(closed, 12)) == [(WOMAN, referral.pk, "woman_ended")]


@pytest.mark.parametrize("status", ["proposed", "meeting_planned", "active", "paused", "ending"])
def test_never_while_she_has_an_open_match(world: World, status: str) -> None:
    referral = _closed_referral(world, 800)
    volunteer = factories.volunteer(world.branch, status="ended", email="slutt@example.no")
    Volunteer.objects.filter(pk=volunteer.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=1000)
    )
    factories.match(referral, volunteer, status=status)
    assert _due(timezone.localdate()) == []


@pytest.mark.parametrize("status", ["draft", "submitted", "accepted", "proposed", "matched"])
def test_a_referral_in_process_is_never_due(world: World, status: str) -> None:
    _closed_referral(world, 2000, status=status)
    assert _due(timezone.localdate()) == []


def test_month_ends_clamp_and_anonymised_people_are_not_due_again(world: World) -> None:
    volunteer = factories.volunteer(world.branch, status="rejected", email="avslag@example.no")
    ended = datetime.datetime(2026, 8, 31, 12, tzinfo=timezone.get_current_timezone())
    Volunteer.objects.filter(pk=volunteer.pk).update(status_changed_at=ended)
    # 31 August + 6 months is 28 February: due from 1 March.
    assert _due(datetime.date(2027, 2, 28)) == []
    assert _due(datetime.date(2027, 3, 1)) == [(VOLUNTEER, volunteer.pk, "applicant_ended")]
    item = retention.due(datetime.date(2027, 3, 1))[0]
    assert (item.ended_on, item.due_on) == (datetime.date(2026, 8, 31), datetime.date(2027, 3, 1))
    Volunteer.objects.filter(pk=volunteer.pk).update(anonymised_at=timezone.now())
    assert _due(datetime.date(2030, 1, 1)) == []


def test_approved_and_paused_volunteers_are_never_due(world: World) -> None:
    for status in ("applied", "screening", "approved", "paused"):
        row = factories.volunteer(world.branch, status=status, email=f"{status}@example.no")
        Volunteer.objects.filter(pk=row.pk).update(
            status_changed_at=timezone.now() - datetime.timedelta(days=3000)
        )
    assert _due(timezone.localdate()) == []


def test_a_person_changed_since_the_list_was_made_is_skipped(world: World) -> None:
    referral = _closed_referral(world, 400)
    item = retention.due(timezone.localdate())[0]
    factories.match(referral, world.volunteer.volunteer, status="proposed")
    from ressursvenn.privacy import actions

    assert actions.anonymise_expired(item, today=timezone.localdate()) is None
    referral.refresh_from_db()
    assert referral.anonymised_at is None


# --- purges -----------------------------------------------------------------------------------


def test_old_logs_and_expired_sessions_are_purged(world: World) -> None:
    today = timezone.localdate()
    now = timezone.now()
    old_event = record_change(
        world.branch, by=world.coordinator, action=AuditAction.ORGANISATION_UPDATE
    )
    new_event = record_change(
        world.branch, by=world.coordinator, action=AuditAction.ORGANISATION_UPDATE
    )
    AuditEvent.objects.filter(pk=old_event.pk).update(at=now - datetime.timedelta(days=61 * 31))
    old_view = AccessEvent.objects.create(
        user=world.leader, role="group_leader", object_type="x.y", object_id="1"
    )
    AccessEvent.objects.create(
        user=world.leader, role="group_leader", object_type="x.y", object_id="2"
    )
    AccessEvent.objects.filter(pk=old_view.pk).update(at=now - datetime.timedelta(days=61 * 31))
    common = {
        "user_agent": "x",
        "http_accept": "*/*",
        "path_info": "/",
        "get_data": "",
        "post_data": "",
    }
    old_attempt = AccessAttempt.objects.create(
        username="a@example.no", failures_since_start=1, **common
    )
    AccessAttempt.objects.create(username="b@example.no", failures_since_start=1, **common)
    AccessAttempt.objects.filter(pk=old_attempt.pk).update(
        attempt_time=now - datetime.timedelta(days=91)
    )
    MessageLog.objects.create(
        message_data=None,
        when_added=now,
        priority=2,
        result="1",
        log_message="",
        when_attempted=now - datetime.timedelta(days=91),
    )
    MessageLog.objects.create(
        message_data=None, when_added=now, priority=2, result="1", log_message=""
    )
    Session.objects.create(session_key="old", session_data="", expire_date=now - DAY)
    Session.objects.create(session_key="new", session_data="", expire_date=now + DAY)

    output = run(today)
    for line in (
        "delete 1 audit trail events",
        "delete 1 access log events",
        "delete 1 login attempts",
        "delete 1 sent-mail log entries",
        "delete 1 expired sessions",
    ):
        assert line in output
    assert list(
        AuditEvent.objects.filter(object_type="organisations.organisation").values_list(
            "pk", flat=True
        )
    ) == [new_event.pk]
    assert sorted(AccessEvent.objects.values_list("object_id", flat=True)) == ["2"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["b@example.no"]
    assert MessageLog.objects.count() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_it_is_a_daily_job_run_with_the_day(world: World, settings: Any) -> None:
    from ressursvenn.lib import daily

    assert "apply_retention" in settings.DAILY_JOBS
    referral = _closed_referral(world, 400)
    daily.run_command("apply_retention", timezone.localdate())
    referral.refresh_from_db()
    assert referral.anonymised_at is not None
