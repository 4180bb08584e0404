"""The durable e-mail queue: django-mailer's tables, and what this project adds to them.

Every `send_mail`/`EmailMessage.send` goes to `QueueBackend` (settings.EMAIL_BACKEND), which only
stores the message in `mailer.Message`, in the transaction of the change that causes it: a
rolled-back change sends nothing, and a relay that is down loses nothing. The `worker` process
(`manage.py run_worker`, `run_forever`) delivers the queue with the backend named by the
`EMAIL_BACKEND` environment variable (settings.MAILER_EMAIL_BACKEND):

- each message is sent inside a transaction that holds its row (`SELECT … FOR UPDATE NOWAIT` on
  PostgreSQL, the write lock on SQLite) and is deleted in that transaction, so two workers on
  two machines never send the same message, and a worker killed mid-send leaves the message in
  the queue for the next attempt;
- any failure defers the message (`defer_on_error`) and logs the exception's class, never the
  body; `retry_due` puts it back after MAIL_RETRY_SECONDS * 2**retries (exponential backoff)
  until MAILER_EMAIL_MAX_RETRIES, after which it waits in the admin for the system
  administrator ("E-postkø": subject, recipient domain, attempts, last error, never the body);
- a message whose stored data cannot be read any more (a deploy changed the code it was pickled
  with) is deferred and marked, never dropped (django-mailer would delete it).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import timezone
from mailer import engine
from mailer.backend import DbBackend
from mailer.models import (
    PRIORITY_DEFERRED,
    PRIORITY_MEDIUM,
    RESULT_FAILURE,
    Message,
    MessageLog,
)

logger = logging.getLogger(__name__)

UNREADABLE = "UnreadableMessage"  # the "error" of a message whose stored data cannot be read


class QueueBackend(DbBackend):
    """Store each message in the queue with its own Message-ID, so its attempts in
    `mailer.MessageLog` can be found again (the backoff counts from the last one)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            engine.ensure_message_id(message)
        return int(super().send_messages(email_messages))


def check_delivery_backend() -> str:
    """The delivery backend's dotted path; refuses the queue itself (it would never send)."""
    backend = str(settings.MAILER_EMAIL_BACKEND)
    if backend in (settings.EMAIL_BACKEND, "mailer.backend.DbBackend"):
        raise ImproperlyConfigured(
            "EMAIL_BACKEND names the queue itself: set it to the backend that delivers "
            "(e.g. django.core.mail.backends.smtp.EmailBackend)."
        )
    return backend


def message_id(message: Message) -> str | None:
    email = message.email
    if email is None:
        return None
    return str(email.extra_headers.get("Message-ID", "")) or None


def _log_failure(message: Message, error: str) -> None:
    MessageLog.objects.create(
        message_data=None,
        message_id=message_id(message),
        when_added=message.when_added,
        priority=message.priority,
        result=RESULT_FAILURE,
        log_message=error,
    )


def defer_on_error(connection: Any, message: Message, error: Exception) -> tuple[None, str]:
    """django-mailer's MAILER_ERROR_HANDLER: whatever went wrong, defer and keep the message.

    Only the exception's class is logged: an SMTP answer can quote the recipient."""
    message.defer()
    _log_failure(message, type(error).__name__)
    logger.warning(
        "mail.deferred", extra={"queued_message": message.pk, "error": type(error).__name__}
    )
    return None, "deferred"


def _set_aside_unreadable() -> int:
    """Defer (never drop) every queued message whose data no longer unpickles."""
    count = 0
    for message in Message.objects.non_deferred().order_by("pk").iterator():
        if message.email is None:
            with transaction.atomic():
                Message.objects.filter(pk=message.pk).update(
                    priority=PRIORITY_DEFERRED, retry_count=settings.MAILER_EMAIL_MAX_RETRIES
                )
                _log_failure(message, UNREADABLE)
            logger.error("mail.unreadable", extra={"queued_message": message.pk})
            count += 1
    return count


def deliver() -> None:
    """Send every message in the queue that is due now (one pass)."""
    check_delivery_backend()
    _set_aside_unreadable()
    engine.send_all()


def last_failures(message_ids: Sequence[str]) -> dict[str, datetime.datetime]:
    """The time of the last failed attempt of each Message-ID."""
    rows = (
        MessageLog.objects.filter(message_id__in=message_ids, result=RESULT_FAILURE)
        .values("message_id")
        .annotate(last=models.Max("when_attempted"))
    )
    return {row["message_id"]: row["last"] for row in rows}


def retry_at(message: Message, last_failure: datetime.datetime | None) -> datetime.datetime:
    """When a deferred message may be tried again: MAIL_RETRY_SECONDS * 2**retries after its
    last failure (or after it was queued, when no failure is on record)."""
    wait = datetime.timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2**message.retry_count)
    return (last_failure or message.when_added) + wait


def retry_due(now: datetime.datetime | None = None) -> int:
    """Put back in the queue the deferred messages whose backoff has passed."""
    now = now or timezone.now()
    deferred = list(
        Message.objects.deferred().filter(retry_count__lt=settings.MAILER_EMAIL_MAX_RETRIES)
    )
    failures = last_failures([i for i in map(message_id, deferred) if i])
    due = [
        message.pk
        for message in deferred
        if retry_at(message, failures.get(message_id(message) or "")) <= now
    ]
    return Message.objects.filter(pk__in=due, priority=PRIORITY_DEFERRED).update(
        priority=PRIORITY_MEDIUM, retry_count=models.F("retry_count") + 1
    )


def retry_now(pks: Sequence[int]) -> int:
    """The system administrator's "send again": back in the queue with a fresh count."""
    return Message.objects.filter(pk__in=pks, priority=PRIORITY_DEFERRED).update(
        priority=PRIORITY_MEDIUM, retry_count=0
    )


def oldest_queued_age(now: datetime.datetime | None = None) -> float | None:
    """Seconds the oldest message waiting to be sent (not given up on) has waited."""
    oldest = Message.objects.aggregate(oldest=models.Min("when_added"))["oldest"]
    if oldest is None:
        return None
    return ((now or timezone.now()) - oldest).total_seconds()


def recipient_domains(message: Message) -> str:
    """The recipients as the admin may show them: the domain only ("…@example.no")."""
    email = message.email
    if email is None:
        return "—"
    return ", ".join(sorted({f"…@{address.rpartition('@')[2]}" for address in email.to}))
