"""The activity log: the volunteer logs, repeats, corrects and deletes what the pair did.

Only the matched volunteer (`followup.log_activity`), only while the match is active or ending
(a paused match cannot log; a closed one is read-only). Her own entries can be corrected or
deleted for ACTIVITY_EDIT_DAYS days after they were created. Every write is audited, the note
masked (it is encrypted).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.followup.models import Activity, Channel, PlannedMeeting
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, record_creation, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.actions.matches import lock, stale
from ressursvenn.matching.models import Match

FIELDS = ("occurred_on", "kind", "duration_minutes", "channel", "note", "planned_meeting")
LOGGABLE = (Match.Status.ACTIVE, Match.Status.ENDING)
# An identical entry created this recently is a double submit.
DOUBLE_SUBMIT_SECONDS = 60


def edit_days() -> int:
    return int(settings.ACTIVITY_EDIT_DAYS)


def state_problem(match: Match) -> str | None:
    """Why nothing can be logged on `match` now (None when it can)."""
    if match.status in LOGGABLE:
        return None
    if match.status == Match.Status.PAUSED:
        return _("Koblingen er satt på pause. Du kan ikke registrere aktiviteter nå.")
    if match.status in (Match.Status.CLOSED, Match.Status.CANCELLED):
        return _("Koblingen er avsluttet. Aktivitetene kan bare leses.")
    return _("Aktiviteter kan registreres når koblingen er aktiv.")


def editable(activity: Activity, user: Any, *, now: datetime.datetime | None = None) -> bool:
    """Whether `user` may still correct or delete `activity` (her own, within the days)."""
    now = now or timezone.now()
    return (
        activity.created_by_id == getattr(user, "pk", None)
        and activity.event_id is None
        and activity.created_at >= now - datetime.timedelta(days=edit_days())
    )


def check_date(match: Match, day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            {"occurred_on": _("Datoen er fram i tid. Velg i dag eller en dag som har vært.")}
        )
    if match.started_on is None or day < match.started_on:
        raise ValidationError(
            {
                "occurred_on": _("Datoen er før koblingen startet (%(day)s).")
                % {"day": match.started_on.strftime("%d.%m.%Y") if match.started_on else "–"}
            }
        )


def check_values(kind: str, duration_minutes: int, channel: str) -> None:
    if kind not in Activity.Kind.values:
        raise ValidationError({"kind": _("Velg hva dere gjorde fra listen.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Velg hvordan dere hadde kontakt.")})
    if not 1 <= int(duration_minutes) <= 24 * 60:
        raise ValidationError({"duration_minutes": _("Velg en varighet fra listen.")})


def _check_match(match: Match) -> Match:
    """Lock the match and refuse (stale) unless activities can be logged on it now."""
    match = lock(match)
    problem = state_problem(match)
    if problem:
        raise stale(problem)
    return match


def _is_double_submit(match: Match, values: dict[str, Any]) -> bool:
    since = timezone.now() - datetime.timedelta(seconds=DOUBLE_SUBMIT_SECONDS)
    recent = Activity.objects.filter(
        match=match,
        created_at__gte=since,
        occurred_on=values["occurred_on"],
        kind=values["kind"],
        duration_minutes=values["duration_minutes"],
        channel=values["channel"],
    )
    # The note is encrypted: compared in Python over the few recent rows.
    return any(row.note == values["note"] for row in recent)


@transaction.atomic
def log_activity(
    match: Match,
    *,
    by: Any,
    occurred_on: datetime.date,
    kind: str,
    duration_minutes: int,
    channel: str,
    note: str = "",
    planned_meeting: PlannedMeeting | None = None,
) -> Activity:
    """The volunteer logs one activity of the pair.

    Side effects: a new `Activity` (linked to `planned_meeting` when it logs one), audited as
    `activity.log` (note masked). Refused (ValidationError, nothing written): a date in the
    future or before the match started; a match that is not active or ending (code
    "stale"); a planned meeting of another match, cancelled, not yet held or already logged;
    an identical entry created in the last DOUBLE_SUBMIT_SECONDS (a double submit).
    """
    require(by, "followup.log_activity", match)
    note = (note or "").strip()
    check_values(kind, duration_minutes, channel)
    match = _check_match(match)
    check_date(match, occurred_on)
    if planned_meeting is not None:
        planned_meeting = (
            PlannedMeeting.objects.select_for_update().filter(pk=planned_meeting.pk).first()
        )
        if (
            planned_meeting is None
            or planned_meeting.match_id != match.pk
            or planned_meeting.cancelled_at is not None
            or planned_meeting.starts_at > timezone.now()
        ):
            raise stale(_("Møtet kan ikke registreres som aktivitet."))
        if Activity.objects.filter(planned_meeting=planned_meeting).exists():
            raise stale(_("Dette møtet er allerede registrert som en aktivitet."))
    values = {
        "occurred_on": occurred_on,
        "kind": kind,
        "duration_minutes": int(duration_minutes),
        "channel": channel,
        "note": note,
    }
    if _is_double_submit(match, values):
        raise stale(_("Denne aktiviteten er allerede registrert. Du trenger ikke sende den igjen."))
    now = timezone.now()
    activity = Activity.objects.create(
        match=match,
        planned_meeting=planned_meeting,
        created_by=by,
        created_at=now,
        updated_at=now,
        **values,
    )
    record_creation(
        activity,
        by=by,
        action=AuditAction.ACTIVITY_LOG,
        fields=FIELDS,
        organisation=match.branch,
    )
    return activity


def last_entry(match: Match) -> Activity | None:
    """The newest entry the volunteer logged herself (not a social event's attendance)."""
    return (
        Activity.objects.filter(match=match, event__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def repeat_last(match: Match, *, by: Any) -> Activity:
    """ "Logg det samme som sist": today's date, the last entry's kind, duration and channel,
    no note. Side effects and refusals as `log_activity`; refused when nothing is logged yet.
    """
    require(by, "followup.log_activity", match)
    previous = last_entry(match)
    if previous is None:
        raise stale(_("Det er ingen tidligere aktivitet å gjenta. Registrer en aktivitet først."))
    return log_activity(
        match,
        by=by,
        occurred_on=timezone.localdate(),
        kind=previous.kind,
        duration_minutes=previous.duration_minutes,
        channel=previous.channel,
    )


def _check_editable(activity: Activity, by: Any) -> Match:
    require(by, "followup.log_activity", activity.match)
    match = _check_match(activity.match)
    if not editable(activity, by):
        raise stale(
            _(
                "Aktiviteten kan ikke endres lenger: du kan rette eller slette dine egne "
                "aktiviteter i %(days)d dager etter at du registrerte dem."
            )
            % {"days": edit_days()}
        )
    return match


@transaction.atomic
def update_activity(
    activity: Activity,
    *,
    by: Any,
    occurred_on: datetime.date,
    kind: str,
    duration_minutes: int,
    channel: str,
    note: str = "",
) -> Activity:
    """The volunteer corrects her own entry (within ACTIVITY_EDIT_DAYS of logging it).

    Side effects: the entry's fields and `updated_at` saved, audited as `activity.update`
    (note masked). Refused as `log_activity`, and when the entry is not hers or too old.
    """
    check_values(kind, duration_minutes, channel)
    match = _check_editable(activity, by)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    check_date(match, occurred_on)
    before = snapshot(activity, FIELDS)
    activity.occurred_on = occurred_on
    activity.kind = kind
    activity.duration_minutes = int(duration_minutes)
    activity.channel = channel
    activity.note = (note or "").strip()
    activity.updated_at = timezone.now()
    activity.save()
    changes = diff(Activity, before, snapshot(activity, FIELDS))
    if changes:
        record_change(
            activity,
            by=by,
            action=AuditAction.ACTIVITY_UPDATE,
            changes=changes,
            organisation=match.branch,
        )
    return activity


@transaction.atomic
def delete_activity(activity: Activity, *, by: Any) -> None:
    """The volunteer deletes her own entry (within ACTIVITY_EDIT_DAYS of logging it).

    Side effects: the row deleted (a linked planned meeting can be logged again), audited as
    `activity.delete` with what it held (note masked). Refused as `update_activity`.
    """
    match = _check_editable(activity, by)
    row = Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if row is None:
        raise stale(_("Aktiviteten er allerede slettet."))
    record_change(
        row,
        by=by,
        action=AuditAction.ACTIVITY_DELETE,
        changes=diff(Activity, snapshot(row, FIELDS), dict.fromkeys(FIELDS)),
        organisation=match.branch,
    )
    row.delete()
