"""The audit trail (who changed what), the access log (who looked at whose record), and the
base of versioned texts people agree to."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
