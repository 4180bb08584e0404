"""Social events of a branch: create, change and cancel them, answer an invitation, record
who came.

Lock order: the event row first (`select_for_update`), then a match (through
`matching.actions.matches.lock`: its referral, then the match), so the sign-up and the
attendance never wait on each other. Capacity is decided under the event's lock, so it is
never exceeded.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.followup import notify
from ressursvenn.followup.events import PAIR_STATUSES, PLACES, invited_volunteers, is_invited
from ressursvenn.followup.models import Activity, Channel, EventSignup, SocialEvent
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, record_creation, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.mail import send_discreet
from ressursvenn.matching.actions.matches import lock
from ressursvenn.matching.actions.meetings import new_video_url
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Organisation

EVENT_FIELDS = (
    "branch",
    "title",
    "description",
    "starts_at",
    "duration_minutes",
    "place",
    "video_url",
    "capacity",
    "audience",
)
SIGNUP_FIELDS = ("answer", "places", "match")
MAX_DAYS_AHEAD = 366
CANCELLED_TEMPLATE = "followup_event_cancelled"


def stale(message: str) -> ValidationError:
    return ValidationError(message, code="stale")


def check_start(starts_at: datetime.datetime) -> None:
    now = timezone.now()
    if starts_at <= now:
        raise ValidationError({"date": _("Tidspunktet har vært. Velg et tidspunkt fram i tid.")})
    if starts_at > now + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"date": _("Et treff kan planlegges høyst ett år fram i tid.")})


def has_started(event: SocialEvent) -> bool:
    return event.starts_at <= timezone.now()


def _place_and_link(*, digital: bool, place: str, video_url: str) -> tuple[str, str]:
    """A digital event has a link (a new room when none is given) and no place; an event in
    person has a place and no link."""
    if digital:
        return "", video_url.strip() or new_video_url()
    place = " ".join(place.split())
    if not place:
        raise ValidationError({"place": _("Skriv hvor dere møtes, for eksempel «biblioteket».")})
    return place, ""


def _lock(event: SocialEvent) -> SocialEvent:
    return SocialEvent.objects.select_for_update().select_related("branch").get(pk=event.pk)


@transaction.atomic
def create_event(
    branch: Organisation,
    *,
    by: Any,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    capacity: int,
    audience: str,
    digital: bool,
    place: str = "",
    video_url: str = "",
    description: str = "",
) -> SocialEvent:
    """A new social event of `branch`, organised by `by` (a group leader of the branch).

    Side effects: audited (EVENT_CREATE). Every invited volunteer (see `followup.events`)
    gets the task "events to answer" and, after commit, a discreet e-mail as she chose.
    The same title at the same time in the branch again (a double submit) is refused."""
    require(by, "followup.manage_events", SocialEvent(branch=branch))
    if audience not in SocialEvent.Audience.values:
        raise ValidationError({"audience": _("Velg hvem treffet er for.")})
    check_start(starts_at)
    place, video_url = _place_and_link(digital=digital, place=place, video_url=video_url)
    list(Organisation.objects.select_for_update().filter(pk=branch.pk).values_list("pk"))
    if SocialEvent.objects.filter(
        branch=branch, title=title, starts_at=starts_at, cancelled_at__isnull=True
    ).exists():
        raise stale(_("Treffet er allerede opprettet."))
    event = SocialEvent.objects.create(
        branch=branch,
        title=title,
        description=description,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_url=video_url,
        capacity=capacity,
        audience=audience,
        organiser=by,
    )
    record_creation(
        event, by=by, action=AuditAction.EVENT_CREATE, fields=EVENT_FIELDS, organisation=branch
    )
    users = [volunteer.user for volunteer in invited_volunteers(event).select_related("user")]
    notify.task_created(users, f"event:{event.pk}")
    return event


@transaction.atomic
def update_event(
    event: SocialEvent,
    *,
    by: Any,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    capacity: int,
    audience: str,
    digital: bool,
    place: str = "",
    video_url: str = "",
    description: str = "",
) -> SocialEvent:
    """Change an event that has not started and is not cancelled. Capacity cannot go below
    the places already taken; who it is for cannot change once someone has answered.
    Audited (EVENT_UPDATE)."""
    require(by, "followup.manage_events", event)
    event = _lock(event)
    if event.cancelled_at is not None:
        raise stale(_("Treffet er avlyst og kan ikke endres."))
    if has_started(event):
        raise stale(_("Treffet har vært og kan ikke endres."))
    if audience not in SocialEvent.Audience.values:
        raise ValidationError({"audience": _("Velg hvem treffet er for.")})
    if starts_at != event.starts_at:
        check_start(starts_at)
    place, video_url = _place_and_link(
        digital=digital, place=place, video_url=video_url or event.video_url
    )
    signups = EventSignup.objects.filter(event=event)
    taken = sum(signups.values_list("places", flat=True))
    if capacity < taken:
        raise ValidationError(
            {
                "capacity": _(
                    "%(taken)d plasser er allerede tatt. Antall plasser kan ikke være lavere."
                )
                % {"taken": taken}
            }
        )
    if audience != event.audience and signups.exists():
        raise ValidationError(
            {"audience": _("Noen har allerede svart på invitasjonen. Dette kan ikke endres nå.")}
        )
    before = snapshot(event, EVENT_FIELDS)
    event.title = title
    event.description = description
    event.starts_at = starts_at
    event.duration_minutes = duration_minutes
    event.place = place
    event.video_url = video_url
    event.capacity = capacity
    event.audience = audience
    event.save()
    changes = diff(SocialEvent, before, snapshot(event, EVENT_FIELDS))
    if changes:
        record_change(
            event,
            by=by,
            action=AuditAction.EVENT_UPDATE,
            changes=changes,
            organisation=event.branch,
        )
    return event


@transaction.atomic
def cancel_event(event: SocialEvent, *, by: Any) -> SocialEvent:
    """Cancel an event that has not started. Audited (EVENT_CANCEL). After commit, every
    volunteer who said she would come gets a discreet e-mail (a neutral sentence and a
    link)."""
    require(by, "followup.manage_events", event)
    event = _lock(event)
    if event.cancelled_at is not None:
        raise stale(_("Treffet er allerede avlyst."))
    if has_started(event):
        raise stale(_("Treffet har vært og kan ikke avlyses."))
    event.cancelled_at = timezone.now()
    event.save(update_fields=["cancelled_at"])
    record_change(
        event,
        by=by,
        action=AuditAction.EVENT_CANCEL,
        changes={"cancelled_at": [None, event.cancelled_at.isoformat()]},
        organisation=event.branch,
    )
    addresses = sorted(
        {
            signup.volunteer.user.email
            for signup in EventSignup.objects.filter(event=event, places__gt=0).select_related(
                "volunteer__user"
            )
            if signup.volunteer.user is not None
            and signup.volunteer.user.is_active
            and signup.volunteer.user.email
        }
    )
    link = settings.SITE_URL + reverse("followup:event_detail", args=[event.pk])
    for address in addresses:  # queued in this transaction (django-mailer)
        send_discreet(address, CANCELLED_TEMPLATE, {"link": link})
    return event


@transaction.atomic
def answer_event(
    event: SocialEvent, *, by: Any, answer: str, match: Match | None = None
) -> EventSignup:
    """The volunteer's answer: "Jeg kommer" (1 place), "Vi kommer begge" (2 places, for an
    event for active pairs, with one of her active matches) or "Kan ikke komme" (0). She may
    change it until the event starts. Refused when the event is full, has started or is
    cancelled, or when the answer is what she already said (a double submit). Audited
    (EVENT_SIGNUP)."""
    require(by, "followup.sign_up", event)
    volunteer = getattr(by, "volunteer", None)
    if volunteer is None:
        raise ValidationError(_("Du er ikke registrert som ressursvenn."))
    if answer not in PLACES:
        raise ValidationError({"answer": _("Velg et svar.")})
    event = _lock(event)
    if event.cancelled_at is not None:
        raise stale(_("Treffet er avlyst."))
    if has_started(event):
        raise stale(_("Treffet har vært. Svaret kan ikke endres nå."))
    signup = (
        EventSignup.objects.select_for_update().filter(event=event, volunteer=volunteer).first()
    )
    if signup is None and not is_invited(volunteer, event):
        raise ValidationError(_("Du er ikke invitert til dette treffet."))
    if answer == EventSignup.Answer.PAIR:
        if event.audience != SocialEvent.Audience.PAIRS:
            raise ValidationError({"answer": _("Dette treffet er bare for ressursvenner.")})
        if match is None or match.volunteer_id != volunteer.pk:
            raise ValidationError({"answer": _("Du har ingen aktiv kobling å komme sammen med.")})
        match = lock(match)
        if match.status not in PAIR_STATUSES or match.branch_id != event.branch_id:
            raise ValidationError({"answer": _("Koblingen er ikke aktiv nå.")})
    else:
        match = None
    places = PLACES[EventSignup.Answer(answer)]
    if (
        signup is not None
        and signup.answer == answer
        and signup.match_id == (match.pk if match else None)
    ):
        raise stale(_("Svaret ditt var allerede lagret."))
    others = EventSignup.objects.filter(event=event).exclude(volunteer=volunteer)
    taken = sum(others.values_list("places", flat=True))
    if places and taken + places > event.capacity:
        free = max(0, event.capacity - taken)
        if free:
            message = _("Treffet er fullt: det er bare én ledig plass. Velg «Jeg kommer».")
        else:
            message = _("Treffet er fullt.")
        raise ValidationError({"answer": message}, code="full")
    if signup is None:
        before = dict.fromkeys(SIGNUP_FIELDS)
        signup = EventSignup(event=event, volunteer=volunteer)
    else:
        before = snapshot(signup, SIGNUP_FIELDS)
    signup.answer = answer
    signup.places = places
    signup.match = match
    signup.answered_at = timezone.now()
    signup.save()
    record_change(
        signup,
        by=by,
        action=AuditAction.EVENT_SIGNUP,
        changes=diff(EventSignup, before, snapshot(signup, SIGNUP_FIELDS)),
        organisation=event.branch,
    )
    return signup


ACTIVITY_FIELDS = ("match", "occurred_on", "kind", "duration_minutes", "channel", "event")
# A closed (or cancelled) match is read-only: its activities are left as they are.
READ_ONLY = (Match.Status.CLOSED, Match.Status.CANCELLED)


@transaction.atomic
def record_attendance(event: SocialEvent, *, by: Any, attended: set[int]) -> SocialEvent:
    """Tick who came (`attended`: the pks of the sign-ups that came), after the event started.

    Every sign-up that said she would come gets `attended` True or False. A pair that came
    counts as one activity on its match (social event, in person, the event's date and
    duration; the unique constraint keeps it once; not added while the match is paused);
    un-ticking removes it. A closed match is read-only and is left as it is. Audited
    (EVENT_ATTENDANCE; each activity added or removed as ACTIVITY_LOG / ACTIVITY_DELETE)."""
    require(by, "followup.manage_events", event)
    event = _lock(event)
    if event.cancelled_at is not None:
        raise stale(_("Treffet er avlyst."))
    if not has_started(event):
        raise stale(_("Oppmøtet kan registreres når treffet har begynt."))
    signups = list(
        EventSignup.objects.select_for_update().filter(event=event, places__gt=0).order_by("pk")
    )
    known = {signup.pk for signup in signups}
    if attended - known:
        raise ValidationError({"attended": _("Velg blant dem som har meldt seg på.")})
    before = sorted(signup.pk for signup in signups if signup.attended)
    day = timezone.localtime(event.starts_at).date()
    for signup in signups:
        came = signup.pk in attended
        if signup.attended != came:
            signup.attended = came
            signup.save(update_fields=["attended"])
        if signup.answer == EventSignup.Answer.PAIR and signup.match_id is not None:
            _pair_activity(event, signup, came=came, day=day, by=by)
    event.attendance_recorded_at = timezone.now()
    event.save(update_fields=["attendance_recorded_at"])
    record_change(
        event,
        by=by,
        action=AuditAction.EVENT_ATTENDANCE,
        changes={"attended": [before, sorted(attended)]},
        organisation=event.branch,
    )
    return event


def _pair_activity(
    event: SocialEvent, signup: EventSignup, *, came: bool, day: datetime.date, by: Any
) -> None:
    match = lock(signup.match)  # type: ignore[arg-type]
    if match.status in READ_ONLY:
        return
    existing = Activity.objects.filter(match=match, event=event).first()
    if came and existing is None and match.status in PAIR_STATUSES:
        activity = Activity.objects.create(
            match=match,
            occurred_on=day,
            kind=Activity.Kind.SOCIAL_EVENT,
            duration_minutes=event.duration_minutes,
            channel=Channel.IN_PERSON,
            event=event,
            created_by=by,
        )
        record_creation(
            activity,
            by=by,
            action=AuditAction.ACTIVITY_LOG,
            fields=ACTIVITY_FIELDS,
            organisation=match.branch,
        )
    elif not came and existing is not None:
        record_change(
            existing,
            by=by,
            action=AuditAction.ACTIVITY_DELETE,
            changes={"event": [event.pk, None]},
            organisation=match.branch,
        )
        existing.delete()
