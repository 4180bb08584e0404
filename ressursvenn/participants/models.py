"""Referrals (henvisninger) of women by crisis centres, with consent and safety clearance.

The woman has no account. Her referral holds only what the match needs: the name she wants
to be called, birth year, area, profile for matching, safe ways to contact her and areas to
avoid. Never an address and never anything about the perpetrator. Her name and contact
details are encrypted at rest.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import scoped
from ressursvenn.lib.crypto import EncryptedJSONField, EncryptedTextField
from ressursvenn.lib.models import VersionedText
from ressursvenn.organisations.models import District, Municipality, Organisation
from ressursvenn.volunteers.models import Volunteer


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: Any) -> ReferralQuerySet:
        """Crisis-centre staff see their centre's referrals; group leaders those sent to their
        branch (never drafts). The national coordinator and volunteers see none."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        scope = models.Q(pk__in=[])
        if user.has_role(Role.CRISIS_STAFF):
            scope |= models.Q(centre_id__in=user.organisation_ids(Role.CRISIS_STAFF))
        if user.has_role(Role.GROUP_LEADER):
            scope |= models.Q(branch_id__in=user.organisation_ids(Role.GROUP_LEADER)) & ~models.Q(
                status=Referral.Status.DRAFT
            )
        return scoped(self.filter(scope), user)

    def waiting(self) -> ReferralQuerySet:
        """Women on the waiting list: accepted, consent in force, not yet matched."""
        return self.filter(status=Referral.Status.ACCEPTED, consent_withdrawn_at__isnull=True)


class ConsentText(VersionedText):
    """A version of the text the woman consents to (read to her by the crisis centre)."""

    class Meta(VersionedText.Meta):
        verbose_name = _("samtykketekst")
        verbose_name_plural = _("samtykketekster")


class Referral(models.Model):
    """One woman referred by a crisis centre to a branch. See DESIGN.md §4 for the states."""

    AUDIT_MASKED_FIELDS = ("first_name", "contact_value", "status_reason", "notes")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Sendt")
        ACCEPTED = "accepted", _("Venter på ressursvenn")
        PROPOSED = "proposed", _("Forslag sendt")
        MATCHED = "matched", _("Koblet")
        CLOSED = "closed", _("Avsluttet")
        DECLINED = "declined", _("Avvist")
        WITHDRAWN = "withdrawn", _("Trukket")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telefon")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-post")
        VIA_CENTRE = "via_centre", _("Bare gjennom krisesenteret")

    class ContactTime(models.TextChoices):
        MORNING = "morning", _("Formiddag")
        AFTERNOON = "afternoon", _("Ettermiddag")
        EVENING = "evening", _("Kveld")

    centre = models.ForeignKey(
        Organisation,
        verbose_name=_("krisesenter"),
        on_delete=models.PROTECT,
        related_name="referrals_made",
    )
    branch = models.ForeignKey(
        Organisation,
        verbose_name=_("lokalforening"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kontaktperson på krisesenteret"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    status_reason = EncryptedTextField(_("begrunnelse"), blank=True, default="")
    status_changed_at = models.DateTimeField(_("status endret"), default=timezone.now)

    # Who she is, as little as possible.
    first_name = EncryptedTextField(_("fornavn eller navnet hun vil kalles"))
    birth_year = models.PositiveSmallIntegerField(_("fødselsår"))
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("bydel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    children_count = models.PositiveSmallIntegerField(_("antall barn"), default=0)

    # Matching profile: lists of codes from ressursvenn.lib.vocabulary.
    languages = models.JSONField(_("språk hun snakker"), default=list, blank=True)
    required_languages = models.JSONField(
        _("språk ressursvennen må snakke"), default=list, blank=True
    )
    interpreter_needed = models.BooleanField(_("trenger tolk"), default=False)
    interests = models.JSONField(_("interesser"), default=list, blank=True)
    needs = models.JSONField(_("trenger hjelp med"), default=list, blank=True)
    availability = models.JSONField(_("tilgjengelighet"), default=list, blank=True)
    modes = models.JSONField(_("møteform"), default=list, blank=True)
    preferred_age_min = models.PositiveSmallIntegerField(
        _("ønsket alder på ressursvennen, fra"), null=True, blank=True
    )
    preferred_age_max = models.PositiveSmallIntegerField(
        _("ønsket alder på ressursvennen, til"), null=True, blank=True
    )

    # Safe contact.
    contact_channel = models.CharField(
        _("trygg måte å kontakte henne på"),
        max_length=20,
        choices=Channel.choices,
        default=Channel.VIA_CENTRE,
    )
    contact_value = EncryptedTextField(_("telefonnummer eller e-post"), blank=True, default="")
    contact_times = models.JSONField(_("trygge tider"), default=list, blank=True)
    may_leave_message = models.BooleanField(_("det er trygt å legge igjen beskjed"), default=False)

    # Safety: only areas to avoid, never who or where.
    excluded_areas = EncryptedJSONField(
        _("områder å unngå"),
        default=list,
        blank=True,
        help_text=_("Kommune- og bydelsnumre. Aldri adresser eller opplysninger om voldsutøver."),
    )
    excluded_volunteers = models.ManyToManyField(
        Volunteer,
        verbose_name=_("ressursvenner som ikke skal brukes"),
        blank=True,
        related_name="+",
    )
    notes = EncryptedTextField(_("merknader til gruppelederen"), blank=True, default="")

    # Safety clearance (sikkerhetsvurdering): only the fact, when and by whom.
    safety_assessed_on = models.DateField(_("sikkerhetsvurdering gjort"), null=True, blank=True)
    safety_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sikkerhetsvurdering gjort av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Consent (samtykke).
    consent_text = models.ForeignKey(
        ConsentText,
        verbose_name=_("samtykketekst"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_scope = models.JSONField(_("samtykket gjelder"), default=list, blank=True)
    consent_given_on = models.DateField(_("samtykke gitt"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("samtykke trukket"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    waiting_since = models.DateTimeField(
        _("venter siden"),
        null=True,
        blank=True,
        help_text=_("Settes når henvisningen tas imot; beholdes når et forslag ikke blir noe av."),
    )
    closed_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisert"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        indexes = [
            models.Index(fields=["branch", "status", "waiting_since"], name="referral_waiting"),
            models.Index(fields=["centre", "status"], name="referral_by_centre"),
            # referrals received in a period, by branch and centre (reports/definitions)
            models.Index(fields=["submitted_at", "branch", "centre"], name="referral_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "accepted",
                        "proposed",
                        "matched",
                        "closed",
                        "declined",
                        "withdrawn",
                    ]
                ),
                name="referral_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(preferred_age_min__isnull=True)
                | models.Q(preferred_age_max__isnull=True)
                | models.Q(preferred_age_min__lte=models.F("preferred_age_max")),
                name="referral_preferred_age_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Henvisning {self.pk}"

    def access_context(self, user: Any) -> tuple[str, Organisation]:
        """The role in which `user` views this record (lib.access logs it): staff of the
        referring centre as crisis staff, everyone else as the branch's group leader."""
        if self.centre_id in user.organisation_ids(Role.CRISIS_STAFF):
            return Role.CRISIS_STAFF, self.centre
        return Role.GROUP_LEADER, self.branch

    def age(self, today: datetime.date | None = None) -> int:
        """Her age in whole years at most (only the birth year is stored)."""
        return (today or timezone.localdate()).year - self.birth_year

    @property
    def has_consent(self) -> bool:
        return self.consent_given_on is not None and self.consent_withdrawn_at is None

    @property
    def has_safety_clearance(self) -> bool:
        return self.safety_assessed_on is not None and self.safety_assessed_by_id is not None

    def waiting_days(self, now: datetime.datetime | None = None) -> int:
        if self.waiting_since is None:
            return 0
        return max(0, ((now or timezone.now()) - self.waiting_since).days)
