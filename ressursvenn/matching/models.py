"""Matches (koblinger) between a referred woman and a volunteer, and the first meeting.

Life cycle (DESIGN.md §4): proposed → meeting_planned → active ⇄ paused → ending → closed, and
cancelled. A volunteer holds at most `capacity` open matches (proposed, planned, active or
paused); the actions lock her row so two group leaders can never both take her last place.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import scoped
from ressursvenn.lib.crypto import EncryptedTextField
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.models import Volunteer


class MatchQuerySet(models.QuerySet["Match"]):
    def visible_to(self, user: Any) -> MatchQuerySet:
        """Group leaders: their branches' matches. Crisis staff: matches of their centre's
        referrals. A volunteer: her own (from the moment she is asked)."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        scope = models.Q(pk__in=[])
        if user.has_role(Role.GROUP_LEADER):
            scope |= models.Q(branch_id__in=user.organisation_ids(Role.GROUP_LEADER))
        if user.has_role(Role.CRISIS_STAFF):
            scope |= models.Q(referral__centre_id__in=user.organisation_ids(Role.CRISIS_STAFF))
        if user.has_role(Role.VOLUNTEER):
            scope |= models.Q(volunteer__user_id=user.pk)
        return scoped(self.filter(scope), user)

    def open(self) -> MatchQuerySet:
        return self.filter(status__in=Match.OPEN_STATUSES)


class Match(models.Model):
    AUDIT_MASKED_FIELDS = ("status_reason",)

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslått")
        MEETING_PLANNED = "meeting_planned", _("Koblingsmøte planlagt")
        ACTIVE = "active", _("Aktiv")
        PAUSED = "paused", _("Pause")
        ENDING = "ending", _("Avsluttes")
        CLOSED = "closed", _("Avsluttet")
        CANCELLED = "cancelled", _("Avbrutt")

    class Answer(models.TextChoices):
        PENDING = "pending", _("Ikke svart")
        YES = "yes", _("Ja")
        NO = "no", _("Nei")

    OPEN_STATUSES = (Status.PROPOSED, Status.MEETING_PLANNED, Status.ACTIVE, Status.PAUSED)

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="matches")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="matches")
    branch = models.ForeignKey(
        Organisation, verbose_name=_("lokalforening"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    status_reason = EncryptedTextField(_("begrunnelse"), blank=True, default="")
    status_changed_at = models.DateTimeField(_("status endret"), default=timezone.now)

    score = models.PositiveSmallIntegerField(_("poeng"), default=0)
    reasons = models.JSONField(
        _("begrunnelse for forslaget"),
        default=list,
        blank=True,
        help_text="[{factor, points, text}] from the engine when proposed.",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("foreslått"), default=timezone.now)
    volunteer_answer = models.CharField(
        _("ressursvennens svar"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("svart"), null=True, blank=True)

    started_on = models.DateField(_("startdato"), null=True, blank=True)
    planned_end_on = models.DateField(_("planlagt slutt"), null=True, blank=True)
    ended_on = models.DateField(_("sluttdato"), null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("kobling")
        verbose_name_plural = _("koblinger")
        indexes = [
            models.Index(fields=["volunteer", "status"], name="match_volunteer_status"),
            models.Index(fields=["branch", "status"], name="match_branch_status"),
        ]
        constraints = [
            # A woman has at most one open match at a time.
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(status__in=["proposed", "meeting_planned", "active", "paused"]),
                name="match_one_open_per_referral",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "proposed",
                        "meeting_planned",
                        "active",
                        "paused",
                        "ending",
                        "closed",
                        "cancelled",
                    ]
                ),
                name="match_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Kobling {self.pk}"

    @property
    def meeting_held(self) -> bool:
        """Staged disclosure: after the koblingsmøte led to a match, more may be shown."""
        return self.status in (
            self.Status.ACTIVE,
            self.Status.PAUSED,
            self.Status.ENDING,
            self.Status.CLOSED,
        )


class MatchingMeeting(models.Model):
    """The koblingsmøte: the woman, the volunteer, the centre contact and the group leader."""

    AUDIT_MASKED_FIELDS = ("place", "video_url", "outcome_note")

    class Mode(models.TextChoices):
        CRISIS_CENTRE = "crisis_centre", _("På krisesenteret")
        PUBLIC_PLACE = "public_place", _("På et offentlig sted")
        VIDEO = "video", _("Video")
        PHONE = "phone", _("Telefon")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Ikke holdt ennå")
        CONTINUE = "continue", _("Begge vil fortsette")
        STOP = "stop", _("Blir ikke noe av")

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="meeting")
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveSmallIntegerField(_("varighet (minutter)"), default=60)
    mode = models.CharField(_("møteform"), max_length=20, choices=Mode.choices)
    place = EncryptedTextField(
        _("sted"),
        blank=True,
        default="",
        help_text=_(
            "Bare for offentlig sted, for eksempel «kafeen på biblioteket». Aldri en adresse."
        ),
    )
    video_url = EncryptedTextField(_("lenke til videomøtet"), blank=True, default="")
    includes_centre_contact = models.BooleanField(
        _("kontaktperson fra krisesenteret deltar"), default=True
    )
    includes_group_leader = models.BooleanField(_("gruppeleder deltar"), default=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField(auto_now_add=True)
    sequence = models.PositiveSmallIntegerField(
        default=0, help_text="iCalendar SEQUENCE: raised each time the meeting is moved."
    )
    outcome = models.CharField(
        _("utfall"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_note = EncryptedTextField(_("merknad"), blank=True, default="")
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("koblingsmøte")
        verbose_name_plural = _("koblingsmøter")

    def __str__(self) -> str:
        return f"Koblingsmøte {self.pk}"
