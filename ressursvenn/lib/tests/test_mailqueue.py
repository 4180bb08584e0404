"""The durable e-mail queue (lib/mailqueue.py, `manage.py run_worker`).

These tests switch the e-mail backend from pytest-django's direct locmem to the production
queue, with locmem as the backend the worker delivers through."""

from __future__ import annotations

import datetime
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from mailer.models import PRIORITY_DEFERRED, PRIORITY_MEDIUM, Message, MessageLog

from ressursvenn.accounts.actions import resend_invitation
from ressursvenn.conftest import World
from ressursvenn.followup.models import Notice
from ressursvenn.followup.notify import task_created
from ressursvenn.lib import checks, mailqueue
from ressursvenn.lib.mail import send_discreet
from ressursvenn.tests.factories import UserFactory

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "ressursvenn.lib.tests.test_mailqueue.RelayDown"
CANARY_LINK = "https://ressursvenn.example/invitasjon/CANARY-TOKEN-123/"


class RelayDown:
    """A delivery backend whose relay refuses every connection."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError(111, "Connection refused")

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def queue(mail_queue: Any) -> Any:
    return mail_queue


def _work() -> None:
    call_command("run_worker", once=True)


def test_a_message_waits_in_the_queue_until_the_worker_sends_it_once(queue: Any, db: Any) -> None:
    send_discreet("nora@example.no", "new_role", {})
    assert mail.outbox == []
    assert Message.objects.count() == 1

    _work()
    _work()

    assert [message.to for message in mail.outbox] == [["nora@example.no"]]
    assert Message.objects.count() == 0


def test_a_rolled_back_change_sends_nothing(queue: Any, world: World) -> None:
    queued: list[int] = []

    @transaction.atomic
    def failing_action() -> None:
        task_created([world.leader], "concern:1", urgent=True)
        queued.append(Message.objects.count())
        raise RuntimeError("the action failed after the e-mail")

    with pytest.raises(RuntimeError):
        failing_action()
    assert queued == [1]  # queued in the transaction ...
    assert Message.objects.count() == 0  # ... and gone with it
    assert Notice.objects.count() == 0
    _work()
    assert mail.outbox == []


def test_an_action_queues_its_mail_in_its_own_transaction(queue: Any, world: World) -> None:
    invited = UserFactory(totp=False, password=None)
    invited.set_unusable_password()
    invited.save()
    resend_invitation(invited, by=world.coordinator)
    assert mail.outbox == []
    assert [m.to_addresses for m in Message.objects.all()] == [[invited.email]]
    _work()
    assert [m.to for m in mail.outbox] == [[invited.email]]


def test_a_relay_that_is_down_defers_and_the_message_goes_once_later(queue: Any, db: Any) -> None:
    send_discreet("nora@example.no", "new_role", {})
    queue.MAILER_EMAIL_BACKEND = FAILING
    _work()
    message = Message.objects.get()
    assert (message.priority, message.retry_count) == (PRIORITY_DEFERRED, 0)
    failure = MessageLog.objects.get()
    assert (failure.log_message, failure.message_data) == ("ConnectionRefusedError", None)

    # Not before the backoff has passed ...
    assert mailqueue.retry_due(failure.when_attempted + datetime.timedelta(seconds=59)) == 0
    # ... then once more, and the wait doubles after the second failure.
    assert mailqueue.retry_due(failure.when_attempted + datetime.timedelta(seconds=60)) == 1
    _work()
    message.refresh_from_db()
    assert (message.priority, message.retry_count) == (PRIORITY_DEFERRED, 1)
    second = MessageLog.objects.latest("when_attempted")
    assert mailqueue.retry_at(message, second.when_attempted) == (
        second.when_attempted + datetime.timedelta(seconds=120)
    )

    queue.MAILER_EMAIL_BACKEND = LOCMEM  # the relay is back
    assert mailqueue.retry_due(timezone.now() + datetime.timedelta(seconds=121)) == 1
    _work()
    _work()
    assert [m.to for m in mail.outbox] == [["nora@example.no"]]
    assert Message.objects.count() == 0


def test_any_delivery_error_keeps_the_message(queue: Any, db: Any, monkeypatch: Any) -> None:
    send_discreet("nora@example.no", "new_role", {})

    def refuse(self: Any, messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"nora@example.no": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    _work()
    assert Message.objects.get().priority == PRIORITY_DEFERRED
    # The log keeps the class, never the SMTP answer that quotes the address.
    assert list(MessageLog.objects.values_list("log_message", flat=True)) == [
        "SMTPRecipientsRefused"
    ]


def test_after_the_last_retry_the_message_waits_for_the_administrator(queue: Any, db: Any) -> None:
    send_discreet("nora@example.no", "new_role", {})
    Message.objects.update(priority=PRIORITY_DEFERRED, retry_count=3)
    assert mailqueue.retry_due(timezone.now() + datetime.timedelta(days=30)) == 0
    assert mailqueue.retry_now([Message.objects.get().pk]) == 1
    assert Message.objects.get().retry_count == 0
    _work()
    assert len(mail.outbox) == 1


def test_a_message_that_can_no_longer_be_read_is_kept_not_dropped(queue: Any, db: Any) -> None:
    send_discreet("nora@example.no", "new_role", {})
    Message.objects.update(message_data="not a pickled message")
    _work()
    message = Message.objects.get()
    assert message.priority == PRIORITY_DEFERRED
    assert list(MessageLog.objects.values_list("log_message", flat=True)) == [mailqueue.UNREADABLE]
    assert mailqueue.retry_due(timezone.now() + datetime.timedelta(days=30)) == 0


def test_the_worker_never_delivers_into_the_queue_itself(queue: Any) -> None:
    queue.MAILER_EMAIL_BACKEND = queue.EMAIL_BACKEND
    with pytest.raises(ImproperlyConfigured):
        mailqueue.check_delivery_backend()
    assert [error.id for error in checks.check_mail_delivery()] == [checks.MAIL_ID]


@pytest.mark.parametrize(
    ("production", "backend", "errors"),
    [
        (True, "django.core.mail.backends.smtp.EmailBackend", []),
        (True, LOCMEM, [checks.MAIL_ID]),
        (True, "django.core.mail.backends.console.EmailBackend", [checks.MAIL_ID]),
        (False, "django.core.mail.backends.console.EmailBackend", []),
        (False, "no.such.Backend", [checks.MAIL_ID]),
    ],
)
def test_the_delivery_backend_is_checked_at_start(
    settings: Any, production: bool, backend: str, errors: list[str]
) -> None:
    settings.PRODUCTION = production
    settings.MAILER_EMAIL_BACKEND = backend
    assert [error.id for error in checks.check_mail_delivery()] == errors


def test_the_oldest_queued_age(queue: Any, db: Any) -> None:
    assert mailqueue.oldest_queued_age() is None
    send_discreet("nora@example.no", "new_role", {})
    queued = Message.objects.get().when_added
    later = queued + datetime.timedelta(minutes=5)
    assert mailqueue.oldest_queued_age(later) == 300.0


def test_the_administrator_sees_the_queue_without_bodies(
    queue: Any, client: Client, db: Any
) -> None:
    from ressursvenn.conftest import login

    send_discreet("nora@example.no", "invitation", {"link": CANARY_LINK, "hours": 72})
    queue.MAILER_EMAIL_BACKEND = FAILING
    _work()
    admin = UserFactory(is_staff=True, is_superuser=True)
    login(client, admin)
    page = client.get("/admin/lib/queuedmessage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "ConnectionRefusedError" in html
    assert "…@example.no" in html
    assert "nora@" not in html
    assert "CANARY-TOKEN" not in html
    detail = client.get(f"/admin/lib/queuedmessage/{Message.objects.get().pk}/change/")
    assert detail.status_code == 200
    assert "CANARY-TOKEN" not in detail.content.decode()
    assert client.get("/admin/mailer/messagelog/").status_code == 404

    answer = client.post(
        "/admin/lib/queuedmessage/",
        {"action": "send_again", "_selected_action": [Message.objects.get().pk]},
        follow=True,
    )
    assert "1 melding er lagt tilbake i køen." in answer.content.decode()
    assert Message.objects.get().priority == PRIORITY_MEDIUM


def test_no_log_record_names_a_recipient_or_holds_a_body(queue: Any, db: Any, caplog: Any) -> None:
    send_discreet("nora@example.no", "invitation", {"link": CANARY_LINK, "hours": 72})
    queue.MAILER_EMAIL_BACKEND = FAILING
    _work()
    queue.MAILER_EMAIL_BACKEND = LOCMEM
    mailqueue.retry_now([Message.objects.get().pk])
    _work()
    assert len(mail.outbox) == 1
    logged = [record.getMessage() + repr(record.__dict__) for record in caplog.records]
    assert logged  # the deferral was logged ...
    assert [line for line in logged if "nora" in line or "CANARY" in line] == []  # ... namelessly
