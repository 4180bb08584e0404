"""Check-ins (oppfølgingssamtaler): the schedule, recording one, and a guidance-group meeting
counted as the check-in of the volunteers present.

`create_schedule` runs inside `matching.actions.meetings.record_meeting_outcome` (the hook
`matching.hooks.on_match_activated`), `extend_schedule` inside the extension and
`cancel_open_checkins` inside the closure: the caller has checked its own permission and holds
the match locked, so these three add no permission check of their own. The due dates come from
`followup.schedule`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.followup.checkins import RUNNING
from ressursvenn.followup.models import CheckIn
from ressursvenn.followup.schedule import due_dates
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.actions.matches import lock
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.models import GuidanceAttendance, GuidanceSession

PARTIES = (CheckIn.Party.VOLUNTEER, CheckIn.Party.WOMAN)
RECORD_FIELDS = (
    "status",
    "held_on",
    "mode",
    "via",
    "rating",
    "notes",
    "followup_needed",
    "followup_what",
    "guidance_session",
    "held_by",
)
RECORD_MODES = (CheckIn.Mode.IN_PERSON, CheckIn.Mode.VIDEO, CheckIn.Mode.PHONE)


def _fill(match: Match, *, by: Any) -> int:
    """Add the check-ins of the schedule that are missing (both parties, every due date up to
    the planned end); audited once when any is added. Returns how many were added."""
    if match.started_on is None:
        return 0
    dates = due_dates(match.started_on, match.planned_end_on)
    existing = set(CheckIn.objects.filter(match=match).values_list("party", "due_on"))
    missing = [
        CheckIn(match=match, party=party, due_on=day)
        for day in dates
        for party in PARTIES
        if (party, day) not in existing
    ]
    if not missing:
        return 0
    CheckIn.objects.bulk_create(missing)
    record_change(
        match,
        by=by,
        action=AuditAction.CHECKIN_SCHEDULE,
        changes={"checkins": [len(existing), len(existing) + len(missing)]},
        organisation=match.branch,
    )
    return len(missing)


@transaction.atomic
def create_schedule(match: Match, *, by: Any) -> None:
    """The check-in schedule of a match that has just become active: one check-in with the
    volunteer and one with the woman on each due date. Idempotent (a second call adds
    nothing and writes no audit event)."""
    _fill(match, by=by)


@transaction.atomic
def extend_schedule(match: Match, *, by: Any) -> None:
    """Add the check-ins missing up to the match's current `planned_end_on` (after an
    extension or a moved end). Idempotent."""
    _fill(match, by=by)


@transaction.atomic
def cancel_open_checkins(match: Match, *, by: Any) -> None:
    """At closure: every planned check-in not held becomes cancelled (a closed match has no
    tasks left). The held ones stay; one that was due before the end and not held can still be
    counted as missed (status cancelled, `due_on` before the match's `ended_on`). Audited once
    when any changed."""
    open_rows = CheckIn.objects.filter(match=match, status=CheckIn.Status.PLANNED)
    count = open_rows.update(status=CheckIn.Status.CANCELLED)
    if count:
        record_change(
            match,
            by=by,
            action=AuditAction.CHECKIN_CANCEL,
            changes={"cancelled": [0, count]},
            organisation=match.branch,
        )


def default_via(referral: Referral) -> str:
    """How the woman is reached for her check-in unless the leader says otherwise: through the
    crisis centre when her agreed contact channel is the centre, else directly."""
    if referral.contact_channel == Referral.Channel.VIA_CENTRE:
        return CheckIn.Via.CENTRE
    return CheckIn.Via.DIRECT


def _closed_error() -> ValidationError:
    return ValidationError(_("Koblingen er avsluttet."), code="stale")


def _already_held_error() -> ValidationError:
    return ValidationError(_("Denne oppfølgingssamtalen er allerede registrert."), code="stale")


@transaction.atomic
def record_checkin(
    checkin: CheckIn,
    *,
    by: Any,
    held_on: datetime.date,
    mode: str,
    rating: int,
    notes: str = "",
    via: str = "",
    followup_needed: bool = False,
    followup_what: str = "",
) -> CheckIn:
    """Record a planned check-in as held (the group leader of the branch). Refused on a match
    that no longer runs, for a check-in already recorded (a double submit), and for a date in
    the future or before the match started."""
    require(by, "followup.record_checkin", checkin.match)
    match = lock(checkin.match)
    if match.status not in RUNNING:
        raise _closed_error()
    row = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if row.status != CheckIn.Status.PLANNED:
        raise _already_held_error()
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if held_on > today:
        errors["held_on"] = [_("Datoen kan ikke være fram i tid.")]
    elif match.started_on is not None and held_on < match.started_on:
        errors["held_on"] = [_("Datoen kan ikke være før koblingen startet.")]
    if mode not in RECORD_MODES:
        errors["mode"] = [_("Velg hvordan samtalen ble holdt.")]
    if rating not in range(1, 6):
        errors["rating"] = [_("Velg hvordan koblingen går, fra 1 til 5.")]
    if row.party == CheckIn.Party.WOMAN and via not in CheckIn.Via.values:
        errors["via"] = [_("Velg om samtalen var direkte med henne eller gjennom krisesenteret.")]
    followup_what = followup_what.strip() if followup_needed else ""
    if followup_needed and not followup_what:
        errors["followup_what"] = [_("Skriv hva som må følges opp.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(row, RECORD_FIELDS)
    row.status = CheckIn.Status.HELD
    row.held_on = held_on
    row.mode = mode
    row.via = via if row.party == CheckIn.Party.WOMAN else ""
    row.rating = rating
    row.notes = notes.strip()
    row.followup_needed = followup_needed
    row.followup_what = followup_what
    row.held_by = by
    row.recorded_at = timezone.now()
    row.save()
    record_change(
        row,
        by=by,
        action=AuditAction.CHECKIN_RECORD,
        changes=diff(CheckIn, before, snapshot(row, RECORD_FIELDS)),
        organisation=match.branch,
    )
    return row


def group_candidates(session: GuidanceSession) -> list[dict[str, Any]]:
    """The volunteers marked present at `session` whose running match (in the group's branch,
    started on or before the session's day) still has a planned check-in with the volunteer:
    [{"volunteer", "match", "checkin" (the earliest planned one), "counted" (the session is
    already counted for this match)}], by the volunteer's name. Three queries."""
    day = timezone.localdate(session.starts_at)
    present = list(
        GuidanceAttendance.objects.filter(session=session, attended=True).values_list(
            "volunteer_id", flat=True
        )
    )
    matches = list(
        Match.objects.filter(
            volunteer_id__in=present,
            branch_id=session.group.branch_id,
            status__in=RUNNING,
            started_on__lte=day,
        )
        .select_related("volunteer", "referral", "branch")
        .order_by("volunteer__full_name", "pk")
    )
    planned: dict[int, CheckIn] = {}
    counted: set[int] = set()
    rows = CheckIn.objects.filter(
        match__in=[m.pk for m in matches], party=CheckIn.Party.VOLUNTEER
    ).order_by("due_on", "pk")
    for row in rows:
        if row.guidance_session_id == session.pk:
            counted.add(row.match_id)
        elif row.status == CheckIn.Status.PLANNED and row.match_id not in planned:
            planned[row.match_id] = row
    return [
        {
            "volunteer": match.volunteer,
            "match": match,
            "checkin": planned.get(match.pk),
            "counted": match.pk in counted,
        }
        for match in matches
        if match.pk in planned or match.pk in counted
    ]


@transaction.atomic
def record_group_checkin(
    session: GuidanceSession, *, by: Any, matches: Iterable[int]
) -> list[CheckIn]:
    """Count a guidance-group meeting as the check-in with each volunteer of `matches` (match
    pks the leader ticked): the earliest planned volunteer check-in of each is held on the
    session's day, mode "group". Refused for a session that has not taken place, a match not
    among the candidates, and a match the session already counts for (a double submit)."""
    require(by, "volunteers.manage_courses", session.group)
    if session.starts_at > timezone.now():
        raise ValidationError(
            _("Møtet har ikke vært ennå. Det kan telle som oppfølgingssamtale etterpå."),
            code="future",
        )
    wanted = sorted(set(matches))
    if not wanted:
        raise ValidationError(
            {"matches": [_("Kryss av for minst én ressursvenn.")]}, code="required"
        )
    candidates = {row["match"].pk: row for row in group_candidates(session)}
    if any(pk not in candidates for pk in wanted):
        raise ValidationError(
            {"matches": [_("En av ressursvennene kan ikke velges her. Last siden på nytt.")]},
            code="stale",
        )
    if any(candidates[pk]["counted"] for pk in wanted):
        raise ValidationError(
            _("Møtet er allerede registrert som oppfølgingssamtale for en av dem."),
            code="stale",
        )
    day = timezone.localdate(session.starts_at)
    now = timezone.now()
    held: list[CheckIn] = []
    for pk in wanted:
        match = candidates[pk]["match"]
        require(by, "followup.record_checkin", match)
        locked = lock(match)
        if locked.status not in RUNNING:
            raise _closed_error()
        row = (
            CheckIn.objects.select_for_update()
            .filter(match=locked, party=CheckIn.Party.VOLUNTEER, status=CheckIn.Status.PLANNED)
            .order_by("due_on", "pk")
            .first()
        )
        if row is None or CheckIn.objects.filter(match=locked, guidance_session=session).exists():
            raise _already_held_error()
        before = snapshot(row, RECORD_FIELDS)
        row.status = CheckIn.Status.HELD
        row.held_on = day
        row.mode = CheckIn.Mode.GROUP
        row.guidance_session = session
        row.held_by = by
        row.recorded_at = now
        row.save()
        record_change(
            row,
            by=by,
            action=AuditAction.CHECKIN_GROUP,
            changes=diff(CheckIn, before, snapshot(row, RECORD_FIELDS)),
            organisation=locked.branch,
        )
        held.append(row)
    return held
