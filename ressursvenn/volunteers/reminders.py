"""Tasks and reminders: what a group leader (or a volunteer) should act on, and the daily e-mail.

`branch_task_counts()` feeds the group leader's start page (counts per branch, a fixed number
of queries for any number of branches). `due_reminders()` lists each task as a `Reminder` with
a stable key (what + due date), and `send_reminders()` sends each recipient one discreet e-mail
with counts only, recording a `SentReminder` row per reminder so it is never sent twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.lib.mail import send_discreet
from ressursvenn.volunteers.models import (
    PoliceCertificate,
    SentReminder,
    SuitabilityInterview,
    Volunteer,
)
from ressursvenn.volunteers.screening import add_years

# Task kinds (also the `kind` of SentReminder rows).
APPLICATION = "application_waiting"
CERTIFICATE = "certificate_renewal"
COURSE = "course_renewal"
INTERVIEW = "interview_missing"
OWN_CERTIFICATE = "own_certificate_renewal"
OWN_COURSE = "own_course_renewal"
KINDS = (APPLICATION, CERTIFICATE, COURSE, INTERVIEW)

# Volunteers whose certificate and course must stay valid.
ACTIVE = (Volunteer.Status.SCREENING, Volunteer.Status.APPROVED, Volunteer.Status.PAUSED)
# The volunteer herself is reminded only once she is approved.
SERVING = (Volunteer.Status.APPROVED, Volunteer.Status.PAUSED)


@dataclass(frozen=True)
class Reminder:
    kind: str
    volunteer_id: int
    branch_id: int
    due: datetime.date

    @property
    def key(self) -> str:
        return f"v{self.volunteer_id}:{self.due.isoformat()}"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _latest_certificate_due() -> Subquery:
    return Subquery(
        PoliceCertificate.objects.filter(volunteer=OuterRef("pk"))
        .order_by("-seen_on", "-pk")
        .values("renewal_due_on")[:1],
        output_field=models.DateField(),
    )


def waiting_applications(
    branch_ids: Iterable[int], today: datetime.date | None = None
) -> models.QuerySet[Volunteer]:
    """Applications (status applied) older than REMINDER_APPLICATION_DAYS days."""
    limit = settings.REMINDER_APPLICATION_DAYS
    cutoff = timezone.make_aware(
        datetime.datetime.combine(_today(today) - datetime.timedelta(days=limit), datetime.time())
    )
    return Volunteer.objects.filter(
        branch_id__in=branch_ids, status=Volunteer.Status.APPLIED, applied_at__lt=cutoff
    )


def certificate_renewals(
    branch_ids: Iterable[int], today: datetime.date | None = None, statuses: Any = ACTIVE
) -> Any:
    """Volunteers whose latest police certificate falls due within the notice (or is overdue)."""
    horizon = _today(today) + datetime.timedelta(days=settings.REMINDER_RENEWAL_NOTICE_DAYS)
    return (
        Volunteer.objects.filter(branch_id__in=branch_ids, status__in=statuses)
        .annotate(certificate_due=_latest_certificate_due())
        .filter(certificate_due__lte=horizon)
    )


def course_renewals(
    branch_ids: Iterable[int], today: datetime.date | None = None, statuses: Any = ACTIVE
) -> Any:
    """Volunteers whose course completion runs out within the notice (or has run out)."""
    years = settings.COURSE_RENEWAL_YEARS
    if not years:
        return Volunteer.objects.none()
    horizon = _today(today) + datetime.timedelta(days=settings.REMINDER_RENEWAL_NOTICE_DAYS)
    # course_valid_until(completed) = completed + years <= horizon
    return Volunteer.objects.filter(
        branch_id__in=branch_ids,
        status__in=statuses,
        course_completed_on__lte=add_years(horizon, -years),
    )


def missing_interviews(branch_ids: Iterable[int]) -> models.QuerySet[Volunteer]:
    """Volunteers in screening without any suitability interview."""
    held = SuitabilityInterview.objects.filter(volunteer=OuterRef("pk"))
    return Volunteer.objects.filter(
        branch_id__in=branch_ids, status=Volunteer.Status.SCREENING
    ).filter(~Exists(held))


def _task_sets(branch_ids: set[int], today: datetime.date) -> dict[str, Any]:
    return {
        APPLICATION: waiting_applications(branch_ids, today),
        CERTIFICATE: certificate_renewals(branch_ids, today),
        COURSE: course_renewals(branch_ids, today),
        INTERVIEW: missing_interviews(branch_ids),
    }


def branch_task_counts(
    branch_ids: set[int], today: datetime.date | None = None
) -> dict[int, dict[str, int]]:
    """Per branch: the number of open tasks of each kind (one query per kind)."""
    counts: dict[int, dict[str, int]] = {pk: dict.fromkeys(KINDS, 0) for pk in branch_ids}
    for kind, rows in _task_sets(branch_ids, _today(today)).items():
        grouped = (
            rows.order_by()
            .values("branch_id")
            .annotate(n=Count("pk"))
            .values_list("branch_id", "n")
        )
        for branch_id, n in grouped:
            counts[branch_id][kind] = n
    return counts


def leader_reminders(branch_ids: set[int], today: datetime.date | None = None) -> list[Reminder]:
    """Every open task of these branches as a reminder with a stable key."""
    day = _today(today)
    result: list[Reminder] = []
    for pk, branch_id, applied_at in waiting_applications(branch_ids, day).values_list(
        "pk", "branch_id", "applied_at"
    ):
        due = timezone.localdate(applied_at) + datetime.timedelta(
            days=settings.REMINDER_APPLICATION_DAYS
        )
        result.append(Reminder(APPLICATION, pk, branch_id, due))
    for pk, branch_id, due in certificate_renewals(branch_ids, day).values_list(
        "pk", "branch_id", "certificate_due"
    ):
        result.append(Reminder(CERTIFICATE, pk, branch_id, due))
    for pk, branch_id, completed in course_renewals(branch_ids, day).values_list(
        "pk", "branch_id", "course_completed_on"
    ):
        result.append(
            Reminder(COURSE, pk, branch_id, add_years(completed, settings.COURSE_RENEWAL_YEARS))
        )
    for pk, branch_id, changed in missing_interviews(branch_ids).values_list(
        "pk", "branch_id", "status_changed_at"
    ):
        result.append(Reminder(INTERVIEW, pk, branch_id, timezone.localdate(changed)))
    return result


def volunteer_reminders(today: datetime.date | None = None) -> list[tuple[Any, Reminder]]:
    """(user, reminder) for approved volunteers with an account whose own renewal is due."""
    day = _today(today)
    result: list[tuple[Any, Reminder]] = []
    certificates = (
        certificate_renewals(_all_branches(), day, statuses=SERVING)
        .filter(user__is_active=True)
        .select_related("user")
    )
    for volunteer in certificates:
        result.append(
            (
                volunteer.user,
                Reminder(
                    OWN_CERTIFICATE, volunteer.pk, volunteer.branch_id, volunteer.certificate_due
                ),
            )
        )
    courses = (
        course_renewals(_all_branches(), day, statuses=SERVING)
        .filter(user__is_active=True)
        .select_related("user")
    )
    for volunteer in courses:
        assert volunteer.course_completed_on is not None
        due = add_years(volunteer.course_completed_on, settings.COURSE_RENEWAL_YEARS)
        result.append(
            (volunteer.user, Reminder(OWN_COURSE, volunteer.pk, volunteer.branch_id, due))
        )
    return result


def _all_branches() -> Any:
    return Volunteer.objects.values("branch_id")


@dataclass
class Outgoing:
    """One e-mail: who gets it, the template, and the reminders it covers."""

    user: Any
    template: str
    reminders: list[Reminder]


def _unsent(user: Any, reminders: list[Reminder]) -> list[Reminder]:
    if not reminders:
        return []
    sent = set(
        SentReminder.objects.filter(
            recipient=user, kind__in={r.kind for r in reminders}
        ).values_list("kind", "key")
    )
    return [r for r in reminders if (r.kind, r.key) not in sent]


def pending(today: datetime.date | None = None) -> list[Outgoing]:
    """The e-mails the daily run would send now: reminders not sent to their recipient yet."""
    day = _today(today)
    leaders: dict[int, tuple[Any, set[int]]] = {}
    for membership in (
        Membership.objects.active()
        .filter(role=Role.GROUP_LEADER, organisation__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ):
        leaders.setdefault(membership.user_id, (membership.user, set()))[1].add(
            membership.organisation_id
        )
    outgoing: list[Outgoing] = []
    for user, branch_ids in leaders.values():
        fresh = _unsent(user, leader_reminders(branch_ids, day))
        if fresh:
            outgoing.append(Outgoing(user, "reminder_tasks", fresh))
    own: dict[int, tuple[Any, list[Reminder]]] = {}
    for user, reminder in volunteer_reminders(day):
        own.setdefault(user.pk, (user, []))[1].append(reminder)
    for user, reminders in own.values():
        fresh = _unsent(user, reminders)
        if fresh:
            outgoing.append(Outgoing(user, "reminder_renewal", fresh))
    return outgoing


def send_one(mail: Outgoing) -> bool:
    """Record the reminders as sent and send the e-mail, atomically. False if already sent."""
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                [SentReminder(kind=r.kind, key=r.key, recipient=mail.user) for r in mail.reminders]
            )
            send_discreet(mail.user.email, mail.template, context(mail))
    except IntegrityError:  # another run sent (some of) them at the same moment
        return False
    return True


def context(mail: Outgoing) -> dict[str, Any]:
    """What the e-mail may say: counts and a link, never a name."""
    kinds = {r.kind for r in mail.reminders}
    return {
        "count": len(mail.reminders),
        "certificate": OWN_CERTIFICATE in kinds,
        "course": OWN_COURSE in kinds,
        "link": settings.SITE_URL + reverse("home"),
    }


def send_reminders(today: datetime.date | None = None) -> int:
    """Send every pending e-mail; returns how many were sent."""
    return sum(1 for mail in pending(today) if send_one(mail))
