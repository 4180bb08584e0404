"""Changes to a match as a whole: cancelling a proposed or planned match.

Shared with the koblingsmøte actions: how a match ends before it started (the woman goes back
to the waiting list with her original place) and how the invitation's recipients are found.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, snapshot
from ressursvenn.matching import calendar
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.participants.models import Referral

CANCELLABLE = (Match.Status.PROPOSED, Match.Status.MEETING_PLANNED)
MATCH_FIELDS = ("status", "status_reason", "status_changed_at", "started_on", "planned_end_on")
REFERRAL_FIELDS = ("status", "status_changed_at", "waiting_since")


def lock(match: Match) -> Match:
    """The match row again, locked for this transaction, with what the actions read.

    Lock order everywhere (proposals, answers, meetings, consent withdrawal): the referral
    first, then the volunteer or the match, so two actions can never wait on each other."""
    list(Referral.objects.select_for_update().filter(pk=match.referral_id).values_list("pk"))
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("referral", "volunteer__user", "branch")
        .get(pk=match.pk)
    )


def stale(message: str | None = None) -> ValidationError:
    return ValidationError(
        message or _("Koblingen er endret i mellomtiden. Last siden på nytt og se over."),
        code="stale",
    )


def recipients(match: Match) -> list[str]:
    """Addresses of the people who get the koblingsmøte invitation: the crisis-centre contact,
    the branch's active group leaders and the volunteer (each once)."""
    addresses: list[str] = []
    contact = match.referral.contact
    if contact.is_active:
        addresses.append(contact.email)
    leaders = (
        Membership.objects.active()
        .filter(organisation_id=match.branch_id, role=Role.GROUP_LEADER)
        .select_related("user")
        .order_by("user__email")
    )
    addresses.extend(membership.user.email for membership in leaders)
    volunteer = match.volunteer
    addresses.append(volunteer.user.email if volunteer.user else volunteer.email)
    unique: list[str] = []
    for address in addresses:
        if address and address.lower() not in {seen.lower() for seen in unique}:
            unique.append(address)
    return unique


def end_before_start(match: Match, *, by: Any, reason: str, action: str) -> None:
    """Set a locked, not yet active match to cancelled and give the woman her place back.

    Side effects: match → cancelled with the reason (encrypted); the referral, if it is still
    `proposed`, → `accepted` with its ORIGINAL `waiting_since` (she keeps her place in the
    queue); both changes audited. Call inside a transaction with `match` locked.
    """
    now = timezone.now()
    before = snapshot(match, MATCH_FIELDS)
    match.status = Match.Status.CANCELLED
    match.status_reason = reason
    match.status_changed_at = now
    match.save(update_fields=["status", "status_reason", "status_changed_at"])
    record_change(
        match,
        by=by,
        action=action,
        changes=diff(Match, before, snapshot(match, MATCH_FIELDS)),
        organisation=match.branch,
    )
    referral = Referral.objects.select_for_update().get(pk=match.referral_id)
    return_to_waiting_list(referral, by=by, now=now, organisation=match.branch)


def set_referral_status(
    referral: Referral, status: str, *, by: Any, action: str, now: Any, organisation: Any
) -> None:
    """Move a locked referral to `status`; `waiting_since` is left as it is.

    Side effects: the referral's status and `status_changed_at` saved; the change audited
    under `action`. Call inside a transaction with the referral locked.
    """
    before = snapshot(referral, REFERRAL_FIELDS)
    referral.status = status
    referral.status_changed_at = now
    referral.save(update_fields=["status", "status_changed_at"])
    record_change(
        referral,
        by=by,
        action=action,
        changes=diff(Referral, before, snapshot(referral, REFERRAL_FIELDS)),
        organisation=organisation,
    )


def return_to_waiting_list(
    referral: Referral,
    *,
    by: Any,
    now: Any,
    organisation: Any,
    action: str = "referral.back_to_waiting_list",
) -> None:
    """Give the woman her place in the queue back after a proposal or match ended early.

    Side effects: a referral that is still `proposed` → `accepted` with its ORIGINAL
    `waiting_since`, audited (see `set_referral_status`); any other state is left alone.
    Call inside a transaction with the referral locked.
    """
    if referral.status == Referral.Status.PROPOSED:
        set_referral_status(
            referral,
            Referral.Status.ACCEPTED,
            by=by,
            action=action,
            now=now,
            organisation=organisation,
        )


@transaction.atomic
def cancel_match(match: Match, *, by: Any, reason: str) -> Match:
    """The group leader cancels a proposed or planned match.

    Side effects: match → cancelled with the reason; the referral → accepted with its original
    waiting time (see `end_before_start`); a planned koblingsmøte is marked as not held and
    every invited person gets a neutral e-mail with a METHOD:CANCEL calendar update (after
    commit); audited. A second submit (already cancelled, or the match went on) is refused
    with a clear message and changes nothing.
    """
    require(by, "matching.cancel_match", match)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv en begrunnelse.")})
    match = lock(match)
    if match.status not in CANCELLABLE:
        raise stale(
            _("Koblingen kan ikke avbrytes nå: den er «%(status)s».")
            % {"status": match.get_status_display()}
        )
    end_before_start(match, by=by, reason=reason, action="match.cancel")
    cancel_pending_meeting(match, by=by)
    return match


def cancel_pending_meeting(match: Match, *, by: Any) -> None:
    """Cancel the match's koblingsmøte if it is planned and not yet held.

    Side effects: the meeting's outcome → stop (not held), audited as ``meeting.cancel``; when
    it lies ahead, every invited person gets a neutral e-mail with a METHOD:CANCEL calendar
    update (after commit). Call inside a transaction with `match` locked.
    """
    meeting = MatchingMeeting.objects.filter(match=match).first()
    if meeting is None or meeting.outcome != MatchingMeeting.Outcome.PENDING:
        return
    meeting.outcome = MatchingMeeting.Outcome.STOP
    meeting.outcome_recorded_at = timezone.now()
    meeting.save(update_fields=["outcome", "outcome_recorded_at"])
    record_change(
        meeting,
        by=by,
        action="meeting.cancel",
        changes={"outcome": [MatchingMeeting.Outcome.PENDING, meeting.outcome]},
        organisation=match.branch,
    )
    if meeting.starts_at > timezone.now():
        addresses = recipients(match)
        # Queued in this transaction (django-mailer): a rolled-back cancel sends nothing.
        calendar.send_invitations(
            addresses, meeting, template="meeting_cancelled", method=calendar.CANCEL
        )


def cancel_for_withdrawn_referral(referral: Referral, *, by: Any, reason: str) -> None:
    """Hook handler (``participants.hooks.on_referral_withdrawn``, registered in
    ``MatchingConfig.ready``): the centre withdrew the referral or the woman her consent.

    Runs inside the participants action's transaction, with the referral locked and the
    permission already checked there (the crisis-centre staff may withdraw, not cancel a
    match). Side effects, for the referral's open match (at most one): match → cancelled with
    `reason` (encrypted), `ended_on` set when it had started; a planned koblingsmøte is
    cancelled with a calendar cancellation to everyone invited (``cancel_pending_meeting``);
    all audited. The referral itself is left to the participants action (it does not go back
    to the waiting list).
    """
    now = timezone.now()
    open_matches = Match.objects.filter(referral_id=referral.pk, status__in=Match.OPEN_STATUSES)
    for pk in open_matches.order_by("pk").values_list("pk", flat=True):
        match = lock(Match(pk=pk, referral_id=referral.pk))
        names = [*MATCH_FIELDS, "ended_on"]
        before = snapshot(match, names)
        started = match.status in (Match.Status.ACTIVE, Match.Status.PAUSED)
        match.status = Match.Status.CANCELLED
        match.status_reason = reason
        match.status_changed_at = now
        match.ended_on = timezone.localdate(now) if started else None
        match.save(update_fields=["status", "status_reason", "status_changed_at", "ended_on"])
        record_change(
            match,
            by=by,
            action="match.cancel",
            changes=diff(Match, before, snapshot(match, names)),
            organisation=match.branch,
        )
        cancel_pending_meeting(match, by=by)
