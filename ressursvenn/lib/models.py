"""The audit trail (who changed what), the access log (who looked at whose record), and the
base of versioned texts people agree to."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mailer.models import Message


class VersionedText(models.Model):
    """A version of a text people agree to (confidentiality declaration, consent)."""

    version = models.PositiveSmallIntegerField(_("versjon"), unique=True)
    text = models.TextField(_("tekst"))
    published_on = models.DateField(_("gjelder fra"))

    class Meta:
        abstract = True
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    @classmethod
    def current(cls) -> Self | None:
        """The newest version in force today."""
        return cls._default_manager.filter(published_on__lte=timezone.localdate()).first()


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyModel(models.Model):
    """A log row: written once, never changed through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)


class AuditEvent(AppendOnlyModel):
    """One change made through an action. Values of personal and secret fields are masked."""

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utført av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisasjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("handling"), max_length=80)
    object_type = models.CharField(_("type"), max_length=80)
    object_id = models.CharField(_("id"), max_length=64)
    changes = models.JSONField(_("endringer"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["-at", "-id"], name="audit_newest_first"),
            # The audit page's "new roles with access to women's data" panel.
            models.Index(fields=["action", "-at", "-id"], name="audit_action_newest_first"),
        ]
        verbose_name = _("endringslogg")
        verbose_name_plural = _("endringslogg")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class AccessEvent(AppendOnlyModel):
    """One view of a person's record: who, in which role, which record, when."""

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("rolle"), max_length=40)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisasjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_type = models.CharField(_("type"), max_length=80)
    object_id = models.CharField(_("id"), max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["-at", "-id"], name="access_newest_first"),
        ]
        verbose_name = _("tilgangslogg")
        verbose_name_plural = _("tilgangslogg")

    def __str__(self) -> str:
        return f"{self.role} {self.object_type}:{self.object_id}"


class JobRun(models.Model):
    """One run of a daily job for one day (`lib/daily.py`): the unique (job, day) pair is the
    claim that makes a job run once a day however many machines start it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Kjører")
        DONE = "done", _("Fullført")
        FAILED = "failed", _("Feilet")

    job = models.CharField(_("jobb"), max_length=60)
    day = models.DateField(_("dag"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=1)
    started_at = models.DateTimeField(_("startet"), default=timezone.now)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    host = models.CharField(_("maskin"), max_length=100, blank=True)
    # The exception's class only: a message could hold personal data.
    error = models.CharField(_("feil"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("kjøring av daglig jobb")
        verbose_name_plural = _("kjøringer av daglige jobber")
        ordering = ("-day", "job")
        constraints = [
            models.UniqueConstraint(fields=("job", "day"), name="jobrun_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day.isoformat()} ({self.status})"


class QueuedMessage(Message):
    """django-mailer's queued message as the technical admin shows it (`lib/admin.py`): its
    name never holds the recipient (the library's does)."""

    class Meta:
        proxy = True
        verbose_name = _("e-post i kø")
        verbose_name_plural = _("e-postkø")

    def __str__(self) -> str:
        return str(_("E-post nr. %(number)d")) % {"number": self.pk}
