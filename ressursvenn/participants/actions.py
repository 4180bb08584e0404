"""Every change to a referral: create and edit the draft, send it, and the state transitions.

States (DESIGN.md §4): draft → submitted → accepted (waiting) → proposed → matched → closed, and
declined / withdrawn with a reason. `proposed`, `matched` and `closed` are set by the matching
and follow-up code. Each action checks permission and state on a locked row, runs in one
transaction and writes the audit trail. The woman's name, contact details, notes, reasons and
areas to avoid never reach the audit values (masked) or an e-mail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import MASK, diff, record_change, snapshot
from ressursvenn.lib.mail import send_discreet
from ressursvenn.organisations.models import Cooperation, Organisation
from ressursvenn.participants import hooks
from ressursvenn.participants.choices import CONSENT_WITHDRAWN_REASON, ConsentScope
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.models import Volunteer

Status = Referral.Status

# The fields the referral form writes (model field names; foreign keys by relation name).
PROFILE_FIELDS = (
    "centre",
    "branch",
    "first_name",
    "birth_year",
    "municipality",
    "district",
    "children_count",
    "languages",
    "required_languages",
    "interpreter_needed",
    "interests",
    "needs",
    "availability",
    "modes",
    "preferred_age_min",
    "preferred_age_max",
    "contact_channel",
    "contact_value",
    "contact_times",
    "may_leave_message",
    "excluded_areas",
    "notes",
    "safety_assessed_on",
    "safety_assessed_by",
    "consent_text",
    "consent_scope",
    "consent_given_on",
)
# Not encrypted, but telling about her safety: the audit trail only says that they changed.
EXTRA_MASKED = ("excluded_areas", "contact_channel", "contact_times", "may_leave_message")
# The states in which the referral is still being processed.
OPEN = (Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, Status.PROPOSED, Status.MATCHED)
WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, Status.PROPOSED)
DECLINABLE = (Status.SUBMITTED, Status.ACCEPTED)
EXCLUSION_STATES = (Status.SUBMITTED, Status.ACCEPTED, Status.PROPOSED, Status.MATCHED)


def _audit_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changes = diff(Referral, before, after)
    for name in EXTRA_MASKED:
        if name in changes:
            changes[name] = [MASK, MASK]
    return changes


def _locked(referral: Referral) -> Referral:
    """The referral's row, fresh from the database and locked until the transaction ends."""
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _stale(row: Referral, message: str) -> ValidationError:
    return ValidationError(
        _("{message} Henvisningen har nå status «{status}». Siden kan ha vært utdatert.").format(
            message=message, status=row.get_status_display()
        )
    )


def cooperates(centre: Organisation | None, branch: Organisation | None) -> bool:
    """Both are active and have a cooperation agreement (samarbeidsavtale)."""
    if centre is None or branch is None:
        return False
    return Cooperation.objects.filter(
        crisis_centre=centre,
        branch=branch,
        crisis_centre__is_active=True,
        branch__is_active=True,
        crisis_centre__kind=Organisation.Kind.CRISIS_CENTRE,
        branch__kind=Organisation.Kind.BRANCH,
    ).exists()


def staff_of(centre: Organisation) -> Any:
    """Active users with an active crisis-staff role in `centre`."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation=centre,
        memberships__role=Role.CRISIS_STAFF,
        memberships__is_active=True,
    ).distinct()


def validate_referral(*, by: Any, fields: dict[str, Any]) -> None:
    """Raise ValidationError({field: message}) when the draft's facts break a rule.

    The centre must be one of `by`'s centres, the branch must cooperate with it, and whoever
    did the safety assessment must be staff of that centre. Dates may not lie in the future.
    """
    errors: dict[str, str] = {}
    centre, branch = fields.get("centre"), fields.get("branch")
    today = timezone.localdate()
    if centre is None or centre.pk not in by.organisation_ids(Role.CRISIS_STAFF):
        errors["centre"] = _("Velg et av krisesentrene du arbeider ved.")
    elif not cooperates(centre, branch):
        errors["branch"] = _(
            "Lokalforeningen har ingen samarbeidsavtale med krisesenteret. "
            "Velg en lokalforening fra listen."
        )
    assessor = fields.get("safety_assessed_by")
    if (
        centre is not None
        and "centre" not in errors
        and assessor is not None
        and not staff_of(centre).filter(pk=assessor.pk).exists()
    ):
        errors["safety_assessed_by"] = _("Velg en ansatt ved krisesenteret.")
    for name in ("safety_assessed_on", "consent_given_on"):
        day = fields.get(name)
        if isinstance(day, datetime.date) and day > today:
            errors[name] = _("Datoen kan ikke være fram i tid.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_referral(*, by: User, **fields: Any) -> Referral:
    """Save a new referral as a draft (nothing is sent).

    Side effects: creates the referral (contact person and creator: `by`), its audit event.
    """
    require(by, "participants.create_referral")
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown referral fields: {sorted(unknown)}")
    validate_referral(by=by, fields=fields)
    referral = Referral(contact=by, created_by=by, status=Status.DRAFT, **fields)
    referral.save()
    after = snapshot(referral, PROFILE_FIELDS)
    record_change(
        referral,
        by=by,
        action="referral.create",
        changes=_audit_diff(dict.fromkeys(PROFILE_FIELDS), after),
        organisation=referral.centre,
    )
    return referral


@transaction.atomic
def update_referral(referral: Referral, *, by: User, **fields: Any) -> Referral:
    """Change a draft. Only drafts can be changed; the centre sends it when it is complete.

    Side effects: saves the changed fields, writes one audit event (none when nothing changed).
    """
    require(by, "participants.change_referral", referral)
    row = _locked(referral)
    if row.status != Status.DRAFT:
        raise _stale(row, _("Bare utkast kan endres."))
    validate_referral(by=by, fields=fields)
    before = snapshot(row, PROFILE_FIELDS)
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise TypeError(f"unknown referral field: {name}")
        setattr(row, name, value)
    after = snapshot(row, PROFILE_FIELDS)
    changes = _audit_diff(before, after)
    if changes:
        row.save()
        record_change(
            row, by=by, action="referral.update", changes=changes, organisation=row.centre
        )
    return row


def missing_for_submit(referral: Referral) -> list[str]:
    """What is still missing before the referral may be sent, as plain sentences (none = ok)."""
    missing = []
    if not referral.has_safety_clearance:
        missing.append(_("sikkerhetsvurderingen er ikke registrert (dato og hvem som gjorde den)"))
    if referral.consent_withdrawn_at is not None:
        missing.append(_("hun har trukket samtykket"))
    elif referral.consent_given_on is None or referral.consent_text_id is None:
        missing.append(_("samtykket er ikke registrert (dato og samtykketekst)"))
    elif ConsentScope.MATCHING not in (referral.consent_scope or []):
        missing.append(_("samtykket omfatter ikke matching med en ressursvenn"))
    if not cooperates(referral.centre, referral.branch):
        missing.append(_("lokalforeningen har ingen samarbeidsavtale med krisesenteret"))
    return missing


def _link(referral: Referral) -> str:
    return settings.SITE_URL + reverse("participants:detail", args=[referral.pk])


def _leader_addresses(branch_id: int) -> list[str]:
    memberships = Membership.objects.active().filter(
        organisation_id=branch_id, role=Role.GROUP_LEADER, organisation__is_active=True
    )
    return sorted(set(memberships.values_list("user__email", flat=True)))


def _notify_leaders(referral: Referral, template: str) -> None:
    for address in _leader_addresses(referral.branch_id):
        send_discreet(address, template, {"link": _link(referral)})


def _notify_contact(referral: Referral, template: str) -> None:
    contact = User.objects.filter(pk=referral.contact_id, is_active=True).first()
    if contact is not None:
        send_discreet(contact.email, template, {"link": _link(referral)})


def _set_status(row: Referral, *, by: User, status: str, action: str, **extra: Any) -> None:
    """Move the locked `row` to `status` (with `extra` fields) and write the audit event."""
    names = ["status", "status_changed_at", *extra]
    before = snapshot(row, names)
    row.status = status
    row.status_changed_at = timezone.now()
    for name, value in extra.items():
        setattr(row, name, value)
    row.save(update_fields=names)
    organisation = row.branch if action in ("referral.accept", "referral.decline") else row.centre
    record_change(
        row,
        by=by,
        action=action,
        changes=_audit_diff(before, snapshot(row, names)),
        organisation=organisation,
    )


@transaction.atomic
def submit_referral(referral: Referral, *, by: User) -> Referral:
    """Send a draft to the branch: draft → submitted.

    Refused (ValidationError naming every missing item) unless the safety clearance and the
    consent (date, text version, scope including matching, not withdrawn) are recorded and the
    branch cooperates with the centre. Side effects: sets `submitted_at`, writes the audit
    trail, e-mails the branch's active group leaders a discreet notice (a link, no personal data).
    """
    require(by, "participants.change_referral", referral)
    row = _locked(referral)
    if row.status != Status.DRAFT:
        raise _stale(row, _("Henvisningen er allerede sendt."))
    missing = missing_for_submit(row)
    if missing:
        raise ValidationError(
            _("Henvisningen kan ikke sendes ennå: {missing}.").format(missing="; ".join(missing))
        )
    _set_status(
        row, by=by, status=Status.SUBMITTED, action="referral.submit", submitted_at=timezone.now()
    )
    _notify_leaders(row, "referral_submitted")
    return row


@transaction.atomic
def accept_referral(referral: Referral, *, by: User) -> Referral:
    """The receiving group leader takes the referral in: submitted → accepted (waiting list).

    Side effects: sets `waiting_since` (kept if already set), writes the audit trail, e-mails
    the centre's contact person a discreet notice.
    """
    require(by, "participants.decide_referral", referral)
    row = _locked(referral)
    if row.status != Status.SUBMITTED:
        raise _stale(row, _("Henvisningen kan ikke tas imot nå."))
    if not row.has_consent:
        raise ValidationError(_("Hun har trukket samtykket. Henvisningen kan ikke tas imot."))
    _set_status(
        row,
        by=by,
        status=Status.ACCEPTED,
        action="referral.accept",
        waiting_since=row.waiting_since or timezone.now(),
    )
    _notify_contact(row, "referral_decided")
    return row


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv en begrunnelse.")})
    return reason


@transaction.atomic
def decline_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    """The receiving group leader declines: submitted or accepted → declined, with a reason.

    Side effects: stores the reason (encrypted), sets `closed_at`, writes the audit trail (the
    reason masked), e-mails the centre's contact person a discreet notice.
    """
    require(by, "participants.decide_referral", referral)
    reason = _reason(reason)
    row = _locked(referral)
    if row.status not in DECLINABLE:
        raise _stale(row, _("Henvisningen kan ikke avvises nå."))
    _set_status(
        row,
        by=by,
        status=Status.DECLINED,
        action="referral.decline",
        status_reason=reason,
        closed_at=timezone.now(),
    )
    _notify_contact(row, "referral_decided")
    return row


@transaction.atomic
def withdraw_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    """The centre withdraws the referral before a match exists: → withdrawn, with a reason.

    Allowed from draft, submitted, accepted and proposed. Side effects: stores the reason
    (encrypted), sets `closed_at`, writes the audit trail, and e-mails the branch's group
    leaders a discreet notice when it had been sent; cancels an open (proposed or planned)
    match and its koblingsmøte through the hook ``hooks.on_referral_withdrawn`` (matching sits
    above this app and registers the handler; see ``hooks.py``), in this transaction. The
    referral leaves the waiting list.
    """
    require(by, "participants.change_referral", referral)
    reason = _reason(reason)
    row = _locked(referral)
    if row.status not in WITHDRAWABLE:
        raise _stale(row, _("Henvisningen kan ikke trekkes nå."))
    was_sent = row.status != Status.DRAFT
    hooks.referral_withdrawn(row, by=by, reason=str(_("Henvisningen er trukket.")))
    _set_status(
        row,
        by=by,
        status=Status.WITHDRAWN,
        action="referral.withdraw",
        status_reason=reason,
        closed_at=timezone.now(),
    )
    if was_sent:
        _notify_leaders(row, "referral_withdrawn")
    return row


@transaction.atomic
def withdraw_consent(referral: Referral, *, by: User) -> Referral:
    """Record that the woman withdrew her consent. All processing stops.

    Side effects: sets `consent_withdrawn_at`; while the referral is still being processed it
    becomes withdrawn with the reason "samtykke trukket" (so it leaves the waiting list and
    matching); writes the audit trail; e-mails the branch's group leaders a discreet notice
    when it had been sent. Through the hook ``hooks.on_referral_withdrawn`` (matching sits
    above this app and registers its handler in ``MatchingConfig.ready``), in this
    transaction: the open match is cancelled (freeing the volunteer's place), a planned
    koblingsmøte is cancelled and everyone invited gets the calendar cancellation, all audited.
    """
    require(by, "participants.change_referral", referral)
    row = _locked(referral)
    if row.consent_withdrawn_at is not None:
        raise ValidationError(_("Det er allerede registrert at hun har trukket samtykket."))
    now = timezone.now()
    was_sent = row.status != Status.DRAFT
    if row.status in OPEN:
        hooks.referral_withdrawn(row, by=by, reason=CONSENT_WITHDRAWN_REASON)
        _set_status(
            row,
            by=by,
            status=Status.WITHDRAWN,
            action="referral.withdraw_consent",
            consent_withdrawn_at=now,
            status_reason=CONSENT_WITHDRAWN_REASON,
            closed_at=now,
        )
    else:
        before = snapshot(row, ["consent_withdrawn_at"])
        row.consent_withdrawn_at = now
        row.save(update_fields=["consent_withdrawn_at"])
        record_change(
            row,
            by=by,
            action="referral.withdraw_consent",
            changes=_audit_diff(before, snapshot(row, ["consent_withdrawn_at"])),
            organisation=row.centre,
        )
    if was_sent:
        _notify_leaders(row, "referral_withdrawn")
    return row


@transaction.atomic
def set_excluded_volunteers(
    referral: Referral, *, by: User, volunteers: Iterable[Volunteer]
) -> Referral:
    """The group leader sets which volunteers of her branch must never be matched with her.

    Side effects: replaces the referral's excluded volunteers, writes the audit trail (volunteer
    ids only). Refused for volunteers of another branch and once the referral is finished.
    """
    require(by, "participants.decide_referral", referral)
    chosen = list(volunteers)
    row = _locked(referral)
    if row.status not in EXCLUSION_STATES:
        raise _stale(row, _("Henvisningen er avsluttet og kan ikke endres."))
    if any(volunteer.branch_id != row.branch_id for volunteer in chosen):
        raise ValidationError(
            {"volunteers": _("Velg bare ressursvenner i lokalforeningen henvisningen gjelder.")}
        )
    before = sorted(row.excluded_volunteers.values_list("pk", flat=True))
    after = sorted({volunteer.pk for volunteer in chosen})
    if before != after:
        row.excluded_volunteers.set(after)
        record_change(
            row,
            by=by,
            action="referral.exclude_volunteers",
            changes={"excluded_volunteers": [before, after]},
            organisation=row.branch,
        )
    return row
