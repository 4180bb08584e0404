"""Concerns (bekymringsmeldinger): report, acknowledge, resolve, and re-send the urgent ones
nobody has acknowledged in time.

A concern reaches the branch's active group leaders and the woman's crisis-centre contact at
once: a task in the system and a discreet e-mail (`notify.task_created(..., urgent=True)`:
whatever each one chose on *Min konto*), never a name or a detail.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.followup import notify
from ressursvenn.followup.models import Concern
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, record_creation, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.actions.matches import lock, stale
from ressursvenn.matching.models import Match

# A concern can be reported while the pair is together (active, paused for safety, ending).
REPORTABLE = (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING)
HANDLE_FIELDS = (
    "status",
    "acknowledged_by",
    "acknowledged_at",
    "acknowledge_note",
    "resolved_by",
    "resolved_at",
    "resolution",
)
# The same concern sent again within this time (a double submit) is refused.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=10)


def task_key(concern: Concern) -> str:
    return f"concern:{concern.pk}"


def recipients(match: Match) -> list[Any]:
    """Who a concern about `match` reaches: the branch's active group leaders and the
    referral's crisis-centre contact (if her account is active), each once."""
    leaders = (
        Membership.objects.active()
        .filter(organisation_id=match.branch_id, role=Role.GROUP_LEADER)
        .select_related("user")
        .order_by("user_id")
    )
    users = {membership.user.pk: membership.user for membership in leaders}
    contact = match.referral.contact
    if contact.is_active:
        users.setdefault(contact.pk, contact)
    return list(users.values())


def _is_double_submit(match: Match, *, by: Any, category: str, severity: str, text: str) -> bool:
    recent = Concern.objects.filter(
        match=match,
        reported_by=by,
        category=category,
        severity=severity,
        reported_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    )
    return any(concern.description == text for concern in recent)


@transaction.atomic
def report_concern(
    match: Match, *, by: Any, category: str, severity: str, description: str
) -> Concern:
    """Report a concern about an active, paused or ending match.

    Side effects: a `Concern` (status new, the description encrypted) audited
    "concern.report"; after commit a discreet e-mail to every recipient (`recipients`), the
    same for an urgent or a less serious concern. Raises PermissionDenied unless `by` is the
    match's volunteer or a group leader of its branch; ValidationError (code "stale") when the
    match is not in a state to report on, or the same concern was just sent (double submit).
    """
    require(by, "followup.report_concern", match)
    match = lock(match)
    if match.status not in REPORTABLE:
        raise stale(_("Du kan bare melde fra om en kobling som er i gang."))
    if category not in Concern.Category.values:
        raise ValidationError({"category": _("Velg hva det gjelder fra listen.")})
    if severity not in Concern.Severity.values:
        raise ValidationError({"severity": _("Velg hvor alvorlig det er fra listen.")})
    text = description.strip()
    if not text:
        raise ValidationError({"description": _("Skriv hva som har skjedd.")})
    if _is_double_submit(match, by=by, category=category, severity=severity, text=text):
        raise stale(_("Denne bekymringsmeldingen er allerede sendt."))
    concern = Concern.objects.create(
        match=match,
        category=category,
        severity=severity,
        description=text,
        reported_by=by,
    )
    record_creation(
        concern,
        by=by,
        action=AuditAction.CONCERN_REPORT,
        fields=("match", "category", "severity", "description", "status"),
        organisation=match.branch,
    )
    notify.task_created(recipients(match), task_key(concern), urgent=True)
    return concern


def _lock_concern(concern: Concern) -> tuple[Concern, Match]:
    match = lock(concern.match)
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    locked.match = match
    return locked, match


@transaction.atomic
def acknowledge_concern(concern: Concern, *, by: Any, note: str = "") -> Concern:
    """Say the concern has been received (with an optional note, encrypted).

    Side effects: status new → acknowledged, who and when; audited "concern.acknowledge".
    Raises PermissionDenied unless `by` is a group leader of the branch or staff of the
    woman's crisis centre; ValidationError (code "stale") unless the concern is new.
    """
    require(by, "followup.handle_concern", concern.match)
    concern, match = _lock_concern(concern)
    if concern.status != Concern.Status.NEW:
        raise stale(_("Bekymringsmeldingen er allerede bekreftet mottatt."))
    before = snapshot(concern, HANDLE_FIELDS)
    concern.status = Concern.Status.ACKNOWLEDGED
    concern.acknowledged_by = by
    concern.acknowledged_at = timezone.now()
    concern.acknowledge_note = note.strip()
    concern.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledge_note"])
    record_change(
        concern,
        by=by,
        action=AuditAction.CONCERN_ACKNOWLEDGE,
        changes=diff(Concern, before, snapshot(concern, HANDLE_FIELDS)),
        organisation=match.branch,
    )
    return concern


@transaction.atomic
def resolve_concern(concern: Concern, *, by: Any, resolution: str) -> Concern:
    """Close an acknowledged concern with what was done (required, encrypted).

    Side effects: status acknowledged → resolved, who and when; audited "concern.resolve".
    Raises PermissionDenied as `acknowledge_concern`; ValidationError for an empty
    resolution, and (code "stale") unless the concern is acknowledged and not yet resolved.
    """
    require(by, "followup.handle_concern", concern.match)
    text = resolution.strip()
    if not text:
        raise ValidationError({"resolution": _("Skriv hva som er gjort.")})
    concern, match = _lock_concern(concern)
    if concern.status == Concern.Status.RESOLVED:
        raise stale(_("Bekymringsmeldingen er allerede løst."))
    if concern.status != Concern.Status.ACKNOWLEDGED:
        raise stale(_("Bekreft først at bekymringsmeldingen er mottatt."))
    before = snapshot(concern, HANDLE_FIELDS)
    concern.status = Concern.Status.RESOLVED
    concern.resolved_by = by
    concern.resolved_at = timezone.now()
    concern.resolution = text
    concern.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    record_change(
        concern,
        by=by,
        action=AuditAction.CONCERN_RESOLVE,
        changes=diff(Concern, before, snapshot(concern, HANDLE_FIELDS)),
        organisation=match.branch,
    )
    return concern


def overdue_urgent(
    concerns: models.QuerySet[Concern], now: datetime.datetime | None = None
) -> models.QuerySet[Concern]:
    """The urgent concerns of `concerns` not acknowledged within CONCERN_URGENT_RESEND_HOURS
    (shown in red on the leader's start page)."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(hours=settings.CONCERN_URGENT_RESEND_HOURS)
    return concerns.filter(
        severity=Concern.Severity.URGENT, status=Concern.Status.NEW, reported_at__lte=limit
    )


def resend_unacknowledged(*, now: datetime.datetime | None = None) -> int:
    """E-mail the recipients of every overdue urgent concern (`overdue_urgent`) once more,
    and mark it re-sent. Returns how many concerns were re-sent.

    Each recipient's e-mail is sent with its `Notice` (key "concern:<pk>:resent") first, and
    the concern is marked (`resent_at`, audited "concern.resend") after: a run interrupted
    between two e-mails sends the missing ones when run again, never one twice; a concern
    already marked is skipped. Call outside a transaction (each e-mail commits its notice).
    """
    now = now or timezone.now()
    due = (
        overdue_urgent(Concern.objects.filter(resent_at__isnull=True), now)
        .select_related("match__referral__contact", "match__branch")
        .order_by("reported_at", "pk")
    )
    count = 0
    for concern in due:
        key = f"{task_key(concern)}:resent"
        for user in recipients(concern.match):
            if notify.wants_each(user, urgent=True):
                notify.send_once(user, key)
        if _mark_resent(concern, now=now, organisation=concern.match.branch):
            count += 1
    return count


@transaction.atomic
def _mark_resent(concern: Concern, *, now: datetime.datetime, organisation: Any) -> bool:
    locked = (
        Concern.objects.select_for_update()
        .filter(pk=concern.pk, resent_at__isnull=True, status=Concern.Status.NEW)
        .first()
    )
    if locked is None:
        return False
    locked.resent_at = now
    locked.save(update_fields=["resent_at"])
    record_change(
        locked,
        by=None,
        action=AuditAction.CONCERN_RESEND,
        changes={"resent_at": [None, now.isoformat()]},
        organisation=organisation,
    )
    return True
