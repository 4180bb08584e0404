"""What each role's start page shows: real counts and open tasks (queries only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from ressursvenn.accounts.models import STAFF_ROLES, Invitation, Membership, Role, User
from ressursvenn.followup import tasks as followup_tasks
from ressursvenn.followup.actions import concerns as concern_actions
from ressursvenn.followup.models import CheckIn, Concern, PlannedMeeting
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.organisations.models import Cooperation, Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.reports import definitions
from ressursvenn.volunteers import reminders, screening
from ressursvenn.volunteers.models import CourseSession, Volunteer

TASK_LIMIT = 20  # tasks listed by name on the start page; the rest are counted
START_TASKS = 10  # follow-up tasks ("Dine oppgaver") on the start page; the rest on the list
START_EVENTS = 5  # coming social events on the volunteer's start page


def national_summary() -> dict[str, Any]:
    now = timezone.now()
    branches = Organisation.objects.branches().active().order_by("name")
    has_leader = Exists(
        Membership.objects.filter(
            organisation=OuterRef("pk"), role=Role.GROUP_LEADER, is_active=True
        )
    )
    covers = Organisation.municipalities.through.objects.filter(organisation=OuterRef("pk"))
    covers_district = Organisation.districts.through.objects.filter(organisation=OuterRef("pk"))
    without_leader = branches.filter(~has_leader)
    without_area = branches.filter(~Exists(covers) & ~Exists(covers_district))
    staff = Membership.objects.filter(role__in=STAFF_ROLES, is_active=True, user__is_active=True)
    return {
        "branch_count": branches.count(),
        "centre_count": Organisation.objects.crisis_centres().active().count(),
        "cooperation_count": Cooperation.objects.count(),
        "staff_count": User.objects.filter(pk__in=staff.values("user_id")).count(),
        "pending_invitations": Invitation.objects.filter(
            used_at__isnull=True, expires_at__gt=now
        ).count(),
        "expired_invitations": User.objects.filter(
            is_active=True,
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
            pk__in=staff.values("user_id"),
        )
        .exclude(invitations__expires_at__gt=now, invitations__used_at__isnull=True)
        .count(),
        "branches_without_leader": list(without_leader[:TASK_LIMIT]),
        "branches_without_leader_count": without_leader.count(),
        "branches_without_area": list(without_area[:TASK_LIMIT]),
        "branches_without_area_count": without_area.count(),
    }


def _counts_by(rows: Any, key: str) -> dict[int, dict[str, int]]:
    """{organisation id: {status: count}} of `rows` grouped by the organisation field `key`."""
    result: dict[int, dict[str, int]] = {}
    for organisation_id, status, n in (
        rows.order_by().values_list(key, "status").annotate(n=Count("pk"))
    ):
        result.setdefault(organisation_id, {})[status] = n
    return result


def branch_summary(organisation_ids: set[int]) -> list[dict[str, Any]]:
    branches = Organisation.objects.filter(pk__in=organisation_ids).order_by("name")
    counts = dict(
        Volunteer.objects.filter(branch_id__in=organisation_ids, status=Volunteer.Status.APPROVED)
        .order_by()
        .values_list("branch_id")
        .annotate(n=Count("id"))
    )
    referrals = _counts_by(Referral.objects.filter(branch_id__in=organisation_ids), "branch_id")
    # The figures the dashboard shows too, from their one definition (reports/definitions.py).
    today = timezone.localdate()
    now = definitions.Span(today, today, frozenset(organisation_ids), today=today)
    waiting = definitions.waiting_now(now)
    active = definitions.active_now(now)
    paused = definitions.paused_now(now)
    overdue = dict(
        CheckIn.objects.filter(
            match__branch_id__in=organisation_ids,
            match__status__in=followup_tasks.FOLLOWED,
            status=CheckIn.Status.PLANNED,
            due_on__lt=timezone.localdate(),
        )
        .order_by()
        .values_list("match__branch_id")
        .annotate(n=Count("pk"))
    )
    centres: dict[int, list[Organisation]] = {}
    for cooperation in Cooperation.objects.filter(branch_id__in=organisation_ids).select_related(
        "crisis_centre"
    ):
        centres.setdefault(cooperation.branch_id, []).append(cooperation.crisis_centre)
    areas = dict(
        Organisation.objects.filter(pk__in=organisation_ids)
        .annotate(n=Count("municipalities", distinct=True) + Count("districts", distinct=True))
        .values_list("pk", "n")
    )
    tasks = reminders.branch_task_counts(set(organisation_ids))
    return [
        {
            "organisation": branch,
            "volunteer_count": counts.get(branch.pk, 0),
            "centres": centres.get(branch.pk, []),
            "area_count": areas.get(branch.pk, 0),
            "tasks": tasks.get(branch.pk, {}),
            "referrals": referrals.get(branch.pk, {}),
            "waiting": waiting.get(branch.pk, 0),
            "active_matches": active.get(branch.pk, 0),
            "paused_matches": paused.get(branch.pk, 0),
            "overdue_checkins": overdue.get(branch.pk, 0),
            "task_count": sum(tasks.get(branch.pk, {}).values()),
            "application_days": settings.REMINDER_APPLICATION_DAYS,
        }
        for branch in branches
    ]


def centre_summary(organisation_ids: set[int]) -> list[dict[str, Any]]:
    centres = Organisation.objects.filter(pk__in=organisation_ids).order_by("name")
    branches: dict[int, list[Organisation]] = {}
    for cooperation in Cooperation.objects.filter(
        crisis_centre_id__in=organisation_ids
    ).select_related("branch"):
        branches.setdefault(cooperation.crisis_centre_id, []).append(cooperation.branch)
    referrals = _counts_by(Referral.objects.filter(centre_id__in=organisation_ids), "centre_id")
    return [
        {
            "organisation": c,
            "branches": branches.get(c.pk, []),
            "referrals": [
                (status, label, referrals.get(c.pk, {}).get(status, 0))
                for status, label in Referral.Status.choices
                if referrals.get(c.pk, {}).get(status)
            ],
        }
        for c in centres
    ]


def next_course_sessions(user: Any, limit: int = 5) -> list[CourseSession]:
    """The volunteer's coming course sessions (of the courses she is enrolled in)."""
    return list(
        CourseSession.objects.filter(
            course__enrolments__volunteer__user=user, ends_at__gte=timezone.now()
        )
        .select_related("course")
        .order_by("starts_at", "pk")[:limit]
    )


def volunteer_summary(organisation_ids: set[int], user: Any = None) -> list[dict[str, Any]]:
    """Per branch: its group leaders (name, e-mail) and (given the user) her next course dates
    there."""
    leaders: dict[int, list[tuple[str, str]]] = {}
    for organisation_id, name, email in (
        Membership.objects.active()
        .filter(organisation_id__in=organisation_ids, role=Role.GROUP_LEADER)
        .order_by("user__full_name", "pk")
        .values_list("organisation_id", "user__full_name", "user__email")
    ):
        leaders.setdefault(organisation_id, []).append((name, email))
    branches = Organisation.objects.filter(pk__in=organisation_ids).order_by("name")
    sessions = next_course_sessions(user) if user is not None else None
    return [
        {
            "organisation": b,
            "leaders": leaders.get(b.pk, []),
            "next_sessions": None
            if sessions is None
            else [s for s in sessions if s.course.branch_id == b.pk],
        }
        for b in branches
    ]


def volunteer_first(user: Any) -> dict[str, Any]:
    """What the volunteer's start page puts first: the proposals waiting for her answer, her
    coming koblingsmøter, and, while she is an applicant, what is missing in her screening.

    Only her own rows (through `visible_to`); nothing about the woman is shown here."""
    own = Volunteer.objects.visible_to(user).filter(user_id=user.pk)
    volunteer = own.select_related("branch").first()
    if volunteer is None:
        return {"proposals": [], "meetings": [], "applicant": None, "missing": []}
    applicant = volunteer.is_applicant and volunteer.status in (
        Volunteer.Status.APPLIED,
        Volunteer.Status.SCREENING,
    )
    if applicant:  # the checklist's rows only while she is screened (most are not)
        volunteer = screening.with_checklist(own).select_related("branch").get(pk=volunteer.pk)
    matches = Match.objects.visible_to(user).filter(volunteer=volunteer)
    proposals = list(
        matches.filter(
            status=Match.Status.PROPOSED, volunteer_answer=Match.Answer.PENDING
        ).order_by("proposed_at", "pk")
    )
    meetings = list(
        MatchingMeeting.objects.filter(
            match__in=matches.filter(status=Match.Status.MEETING_PLANNED),
            outcome=MatchingMeeting.Outcome.PENDING,
        )
        .select_related("match")
        .order_by("starts_at", "pk")
    )
    return {
        "proposals": proposals,
        "meetings": meetings,
        "applicant": volunteer if applicant else None,
        "missing": screening.missing(volunteer) if applicant else [],
    }


# --- follow-up (issue 9) ----------------------------------------------------------------------


def task_box(user: Any) -> dict[str, Any]:
    """ "Dine oppgaver" on the start page: the first START_TASKS tasks and how many there are."""
    found = followup_tasks.tasks_for(user)
    return {"tasks": found[:START_TASKS], "task_count": len(found), "today": timezone.localdate()}


def urgent_unacknowledged(branch_ids: set[int]) -> list[Concern]:
    """Urgent concerns of these branches not acknowledged within CONCERN_URGENT_RESEND_HOURS
    (shown in red on the group leader's start page), oldest first."""
    return list(
        concern_actions.overdue_urgent(Concern.objects.filter(match__branch_id__in=branch_ids))
        .select_related("match__referral")
        .order_by("reported_at", "pk")
    )


def volunteer_matches(user: Any) -> list[dict[str, Any]]:
    """The volunteer's running or paused matches: the woman's first name (which the volunteer
    may always see), since when, the next planned meeting, and whether she can log an activity
    now (not while paused). Two queries."""
    now = timezone.now()
    matches = list(
        Match.objects.visible_to(user)
        .filter(volunteer__user_id=user.pk, status__in=followup_tasks.FOLLOWED)
        .select_related("referral")
        .order_by("started_on", "pk")
    )
    coming: dict[int, PlannedMeeting] = {}
    for meeting in PlannedMeeting.objects.filter(
        match__volunteer__user_id=user.pk,
        match__status__in=followup_tasks.FOLLOWED,
        cancelled_at__isnull=True,
        starts_at__gte=now,
    ).order_by("-starts_at", "-pk"):
        coming[meeting.match_id] = meeting  # the earliest wins
    return [
        {
            "match": match,
            "first_name": match.referral.first_name,
            "paused": match.status == Match.Status.PAUSED,
            "may_log": match.status in followup_tasks.RUNNING,
            "next_meeting": coming.get(match.pk),
        }
        for match in matches
    ]


def volunteer_events(user: Any) -> list[Any]:
    """Coming social events of her branch that are for her (the first START_EVENTS)."""
    return list(followup_tasks.invited_events(user, timezone.now())[:START_EVENTS])
