"""Extension and closure of a match: move the planned end, record the two closing
conversations (avslutningssamtaler) and close the match.

States (DESIGN.md §4): active ⇄ paused → ending → closed. Recording the first closing
conversation moves an ACTIVE match to ENDING ("Avsluttes"); a PAUSED match stays paused until it
is closed (a match paused for safety may be closed without resuming; its pause ends on the end
date). A closed match is read-only: every action here refuses it.

Planned or early: a closure is *planned* when the end date is on or after the planned end minus
``MATCH_END_NOTICE_DAYS`` (the window in which the end-date reminder goes out); earlier than that
it is *early* (``Closure.planned = False``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ressursvenn.followup.actions import checkins
from ressursvenn.followup.models import (
    CheckIn,
    ClosingConversation,
    Closure,
    Extension,
    PairRoom,
    Pause,
    PlannedMeeting,
)
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import MASK, diff, record_change, record_creation, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.actions.matches import lock, set_referral_status, stale
from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.actions.screening import end_volunteer, pause_volunteer
from ressursvenn.volunteers.models import Volunteer

# States in which the match may be extended or closed, and its closing conversations recorded.
CLOSABLE = (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING)
EXTENDABLE = CLOSABLE
PARTIES = CheckIn.Party.values
MATCH_FIELDS = ("status", "status_changed_at", "planned_end_on", "ended_on")
CONVERSATION_FIELDS = ("party", "held_on", "mode", "notes")


def day_text(value: datetime.date) -> str:
    return formats.date_format(value, "j. F Y")


def latest_end(match: Match) -> datetime.date | None:
    """The latest planned end an extension may reach: MATCH_EXTENDED_MAX_MONTHS from the start."""
    if match.started_on is None:
        return None
    return add_months(match.started_on, settings.MATCH_EXTENDED_MAX_MONTHS)


def ends_soon(match: Match, today: datetime.date | None = None) -> bool:
    """Whether an open match is within MATCH_END_NOTICE_DAYS of its planned end (or past it)."""
    if match.status not in CLOSABLE or match.planned_end_on is None:
        return False
    today = today or timezone.localdate()
    notice = datetime.timedelta(days=settings.MATCH_END_NOTICE_DAYS)
    return today >= match.planned_end_on - notice


def is_planned_end(match: Match, ended_on: datetime.date) -> bool:
    """Planned (True) unless the end date lies before the planned end minus the notice days."""
    if match.planned_end_on is None:
        return True
    notice = datetime.timedelta(days=settings.MATCH_END_NOTICE_DAYS)
    return ended_on >= match.planned_end_on - notice


def _closed_message(match: Match) -> ValidationError:
    if match.status == Match.Status.CLOSED:
        return stale(_("Koblingen er allerede avsluttet. Ingenting er endret."))
    return stale(
        _("Koblingen kan ikke endres nå: den er «%(status)s».")
        % {"status": match.get_status_display()}
    )


def _check_day(match: Match, day: datetime.date, field: str, today: datetime.date) -> None:
    if day > today:
        raise ValidationError({field: _("Datoen kan ikke være fram i tid.")})
    if match.started_on is not None and day < match.started_on:
        raise ValidationError(
            {
                field: _("Datoen kan ikke være før koblingen startet (%(day)s).")
                % {"day": day_text(match.started_on)}
            }
        )


# --- extension ----------------------------------------------------------------------------------


@transaction.atomic
def extend_match(match: Match, *, by: Any, new_end_on: datetime.date, reason: str) -> Extension:
    """The group leader moves the planned end of an active, paused or ending match later.

    Refused: a new end not later than the current one, not after today, or past
    MATCH_EXTENDED_MAX_MONTHS from the start (the message names the limit); no reason; a closed
    (or never started) match. Side effects: an `Extension` row (reason encrypted);
    `Match.planned_end_on` moved (audited ``match.extend``, the reason masked); the check-in
    schedule extended (`checkins.extend_schedule`). An ending match stays ending.
    """
    require(by, "followup.extend_match", match)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv hvorfor koblingen forlenges.")})
    match = lock(match)
    if match.status not in EXTENDABLE or match.planned_end_on is None:
        raise _closed_message(match)
    today = timezone.localdate()
    current = match.planned_end_on
    if new_end_on <= current:
        raise ValidationError(
            {
                "new_end_on": _("Velg en dato etter dagens planlagte slutt (%(day)s).")
                % {"day": day_text(current)}
            }
        )
    if new_end_on <= today:
        raise ValidationError({"new_end_on": _("Velg en dato fram i tid.")})
    limit = latest_end(match)
    if limit is not None and new_end_on > limit:
        raise ValidationError(
            {
                "new_end_on": _(
                    "En kobling kan vare høyst %(months)d måneder fra start, det vil si til og "
                    "med %(day)s."
                )
                % {"months": settings.MATCH_EXTENDED_MAX_MONTHS, "day": day_text(limit)}
            }
        )
    extension = Extension.objects.create(
        match=match, previous_end_on=current, new_end_on=new_end_on, reason=reason, by=by
    )
    before = snapshot(match, MATCH_FIELDS)
    match.planned_end_on = new_end_on
    match.save(update_fields=["planned_end_on"])
    changes = diff(Match, before, snapshot(match, MATCH_FIELDS))
    changes["extension"] = [None, extension.pk]
    changes["reason"] = [MASK, MASK]
    record_change(
        match, by=by, action=AuditAction.MATCH_EXTEND, changes=changes, organisation=match.branch
    )
    checkins.extend_schedule(match, by=by)
    return extension


# --- closing conversations ------------------------------------------------------------------------


@transaction.atomic
def record_closing_conversation(
    match: Match,
    *,
    by: Any,
    party: str,
    held_on: datetime.date,
    mode: str,
    notes: str = "",
) -> ClosingConversation:
    """The group leader records the closing conversation with one party (the volunteer or the
    woman), or that it could not be held. Recording it again before the match is closed
    corrects it.

    Refused: a date in the future or before the start; a closed match. Side effects: the
    `ClosingConversation` row created or updated (notes encrypted), audited
    ``match.closing_conversation`` (notes masked); the first one moves an ACTIVE match to
    ENDING, audited ``match.start_closing`` (a paused match stays paused until closed).
    """
    require(by, "followup.close_match", match)
    if party not in PARTIES:
        raise ValidationError({"party": _("Velg hvem samtalen var med.")})
    if mode not in ClosingConversation.Mode.values:
        raise ValidationError({"mode": _("Velg hvordan samtalen ble holdt.")})
    match = lock(match)
    if match.status not in CLOSABLE:
        raise _closed_message(match)
    _check_day(match, held_on, "held_on", timezone.localdate())
    notes = (notes or "").strip()
    conversation = ClosingConversation.objects.filter(match=match, party=party).first()
    if conversation is None:
        conversation = ClosingConversation.objects.create(
            match=match, party=party, held_on=held_on, mode=mode, notes=notes, by=by
        )
        record_creation(
            conversation,
            by=by,
            action=AuditAction.MATCH_CLOSING_CONVERSATION,
            fields=CONVERSATION_FIELDS,
            organisation=match.branch,
        )
    else:
        before = snapshot(conversation, CONVERSATION_FIELDS)
        conversation.held_on = held_on
        conversation.mode = mode
        conversation.notes = notes
        changes = diff(ClosingConversation, before, snapshot(conversation, CONVERSATION_FIELDS))
        if changes:
            conversation.by = by
            conversation.at = timezone.now()
            conversation.save(update_fields=["held_on", "mode", "notes", "by", "at"])
            record_change(
                conversation,
                by=by,
                action=AuditAction.MATCH_CLOSING_CONVERSATION,
                changes=changes,
                organisation=match.branch,
            )
    if match.status == Match.Status.ACTIVE:
        before = snapshot(match, MATCH_FIELDS)
        match.status = Match.Status.ENDING
        match.status_changed_at = timezone.now()
        match.save(update_fields=["status", "status_changed_at"])
        record_change(
            match,
            by=by,
            action=AuditAction.MATCH_START_CLOSING,
            changes=diff(Match, before, snapshot(match, MATCH_FIELDS)),
            organisation=match.branch,
        )
    return conversation


def missing_parties(match: Match) -> list[str]:
    """The parties (CheckIn.Party values) whose closing conversation is not recorded yet."""
    recorded = set(ClosingConversation.objects.filter(match=match).values_list("party", flat=True))
    return [value for value in PARTIES if value not in recorded]


# --- closure ------------------------------------------------------------------------------------


def _cancel_pair_plans(match: Match, *, by: Any, now: datetime.datetime) -> bool:
    """Cancel the pair's future planned meetings (audited) and delete the video room.
    Returns whether a room was deleted."""
    upcoming = PlannedMeeting.objects.filter(
        match=match, cancelled_at__isnull=True, starts_at__gt=now
    ).order_by("pk")
    for meeting in upcoming.select_for_update():
        meeting.cancelled_at = now
        meeting.save(update_fields=["cancelled_at"])
        record_change(
            meeting,
            by=by,
            action=AuditAction.PAIR_MEETING_CANCEL,
            changes={"cancelled_at": [None, now.isoformat()]},
            organisation=match.branch,
        )
    deleted, _rows = PairRoom.objects.filter(match=match).delete()
    return bool(deleted)


def _end_pause(match: Match, *, by: Any, ended_on: datetime.date) -> None:
    """End the match's open pause (if any) on the end date (never before the pause began)."""
    for pause in Pause.objects.select_for_update().filter(match=match, ended_on__isnull=True):
        pause.ended_on = max(pause.started_on, ended_on)
        pause.save(update_fields=["ended_on"])
        record_change(
            pause,
            by=by,
            action=AuditAction.MATCH_CLOSE,
            changes={"ended_on": [None, pause.ended_on.isoformat()]},
            organisation=match.branch,
        )


def _volunteer_next(match: Match, *, by: Any, choice: str) -> None:
    """What becomes of the volunteer, through the volunteers app's status actions (they check
    the leader's permission and lock her row). AVAILABLE changes nothing: she stays approved
    and her place frees because the match is no longer open."""
    volunteer = match.volunteer
    try:
        if choice == Closure.VolunteerNext.PAUSE and volunteer.status == Volunteer.Status.APPROVED:
            pause_volunteer(
                volunteer, by=by, reason=_("Tar en pause etter at koblingen ble avsluttet.")
            )
        elif choice == Closure.VolunteerNext.END and volunteer.status in (
            Volunteer.Status.APPROVED,
            Volunteer.Status.PAUSED,
        ):
            end_volunteer(
                volunteer, by=by, reason=_("Sluttet som ressursvenn da koblingen ble avsluttet.")
            )
    except ValidationError as error:
        raise ValidationError({"volunteer_next": error.messages}) from error


@transaction.atomic
def close_match(
    match: Match,
    *,
    by: Any,
    reason: str,
    ended_on: datetime.date,
    keep_in_touch: str,
    volunteer_next: str,
    note: str = "",
) -> Closure:
    """The group leader closes an active, paused or ending match (one transaction).

    Refused: a closed match (closing twice), a match not started, an end date before the start
    or in the future, either closing conversation missing, a choice outside the lists.
    Side effects: a `Closure` row (note encrypted; `planned` per `is_planned_end`); match →
    CLOSED with `ended_on` (audited ``match.close``); an open pause ends on the end date; the
    referral → closed with `closed_at` (audited ``match.close``; the woman is back on the
    centre's list only if it refers her again); open check-ins cancelled
    (`checkins.cancel_open_checkins`); the pair's future planned meetings cancelled and its video
    room deleted; the volunteer paused or ended when the leader chose so (volunteers app).
    """
    require(by, "followup.close_match", match)
    if reason not in Closure.Reason.values:
        raise ValidationError({"reason": _("Velg en årsak fra listen.")})
    if keep_in_touch not in Closure.KeepInTouch.values:
        raise ValidationError({"keep_in_touch": _("Velg et svar fra listen.")})
    if volunteer_next not in Closure.VolunteerNext.values:
        raise ValidationError({"volunteer_next": _("Velg hva som skjer med ressursvennen.")})
    match = lock(match)
    if match.status not in CLOSABLE:
        raise _closed_message(match)
    now = timezone.now()
    _check_day(match, ended_on, "ended_on", timezone.localdate(now))
    missing = missing_parties(match)
    if missing:
        raise ValidationError(
            _(
                "Registrer avslutningssamtalen med både ressursvennen og kvinnen før du "
                "avslutter koblingen (eller at den ikke kunne holdes)."
            ),
            code="missing_conversations",
        )
    closure = Closure.objects.create(
        match=match,
        reason=reason,
        note=(note or "").strip(),
        ended_on=ended_on,
        planned=is_planned_end(match, ended_on),
        keep_in_touch=keep_in_touch,
        volunteer_next=volunteer_next,
        closed_by=by,
        closed_at=now,
    )
    before = snapshot(match, MATCH_FIELDS)
    match.status = Match.Status.CLOSED
    match.status_changed_at = now
    match.ended_on = ended_on
    match.save(update_fields=["status", "status_changed_at", "ended_on"])
    changes = diff(Match, before, snapshot(match, MATCH_FIELDS))
    changes.update(
        {
            "closure": [None, closure.pk],
            "reason": [None, reason],
            "planned": [None, closure.planned],
            "keep_in_touch": [None, keep_in_touch],
            "volunteer_next": [None, volunteer_next],
        }
    )
    if closure.note:
        changes["note"] = [MASK, MASK]
    _end_pause(match, by=by, ended_on=ended_on)
    if _cancel_pair_plans(match, by=by, now=now):
        changes["room"] = [MASK, None]
    record_change(
        match, by=by, action=AuditAction.MATCH_CLOSE, changes=changes, organisation=match.branch
    )
    referral = match.referral
    if referral.status != Referral.Status.CLOSED:
        set_referral_status(
            referral,
            Referral.Status.CLOSED,
            by=by,
            action=AuditAction.REFERRAL_CLOSE,
            now=now,
            organisation=match.branch,
        )
        referral.closed_at = now
        referral.save(update_fields=["closed_at"])
    checkins.cancel_open_checkins(match, by=by)
    _volunteer_next(match, by=by, choice=volunteer_next)
    return closure
