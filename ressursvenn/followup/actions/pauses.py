"""Pause for safety: the group leader or the crisis centre pauses a match; both confirm the
resume (two steps, either order).

While paused the volunteer sees only that the match is paused: `matching.disclosure` hides
the woman's contact ways, and the activities area refuses logging and closes the video room
(they check the match's status).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.followup import notify
from ressursvenn.followup.actions import checkins
from ressursvenn.followup.models import Pause
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.actions.matches import lock, stale
from ressursvenn.matching.models import Match

PAUSABLE = (Match.Status.ACTIVE, Match.Status.ENDING)
LEADER = "leader"
CENTRE = "centre"
MATCH_FIELDS = ("status", "status_changed_at", "planned_end_on")
PAUSE_FIELDS = (
    "reason",
    "started_on",
    "leader_confirmed_by",
    "leader_confirmed_at",
    "centre_confirmed_by",
    "centre_confirmed_at",
    "ended_on",
    "end_moved_days",
)


def task_key(pause: Pause) -> str:
    return f"resume:{pause.pk}"


def side_of(user: Any, match: Match) -> str:
    """In which role `user` confirms a resume: the branch's group leader, else the centre."""
    return LEADER if match.branch_id in user.organisation_ids(Role.GROUP_LEADER) else CENTRE


def open_pause(match: Match) -> Pause | None:
    return Pause.objects.filter(match=match, ended_on__isnull=True).first()


def users_of_side(match: Match, side: str) -> list[Any]:
    """Who confirms for `side`: the branch's active group leaders, or the referral's contact."""
    if side == LEADER:
        leaders = (
            Membership.objects.active()
            .filter(organisation_id=match.branch_id, role=Role.GROUP_LEADER)
            .select_related("user")
            .order_by("user_id")
        )
        return [membership.user for membership in leaders]
    contact = match.referral.contact
    return [contact] if contact.is_active else []


def _both_snapshots(match: Match, pause: Pause) -> dict[str, Any]:
    return {
        **snapshot(match, MATCH_FIELDS),
        **{f"pause.{name}": value for name, value in snapshot(pause, PAUSE_FIELDS).items()},
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    match_part = diff(
        Match,
        {k: v for k, v in before.items() if not k.startswith("pause.")},
        {k: v for k, v in after.items() if not k.startswith("pause.")},
    )
    pause_part = diff(
        Pause,
        {k.removeprefix("pause."): v for k, v in before.items() if k.startswith("pause.")},
        {k.removeprefix("pause."): v for k, v in after.items() if k.startswith("pause.")},
    )
    return {**match_part, **{f"pause.{k}": v for k, v in pause_part.items()}}


@transaction.atomic
def pause_match(match: Match, *, by: Any, reason: str) -> Pause:
    """Pause an active (or ending) match for safety, without closing it.

    Side effects: match → paused; a `Pause` from today with the reason (encrypted); audited
    "match.pause" (status and the pause, the reason masked). Raises PermissionDenied unless
    `by` is a group leader of the branch or staff of the woman's crisis centre;
    ValidationError for an empty reason, and (code "stale") unless the match is active or
    ending (already paused, closed …).
    """
    require(by, "followup.pause_match", match)
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Skriv hvorfor koblingen settes på pause.")})
    match = lock(match)
    if match.status == Match.Status.PAUSED:
        raise stale(_("Koblingen er allerede satt på pause."))
    if match.status not in PAUSABLE or open_pause(match) is not None:
        raise stale(_("Bare en kobling som er i gang kan settes på pause."))
    before = {
        **snapshot(match, MATCH_FIELDS),
        **{f"pause.{name}": None for name in ("reason", "started_on")},
    }
    now = timezone.now()
    pause = Pause.objects.create(
        match=match, reason=text, started_on=timezone.localdate(), paused_by=by, paused_at=now
    )
    match.status = Match.Status.PAUSED
    match.status_changed_at = now
    match.save(update_fields=["status", "status_changed_at"])
    record_change(
        match,
        by=by,
        action=AuditAction.MATCH_PAUSE,
        changes=_changes(before, _both_snapshots(match, pause)),
        organisation=match.branch,
    )
    return pause


@transaction.atomic
def confirm_resume(match: Match, *, by: Any, move_end: bool | None = None) -> bool:
    """Confirm, for `by`'s side (group leader or crisis centre), that a paused match may go
    on. Returns True when this confirmation resumed the match (the other side had confirmed).

    First confirmation: recorded on the pause, audited "match.resume_confirm", and a task
    (discreet e-mail as each chose) for the other side's users. Second confirmation: match →
    active, the pause ends today, and if the leader chose so (`move_end`, given with her
    confirmation, first or second, and kept on `Pause.move_end`; default yes) the planned end
    moves by the paused days (`Pause.end_moved_days`; the check-in schedule is extended),
    audited "match.resume". The centre's `move_end` is ignored: it is the leader's choice.
    Raises PermissionDenied unless `by` may confirm; ValidationError (code "stale") when the
    match is not paused any more, her side has already confirmed, or she confirmed the other
    side herself (two different people must confirm).
    """
    require(by, "followup.confirm_resume", match)
    match = lock(match)
    pause = Pause.objects.select_for_update().filter(match=match, ended_on__isnull=True).first()
    if match.status != Match.Status.PAUSED or pause is None:
        raise stale(_("Koblingen er ikke satt på pause lenger."))
    side = side_of(by, match)
    other = CENTRE if side == LEADER else LEADER
    if getattr(pause, f"{side}_confirmed_at") is not None:
        if side == LEADER:
            raise stale(_("Gruppelederen har allerede bekreftet. Nå må krisesenteret bekrefte."))
        raise stale(_("Krisesenteret har allerede bekreftet. Nå må gruppelederen bekrefte."))
    if getattr(pause, f"{other}_confirmed_by_id") == by.pk:
        raise stale(_("Du har allerede bekreftet. Det må være to ulike personer som bekrefter."))
    before = _both_snapshots(match, pause)
    now = timezone.now()
    setattr(pause, f"{side}_confirmed_by", by)
    setattr(pause, f"{side}_confirmed_at", now)
    if side == LEADER and move_end is not None:
        pause.move_end = move_end
    if getattr(pause, f"{other}_confirmed_at") is None:
        pause.save(update_fields=[f"{side}_confirmed_by", f"{side}_confirmed_at", "move_end"])
        record_change(
            match,
            by=by,
            action=AuditAction.MATCH_RESUME_CONFIRM,
            changes=_changes(before, _both_snapshots(match, pause)),
            organisation=match.branch,
        )
        notify.task_created(users_of_side(match, other), task_key(pause))
        return False
    today = timezone.localdate()
    pause.ended_on = today
    days = max(0, (today - pause.started_on).days)
    moved = pause.move_end and days > 0 and match.planned_end_on is not None
    if moved and match.planned_end_on is not None:
        pause.end_moved_days = days
        match.planned_end_on = match.planned_end_on + datetime.timedelta(days=days)
    pause.save(
        update_fields=[
            f"{side}_confirmed_by",
            f"{side}_confirmed_at",
            "ended_on",
            "move_end",
            "end_moved_days",
        ]
    )
    match.status = Match.Status.ACTIVE
    match.status_changed_at = now
    match.save(update_fields=["status", "status_changed_at", "planned_end_on"])
    record_change(
        match,
        by=by,
        action=AuditAction.MATCH_RESUME,
        changes=_changes(before, _both_snapshots(match, pause)),
        organisation=match.branch,
    )
    if moved:
        checkins.extend_schedule(match, by=by)
    return True
