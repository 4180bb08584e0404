"""The months of a match: activities, the pair's own meetings, check-ins, concerns, pauses,
social events, closure, and the record of which task notices were sent.

Every row hangs on a match (or, for social events, a branch); who may see it follows the
match (`Match.objects.visible_to`). Free text about a person is encrypted. See DESIGN.md §4
and docs/architecture.md ("followup").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import scoped
from ressursvenn.lib.crypto import EncryptedTextField
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Organisation
from ressursvenn.volunteers.models import GuidanceSession, Volunteer


def _match_scope(user: Any, prefix: str = "match__") -> models.Q:
    """The rows of the matches `user` may see (the same scope as `Match.objects.visible_to`)."""
    scope = models.Q(pk__in=[])
    if user.has_role(Role.GROUP_LEADER):
        scope |= models.Q(**{f"{prefix}branch_id__in": user.organisation_ids(Role.GROUP_LEADER)})
    if user.has_role(Role.CRISIS_STAFF):
        scope |= models.Q(
            **{f"{prefix}referral__centre_id__in": user.organisation_ids(Role.CRISIS_STAFF)}
        )
    if user.has_role(Role.VOLUNTEER):
        scope |= models.Q(**{f"{prefix}volunteer__user_id": user.pk})
    return scope


class MatchRowQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        """Rows of the matches the user may see (leader: her branches; centre staff: her
        centre's referrals; volunteer: her own matches)."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        return scoped(self.filter(_match_scope(user)), user)


class Channel(models.TextChoices):
    """How the two met or talked."""

    IN_PERSON = "in_person", _("Møttes")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Telefon")
    MESSAGES = "messages", _("Meldinger")


DIGITAL_CHANNELS = (Channel.VIDEO, Channel.PHONE, Channel.MESSAGES)


class Activity(models.Model):
    """One thing the pair did together, logged by the volunteer (or by attendance at a social
    event). The crisis centre sees only counts and the date of the last contact."""

    AUDIT_MASKED_FIELDS = ("note",)

    class Kind(models.TextChoices):
        COFFEE = "coffee", _("Kaffe og prat")
        WALK = "walk", _("Tur eller trening")
        JOB = "job", _("Jobbsøking")
        HOUSING = "housing", _("Boligvisning")
        PUBLIC_SERVICES = "public_services", _("NAV eller andre offentlige tjenester")
        NORWEGIAN = "norwegian", _("Norsktrening")
        CHILDREN = "children", _("Aktivitet med barna")
        SOCIAL_EVENT = "social_event", _("Sosialt treff")
        OTHER = "other", _("Annet")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="activities")
    occurred_on = models.DateField(_("dato"))
    kind = models.CharField(_("hva dere gjorde"), max_length=20, choices=Kind.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("varighet (minutter)"))
    channel = models.CharField(_("hvordan"), max_length=20, choices=Channel.choices)
    note = EncryptedTextField(_("kort merknad"), blank=True, default="")
    event = models.ForeignKey(
        "SocialEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        help_text="Set when the activity is attendance at a social event.",
    )
    planned_meeting = models.OneToOneField(
        "PlannedMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activity",
        help_text="Set when the activity logs a planned meeting.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        indexes = [
            models.Index(fields=["match", "occurred_on"], name="activity_match_day"),
            # the programme's figures: activities in a period by channel (reports/definitions)
            models.Index(fields=["occurred_on", "channel"], name="activity_day_channel"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=1440),
                name="activity_duration_range",
            ),
            models.UniqueConstraint(
                fields=["match", "event"],
                condition=models.Q(event__isnull=False),
                name="activity_one_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"Aktivitet {self.pk}"

    @property
    def is_digital(self) -> bool:
        return self.channel in DIGITAL_CHANNELS


class PairRoom(models.Model):
    """The pair's own video room: an unguessable room name under MEETING_VIDEO_BASE_URL, shown
    only on the match page (never in an e-mail). Renewing replaces the URL."""

    AUDIT_MASKED_FIELDS = ("video_url",)

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="room")
    video_url = EncryptedTextField(_("lenke til videorommet"))
    renewed_at = models.DateTimeField(default=timezone.now)
    renewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("videorom")
        verbose_name_plural = _("videorom")

    def __str__(self) -> str:
        return f"Videorom {self.pk}"


class PlannedMeeting(models.Model):
    """A next meeting the volunteer plans for the pair (a date and time, in person or digital),
    downloadable as a neutral .ics. A passed digital meeting offers "log this meeting"."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Møtes")
        DIGITAL = "digital", _("Digitalt (video)")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="planned_meetings")
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveSmallIntegerField(_("varighet (minutter)"), default=60)
    mode = models.CharField(_("møteform"), max_length=20, choices=Mode.choices)
    sequence = models.PositiveSmallIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("planlagt møte")
        verbose_name_plural = _("planlagte møter")
        indexes = [models.Index(fields=["match", "starts_at"], name="plannedmeeting_match_at")]

    def __str__(self) -> str:
        return f"Planlagt møte {self.pk}"


class CheckIn(models.Model):
    """An oppfølgingssamtale: scheduled when the match becomes active (twice in the first
    month, then monthly) with the volunteer and with the woman; held and recorded by the
    group leader (the woman's through the centre or directly, as she agreed)."""

    AUDIT_MASKED_FIELDS = ("notes", "followup_what")

    class Party(models.TextChoices):
        VOLUNTEER = "volunteer", _("Ressursvennen")
        WOMAN = "woman", _("Kvinnen")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Møte")
        VIDEO = "video", _("Video")
        PHONE = "phone", _("Telefon")
        GROUP = "group", _("Veiledningsgruppe")

    class Via(models.TextChoices):
        DIRECT = "direct", _("Direkte med henne")
        CENTRE = "centre", _("Gjennom krisesenteret")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        HELD = "held", _("Holdt")
        CANCELLED = "cancelled", _("Bortfalt")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="checkins")
    party = models.CharField(_("med hvem"), max_length=10, choices=Party.choices)
    due_on = models.DateField(_("frist"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    held_on = models.DateField(_("dato"), null=True, blank=True)
    mode = models.CharField(_("hvordan"), max_length=10, choices=Mode.choices, blank=True)
    via = models.CharField(_("gjennom"), max_length=10, choices=Via.choices, blank=True)
    rating = models.PositiveSmallIntegerField(_("hvordan går koblingen (1–5)"), null=True)
    notes = EncryptedTextField(_("notater"), blank=True, default="")
    followup_needed = models.BooleanField(_("trenger oppfølging"), default=False)
    followup_what = EncryptedTextField(_("hva som må følges opp"), blank=True, default="")
    guidance_session = models.ForeignKey(
        GuidanceSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Held as a guidance-group meeting the volunteer attended.",
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "party", "pk"]
        verbose_name = _("oppfølgingssamtale")
        verbose_name_plural = _("oppfølgingssamtaler")
        indexes = [
            models.Index(fields=["match", "status", "due_on"], name="checkin_match_due"),
            models.Index(fields=["status", "due_on"], name="checkin_status_due"),
            # check-ins on time in a period (reports/definitions)
            models.Index(fields=["due_on", "status", "held_on"], name="checkin_due_held"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["match", "party", "due_on"], name="checkin_one_per_party_day"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="checkin_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Oppfølgingssamtale {self.pk}"


class Concern(models.Model):
    """A bekymringsmelding about a match, from the volunteer or the group leader. Reaches the
    branch's group leaders and the woman's crisis-centre contact at once."""

    AUDIT_MASKED_FIELDS = ("description", "acknowledge_note", "resolution")

    class Category(models.TextChoices):
        SAFETY = "safety", pgettext_lazy("danger to the woman", "Sikkerhet")
        WELLBEING = "wellbeing", _("Kvinnens helse og trivsel")
        CHILDREN = "children", _("Barna")
        BOUNDARIES = "boundaries", _("Ressursvennens grenser")
        VOLUNTEER_WELLBEING = "volunteer_wellbeing", _("Ressursvennens egen trivsel")
        OTHER = "other", _("Annet")

    class Severity(models.TextChoices):
        INFORMATION = "information", _("Til orientering")
        SOON = "soon", _("Følg opp snart")
        URGENT = "urgent", _("Haster")

    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        ACKNOWLEDGED = "acknowledged", _("Mottatt")
        RESOLVED = "resolved", _("Løst")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="concerns")
    category = models.CharField(_("hva gjelder det"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("hvor alvorlig"), max_length=15, choices=Severity.choices)
    description = EncryptedTextField(_("hva har skjedd"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default="new")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledge_note = EncryptedTextField(_("merknad"), blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = EncryptedTextField(_("hva er gjort"), blank=True, default="")
    resent_at = models.DateTimeField(
        null=True, blank=True, help_text="When an unacknowledged urgent concern was re-sent."
    )

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("bekymringsmelding")
        verbose_name_plural = _("bekymringsmeldinger")
        indexes = [
            models.Index(fields=["match", "status"], name="concern_match_status"),
            models.Index(fields=["status", "severity"], name="concern_status_severity"),
        ]

    def __str__(self) -> str:
        return f"Bekymringsmelding {self.pk}"

    @property
    def about_children(self) -> bool:
        return self.category == self.Category.CHILDREN


class Pause(models.Model):
    """A match paused for safety (or a break) without closing it. Resuming needs both the
    group leader and the crisis centre (either order); the paused days are kept."""

    AUDIT_MASKED_FIELDS = ("reason",)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="pauses")
    reason = EncryptedTextField(_("hvorfor"))
    started_on = models.DateField(_("fra"))
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paused_at = models.DateTimeField(default=timezone.now)
    leader_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leader_confirmed_at = models.DateTimeField(null=True, blank=True)
    centre_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    centre_confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(_("til"), null=True, blank=True)
    move_end = models.BooleanField(
        _("flytt planlagt slutt med pausen"),
        default=True,
        help_text="The group leader's choice, kept from her confirmation until the resume.",
    )
    end_moved_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days the planned end was moved when the match resumed."
    )

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauser")
        constraints = [
            models.UniqueConstraint(
                fields=["match"],
                condition=models.Q(ended_on__isnull=True),
                name="pause_one_open_per_match",
            ),
        ]

    def __str__(self) -> str:
        return f"Pause {self.pk}"

    @property
    def days(self) -> int:
        """Paused days so far (to today while it lasts)."""
        end = self.ended_on or timezone.localdate()
        return max(0, (end - self.started_on).days)


class SocialEventQuerySet(models.QuerySet["SocialEvent"]):
    def visible_to(self, user: Any) -> SocialEventQuerySet:
        """Group leaders: their branches' events. Volunteers: their branch's events (invitation
        and sign-up; the list of who signed up is the organiser's only)."""
        if not user.is_authenticated:
            return scoped(self.none(), user)
        scope = models.Q(pk__in=[])
        if user.has_role(Role.GROUP_LEADER):
            scope |= models.Q(branch_id__in=user.organisation_ids(Role.GROUP_LEADER))
        if user.has_role(Role.VOLUNTEER):
            scope |= models.Q(branch_id__in=user.organisation_ids(Role.VOLUNTEER))
        return scoped(self.filter(scope), user)


class SocialEvent(models.Model):
    """A branch's social event (a digital coffee meeting, a walk, a course evening)."""

    class Audience(models.TextChoices):
        PAIRS = "pairs", _("Aktive par")
        VOLUNTEERS = "volunteers", _("Bare ressursvenner")

    branch = models.ForeignKey(
        Organisation,
        verbose_name=_("lokalforening"),
        on_delete=models.PROTECT,
        related_name="social_events",
    )
    title = models.CharField(_("tittel"), max_length=120)
    description = models.TextField(_("om treffet"), blank=True, default="")
    starts_at = models.DateTimeField(_("starter"))
    duration_minutes = models.PositiveSmallIntegerField(_("varighet (minutter)"), default=90)
    place = models.CharField(_("sted"), max_length=150, blank=True, default="")
    video_url = models.URLField(_("lenke til digitalt treff"), blank=True, default="")
    capacity = models.PositiveSmallIntegerField(_("antall plasser"))
    audience = models.CharField(_("for hvem"), max_length=15, choices=Audience.choices)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = SocialEventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("sosialt treff")
        verbose_name_plural = _("sosiale treff")
        indexes = [models.Index(fields=["branch", "starts_at"], name="event_branch_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="event_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)


class EventSignup(models.Model):
    """A volunteer's answer to an event invitation: coming (for herself or with the woman) or
    not. `places` is what the sign-up takes of the capacity (0 when not coming)."""

    class Answer(models.TextChoices):
        SELF = "self", _("Jeg kommer")
        PAIR = "pair", _("Vi kommer begge")
        NO = "no", _("Kan ikke komme")

    event = models.ForeignKey(SocialEvent, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(
        Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.CharField(_("svar"), max_length=10, choices=Answer.choices)
    places = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(_("møtte"), null=True, blank=True)

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = _("påmelding")
        verbose_name_plural = _("påmeldinger")
        constraints = [
            models.UniqueConstraint(fields=["event", "volunteer"], name="signup_one_per_volunteer"),
        ]

    def __str__(self) -> str:
        return f"Påmelding {self.pk}"


class Extension(models.Model):
    """The planned end of a match moved later, with a reason."""

    AUDIT_MASKED_FIELDS = ("reason",)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="extensions")
    previous_end_on = models.DateField()
    new_end_on = models.DateField(_("ny planlagt slutt"))
    reason = EncryptedTextField(_("hvorfor"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("forlengelse")
        verbose_name_plural = _("forlengelser")

    def __str__(self) -> str:
        return f"Forlengelse {self.pk}"


class ClosingConversation(models.Model):
    """The avslutningssamtale with one party (or why it could not be held)."""

    AUDIT_MASKED_FIELDS = ("notes",)

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Møte")
        VIDEO = "video", _("Video")
        PHONE = "phone", _("Telefon")
        NOT_HELD = "not_held", _("Kunne ikke holdes")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="closing_conversations")
    party = models.CharField(_("med hvem"), max_length=10, choices=CheckIn.Party.choices)
    held_on = models.DateField(_("dato"))
    mode = models.CharField(_("hvordan"), max_length=10, choices=Mode.choices)
    notes = EncryptedTextField(_("notater"), blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        ordering = ["party", "pk"]
        verbose_name = _("avslutningssamtale")
        verbose_name_plural = _("avslutningssamtaler")
        constraints = [
            models.UniqueConstraint(fields=["match", "party"], name="closing_one_per_party"),
        ]

    def __str__(self) -> str:
        return f"Avslutningssamtale {self.pk}"


class Closure(models.Model):
    """How a match ended: the reason (a fixed list), the date, whether the two agreed to keep
    in touch privately, and what became of the volunteer."""

    AUDIT_MASKED_FIELDS = ("note",)

    class Reason(models.TextChoices):
        COMPLETED = "completed", _("Fullført")
        WOMAN_ENDED = "woman_ended", _("Kvinnen avsluttet")
        VOLUNTEER_ENDED = "volunteer_ended", _("Ressursvennen avsluttet")
        WOMAN_MOVED = "woman_moved", _("Kvinnen flyttet")
        SAFETY = "safety", pgettext_lazy("danger to the woman", "Sikkerhet")
        NO_CONTACT = "no_contact", _("Ingen kontakt")
        OTHER = "other", _("Annet")

    class KeepInTouch(models.TextChoices):
        YES = "yes", _("Ja, de har avtalt å holde kontakten")
        NO = "no", _("Nei")
        UNKNOWN = "unknown", _("Vet ikke")

    class VolunteerNext(models.TextChoices):
        AVAILABLE = "available", _("Kan få en ny kobling")
        PAUSE = "pause", _("Tar en pause")
        END = "end", _("Slutter som ressursvenn")

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="closure")
    reason = models.CharField(_("årsak"), max_length=20, choices=Reason.choices)
    note = EncryptedTextField(_("merknad"), blank=True, default="")
    ended_on = models.DateField(_("sluttdato"))
    planned = models.BooleanField(
        default=True, help_text="Ended on or after the planned end (not early)."
    )
    keep_in_touch = models.CharField(
        _("holder kontakten privat"), max_length=10, choices=KeepInTouch.choices
    )
    volunteer_next = models.CharField(
        _("ressursvennen videre"), max_length=10, choices=VolunteerNext.choices
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)

    objects = MatchRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("avslutning")
        verbose_name_plural = _("avslutninger")

    def __str__(self) -> str:
        return f"Avslutning {self.pk}"


class Notice(models.Model):
    """A task notice sent by e-mail, once per user and task key (what + when), so a second
    run of `send_reminders` (or an interrupted one, re-run) sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_user_key"),
        ]

    def __str__(self) -> str:
        return f"Varsel {self.pk}"
