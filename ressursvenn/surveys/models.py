"""Outcomes: the questionnaires' answers, the one-time links that carry them to the woman, the
outcome question about violence, and the programme's targets per period.

The woman has no account: she answers through a ``SurveyLink`` (the token is stored only as a
hash). The volunteer answers her own experience questionnaire while logged in. Staff may enter
the woman's answers on her behalf (``Response.on_behalf``). Every ``Answer`` carries its
instrument's code and version (``scales.INSTRUMENTS``), so a changed question never mixes with
the old one. The outcome ("lives free from the perpetrator") is asked by the crisis centre or
the group leader and is never shown to the volunteer. See docs/architecture.md ("surveys").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import scoped
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Organisation


class TimePoint(models.TextChoices):
    START = "start", _("Ved oppstart")
    SIX_MONTHS = "six_months", _("Etter seks måneder")
    CLOSURE = "closure", _("Ved avslutning")


class Respondent(models.TextChoices):
    PARTICIPANT = "participant", _("Kvinnen")
    VOLUNTEER = "volunteer", _("Ressursvennen")


def _match_scope(user: Any, prefix: str = "match__", *, volunteer: bool = True) -> models.Q:
    """The rows of the matches `user` may see (as `Match.objects.visible_to`); with
    ``volunteer=False`` the volunteer's own matches are left out (rows she must never see)."""
    scope = models.Q(pk__in=[])
    if user.has_role(Role.GROUP_LEADER):
        scope |= models.Q(**{f"{prefix}branch_id__in": user.organisation_ids(Role.GROUP_LEADER)})
    if user.has_role(Role.CRISIS_STAFF):
        scope |= models.Q(
            **{f"{prefix}referral__centre_id__in": user.organisation_ids(Role.CRISIS_STAFF)}
        )
    if volunteer and user.has_role(Role.VOLUNTEER):
        scope |= models.Q(**{f"{prefix}volunteer__user_id": user.pk})
    return scope


class LinkQuerySet(models.QuerySet["SurveyLink"]):
    def visible_to(self, user: Any) -> Any:
        """Links of the matches the user may see: the group leader, the crisis centre and the
        volunteer (who may hand a link over)."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        return scoped(self.filter(_match_scope(user)), user)


class SurveyLink(models.Model):
    """A one-time link to the woman's questionnaire at one time point of one match.

    Only the SHA-256 of the token is stored. The first browser that opens the link is bound to
    it (``device_hash``, the hash of a random cookie), so a half-finished answer can be
    continued on that device until it is submitted, and on no other.
    """

    class Delivery(models.TextChoices):
        QR = "qr", _("QR-kode")
        TEXT = "text", _("Lenke vist som tekst")
        EMAIL = "email", _("E-post")
        SMS = "sms", _("SMS")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="survey_links")
    time_point = models.CharField(_("tidspunkt"), max_length=20, choices=TimePoint.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    delivery = models.CharField(
        _("levert som"), max_length=10, choices=Delivery.choices, default=Delivery.QR
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("utløper"))
    device_hash = models.CharField(max_length=64, blank=True, default="")
    opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    AUDIT_MASKED_FIELDS = ("device_hash",)

    objects = LinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("spørreskjemalenke")
        verbose_name_plural = _("spørreskjemalenker")
        indexes = [models.Index(fields=["match", "time_point"])]

    def __str__(self) -> str:
        return f"Lenke {self.pk}"

    def usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.submitted_at is None and self.revoked_at is None and self.expires_at > now


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: Any) -> Any:
        """The woman's answers: her group leader and her crisis centre, never the volunteer.
        The volunteer's own answers: only she and the group leader."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        participant = models.Q(respondent=Respondent.PARTICIPANT) & _match_scope(
            user, volunteer=False
        )
        volunteer = models.Q(respondent=Respondent.VOLUNTEER) & (
            models.Q(match__volunteer__user_id=user.pk)
            | models.Q(match__branch_id__in=user.organisation_ids(Role.GROUP_LEADER))
        )
        return scoped(self.filter(participant | volunteer), user)


class Response(models.Model):
    """One questionnaire at one time point of one match: a draft until ``submitted_at``."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="survey_responses")
    time_point = models.CharField(_("tidspunkt"), max_length=20, choices=TimePoint.choices)
    respondent = models.CharField(_("besvart av"), max_length=20, choices=Respondent.choices)
    link = models.OneToOneField(
        SurveyLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The logged-in user who typed the answers (none: the woman through her link).",
    )
    on_behalf = models.BooleanField(_("fylt inn på hennes vegne"), default=False)
    language = models.CharField(_("språk"), max_length=10, default="nb")
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True)
    step = models.PositiveSmallIntegerField(
        default=0,
        help_text="The step of the draft shown now: 0 the introduction, 1… an instrument, "
        "then the last page (send in).",
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("svar på spørreskjema")
        verbose_name_plural = _("svar på spørreskjema")
        constraints = [
            models.UniqueConstraint(
                fields=["match", "time_point", "respondent"],
                condition=models.Q(submitted_at__isnull=False),
                name="response_once_per_time_point",
            ),
            # Entered by someone logged in (on her behalf, or the volunteer's own): one shared
            # draft per time point, so a double click never starts two.
            models.UniqueConstraint(
                fields=["match", "time_point", "respondent"],
                condition=models.Q(submitted_at__isnull=True, link__isnull=True),
                name="response_one_draft_without_link",
            ),
        ]

    def __str__(self) -> str:
        return f"Svar {self.pk}"


class Answer(models.Model):
    """One item's answer (``value`` None: skipped), with the instrument's code and version."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    instrument = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField()
    item = models.CharField(max_length=40)
    value = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "instrument", "item"], name="answer_once_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.version} {self.item}"


class OutcomeQuerySet(models.QuerySet["Outcome"]):
    def visible_to(self, user: Any) -> Any:
        """The group leader and the crisis centre; never the volunteer."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        return scoped(self.filter(_match_scope(user, volunteer=False)), user)


class Outcome(models.Model):
    """Whether the woman lives free from the perpetrator, asked at six months and at closure by
    the crisis centre or the group leader. Never asked by or shown to the volunteer."""

    class Value(models.TextChoices):
        FREE = "free", _("Lever fri fra voldsutøveren")
        MOVED_BACK = "moved_back", _("Har flyttet tilbake til voldsutøveren")
        UNKNOWN = "unknown", _("Vet ikke")

    TIME_POINTS = (TimePoint.SIX_MONTHS, TimePoint.CLOSURE)
    # Whether she moved back is as sensitive as anything about her: masked in the audit trail.
    AUDIT_MASKED_FIELDS = ("value",)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="outcomes")
    time_point = models.CharField(_("tidspunkt"), max_length=20, choices=TimePoint.choices)
    value = models.CharField(_("situasjon"), max_length=20, choices=Value.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("utfall")
        verbose_name_plural = _("utfall")
        constraints = [
            models.UniqueConstraint(fields=["match", "time_point"], name="outcome_once"),
            models.CheckConstraint(
                condition=models.Q(time_point__in=["six_months", "closure"]),
                name="outcome_time_point",
            ),
        ]

    def __str__(self) -> str:
        return f"Utfall {self.pk}"


class ReportingPeriod(models.Model):
    """A period the programme reports on, often a grant ("Stiftelsen Dam 2027"), with its
    targets. Periods may overlap (a calendar year and a two-year grant)."""

    name = models.CharField(_("navn"), max_length=120, unique=True)
    funder = models.CharField(_("tilskuddsgiver"), max_length=120, blank=True, default="")
    starts_on = models.DateField(_("fra og med"))
    ends_on = models.DateField(_("til og med"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rapporteringsperiode")
        verbose_name_plural = _("rapporteringsperioder")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A target for one figure in one period, nationally (no organisation) or for a branch.
    ``metric`` is a code of ``surveys.targets.METRICS``."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("mål for"), max_length=40)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lokalforening"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.PositiveIntegerField(_("mål"))

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        constraints = [
            # Two partial constraints: SQLite has no NULLS NOT DISTINCT for the national one.
            models.UniqueConstraint(
                fields=["period", "metric"],
                condition=models.Q(organisation__isnull=True),
                name="target_once_national",
            ),
            models.UniqueConstraint(
                fields=["period", "metric", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="target_once_per_branch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value}"
