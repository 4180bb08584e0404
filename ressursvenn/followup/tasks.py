"""The task list ("Dine oppgaver"): what each user should do now in the follow-up, computed from
the state of her own rows, so a task is cleared as soon as it is done.

`tasks_for(user)` gives every task of every role she holds, each with a stable `key` (what +
when it fell due): the daily `send_reminders` e-mails a key once (a `Notice` row per user and
key). A fixed number of queries per role, whatever the number of tasks.

| role          | tasks                                                                      |
| ------------- | -------------------------------------------------------------------------- |
| group leader  | check-ins due within CHECKIN_NOTICE_DAYS (or overdue); inactive matches;   |
| (her branches)| new and acknowledged concerns; resumes the centre has confirmed; planned   |
|               | ends within MATCH_END_NOTICE_DAYS; past events she organised without       |
|               | attendance                                                                 |
| crisis staff  | new concerns (children flagged); resumes a leader has confirmed            |
| volunteer     | quiet matches (the nudge); passed planned meetings not logged; planned end |
|               | approaching; events of her branch she has not answered                     |

Texts are in-app only (they may name the woman by first name, as the viewer's role may see it);
e-mails about tasks never carry them (`notify`, `send_summary`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Membership, Role, TaskEmail, User
from ressursvenn.followup import inactivity
from ressursvenn.followup.models import (
    CheckIn,
    Concern,
    EventSignup,
    Notice,
    Pause,
    PlannedMeeting,
    SocialEvent,
)
from ressursvenn.lib.mail import send_discreet
from ressursvenn.matching.models import Match
from ressursvenn.volunteers.models import Volunteer

# Task kinds
CHECKIN = "checkin"
INACTIVE = "inactive"
CONCERN = "concern"
RESUME = "resume"
END = "end"
ATTENDANCE = "attendance"
QUIET = "quiet"
LOG_MEETING = "log_meeting"
EVENT = "event"

# Matches whose check-ins are still held (a closed match has none left).
FOLLOWED = (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING)
# Matches that may log activities and are heading for their planned end.
RUNNING = (Match.Status.ACTIVE, Match.Status.ENDING)

SUMMARY_TEMPLATE = "reminder_tasks"  # emails/reminder_tasks.txt: a count and a link only


@dataclass(frozen=True)
class Task:
    kind: str
    key: str
    """Stable: what + when it fell due (a new due date is a new task)."""
    text: str
    url: str
    due: datetime.date
    urgent: bool = False


def _day(day: datetime.date, today: datetime.date) -> str:
    if day.year == today.year:
        return formats.date_format(day, "j. F")
    return formats.date_format(day, "j. F Y")


def _name(match: Match) -> str:
    """The woman's first name (every role that has the match in scope may see it)."""
    return str(match.referral.first_name)


def _match_url(match_id: int) -> str:
    return reverse("matching:match_detail", args=[match_id])


# --- group leader -----------------------------------------------------------------------------


def _leader_tasks(user: Any, today: datetime.date, now: datetime.datetime) -> list[Task]:
    branches = user.organisation_ids(Role.GROUP_LEADER)
    in_branch = Match.objects.filter(branch_id__in=branches)
    tasks: list[Task] = []

    horizon = today + datetime.timedelta(days=int(settings.CHECKIN_NOTICE_DAYS))
    checkins = (
        CheckIn.objects.filter(
            match__branch_id__in=branches,
            match__status__in=FOLLOWED,
            status=CheckIn.Status.PLANNED,
            due_on__lte=horizon,
        )
        .select_related("match__referral")
        .order_by("due_on", "pk")
    )
    for checkin in checkins:
        name = _name(checkin.match)
        due = _day(checkin.due_on, today)
        if checkin.party == CheckIn.Party.VOLUNTEER:
            text = _("Oppfølgingssamtale med ressursvennen til %(name)s, frist %(day)s")
        else:
            text = _("Oppfølgingssamtale med %(name)s, frist %(day)s")
        tasks.append(
            Task(
                CHECKIN,
                f"checkin:{checkin.pk}",
                text % {"name": name, "day": due},
                reverse("followup:checkin_record", args=[checkin.pk]),
                checkin.due_on,
            )
        )

    for match in inactivity.inactive(in_branch, today=today).select_related("referral"):
        last: datetime.date = match.last_contact  # type: ignore[attr-defined]
        tasks.append(
            Task(
                INACTIVE,
                f"inactive:m{match.pk}:{last.isoformat()}",
                _("Ingen aktivitet registrert i koblingen med %(name)s siden %(day)s")
                % {"name": _name(match), "day": _day(last, today)},
                _match_url(match.pk),
                last + datetime.timedelta(days=inactivity.task_days()),
            )
        )

    concerns = (
        Concern.objects.filter(
            match__branch_id__in=branches,
            status__in=(Concern.Status.NEW, Concern.Status.ACKNOWLEDGED),
        )
        .select_related("match__referral")
        .order_by("reported_at", "pk")
    )
    for concern in concerns:
        tasks.append(_concern_task(concern, today, for_centre=False))

    pauses = (
        Pause.objects.filter(
            match__branch_id__in=branches,
            match__status=Match.Status.PAUSED,
            ended_on__isnull=True,
            centre_confirmed_at__isnull=False,
            leader_confirmed_at__isnull=True,
        )
        .select_related("match__referral")
        .order_by("centre_confirmed_at", "pk")
    )
    for pause in pauses:
        assert pause.centre_confirmed_at is not None
        tasks.append(
            Task(
                RESUME,
                f"resume:{pause.pk}",
                _("Krisesenteret har bekreftet at koblingen med %(name)s kan gjenopptas")
                % {"name": _name(pause.match)},
                reverse("followup:resume", args=[pause.match_id]),
                timezone.localdate(pause.centre_confirmed_at),
            )
        )

    for match in _ending(in_branch, today).select_related("referral"):
        assert match.planned_end_on is not None
        tasks.append(
            Task(
                END,
                f"end:m{match.pk}:{match.planned_end_on.isoformat()}",
                _("Koblingen med %(name)s har planlagt slutt %(day)s: forleng eller avslutt")
                % {"name": _name(match), "day": _day(match.planned_end_on, today)},
                reverse("followup:close", args=[match.pk]),
                match.planned_end_on,
            )
        )

    events = SocialEvent.objects.filter(
        branch_id__in=branches,
        organiser_id=user.pk,
        starts_at__lt=now,
        cancelled_at__isnull=True,
        attendance_recorded_at__isnull=True,
    ).order_by("starts_at", "pk")
    for event in events:
        day = timezone.localdate(event.starts_at)
        tasks.append(
            Task(
                ATTENDANCE,
                f"attendance:{event.pk}",
                _("Registrer oppmøtet på «%(title)s» %(day)s")
                % {"title": event.title, "day": _day(day, today)},
                reverse("followup:event_attendance", args=[event.pk]),
                day,
            )
        )
    return tasks


def _ending(matches: Any, today: datetime.date) -> Any:
    """Running matches whose planned end is within MATCH_END_NOTICE_DAYS (or past), not closed."""
    horizon = today + datetime.timedelta(days=int(settings.MATCH_END_NOTICE_DAYS))
    return matches.filter(
        status__in=RUNNING, planned_end_on__lte=horizon, closure__isnull=True
    ).order_by("planned_end_on", "pk")


def _concern_task(concern: Concern, today: datetime.date, *, for_centre: bool) -> Task:
    name = _name(concern.match)
    reported = timezone.localdate(concern.reported_at)
    urgent = concern.severity == Concern.Severity.URGENT and concern.status == Concern.Status.NEW
    if concern.status == Concern.Status.NEW:
        text = _("Ny bekymringsmelding om koblingen med %(name)s, sendt %(day)s")
    else:
        text = _("Bekymringsmeldingen om koblingen med %(name)s er ikke løst ennå")
    text = text % {"name": name, "day": _day(reported, today)}
    if urgent:
        text = _("Haster: %(text)s") % {"text": text}
    if for_centre and concern.about_children:
        text = _("%(text)s – gjelder barn") % {"text": text}
    return Task(
        CONCERN,
        f"concern:{concern.pk}",
        text,
        reverse("followup:concern_detail", args=[concern.pk]),
        reported,
        urgent,
    )


# --- crisis-centre staff ----------------------------------------------------------------------


def _centre_tasks(user: Any, today: datetime.date) -> list[Task]:
    centres = user.organisation_ids(Role.CRISIS_STAFF)
    tasks: list[Task] = []
    concerns = (
        Concern.objects.filter(match__referral__centre_id__in=centres, status=Concern.Status.NEW)
        .select_related("match__referral")
        .order_by("reported_at", "pk")
    )
    for concern in concerns:
        tasks.append(_concern_task(concern, today, for_centre=True))
    pauses = (
        Pause.objects.filter(
            match__referral__centre_id__in=centres,
            match__status=Match.Status.PAUSED,
            ended_on__isnull=True,
            leader_confirmed_at__isnull=False,
            centre_confirmed_at__isnull=True,
        )
        .select_related("match__referral")
        .order_by("leader_confirmed_at", "pk")
    )
    for pause in pauses:
        assert pause.leader_confirmed_at is not None
        tasks.append(
            Task(
                RESUME,
                f"resume:{pause.pk}",
                _("Gruppelederen har bekreftet at koblingen med %(name)s kan gjenopptas")
                % {"name": _name(pause.match)},
                reverse("followup:resume", args=[pause.match_id]),
                timezone.localdate(pause.leader_confirmed_at),
            )
        )
    return tasks


# --- volunteer --------------------------------------------------------------------------------


def invited_events(user: Any, now: datetime.datetime) -> Any:
    """Coming events of her branch that are for her: pairs' events while she has a running
    match, volunteers' events while she is approved (a queryset; one query)."""
    has_match = Exists(Match.objects.filter(volunteer__user_id=user.pk, status__in=RUNNING))
    approved = Exists(Volunteer.objects.filter(user_id=user.pk, status=Volunteer.Status.APPROVED))
    return (
        SocialEvent.objects.filter(
            branch_id__in=user.organisation_ids(Role.VOLUNTEER),
            starts_at__gte=now,
            cancelled_at__isnull=True,
        )
        .alias(has_match=has_match, approved=approved)
        .filter(
            Q(audience=SocialEvent.Audience.PAIRS, has_match=True)
            | Q(audience=SocialEvent.Audience.VOLUNTEERS, approved=True)
        )
        .order_by("starts_at", "pk")
    )


def _volunteer_tasks(user: Any, today: datetime.date, now: datetime.datetime) -> list[Task]:
    own = Match.objects.filter(volunteer__user_id=user.pk)
    tasks: list[Task] = []
    for match in inactivity.quiet(own, today=today).select_related("referral"):
        last: datetime.date = match.last_contact  # type: ignore[attr-defined]
        tasks.append(
            Task(
                QUIET,
                f"quiet:m{match.pk}:{last.isoformat()}",
                _("Registrer en aktivitet med %(name)s: siste kontakt var %(day)s")
                % {"name": _name(match), "day": _day(last, today)},
                reverse("followup:activity_new", args=[match.pk]),
                last + datetime.timedelta(days=inactivity.nudge_days()),
            )
        )

    meetings = (
        PlannedMeeting.objects.filter(
            match__volunteer__user_id=user.pk,
            match__status__in=RUNNING,
            cancelled_at__isnull=True,
            starts_at__lt=now,
            activity__isnull=True,
        )
        .select_related("match__referral")
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        day = timezone.localdate(meeting.starts_at)
        url = reverse("followup:activity_new", args=[meeting.match_id])
        tasks.append(
            Task(
                LOG_MEETING,
                f"log_meeting:{meeting.pk}",
                _("Registrer møtet med %(name)s %(day)s")
                % {"name": _name(meeting.match), "day": _day(day, today)},
                f"{url}?meeting={meeting.pk}",
                day,
            )
        )

    for match in _ending(own, today).select_related("referral"):
        assert match.planned_end_on is not None
        tasks.append(
            Task(
                END,
                f"end:m{match.pk}:{match.planned_end_on.isoformat()}",
                _(
                    "Koblingen med %(name)s har planlagt slutt %(day)s: "
                    "snakk med gruppelederen om avslutningen"
                )
                % {"name": _name(match), "day": _day(match.planned_end_on, today)},
                _match_url(match.pk),
                match.planned_end_on,
            )
        )

    answered = EventSignup.objects.filter(event=OuterRef("pk"), volunteer__user_id=user.pk)
    for event in invited_events(user, now).filter(~Exists(answered)):
        day = timezone.localdate(event.starts_at)
        tasks.append(
            Task(
                EVENT,
                f"event:{event.pk}",
                _("Svar på invitasjonen til «%(title)s» %(day)s")
                % {"title": event.title, "day": _day(day, today)},
                reverse("followup:event_detail", args=[event.pk]),
                day,
            )
        )
    return tasks


# --- tasks of higher apps ---------------------------------------------------------------------

TaskProvider = Callable[[Any, datetime.date, datetime.datetime], list[Task]]
"""``provider(user, today, now) -> [Task]``: the tasks of one higher app for every role `user`
holds, in a fixed number of queries per role."""

task_providers: list[TaskProvider] = []
"""Hook: followup sits below surveys in the layers contract and may not import it; `tasks_for`
calls every provider registered here (in its ``AppConfig.ready()``, with
``matching.hooks.register``). surveys registers ``surveys.tasks.survey_tasks``: the
questionnaires to hand over or answer and the outcome question at each time point."""


# --- all of a user's tasks --------------------------------------------------------------------


def now_for(today: datetime.date | None) -> datetime.datetime:
    """Now, or the same time of day on `today` (`send_reminders --today`)."""
    now = timezone.now()
    if today is None or today == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(today, timezone.localtime(now).time()))


def tasks_for(
    user: Any, *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> list[Task]:
    """Every task of `user` in every role she holds, urgent first, then by due date."""
    if not user.is_authenticated or not user.is_active:
        return []
    day = today or timezone.localdate()
    moment = now or now_for(today)
    found: list[Task] = []
    if user.has_role(Role.GROUP_LEADER):
        found.extend(_leader_tasks(user, day, moment))
    if user.has_role(Role.CRISIS_STAFF):
        found.extend(_centre_tasks(user, day))
    if user.has_role(Role.VOLUNTEER):
        found.extend(_volunteer_tasks(user, day, moment))
    for provider in task_providers:
        found.extend(provider(user, day, moment))
    unique = {task.key: task for task in reversed(found)}  # a key once (the first role's)
    return sorted(unique.values(), key=lambda t: (not t.urgent, t.due, t.kind, t.key))


# --- notices (send_reminders) -----------------------------------------------------------------


def unsent(user: Any, tasks: Iterable[Task]) -> list[Task]:
    """The tasks whose key has not been e-mailed to `user` yet (one query)."""
    tasks = list(tasks)
    if not tasks:
        return []
    sent = set(
        Notice.objects.filter(user=user, key__in=[t.key for t in tasks]).values_list(
            "key", flat=True
        )
    )
    return [t for t in tasks if t.key not in sent]


def send_summary(user: Any, keys: list[str]) -> bool:
    """One e-mail with the number of new tasks, recording a Notice for each key, atomically.
    False (nothing sent) when another run recorded one of the keys first."""
    if not keys:
        return False
    try:
        with transaction.atomic():
            Notice.objects.bulk_create([Notice(user=user, key=key) for key in keys])
            send_discreet(
                user.email,
                SUMMARY_TEMPLATE,
                {"count": len(keys), "link": settings.SITE_URL + reverse("followup:tasks")},
            )
    except IntegrityError:
        return False
    return True


NOTIFIED_ROLES = (Role.GROUP_LEADER, Role.CRISIS_STAFF, Role.VOLUNTEER)


def recipients() -> Any:
    """Active users with an e-mail address and a role that has follow-up tasks."""
    holders = Membership.objects.active().filter(
        role__in=NOTIFIED_ROLES, organisation__is_active=True
    )
    return (
        User.objects.filter(is_active=True, pk__in=holders.values("user_id"))
        .exclude(email="")
        .order_by("pk")
    )


@dataclass(frozen=True)
class Due:
    """What the daily run owes one user: e-mails per task (`each`) and/or one summary."""

    user: Any
    each: list[Task]
    summary: list[Task]


def due_notices(user: Any, *, today: datetime.date | None = None) -> Due | None:
    """The notices `user` should get now for her new tasks (keys not e-mailed yet), as she
    chose on *Min konto*: every task → one e-mail each; daily → one summary; none → only the
    urgent ones (urgent concerns always come by e-mail)."""
    fresh = unsent(user, tasks_for(user, today=today))
    if not fresh:
        return None
    choice = user.task_email
    if choice == TaskEmail.EVERY:
        each, summary = fresh, []
    elif choice == TaskEmail.DAILY:
        each = [t for t in fresh if t.urgent]
        summary = [t for t in fresh if not t.urgent]
    else:
        each, summary = [t for t in fresh if t.urgent], []
    if not each and not summary:
        return None
    return Due(user, each, summary)
