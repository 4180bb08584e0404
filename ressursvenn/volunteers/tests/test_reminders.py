"""Tasks for group leaders and the daily reminder e-mail (each reminder once)."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.tests import factories
from ressursvenn.volunteers import reminders
from ressursvenn.volunteers.models import PoliceCertificate, SentReminder, Volunteer

DAY = datetime.timedelta(days=1)


def _tasks(world: World) -> None:
    """One task of each kind in world.branch, and one of each in the other branch."""
    now = timezone.now()
    for branch, tag in ((world.branch, "a"), (world.other_branch, "b")):
        factories.volunteer(
            branch, status="applied", full_name=f"Gammel Søknad {tag}", applied_at=now - 10 * DAY
        )
        factories.volunteer(branch, status="applied", full_name=f"Ny Søknad {tag}")
        factories.volunteer(branch, status="screening", full_name=f"Uten Samtale {tag}")
        expiring = factories.volunteer(branch, full_name=f"Attest {tag}", email=f"att{tag}@e.no")
        PoliceCertificate.objects.filter(volunteer=expiring).update(
            renewal_due_on=timezone.localdate() + 10 * DAY
        )
        Volunteer.objects.filter(pk=expiring.pk).update(
            course_completed_on=timezone.localdate() - 3 * 365 * DAY + 20 * DAY
        )


def test_branch_task_counts(world: World) -> None:
    _tasks(world)
    counts = reminders.branch_task_counts({world.branch.pk})
    assert counts == {
        world.branch.pk: {
            reminders.APPLICATION: 1,
            reminders.CERTIFICATE: 1,
            reminders.COURSE: 1,
            reminders.INTERVIEW: 1,
        }
    }


def test_no_tasks_for_a_fresh_branch(world: World) -> None:
    assert reminders.branch_task_counts({world.branch.pk}) == {
        world.branch.pk: dict.fromkeys(reminders.KINDS, 0)
    }


def test_each_reminder_is_sent_once(world: World) -> None:
    _tasks(world)
    sent = reminders.send_reminders()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    leader_mail = by_recipient[world.leader.email]
    assert leader_mail.subject == "Du har 4 nye oppgaver i Ressursvenn"
    assert "Gammel" not in leader_mail.body
    assert "Attest" not in leader_mail.body
    assert by_recipient[world.other_leader.email].subject == "Du har 4 nye oppgaver i Ressursvenn"
    assert sent == len(mail.outbox)
    rows = SentReminder.objects.filter(recipient=world.leader).count()
    assert rows == 4
    mail.outbox.clear()
    assert reminders.send_reminders() == 0
    assert mail.outbox == []


def test_a_new_task_is_sent_the_next_day(world: World) -> None:
    _tasks(world)
    reminders.send_reminders()
    mail.outbox.clear()
    factories.volunteer(world.branch, status="screening", full_name="Ny Vurdering")
    assert reminders.send_reminders() == 1
    [message] = mail.outbox
    assert (message.to, message.subject) == (
        [world.leader.email],
        "Du har 1 ny oppgave i Ressursvenn",
    )


def test_volunteer_gets_her_own_renewal_once(world: World) -> None:
    vera = world.volunteer.volunteer
    PoliceCertificate.objects.filter(volunteer=vera).update(
        renewal_due_on=timezone.localdate() + 5 * DAY
    )
    reminders.send_reminders()
    mine = [m for m in mail.outbox if m.to == [world.volunteer.email]]
    assert [m.subject for m in mine] == ["Påminnelse fra Ressursvenn"]
    assert "politiattesten" in mine[0].body
    mail.outbox.clear()
    reminders.send_reminders()
    assert [m for m in mail.outbox if m.to == [world.volunteer.email]] == []


def test_dry_run_sends_nothing(world: World) -> None:
    _tasks(world)
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "would send reminder_tasks to user" in out.getvalue()
    assert mail.outbox == []
    assert SentReminder.objects.count() == 0
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().strip().endswith("0 e-mail(s) sent.")


def test_settings_move_the_thresholds(world: World, settings: Any) -> None:
    _tasks(world)
    settings.REMINDER_APPLICATION_DAYS = 30
    settings.COURSE_RENEWAL_YEARS = 0
    counts = reminders.branch_task_counts({world.branch.pk})[world.branch.pk]
    assert (counts[reminders.APPLICATION], counts[reminders.COURSE]) == (0, 0)
