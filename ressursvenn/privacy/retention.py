"""What the retention rules make due on a day (`manage.py apply_retention`, daily).

People (anonymised by `actions.anonymise_expired`, each in its own transaction; never one
already anonymised, never one with an open match — proposed, koblingsmøte planned, active,
paused or ending):

- ``woman_ended``: a woman whose referral is closed, declined or withdrawn, more than
  RETENTION_WOMAN_MONTHS (12) months after it ended. "Ended" is the latest of: the day the
  referral was closed, declined or withdrawn (`Referral.closed_at` or `status_changed_at`)
  and, for every match she had, its end day (`Match.ended_on`) and the day it was closed or
  cancelled (`Match.status_changed_at`). A referral still in process (waiting, proposed,
  matched) is never due, however old.
- ``applicant_ended``: an applicant whose application was rejected or withdrawn, more than
  RETENTION_APPLICANT_MONTHS (6) months after that decision (`Volunteer.status_changed_at`;
  any match she had, as above, counts too).
- ``volunteer_ended``: a volunteer who ended, more than RETENTION_VOLUNTEER_MONTHS (24) months
  after she ended (`Volunteer.status_changed_at`) and after her last match ended (as above).

"More than N months after day D" is the first day after D + N calendar months (31 August + 6
months is the last day of February), so on D + N months itself nothing is done yet.

Purges (rows deleted; the output gives counts only):

- the audit trail (`AuditEvent`) and the access log (`AccessEvent`) older than
  RETENTION_LOG_MONTHS (60) months;
- the login logs (django-axes attempts, failures and logins) and the sent-mail log
  (`mailer.MessageLog`) older than RETENTION_TECHNICAL_LOG_DAYS (90) days;
- sessions that have expired (as Django's `clearsessions`).

Every limit is measured from the start of the day the run is for (`--today`), in local time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from mailer.models import MessageLog

from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.privacy.people import VOLUNTEER, WOMAN
from ressursvenn.volunteers.models import Volunteer

WOMAN_ENDED = "woman_ended"
APPLICANT_ENDED = "applicant_ended"
VOLUNTEER_ENDED = "volunteer_ended"
RULES = (WOMAN_ENDED, APPLICANT_ENDED, VOLUNTEER_ENDED)

# A match that is not over: she is still in the programme with it.
OPEN_MATCH = (
    Match.Status.PROPOSED,
    Match.Status.MEETING_PLANNED,
    Match.Status.ACTIVE,
    Match.Status.PAUSED,
    Match.Status.ENDING,
)
WOMAN_ENDED_STATUSES = (
    Referral.Status.CLOSED,
    Referral.Status.DECLINED,
    Referral.Status.WITHDRAWN,
)
APPLICANT_ENDED_STATUSES = (Volunteer.Status.REJECTED, Volunteer.Status.WITHDRAWN)


@dataclass(frozen=True)
class Due:
    """One person whose time is up: kind ("woman" / "volunteer"), record number, the rule,
    the day her time started (`ended_on`) and the first day she is due (`due_on`)."""

    kind: str
    pk: int
    rule: str
    ended_on: datetime.date
    due_on: datetime.date

    @property
    def label(self) -> str:
        return "participants.referral" if self.kind == WOMAN else "volunteers.volunteer"


@dataclass(frozen=True)
class Purge:
    """Rows of one log that are too old: what (in English, for the operator) and which."""

    what: str
    rows: models.QuerySet[Any]


def start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else timezone.localtime(moment).date()


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The day `months` calendar months before `day` (clamped to the month's end)."""
    result: datetime.date = day - relativedelta(months=months)
    return result


def _due_on(ended: datetime.date, months: int) -> datetime.date:
    return add_months(ended, months) + datetime.timedelta(days=1)


def _match_ends(match_filter: str, people: models.QuerySet[Any]) -> dict[int, datetime.date]:
    """Person id → the latest end of any of her matches (end day or closing/cancelling day),
    for the people of the queryset `people` (a subquery: no list of ids however many)."""
    ends: dict[int, datetime.date] = {}
    rows = (
        Match.objects.filter(**{f"{match_filter}__in": people.values("pk")})
        .values(match_filter)
        .annotate(last_end=Max("ended_on"), last_change=Max("status_changed_at"))
        .order_by()
    )
    for row in rows:
        days = [d for d in (row["last_end"], _day(row["last_change"])) if d is not None]
        if days:
            ends[row[match_filter]] = max(days)
    return ends


def _open_match(field: str) -> Exists:
    return Exists(Match.objects.filter(**{field: OuterRef("pk")}, status__in=OPEN_MATCH))


def _women(today: datetime.date, pks: Iterable[int] | None) -> list[Due]:
    months = settings.RETENTION_WOMAN_MONTHS
    # Every ended, not yet anonymised referral: at most those that ended within the retention
    # time plus those due now (the others were anonymised on earlier days).
    candidates = Referral.objects.filter(
        anonymised_at__isnull=True, status__in=WOMAN_ENDED_STATUSES
    ).exclude(_open_match("referral"))
    if pks is not None:
        candidates = candidates.filter(pk__in=list(pks))
    rows = list(candidates.order_by("pk").values_list("pk", "closed_at", "status_changed_at"))
    match_ends = _match_ends("referral", candidates)
    found = []
    for pk, closed_at, changed_at in rows:
        ended = max(d for d in (_day(closed_at), _day(changed_at), match_ends.get(pk)) if d)
        due_on = _due_on(ended, months)
        if due_on <= today:
            found.append(Due(WOMAN, pk, WOMAN_ENDED, ended, due_on))
    return found


def _volunteers(today: datetime.date, pks: Iterable[int] | None) -> list[Due]:
    applicant = settings.RETENTION_APPLICANT_MONTHS
    volunteer = settings.RETENTION_VOLUNTEER_MONTHS
    candidates = Volunteer.objects.filter(
        anonymised_at__isnull=True,
        status__in=(*APPLICANT_ENDED_STATUSES, Volunteer.Status.ENDED),
    ).exclude(_open_match("volunteer"))
    if pks is not None:
        candidates = candidates.filter(pk__in=list(pks))
    rows = list(candidates.order_by("pk").values_list("pk", "status", "status_changed_at"))
    match_ends = _match_ends("volunteer", candidates)
    found = []
    for pk, status, changed_at in rows:
        ended = max(d for d in (_day(changed_at), match_ends.get(pk)) if d)
        if status in APPLICANT_ENDED_STATUSES:
            rule, months = APPLICANT_ENDED, applicant
        else:
            rule, months = VOLUNTEER_ENDED, volunteer
        due_on = _due_on(ended, months)
        if due_on <= today:
            found.append(Due(VOLUNTEER, pk, rule, ended, due_on))
    return found


def due(today: datetime.date) -> list[Due]:
    """The people whose time is up on `today`: the women first, then the volunteers, each by
    record number."""
    return [*_women(today, None), *_volunteers(today, None)]


def still_due(item: Due, today: datetime.date) -> Due | None:
    """`item` checked again (under the caller's lock): the person may have changed since the
    list was made (a new match, re-approved, anonymised by erasure on request)."""
    again = (_women if item.kind == WOMAN else _volunteers)(today, [item.pk])
    return again[0] if again else None


def purges(today: datetime.date) -> list[Purge]:
    """The log rows too old on `today`."""
    start = start_of(today)
    log_limit = start_of(months_before(today, settings.RETENTION_LOG_MONTHS))
    technical = start - datetime.timedelta(days=settings.RETENTION_TECHNICAL_LOG_DAYS)
    # Sessions: expired by the moment the run stands for (now, when run for today).
    moment = timezone.now() if today == timezone.localdate() else start
    return [
        Purge("audit trail events", AuditEvent.objects.filter(at__lt=log_limit)),
        Purge("access log events", AccessEvent.objects.filter(at__lt=log_limit)),
        Purge("login attempts", AccessAttempt.objects.filter(attempt_time__lt=technical)),
        Purge("login failures", AccessFailureLog.objects.filter(attempt_time__lt=technical)),
        Purge("login log entries", AccessLog.objects.filter(attempt_time__lt=technical)),
        Purge("sent-mail log entries", MessageLog.objects.filter(when_attempted__lt=technical)),
        Purge("expired sessions", Session.objects.filter(expire_date__lt=moment)),
    ]
