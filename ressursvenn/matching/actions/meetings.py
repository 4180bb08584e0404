"""The koblingsmøte: planning (and moving) it, and recording how it went."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, snapshot
from ressursvenn.matching import calendar, hooks
from ressursvenn.matching.actions.matches import (
    MATCH_FIELDS,
    end_before_start,
    lock,
    recipients,
    set_referral_status,
    stale,
)
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.participants.models import Referral

MEETING_FIELDS = (
    "starts_at",
    "duration_minutes",
    "mode",
    "place",
    "video_url",
    "includes_centre_contact",
    "includes_group_leader",
    "sequence",
)
# How far ahead a koblingsmøte may be planned.
MAX_DAYS_AHEAD = 183


def max_days_ahead() -> int:
    return int(getattr(settings, "MEETING_MAX_DAYS_AHEAD", MAX_DAYS_AHEAD))


def month_range() -> tuple[int, int]:
    """The allowed length of a match in months (settings.MATCH_MIN_MONTHS..MATCH_MAX_MONTHS)."""
    low = int(settings.MATCH_MIN_MONTHS)
    return low, max(low, int(settings.MATCH_MAX_MONTHS))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 → 28/29
    Feb), as `dateutil.relativedelta` counts it."""
    result: datetime.date = day + relativedelta(months=months)
    return result


def new_video_url() -> str:
    """A meeting link with an unguessable room name: 192 random bits, URL-safe, nothing about
    anyone in it."""
    base = str(settings.MEETING_VIDEO_BASE_URL).rstrip("/")
    return f"{base}/{secrets.token_urlsafe(24)}"


def can_plan(match: Match) -> bool:
    """Whether the match is in a state where the koblingsmøte may be planned or moved."""
    if match.status == Match.Status.MEETING_PLANNED:
        return True
    return match.status == Match.Status.PROPOSED and match.volunteer_answer == Match.Answer.YES


def check_time(starts_at: datetime.datetime, *, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    if starts_at <= now:
        raise ValidationError({"date": _("Tidspunktet har vært. Velg et tidspunkt fram i tid.")})
    if starts_at > now + datetime.timedelta(days=max_days_ahead()):
        raise ValidationError(
            {"date": _("Koblingsmøtet kan planlegges høyst et halvt år fram i tid.")}
        )


@transaction.atomic
def plan_meeting(
    match: Match,
    *,
    by: Any,
    starts_at: datetime.datetime,
    duration_minutes: int,
    mode: str,
    place: str = "",
    includes_centre_contact: bool = True,
    includes_group_leader: bool = True,
    expected_sequence: int | None = None,
) -> MatchingMeeting:
    """Plan the koblingsmøte of a proposed match the volunteer said yes to, or move it.

    Side effects: creates (or updates) the match's `MatchingMeeting`; a video meeting gets a
    link with a random room name, kept when the meeting is moved (a new one only when it turns
    into a video meeting); moving raises the calendar SEQUENCE. The match → `meeting_planned`
    (the referral stays `proposed`). Audited. After commit, every recipient (centre contact,
    the branch's group leaders, the volunteer) gets a neutral e-mail with an .ics invitation.

    `expected_sequence` is the meeting's sequence the form was shown with (-1: no meeting yet);
    a different value means someone planned or moved it meanwhile (or a double submit), and
    nothing is changed.
    """
    require(by, "matching.plan_meeting", match)
    if mode not in MatchingMeeting.Mode.values:
        raise ValidationError({"mode": _("Velg en møteform fra listen.")})
    place = place.strip() if mode == MatchingMeeting.Mode.PUBLIC_PLACE else ""
    if mode == MatchingMeeting.Mode.PUBLIC_PLACE and not place:
        raise ValidationError({"place": _("Beskriv kort hvor dere møtes.")})
    check_time(starts_at)
    match = lock(match)
    if not can_plan(match):
        if match.status == Match.Status.PROPOSED:
            raise stale(
                _("Ressursvennen har ikke sagt ja ennå. Koblingsmøtet kan ikke planlegges.")
            )
        raise stale(
            _("Koblingsmøtet kan ikke planlegges nå: koblingen er «%(status)s».")
            % {"status": match.get_status_display()}
        )
    meeting = MatchingMeeting.objects.select_for_update().filter(match=match).first()
    current = meeting.sequence if meeting is not None else -1
    if expected_sequence is not None and expected_sequence != current:
        raise stale(_("Koblingsmøtet er endret i mellomtiden. Se over tidspunktet og prøv igjen."))
    moved = meeting is not None
    if meeting is None:
        meeting = MatchingMeeting(match=match, planned_by=by)
        before = dict.fromkeys(MEETING_FIELDS)
    else:
        before = snapshot(meeting, MEETING_FIELDS)
        meeting.sequence += 1
    if mode == MatchingMeeting.Mode.VIDEO:
        if not meeting.video_url:
            meeting.video_url = new_video_url()
    else:
        meeting.video_url = ""
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.mode = mode
    meeting.place = place
    meeting.includes_centre_contact = includes_centre_contact
    meeting.includes_group_leader = includes_group_leader
    meeting.outcome = MatchingMeeting.Outcome.PENDING
    meeting.save()
    record_change(
        meeting,
        by=by,
        action="meeting.move" if moved else "meeting.plan",
        changes=diff(MatchingMeeting, before, snapshot(meeting, MEETING_FIELDS)),
        organisation=match.branch,
    )
    if match.status != Match.Status.MEETING_PLANNED:
        before_match = snapshot(match, MATCH_FIELDS)
        match.status = Match.Status.MEETING_PLANNED
        match.status_changed_at = timezone.now()
        match.save(update_fields=["status", "status_changed_at"])
        record_change(
            match,
            by=by,
            action="match.plan_meeting",
            changes=diff(Match, before_match, snapshot(match, MATCH_FIELDS)),
            organisation=match.branch,
        )
    addresses = recipients(match)
    template = "meeting_moved" if moved else "meeting_planned"
    # Queued in this transaction (django-mailer): a rolled-back plan sends nothing.
    calendar.send_invitations(addresses, meeting, template=template)
    return meeting


@transaction.atomic
def record_meeting_outcome(
    match: Match,
    *,
    by: Any,
    outcome: str,
    months: int | None = None,
    reason: str = "",
) -> Match:
    """Record how the koblingsmøte went (only once it has started).

    `continue` (both want to go on): match → active, `started_on` = the meeting's date,
    `planned_end_on` = that date + `months` (MATCH_MIN_MONTHS..MATCH_MAX_MONTHS); the referral
    → matched; the `hooks.on_match_activated` handlers run (the check-in schedule). `stop`:
    match → cancelled with `reason`, the referral → accepted with its original waiting time
    (she keeps her place). The meeting gets its outcome (and the reason
    as its note). Everything audited. A second submit finds the match no longer planned and
    is refused with a clear message, nothing changed.
    """
    require(by, "matching.record_meeting_outcome", match)
    reason = reason.strip()
    if outcome == MatchingMeeting.Outcome.CONTINUE:
        low, high = month_range()
        if months is None or not low <= months <= high:
            raise ValidationError(
                {
                    "months": _("Velg mellom %(low)d og %(high)d måneder.")
                    % {"low": low, "high": high}
                }
            )
    elif outcome == MatchingMeeting.Outcome.STOP:
        if not reason:
            raise ValidationError({"reason": _("Skriv hvorfor det ikke blir noe av.")})
    else:
        raise ValidationError({"outcome": _("Velg hvordan møtet gikk.")})
    match = lock(match)
    if match.status != Match.Status.MEETING_PLANNED:
        raise stale(
            _("Utfallet kan ikke registreres: koblingen er «%(status)s».")
            % {"status": match.get_status_display()}
        )
    meeting = MatchingMeeting.objects.select_for_update().get(match=match)
    if meeting.starts_at > timezone.now():
        raise stale(_("Koblingsmøtet har ikke begynt ennå. Registrer utfallet etter møtet."))
    now = timezone.now()
    meeting.outcome = outcome
    meeting.outcome_note = reason
    meeting.outcome_recorded_at = now
    meeting.save(update_fields=["outcome", "outcome_note", "outcome_recorded_at"])
    record_change(
        meeting,
        by=by,
        action="meeting.outcome",
        changes={
            "outcome": [MatchingMeeting.Outcome.PENDING, outcome],
            **({"outcome_note": ["•••", "•••"]} if reason else {}),
        },
        organisation=match.branch,
    )
    if outcome == MatchingMeeting.Outcome.STOP:
        end_before_start(match, by=by, reason=reason, action="match.cancel_after_meeting")
        return match
    assert months is not None
    before = snapshot(match, MATCH_FIELDS)
    match.status = Match.Status.ACTIVE
    match.status_changed_at = now
    match.started_on = timezone.localdate(meeting.starts_at)
    match.planned_end_on = add_months(match.started_on, months)
    match.save(update_fields=["status", "status_changed_at", "started_on", "planned_end_on"])
    record_change(
        match,
        by=by,
        action="match.activate",
        changes=diff(Match, before, snapshot(match, MATCH_FIELDS)),
        organisation=match.branch,
    )
    referral = Referral.objects.select_for_update().get(pk=match.referral_id)
    set_referral_status(
        referral,
        Referral.Status.MATCHED,
        by=by,
        action="referral.matched",
        now=now,
        organisation=match.branch,
    )
    hooks.match_activated(match, by=by)
    return match
