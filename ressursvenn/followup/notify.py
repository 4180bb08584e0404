"""Discreet e-mails about tasks: "Du har en ny oppgave i Ressursvenn" and a link, never a name,
place or detail.

An action that creates a task for someone (a concern, an event invitation, a resume waiting
for her confirmation) calls `task_created(users, key)` inside its transaction. After commit,
each user who chose "an e-mail for every task" on *Min konto* gets one e-mail for the key;
`urgent=True` (an urgent concern, or any concern: it must reach them at once) e-mails every
user whatever she chose. A `Notice` row per user and key is written with the e-mail, so the
key is never e-mailed twice and the daily summary (`send_reminders`) skips it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from ressursvenn.accounts.models import TaskEmail
from ressursvenn.followup.models import Notice
from ressursvenn.lib.mail import send_discreet

TEMPLATE = "task_new"  # emails/task_new.txt: counts and a link only


def wants_each(user: Any, *, urgent: bool) -> bool:
    return bool(user.is_active and user.email) and (urgent or user.task_email == TaskEmail.EVERY)


def send_once(user: Any, key: str, *, count: int = 1) -> bool:
    """Record the notice and send the e-mail, atomically; False if it was already sent."""
    try:
        with transaction.atomic():
            Notice.objects.create(user=user, key=key)
            send_discreet(
                user.email,
                TEMPLATE,
                {"count": count, "link": settings.SITE_URL + reverse("home")},
            )
    except IntegrityError:
        return False
    return True


def task_created(users: Iterable[Any], key: str, *, urgent: bool = False) -> None:
    """E-mail each of `users` who wants it (see the module docstring) about the new task
    `key`, once. The e-mail is queued in the caller's transaction (django-mailer), so a
    rolled-back action sends nothing."""
    unique = {user.pk: user for user in users}.values()
    for user in unique:
        if wants_each(user, urgent=urgent):
            send_once(user, key)
