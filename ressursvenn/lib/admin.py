"""The technical admin's view of the e-mail queue and the daily jobs (system administrator).

django-mailer's own admin shows message bodies, which hold sign-in and reset links: it is
replaced by a read-only list without the body (subject, recipient domains, attempts, last
error) and one action, "send again". The daily job runs are listed read-only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from mailer.models import PRIORITY_DEFERRED, DontSendEntry, Message, MessageLog

from ressursvenn.lib import mailqueue
from ressursvenn.lib.models import JobRun, QueuedMessage

for model in (Message, MessageLog, DontSendEntry):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QueuedMessage)
class QueuedMessageAdmin(ReadOnly):
    list_display = ("when_added", "subject_shown", "recipients", "state", "retry_count", "error")
    list_filter = ("priority",)
    ordering = ("when_added",)
    fields = ("when_added", "subject_shown", "recipients", "state", "retry_count", "error")
    readonly_fields = fields
    actions = ("send_again",)

    @admin.display(description=_("Emne"))
    def subject_shown(self, message: Message) -> str:
        email = message.email
        return str(email.subject) if email is not None else str(_("Kan ikke leses"))

    @admin.display(description=_("Mottakere (bare domenet)"))
    def recipients(self, message: Message) -> str:
        return mailqueue.recipient_domains(message)

    @admin.display(description=_("Tilstand"))
    def state(self, message: Message) -> str:
        if message.priority != PRIORITY_DEFERRED:
            return str(_("I kø"))
        if message.email is None:
            return str(_("Kan ikke leses: lagret av en annen versjon av programmet"))
        if message.retry_count >= settings.MAILER_EMAIL_MAX_RETRIES:
            return str(_("Gitt opp etter gjentatte feil: send på nytt når feilen er rettet"))
        failures = mailqueue.last_failures([mailqueue.message_id(message) or ""])
        at = mailqueue.retry_at(message, failures.get(mailqueue.message_id(message) or ""))
        return str(_("Prøves igjen %(time)s")) % {
            "time": timezone.localtime(at).strftime("%d.%m.%Y %H:%M")
        }

    @admin.display(description=_("Siste feil"))
    def error(self, message: Message) -> str:
        key = mailqueue.message_id(message)
        last = (
            MessageLog.objects.filter(message_id=key).order_by("-when_attempted").first()
            if key
            else None
        )
        return last.log_message if last is not None else "—"

    @admin.action(description=_("Send på nytt"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = mailqueue.retry_now(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d melding er lagt tilbake i køen.",
                "%(count)d meldinger er lagt tilbake i køen.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(JobRun)
class JobRunAdmin(ReadOnly):
    list_display = (
        "day",
        "job",
        "status",
        "attempts",
        "started_at",
        "finished_at",
        "host",
        "error",
    )
    list_filter = ("job", "status")
    readonly_fields = list_display

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
