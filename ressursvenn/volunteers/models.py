"""Volunteers (ressursvenner), their screening checklist, courses and guidance groups.

A volunteer starts as an application from the public form (no account). When the group leader
takes her into screening she gets a user account with a volunteer membership in the branch
(`Volunteer.user`). The checklist rows (police certificate, confidentiality declaration,
suitability interview, references, course completion) are facts recorded by people; whether
they add up to "may be approved" is decided in `screening.py`.
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


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Whole years between `born` and `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def visible_to(self, user: Any) -> VolunteerQuerySet:
        """Group leaders see their branches' volunteers; a volunteer sees herself; else nothing.

        The national coordinator and crisis-centre staff see no volunteer rows: the coordinator
        follows the programme in numbers, the centre sees a volunteer only through a match.
        """
        if not user.is_authenticated:
            return scoped(self.none(), user)
        scope = models.Q(pk__in=[])
        if user.has_role(Role.GROUP_LEADER):
            scope |= models.Q(branch_id__in=user.organisation_ids(Role.GROUP_LEADER))
        if user.has_role(Role.VOLUNTEER):
            scope |= models.Q(user_id=user.pk)
        return scoped(self.filter(scope), user)

    def open_applications(self) -> VolunteerQuerySet:
        return self.filter(status=Volunteer.Status.APPLIED)


class Volunteer(models.Model):
    """One woman's way from application to approved volunteer, and her matching profile."""

    AUDIT_MASKED_FIELDS = ("full_name", "email", "phone", "date_of_birth", "motivation")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Søknad")
        SCREENING = "screening", _("Under vurdering")
        APPROVED = "approved", _("Godkjent")
        PAUSED = "paused", _("Pause")
        ENDED = "ended", _("Avsluttet")
        REJECTED = "rejected", _("Avslått")
        WITHDRAWN = "withdrawn", _("Trukket")

    # Never approved: she is an applicant ("Søker"), not yet a volunteer who can be matched.
    APPLICANT_STATUSES = (Status.APPLIED, Status.SCREENING, Status.REJECTED, Status.WITHDRAWN)

    branch = models.ForeignKey(
        Organisation,
        verbose_name=_("lokalforening"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    status_reason = EncryptedTextField(_("begrunnelse"), blank=True, default="")
    status_changed_at = models.DateTimeField(_("status endret"), default=timezone.now)

    full_name = models.CharField(_("fullt navn"), max_length=150)
    email = models.EmailField(_("e-postadresse"))
    phone = EncryptedTextField(_("telefon"), blank=True, default="")
    date_of_birth = models.DateField(_("fødselsdato"))
    self_declared_woman = models.BooleanField(_("erklært at hun er kvinne"), default=False)
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
    motivation = EncryptedTextField(_("motivasjon"), blank=True, default="")

    # Matching profile: lists of codes from ressursvenn.lib.vocabulary.
    languages = models.JSONField(_("språk"), default=list, blank=True)
    interests = models.JSONField(_("interesser"), default=list, blank=True)
    offers = models.JSONField(_("kan hjelpe med"), default=list, blank=True)
    availability = models.JSONField(_("tilgjengelighet"), default=list, blank=True)
    modes = models.JSONField(_("møteform"), default=list, blank=True)
    max_travel_km = models.PositiveSmallIntegerField(_("kan reise (km)"), default=25)
    conflict_areas = EncryptedJSONField(
        _("områder med interessekonflikt"),
        default=list,
        blank=True,
        help_text=_("Kommune- eller bydelsnumre der hun ikke bør bli koblet (hun kjenner mange)."),
    )
    capacity = models.PositiveSmallIntegerField(_("antall kvinner om gangen"), default=1)

    applied_at = models.DateTimeField(_("søkt"), default=timezone.now)
    approved_on = models.DateField(_("godkjent dato"), null=True, blank=True)
    course_completed_on = models.DateField(
        _("kurs fullført"),
        null=True,
        blank=True,
        help_text=_("Siste fullførte opplæringskurs, satt fra oppmøtet."),
    )
    # Derived, never typed: the last day on which every screening requirement that can lapse
    # still holds (the earlier of the latest police certificate's renewal day and the course's
    # validity), NULL when a requirement is not met at all. Recomputed from the checklist rows by
    # every action that changes them (`screening.refresh_valid_until`), so the matching
    # adapter reads one indexed column instead of a subquery per requirement. The age rule is
    # not in it (it only ever becomes true): the adapter checks `date_of_birth` itself.
    screening_valid_until = models.DateField(
        _("alle krav oppfylt til"), null=True, blank=True, editable=False
    )
    imported = models.BooleanField(_("importert"), default=False)
    # The one-time token of the public application form that created the row: a second
    # submit of the same form finds it and stores nothing (volunteers.actions.application).
    application_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by privacy.anonymise (retention or erasure on request) when her personal data is gone.
    anonymised_at = models.DateTimeField(_("anonymisert"), null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("ressursvenn")
        verbose_name_plural = _("ressursvenner")
        indexes = [
            models.Index(fields=["branch", "status", "applied_at"], name="volunteer_pipeline"),
            models.Index(fields=["branch", "status", "full_name"], name="volunteer_by_name"),
            models.Index(
                fields=["branch", "status", "screening_valid_until"], name="volunteer_cleared"
            ),
            # new volunteers and time to approval in a period (reports/definitions)
            models.Index(fields=["approved_on", "branch", "applied_at"], name="volunteer_approved"),
            models.Index(fields=["applied_at", "status"], name="volunteer_applied"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "applied",
                        "screening",
                        "approved",
                        "paused",
                        "ended",
                        "rejected",
                        "withdrawn",
                    ]
                ),
                name="volunteer_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_applicant(self) -> bool:
        """She has not been approved (yet): the header calls her "Søker", and she has no
        matches to look at."""
        return self.status in self.APPLICANT_STATUSES

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ")[0]

    def access_context(self, user: Any) -> tuple[str, Organisation]:
        """The role in which `user` views this record (lib.access logs it): the volunteer
        herself as volunteer, anyone else as the branch's group leader."""
        if self.user_id is not None and self.user_id == user.pk:
            return Role.VOLUNTEER, self.branch
        return Role.GROUP_LEADER, self.branch

    def age(self, today: datetime.date | None = None) -> int:
        return age_on(self.date_of_birth, today or timezone.localdate())


class BranchPolicy(models.Model):
    """A branch's own screening choices (the programme-wide limits are in settings)."""

    branch = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="volunteer_policy"
    )
    references_required = models.PositiveSmallIntegerField(
        _("antall referanser som kreves"),
        default=0,
        help_text=_("0 betyr at lokalforeningen ikke krever referanser."),
    )

    class Meta:
        verbose_name = _("krav i lokalforeningen")
        verbose_name_plural = _("krav i lokalforeningene")

    def __str__(self) -> str:
        return str(self.branch)


class PoliceCertificate(models.Model):
    """That a police certificate was seen: never a copy of the document."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinær politiattest")
        CHILDREN = "children", _("Politiattest for arbeid med barn")
        EXTENDED = "extended", _("Uttømmende politiattest")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="police_certificates"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    issued_on = models.DateField(_("utstedt"))
    seen_on = models.DateField(_("sett dato"))
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sett av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    renewal_due_on = models.DateField(_("fornyes innen"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-seen_on", "-pk"]
        verbose_name = _("politiattest")
        verbose_name_plural = _("politiattester")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_on}"


class DeclarationText(VersionedText):
    """A version of the confidentiality declaration (taushetserklæring) text."""

    class Meta(VersionedText.Meta):
        verbose_name = _("taushetserklæring (tekst)")
        verbose_name_plural = _("taushetserklæringer (tekster)")


class ConfidentialityDeclaration(models.Model):
    """A signed confidentiality declaration: in the app by the volunteer, or on paper."""

    class Method(models.TextChoices):
        IN_APP = "in_app", _("Signert i appen")
        PAPER = "paper", _("Signert på papir")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="declarations")
    text = models.ForeignKey(
        DeclarationText, verbose_name=_("tekst"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("hvordan"), max_length=10, choices=Method.choices)
    signed_on = models.DateField(_("signert dato"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("taushetserklæring")
        verbose_name_plural = _("taushetserklæringer")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "text"], name="declaration_once_per_text"),
        ]

    def __str__(self) -> str:
        return f"{self.text} {self.signed_on}"


class SuitabilityInterview(models.Model):
    """An individual suitability interview (egnethetssamtale) with a group leader."""

    AUDIT_MASKED_FIELDS = ("notes",)

    class Outcome(models.TextChoices):
        SUITABLE = "suitable", _("Egnet")
        NOT_SUITABLE = "not_suitable", _("Ikke egnet")
        ANOTHER = "another", _("Trenger en samtale til")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="interviews")
    held_on = models.DateField(_("dato"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("samtale med"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("resultat"), max_length=20, choices=Outcome.choices)
    notes = EncryptedTextField(_("notater"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("egnethetssamtale")
        verbose_name_plural = _("egnethetssamtaler")

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_outcome_display()}"


class Reference(models.Model):
    """A reference the branch contacted (only when the branch requires references)."""

    AUDIT_MASKED_FIELDS = ("name", "notes")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="references")
    name = EncryptedTextField(_("navn på referansen"))
    relation = models.CharField(_("relasjon"), max_length=100, blank=True)
    contacted_on = models.DateField(_("kontaktet dato"))
    is_positive = models.BooleanField(_("god referanse"))
    notes = EncryptedTextField(_("notater"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("referanse")
        verbose_name_plural = _("referanser")

    def __str__(self) -> str:
        return f"Reference {self.pk}"


class CourseQuerySet(models.QuerySet["Course"]):
    def visible_to(self, user: Any) -> CourseQuerySet:
        """Group leaders: their branches' courses. A volunteer: her branch's courses."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        branches = user.organisation_ids(Role.GROUP_LEADER) | user.organisation_ids(Role.VOLUNTEER)
        return scoped(self.filter(branch_id__in=branches), user)


class Course(models.Model):
    """A training course on violence in close relationships (opplæringskurs)."""

    branch = models.ForeignKey(
        Organisation, verbose_name=_("lokalforening"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("navn på kurset"), max_length=150)
    description = models.TextField(_("beskrivelse"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("antall plasser"))
    is_open_for_signup = models.BooleanField(_("åpen for påmelding"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("opplæringskurs")
        verbose_name_plural = _("opplæringskurs")

    def __str__(self) -> str:
        return self.title


class CourseSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    place = models.CharField(
        _("sted"), max_length=150, blank=True, help_text=_("For eksempel «Sanitetshuset, sal 2».")
    )
    digital_link = models.URLField(_("lenke til digitalt møte"), blank=True)
    is_mandatory = models.BooleanField(_("obligatorisk"), default=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("kursdag")
        verbose_name_plural = _("kursdager")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="course_session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d}"


class Enrolment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(_("fullført"), null=True, blank=True)

    class Meta:
        ordering = ["course", "volunteer__full_name"]
        verbose_name = _("påmelding")
        verbose_name_plural = _("påmeldinger")
        constraints = [
            models.UniqueConstraint(fields=["course", "volunteer"], name="enrolment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course} – {self.volunteer_id}"


class Attendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="course_attendance"
    )
    attended = models.BooleanField(_("møtte"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("oppmøte")
        verbose_name_plural = _("oppmøter")
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.volunteer_id} {self.attended}"


class GuidanceGroupQuerySet(models.QuerySet["GuidanceGroup"]):
    def visible_to(self, user: Any) -> GuidanceGroupQuerySet:
        """Group leaders: their branches' guidance groups (volunteers see none here)."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        return scoped(self.filter(branch_id__in=user.organisation_ids(Role.GROUP_LEADER)), user)


class GuidanceGroup(models.Model):
    """A guidance group (veiledningsgruppe) of approved volunteers in a branch."""

    branch = models.ForeignKey(
        Organisation, verbose_name=_("lokalforening"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("navn"), max_length=150)
    members = models.ManyToManyField(
        Volunteer, verbose_name=_("deltakere"), blank=True, related_name="guidance_groups"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GuidanceGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("veiledningsgruppe")
        verbose_name_plural = _("veiledningsgrupper")

    def __str__(self) -> str:
        return self.name


class GuidanceSessionQuerySet(models.QuerySet["GuidanceSession"]):
    def visible_to(self, user: Any) -> GuidanceSessionQuerySet:
        """The meetings of the guidance groups the user sees (`GuidanceGroup.visible_to`)."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        groups = GuidanceGroup.objects.visible_to(user)
        return scoped(self.filter(group__in=groups), user)


class GuidanceSession(models.Model):
    group = models.ForeignKey(GuidanceGroup, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starter"))
    place = models.CharField(_("sted"), max_length=150, blank=True)
    digital_link = models.URLField(_("lenke til digitalt møte"), blank=True)

    objects = GuidanceSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("veiledningsmøte")
        verbose_name_plural = _("veiledningsmøter")

    def __str__(self) -> str:
        return f"{self.group} {self.starts_at:%Y-%m-%d}"


class GuidanceAttendance(models.Model):
    session = models.ForeignKey(
        GuidanceSession, on_delete=models.CASCADE, related_name="attendance"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="guidance_attendance"
    )
    attended = models.BooleanField(_("møtte"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("oppmøte i veiledning")
        verbose_name_plural = _("oppmøter i veiledning")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"], name="guidance_attendance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.volunteer_id} {self.attended}"


class SentReminder(models.Model):
    """A reminder already sent, so `send_reminders` sends each one once."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=120, help_text="What the reminder is about, e.g. 'v:12'.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "recipient"], name="sent_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
