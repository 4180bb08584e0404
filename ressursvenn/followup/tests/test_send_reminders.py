"""`manage.py send_reminders`: the volunteers' reminders and the follow-up task notices, each
once (even run twice or interrupted between two e-mails), as each user chose on *Min konto*;
`--dry-run` prints, `--today` runs as if on another day. No e-mail carries a name, place or
note."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import TaskEmail, User
from ressursvenn.conftest import World
from ressursvenn.followup import tasks
from ressursvenn.followup.models import Activity, CheckIn, Concern, Notice, SocialEvent
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match
from ressursvenn.volunteers.models import PoliceCertificate, SentReminder

DAY = datetime.timedelta(days=1)
SECRETS = ("Amina", "Vera", "Venn", "Gro", "Grünerløkka", "døren", "Frivillighetshuset", "Kaffe")


def _run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def _choose(user: User, choice: str) -> None:
    User.objects.filter(pk=user.pk).update(task_email=choice)


def _mine(user: User) -> list[Any]:
    return [m for m in mail.outbox if m.to == [user.email]]


def _setup(world: World) -> Match:
    """Leader: a check-in due and an inactive match (2 tasks); volunteer: the quiet nudge."""
    match = active_match(world, started_days_ago=40)
    CheckIn.objects.create(match=match, party="volunteer", due_on=timezone.localdate())
    return match


def _assert_discreet(messages: list[Any]) -> None:
    assert messages
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        for secret in SECRETS:
            assert secret not in text, (secret, text)


def test_daily_summary_is_the_default_and_sent_once(world: World) -> None:
    _setup(world)
    _run()
    [leader_mail] = _mine(world.leader)
    assert leader_mail.subject == "Du har 2 nye oppgaver i Ressursvenn"
    assert reverse("followup:tasks") in leader_mail.body
    [nudge] = _mine(world.volunteer)
    assert nudge.subject == "Du har 1 ny oppgave i Ressursvenn"
    _assert_discreet(mail.outbox)
    assert Notice.objects.filter(user=world.leader).count() == 2
    mail.outbox.clear()
    assert _run().strip().endswith("0 e-mail(s) sent.")
    assert mail.outbox == []


def test_every_task_gets_its_own_email(world: World) -> None:
    _setup(world)
    _choose(world.leader, TaskEmail.EVERY)
    _run()
    messages = _mine(world.leader)
    assert [m.subject for m in messages] == ["Du har en ny oppgave i Ressursvenn"] * 2
    _assert_discreet(messages)
    mail.outbox.clear()
    _run()
    assert _mine(world.leader) == []


def test_in_app_only_gets_no_email_but_urgent_concerns_always(world: World) -> None:
    match = _setup(world)
    _choose(world.leader, TaskEmail.NONE)
    _choose(world.staff, TaskEmail.NONE)
    _run()
    assert _mine(world.leader) == []
    assert Notice.objects.filter(user=world.leader).count() == 0
    concern = Concern.objects.create(
        match=match,
        category=Concern.Category.SAFETY,
        severity=Concern.Severity.URGENT,
        description="Eksen sto utenfor døren",
        reported_by=world.volunteer,
    )
    _run()
    [leader_mail] = _mine(world.leader)
    [staff_mail] = _mine(world.staff)
    assert leader_mail.subject == staff_mail.subject == "Du har en ny oppgave i Ressursvenn"
    _assert_discreet([leader_mail, staff_mail])
    assert set(Notice.objects.values_list("user_id", "key")) >= {
        (world.leader.pk, f"concern:{concern.pk}"),
        (world.staff.pk, f"concern:{concern.pk}"),
    }


def test_a_key_already_notified_is_not_sent_again(world: World) -> None:
    """The concern action e-mails at once (notify.send_once): the daily run skips that key."""
    match = _setup(world)
    concern = Concern.objects.create(
        match=match,
        category=Concern.Category.SAFETY,
        severity=Concern.Severity.URGENT,
        description="Eksen sto utenfor døren",
        reported_by=world.volunteer,
    )
    Notice.objects.create(user=world.staff, key=f"concern:{concern.pk}")
    _run()
    assert _mine(world.staff) == []


def test_a_run_interrupted_between_two_emails_sends_only_the_rest(
    world: World, monkeypatch: Any
) -> None:
    _setup(world)
    _choose(world.leader, TaskEmail.EVERY)
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def crash_after_first(self: Any, messages: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("mail server went away")
        return int(real_send(self, messages))

    monkeypatch.setattr(EmailBackend, "send_messages", crash_after_first)
    with pytest.raises(ConnectionError):
        _run()
    assert len(mail.outbox) == 1
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    _run()
    _run()
    keys = [task.key for task in tasks.tasks_for(world.leader)]
    assert sorted(Notice.objects.filter(user=world.leader).values_list("key", flat=True)) == (
        sorted(keys)
    )
    # every task of the leader once, the volunteer's nudge once: nothing twice
    assert len(_mine(world.leader)) == 2
    assert len(_mine(world.volunteer)) == 1


def test_a_new_task_is_notified_the_next_day(world: World) -> None:
    match = _setup(world)
    _run()
    mail.outbox.clear()
    tomorrow = timezone.localdate() + DAY
    CheckIn.objects.create(match=match, party="woman", due_on=tomorrow + 3 * DAY)
    _run("--today", tomorrow.isoformat())
    [leader_mail] = _mine(world.leader)
    assert leader_mail.subject == "Du har 1 ny oppgave i Ressursvenn"


def test_today_moves_the_clock(world: World) -> None:
    match = active_match(world, started_days_ago=10)
    Activity.objects.create(
        match=match,
        occurred_on=timezone.localdate(),
        kind=Activity.Kind.COFFEE,
        duration_minutes=30,
        channel="in_person",
        note="Grünerløkka",
        created_by=world.volunteer,
    )
    _run()
    assert _mine(world.volunteer) == []
    later = timezone.localdate() + 21 * DAY
    _run("--today", later.isoformat())
    [nudge] = _mine(world.volunteer)
    _assert_discreet([nudge])
    assert Notice.objects.get(user=world.volunteer).key == (
        f"quiet:m{match.pk}:{timezone.localdate().isoformat()}"
    )


def test_bad_today_is_refused() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "31.12.2026", stdout=StringIO())


def test_dry_run_prints_and_sends_nothing(world: World) -> None:
    _setup(world)
    PoliceCertificate.objects.filter(volunteer=world.volunteer.volunteer).update(
        renewal_due_on=timezone.localdate() + 5 * DAY
    )
    out = _run("--dry-run")
    assert f"would send reminder_tasks to user {world.leader.pk}: 2 task(s)" in out
    assert f"would send reminder_renewal to user {world.volunteer.pk}" in out
    # the leader's certificate reminder, the volunteer's renewal, the two task summaries
    assert out.strip().endswith("4 e-mail(s) would be sent.")
    assert (mail.outbox, Notice.objects.count(), SentReminder.objects.count()) == ([], 0, 0)
    out = _run()
    assert out.strip().endswith("4 e-mail(s) sent.")
    assert len(mail.outbox) == 4


def test_the_volunteers_reminders_still_go_out_once(world: World) -> None:
    PoliceCertificate.objects.filter(volunteer=world.volunteer.volunteer).update(
        renewal_due_on=timezone.localdate() + 5 * DAY
    )
    _run()
    assert [m.subject for m in _mine(world.volunteer)] == ["Påminnelse fra Ressursvenn"]
    mail.outbox.clear()
    _run()
    assert mail.outbox == []


def test_event_invitations_reach_the_volunteer_once(world: World) -> None:
    SocialEvent.objects.create(
        branch=world.branch,
        title="Kaffetreff",
        starts_at=timezone.now() + 3 * DAY,
        capacity=10,
        audience=SocialEvent.Audience.VOLUNTEERS,
        organiser=world.leader,
        place="Frivillighetshuset",
    )
    _choose(world.volunteer, TaskEmail.EVERY)
    _run()
    [invitation] = _mine(world.volunteer)
    _assert_discreet([invitation])
    _run()
    assert len(_mine(world.volunteer)) == 1


def test_an_urgent_concern_not_acknowledged_in_time_is_sent_again_once(world: World) -> None:
    match = active_match(world, started_days_ago=10)  # no other task
    concern = Concern.objects.create(
        match=match,
        category=Concern.Category.SAFETY,
        severity=Concern.Severity.URGENT,
        description="Eksen sto utenfor døren",
        reported_by=world.volunteer,
        reported_at=timezone.now() - 25 * datetime.timedelta(hours=1),
    )
    for user in (world.leader, world.staff):  # the first e-mail went out when it was sent
        Notice.objects.create(user=user, key=f"concern:{concern.pk}")
    assert "would re-send 1 urgent concern(s)" in _run("--dry-run")
    assert mail.outbox == []
    out = _run()
    assert "re-sent 1 urgent concern(s)" in out
    assert len(_mine(world.leader)) == len(_mine(world.staff)) == 1
    _assert_discreet(mail.outbox)
    concern.refresh_from_db()
    assert concern.resent_at is not None
    mail.outbox.clear()
    _run()
    assert _mine(world.leader) == _mine(world.staff) == []
