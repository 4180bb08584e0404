"""Proposing a volunteer for a woman, and the volunteer's answer.

Every function checks the permission and the state again, runs in one transaction, locks the
rows it changes and writes the audit trail. Lock order everywhere: the referral, then the
volunteer (then the match), so two group leaders never deadlock.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change, record_creation
from ressursvenn.lib.mail import send_discreet
from ressursvenn.matching import adapter, engine
from ressursvenn.matching.actions.matches import return_to_waiting_list
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.models import Volunteer


def _link(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def _reasons(suggestion: engine.Suggestion) -> list[dict[str, Any]]:
    return [{"factor": r.factor, "points": r.points, "text": r.text} for r in suggestion.reasons]


@transaction.atomic
def propose_match(referral: Referral, volunteer: Volunteer, *, by: Any) -> Match:
    """Ask ``volunteer`` whether she will be the ressursvenn of the woman of ``referral``.

    Checks, under row locks on the referral and the volunteer: the woman is still waiting
    (accepted, consent in force), the volunteer belongs to the referral's branch (or, for a
    digital match, to a branch of its region) and passes every hard rule of the engine on fresh
    data, her capacity included (open matches counted under the lock).

    Side effects: creates a ``Match`` (proposed, with score and reasons), sets the referral to
    ``proposed``, writes the audit trail and e-mails the volunteer a discreet notice.
    Raises ValidationError with a bokmål message naming what stopped it; nothing is changed then.
    """
    require(by, "matching.match_referral", referral)
    referral = (
        Referral.objects.select_for_update()
        .select_related("municipality", "branch")
        .get(pk=referral.pk)
    )
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    require(by, "matching.match_referral", referral)  # the branch may have changed
    if referral.status != Referral.Status.ACCEPTED or not referral.has_consent:
        raise ValidationError(
            _(
                "Kvinnen står ikke lenger på ventelisten (hun har fått et forslag, er koblet, "
                "eller henvisningen er trukket). Last inn siden på nytt."
            )
        )
    region = adapter.region_branch_ids(referral.branch)
    if volunteer.branch_id not in region:
        raise ValidationError(
            _("Ressursvennen hører ikke til denne lokalforeningen eller regionen.")
        )
    profiles = adapter.volunteer_profiles(
        [volunteer.branch_id],
        home_branch_id=referral.branch_id,
        volunteers=Volunteer.objects.filter(pk=volunteer.pk),
    )
    woman = adapter.participant_profile(
        adapter.referrals_for_matching(Referral.objects.filter(pk=referral.pk)).get()
    )
    if not profiles:  # not approved, or only in person outside her own branch
        rule = (
            engine.NOT_ELIGIBLE
            if volunteer.status != Volunteer.Status.APPROVED
            else engine.NO_COMMON_MODE
        )
        raise ValidationError(refusal(rule))
    suggestion = engine.evaluate(woman, profiles[0], weights=adapter.weights())
    if suggestion is None:
        failed = engine.failing_rule(woman, profiles[0])
        raise ValidationError(refusal(failed or engine.NOT_ELIGIBLE))

    now = timezone.now()
    try:
        with transaction.atomic():
            match = Match.objects.create(
                referral=referral,
                volunteer=volunteer,
                branch=referral.branch,
                status=Match.Status.PROPOSED,
                status_changed_at=now,
                score=suggestion.score,
                reasons=_reasons(suggestion),
                proposed_by=by,
                proposed_at=now,
            )
    except IntegrityError:  # an open match for her already exists
        raise ValidationError(
            _("Kvinnen har allerede et åpent forslag eller en kobling. Last inn siden på nytt.")
        ) from None
    record_creation(
        match,
        by=by,
        action="match.propose",
        fields=["referral_id", "volunteer_id", "status", "score"],
        organisation=referral.branch,
    )
    referral.status = Referral.Status.PROPOSED
    referral.status_changed_at = now
    referral.save(update_fields=["status", "status_changed_at"])
    record_change(
        referral,
        by=by,
        action="referral.propose",
        changes={"status": [Referral.Status.ACCEPTED, Referral.Status.PROPOSED]},
        organisation=referral.branch,
    )
    address = volunteer.user.email if volunteer.user else volunteer.email
    send_discreet(
        address, "match_proposal_volunteer", {"link": _link("matching:proposal", match.pk)}
    )
    return match


def refusal(rule: str) -> str:
    """The message when a hard rule stops a proposal."""
    return _("Denne ressursvennen kan ikke foreslås: %(rule)s.") % {"rule": adapter.rule_text(rule)}


def _leader_addresses(branch_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.active()
            .filter(organisation_id=branch_id, role=Role.GROUP_LEADER)
            .values_list("user__email", flat=True)
        )
    )


@transaction.atomic
def answer_proposal(match: Match, *, by: Any, accept: bool, reason: str = "") -> Match:
    """The volunteer says yes or no to a proposal.

    Yes: ``volunteer_answer = yes``; the match stays ``proposed`` until the group leader plans
    the koblingsmøte. No: the match is ``cancelled`` with her reason, and the referral goes back
    to ``accepted`` with its original ``waiting_since`` (she keeps her place in the queue).
    Side effects: audit trail; a discreet e-mail to the branch's group leaders.
    Refuses (ValidationError) when the proposal is no longer open or already answered.
    """
    require(by, "matching.answer_proposal", match)
    referral = Referral.objects.select_for_update().get(pk=match.referral_id)
    match = Match.objects.select_for_update().select_related("volunteer").get(pk=match.pk)
    require(by, "matching.answer_proposal", match)
    if match.status != Match.Status.PROPOSED:
        raise ValidationError(_("Forslaget gjelder ikke lenger."))
    if match.volunteer_answer != Match.Answer.PENDING:
        raise ValidationError(_("Du har allerede svart på dette forslaget."))
    now = timezone.now()
    match.volunteer_answer = Match.Answer.YES if accept else Match.Answer.NO
    match.answered_at = now
    fields = ["volunteer_answer", "answered_at"]
    changes: dict[str, Any] = {"volunteer_answer": [Match.Answer.PENDING, match.volunteer_answer]}
    if not accept:
        match.status = Match.Status.CANCELLED
        match.status_reason = reason.strip()
        match.status_changed_at = now
        fields += ["status", "status_reason", "status_changed_at"]
        changes["status"] = [Match.Status.PROPOSED, Match.Status.CANCELLED]
        if match.status_reason:
            changes["status_reason"] = ["•••", "•••"]
    match.save(update_fields=fields)
    record_change(
        match,
        by=by,
        action="match.accept" if accept else "match.decline",
        changes=changes,
        organisation=match.branch,
    )
    if not accept:
        return_to_waiting_list(
            referral,
            by=by,
            now=now,
            organisation=match.branch,
            action="referral.back_to_waiting",
        )
    link = _leader_link(match)
    for address in _leader_addresses(match.branch_id):
        send_discreet(address, "match_proposal_answered", {"link": link})
    return match


def _leader_link(match: Match) -> str:
    """The match's page for the group leader, or the waiting list where it does not exist."""
    try:
        return _link("matching:match_detail", match.pk)
    except NoReverseMatch:
        return settings.SITE_URL + reverse("matching:waiting_list")
