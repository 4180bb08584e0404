"""The pair's own meetings: their video room, and the next meetings the volunteer plans.

Only the matched volunteer (`followup.use_room`, `followup.plan_pair_meeting`), only while the
match is active or ending: a paused match's room is closed, a closed match is read-only. The
room's link is never put in an e-mail or an .ics; its audit entries mask it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.followup.models import PairRoom, PlannedMeeting
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, record_creation, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.actions.matches import lock, stale
from ressursvenn.matching.actions.meetings import new_video_url
from ressursvenn.matching.models import Match

OPEN = (Match.Status.ACTIVE, Match.Status.ENDING)
MEETING_FIELDS = ("starts_at", "duration_minutes", "mode", "sequence", "cancelled_at")


def max_days_ahead() -> int:
    return int(settings.PAIR_MEETING_MAX_DAYS_AHEAD)


def state_problem(match: Match) -> str | None:
    """Why the pair cannot use the room or plan meetings now (None when they can)."""
    if match.status in OPEN:
        return None
    if match.status == Match.Status.PAUSED:
        return _(
            "Koblingen er satt på pause. Videorommet er stengt og nye møter kan ikke planlegges."
        )
    if match.status in (Match.Status.CLOSED, Match.Status.CANCELLED):
        return _("Koblingen er avsluttet. Videorommet er stengt.")
    return _("Videorom og møter for dere to kommer når koblingen er aktiv.")


def _open_match(match: Match) -> Match:
    match = lock(match)
    problem = state_problem(match)
    if problem:
        raise stale(problem)
    return match


def check_time(starts_at: datetime.datetime, *, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    if starts_at <= now:
        raise ValidationError({"date": _("Tidspunktet har vært. Velg et tidspunkt fram i tid.")})
    if starts_at > now + datetime.timedelta(days=max_days_ahead()):
        raise ValidationError(
            {
                "date": _("Et møte kan planlegges høyst %(days)d dager fram i tid.")
                % {"days": max_days_ahead()}
            }
        )


def check_values(duration_minutes: int, mode: str) -> None:
    if mode not in PlannedMeeting.Mode.values:
        raise ValidationError({"mode": _("Velg om dere møtes eller har et videomøte.")})
    if not 1 <= int(duration_minutes) <= 24 * 60:
        raise ValidationError({"duration_minutes": _("Velg en varighet fra listen.")})


def _set_room(match: Match, *, by: Any) -> PairRoom:
    room = PairRoom.objects.select_for_update().filter(match=match).first()
    before = {"video_url": room.video_url if room else None}
    if room is None:
        room = PairRoom(match=match)
    room.video_url = new_video_url()
    room.renewed_at = timezone.now()
    room.renewed_by = by
    room.save()
    record_change(
        room,
        by=by,
        action=AuditAction.ROOM_RENEW,
        changes=diff(PairRoom, before, {"video_url": room.video_url}),
        organisation=match.branch,
    )
    return room


@transaction.atomic
def ensure_room(match: Match, *, by: Any) -> PairRoom:
    """The pair's video room, made the first time the volunteer opens the match page.

    Side effects: when the match has no room yet, a `PairRoom` with a new unguessable link,
    audited as `room.renew` (the link masked). Refused (stale) unless the match is active or
    ending."""
    require(by, "followup.use_room", match)
    match = _open_match(match)
    room = PairRoom.objects.filter(match=match).first()
    return room if room is not None else _set_room(match, by=by)


@transaction.atomic
def renew_room(match: Match, *, by: Any) -> PairRoom:
    """ "Lag nytt videorom": the volunteer replaces the room's link (the old one is no longer
    shown anywhere). Side effects: the room's link, `renewed_at` and `renewed_by`; audited as
    `room.renew` (masked). Refused (stale) unless the match is active or ending."""
    require(by, "followup.use_room", match)
    match = _open_match(match)
    return _set_room(match, by=by)


@transaction.atomic
def plan_pair_meeting(
    match: Match,
    *,
    by: Any,
    starts_at: datetime.datetime,
    duration_minutes: int,
    mode: str,
) -> PlannedMeeting:
    """The volunteer plans a next meeting of the pair (in person or digital).

    Side effects: a `PlannedMeeting` (sequence 0), audited as `pair_meeting.plan`. No e-mail:
    she downloads the .ics herself. Refused: a time in the past or more than
    PAIR_MEETING_MAX_DAYS_AHEAD days ahead; a match not active or ending (stale); the same
    meeting planned already (a double submit, stale).
    """
    require(by, "followup.plan_pair_meeting", match)
    check_values(duration_minutes, mode)
    check_time(starts_at)
    match = _open_match(match)
    if PlannedMeeting.objects.filter(
        match=match, starts_at=starts_at, cancelled_at__isnull=True
    ).exists():
        raise stale(_("Dette møtet er allerede planlagt."))
    meeting = PlannedMeeting.objects.create(
        match=match,
        starts_at=starts_at,
        duration_minutes=int(duration_minutes),
        mode=mode,
        created_by=by,
    )
    record_creation(
        meeting,
        by=by,
        action=AuditAction.PAIR_MEETING_PLAN,
        fields=MEETING_FIELDS,
        organisation=match.branch,
    )
    return meeting


def _changeable(meeting: PlannedMeeting, expected_sequence: int | None) -> PlannedMeeting:
    """Lock the match and the meeting; refuse (stale) a cancelled, logged or changed one."""
    _open_match(meeting.match)
    row = PlannedMeeting.objects.select_for_update().get(pk=meeting.pk)
    if row.cancelled_at is not None:
        raise stale(_("Møtet er avlyst."))
    if hasattr(row, "activity"):
        raise stale(_("Møtet er registrert som en aktivitet og kan ikke endres."))
    if expected_sequence is not None and expected_sequence != row.sequence:
        raise stale(_("Møtet er endret i mellomtiden. Se over tidspunktet og prøv igjen."))
    return row


@transaction.atomic
def move_pair_meeting(
    meeting: PlannedMeeting,
    *,
    by: Any,
    starts_at: datetime.datetime,
    duration_minutes: int,
    mode: str,
    expected_sequence: int | None = None,
) -> PlannedMeeting:
    """Move a planned meeting (or change how they meet).

    Side effects: its time, length and mode; SEQUENCE + 1 (a downloaded .ics replaces the old
    one in the calendar); audited as `pair_meeting.move`. Refused as `plan_pair_meeting`, and
    when it was cancelled, logged, or changed since the form was shown (stale)."""
    require(by, "followup.plan_pair_meeting", meeting.match)
    check_values(duration_minutes, mode)
    check_time(starts_at)
    row = _changeable(meeting, expected_sequence)
    before = snapshot(row, MEETING_FIELDS)
    row.starts_at = starts_at
    row.duration_minutes = int(duration_minutes)
    row.mode = mode
    row.sequence += 1
    row.save()
    record_change(
        row,
        by=by,
        action=AuditAction.PAIR_MEETING_MOVE,
        changes=diff(PlannedMeeting, before, snapshot(row, MEETING_FIELDS)),
        organisation=meeting.match.branch,
    )
    return row


@transaction.atomic
def cancel_pair_meeting(
    meeting: PlannedMeeting, *, by: Any, expected_sequence: int | None = None
) -> PlannedMeeting:
    """Cancel a planned meeting. Side effects: `cancelled_at`, SEQUENCE + 1; audited as
    `pair_meeting.cancel`. Refused (stale) when already cancelled, logged or changed."""
    require(by, "followup.plan_pair_meeting", meeting.match)
    row = _changeable(meeting, expected_sequence)
    before = snapshot(row, MEETING_FIELDS)
    row.cancelled_at = timezone.now()
    row.sequence += 1
    row.save(update_fields=["cancelled_at", "sequence"])
    record_change(
        row,
        by=by,
        action=AuditAction.PAIR_MEETING_CANCEL,
        changes=diff(PlannedMeeting, before, snapshot(row, MEETING_FIELDS)),
        organisation=meeting.match.branch,
    )
    return row
