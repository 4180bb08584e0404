"""The writes of privacy operations: erasure on request and the retention run.

Both anonymise through `anonymise.anonymise_person`, so erasure on request has exactly the
reach of retention. Neither writes a personal value to the audit trail: the reason of an
erasure is a code from a fixed list (free text could hold what is being erased) and the rule
of a retention run is its name.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change, record_event
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.models import Match
from ressursvenn.participants import actions as referrals
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import retention
from ressursvenn.privacy.anonymise import Summary, anonymise_person
from ressursvenn.privacy.people import VOLUNTEER, WOMAN
from ressursvenn.volunteers.actions import screening
from ressursvenn.volunteers.models import Volunteer


class ErasureReason(models.TextChoices):
    """Why a person's data is erased before its time (stored as the code only)."""

    OWN_REQUEST = "own_request", gettext_lazy("Hun har selv bedt om det")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("Hun har trukket samtykket")
    MISTAKE = "registered_by_mistake", gettext_lazy("Hun ble registrert ved en feil")
    OTHER = "other", gettext_lazy("Annen grunn")


OPEN_MATCH_MESSAGES = {
    Match.Status.PROPOSED: gettext_lazy(
        "Hun har en foreslått kobling som ikke er avgjort. Avbryt forslaget først."
    ),
    Match.Status.MEETING_PLANNED: gettext_lazy(
        "Hun har et planlagt koblingsmøte. Avbryt koblingen først."
    ),
    Match.Status.ACTIVE: gettext_lazy("Hun har en aktiv kobling. Avslutt koblingen først."),
    Match.Status.PAUSED: gettext_lazy("Hun har en kobling på pause. Avslutt koblingen først."),
    Match.Status.ENDING: gettext_lazy(
        "Hun har en kobling som er i ferd med å avsluttes. Avslutt koblingen først."
    ),
}
ALREADY_ERASED = gettext_lazy(
    "Personopplysningene hennes er allerede slettet. Det er ikke noe mer å slette."
)
# Stored (encrypted, then cleared with the rest) as the reason of the status change that takes
# her out of the programme before her data is erased.
STATUS_REASON = gettext_lazy("Personopplysningene er slettet.")


def erasure_problem(kind: str, person: Any) -> str | None:
    """Why `person` cannot be erased now (already anonymised, or an open match: which), or
    None. The erasure page shows it before the form; the actions refuse with it."""
    if person.anonymised_at is not None:
        return str(ALREADY_ERASED)
    field = "referral" if kind == WOMAN else "volunteer"
    status = (
        Match.objects.filter(**{field: person.pk}, status__in=retention.OPEN_MATCH)
        .order_by("-proposed_at")
        .values_list("status", flat=True)
        .first()
    )
    if status is not None:
        return str(OPEN_MATCH_MESSAGES[Match.Status(status)])
    return None


def _reason(reason: str) -> str:
    if reason not in ErasureReason.values:
        raise ValidationError({"reason": _("Velg hvorfor opplysningene slettes.")})
    return reason


def _in_scope(model: type[models.Model], pk: Any, by: Any) -> None:
    if not model.objects.visible_to(by).filter(pk=pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied


def _take_referral_out(referral: Referral, *, by: Any) -> None:
    """A referral still in process (draft, sent, waiting) is withdrawn (by the centre) or
    declined (by the branch) first, with the neutral reason, so she leaves the waiting list and
    matching the usual way (audited, the other side told)."""
    if referral.status not in (
        Referral.Status.DRAFT,
        Referral.Status.SUBMITTED,
        Referral.Status.ACCEPTED,
    ):
        return
    if by.has_perm("participants.change_referral", referral):
        referrals.withdraw_referral(referral, by=by, reason=str(STATUS_REASON))
    else:
        referrals.decline_referral(referral, by=by, reason=str(STATUS_REASON))


def _take_volunteer_out(volunteer: Volunteer, *, by: Any) -> None:
    """An applicant still in process withdraws, an approved or paused volunteer ends (through
    the volunteers app's own transitions: audited, her volunteer role ended)."""
    if volunteer.status in (Volunteer.Status.APPLIED, Volunteer.Status.SCREENING):
        screening.withdraw_volunteer(volunteer, by=by, reason=str(STATUS_REASON))
    elif volunteer.status in (Volunteer.Status.APPROVED, Volunteer.Status.PAUSED):
        screening.end_volunteer(volunteer, by=by, reason=str(STATUS_REASON))


@transaction.atomic
def erase_woman(referral: Referral, *, by: Any, reason: str) -> Summary:
    """Erase a woman's personal data on request, now (with the reach of retention).

    Refused: without `privacy.handle_woman` or outside the user's referrals (PermissionDenied);
    an unknown reason; an open match (the message says which and what to do first); already
    anonymised (a double submit). Side effects: a referral still in process is withdrawn or
    declined first (its own action: audited, the other side told); then `anonymise_person`
    (her rows cleared or deleted, the audit trail about them masked, her address out of the
    technical tables, `anonymised_at` set); one audit event `privacy.erase` with the reason's
    code. Statistics keep counting her rows.
    """
    require(by, "privacy.handle_woman", referral)
    _in_scope(Referral, referral.pk, by)
    code = _reason(reason)
    row = Referral.objects.select_for_update().get(pk=referral.pk)
    problem = erasure_problem(WOMAN, row)
    if problem:
        raise ValidationError(problem)
    _take_referral_out(row, by=by)
    summary = anonymise_person(WOMAN, row, now=timezone.now())
    _role, organisation = row.access_context(by)
    record_change(
        row,
        by=by,
        action=AuditAction.PRIVACY_ERASE,
        changes={"reason": code},
        organisation=organisation,
    )
    referral.refresh_from_db()
    return summary


@transaction.atomic
def erase_volunteer(volunteer: Volunteer, *, by: Any, reason: str) -> Summary:
    """Erase a volunteer's (or an applicant's) personal data on request, now, her user account
    included (see `anonymise.py`). Refused as `erase_woman`, with `privacy.handle_volunteer`.
    Side effects: an applicant in process withdraws and an approved or paused volunteer ends
    first (the volunteers app's transitions); then `anonymise_person`; one audit event
    `privacy.erase` with the reason's code."""
    require(by, "privacy.handle_volunteer", volunteer)
    _in_scope(Volunteer, volunteer.pk, by)
    code = _reason(reason)
    row = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    problem = erasure_problem(VOLUNTEER, row)
    if problem:
        raise ValidationError(problem)
    _take_volunteer_out(row, by=by)
    summary = anonymise_person(VOLUNTEER, row, now=timezone.now())
    record_change(
        row,
        by=by,
        action=AuditAction.PRIVACY_ERASE,
        changes={"reason": code},
        organisation=row.branch,
    )
    volunteer.refresh_from_db()
    return summary


def anonymise_expired(
    item: retention.Due, *, today: datetime.date, now: datetime.datetime | None = None
) -> Summary | None:
    """Anonymise one person whose retention time is up (`retention.due`), in its own
    transaction: her row locked, the rule checked again under the lock (she may have been
    matched again, re-approved or erased meanwhile: then nothing is done and None returned),
    `anonymise_person`, and one audit event `privacy.retention` by the system with the rule."""
    model = Referral if item.kind == WOMAN else Volunteer
    with transaction.atomic():
        row: Any = model.objects.select_for_update().filter(pk=item.pk).first()
        if row is None:
            return None
        checked = retention.still_due(item, today)
        if checked is None:
            return None
        summary = anonymise_person(item.kind, row, now=now or timezone.now())
        record_event(
            by=None,
            action=AuditAction.PRIVACY_RETENTION,
            about=item.label,
            about_id=str(item.pk),
            changes={"rule": checked.rule},
            organisation=row.centre if item.kind == WOMAN else row.branch,
        )
    return summary


def purge(item: retention.Purge) -> int:
    """Delete one log's rows that are too old (`retention.purges`); returns how many."""
    with transaction.atomic():
        deleted, per_model = item.rows.delete()
    return int(per_model.get(item.rows.model._meta.label, deleted))
