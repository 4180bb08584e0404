"""Every change a group leader makes while screening a volunteer, and her status transitions.

Transition table (`TRANSITIONS`): each transition is one function below, with the statuses it
may start from. Every function checks the permission and the state again, locks the volunteer
row, runs in one transaction and writes the audit trail. A caller may pass the status the page
showed (`expected_status`): when the volunteer has changed meanwhile (stale page, double
submit) the action refuses and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.actions import add_membership, new_invitation
from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change, record_creation
from ressursvenn.lib.mail import send_discreet
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import (
    ConfidentialityDeclaration,
    DeclarationText,
    PoliceCertificate,
    Reference,
    SuitabilityInterview,
    Volunteer,
)

PERMISSION = "volunteers.screen_volunteer"
Status = Volunteer.Status

# transition → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "take_into_screening": ((Status.APPLIED,), Status.SCREENING),
    "approve": ((Status.SCREENING,), Status.APPROVED),
    "reject": ((Status.APPLIED, Status.SCREENING), Status.REJECTED),
    "withdraw": ((Status.APPLIED, Status.SCREENING), Status.WITHDRAWN),
    "pause": ((Status.APPROVED,), Status.PAUSED),
    "resume": ((Status.PAUSED,), Status.APPROVED),
    "end": ((Status.APPROVED, Status.PAUSED), Status.ENDED),
}
# Transitions chosen with a reason in the status form (the others have their own buttons).
REASONED = ("reject", "withdraw", "pause", "resume", "end")
REASON_REQUIRED = ("reject", "withdraw", "pause", "end")
# Statuses in which screening facts (certificate, interview, ...) may be recorded.
RECORDING_STATUSES = (Status.SCREENING, Status.APPROVED, Status.PAUSED)


# Match statuses that hold her place (matching.models.Match.OPEN_STATUSES). Matching sits
# above this app, so the matches are reached through the reverse relation.
OPEN_MATCH_STATUSES = ("proposed", "meeting_planned", "active", "paused")


def allowed_transitions(status: str) -> list[str]:
    """The transitions that may start from `status`, in table order."""
    return [name for name, (sources, _target) in TRANSITIONS.items() if status in sources]


def _locked(volunteer: Volunteer, expected_status: str | None) -> Volunteer:
    """The volunteer's row, locked; refused when the page showed another status."""
    row = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if expected_status is not None and row.status != expected_status:
        raise ValidationError(
            _(
                "Statusen er endret mens du så på siden (nå: %(status)s). "
                "Ingenting er endret. Se over og prøv igjen."
            )
            % {"status": row.get_status_display()}
        )
    return row


def _move(
    volunteer: Volunteer,
    *,
    by: User,
    transition: str,
    reason: str = "",
    expected_status: str | None = None,
) -> Volunteer:
    """Lock, check the table, set status, reason and time, audit. Returns the locked row."""
    require(by, PERMISSION, volunteer)
    row = _locked(volunteer, expected_status)
    sources, target = TRANSITIONS[transition]
    if row.status not in sources:
        raise ValidationError(
            _("Dette kan ikke gjøres når statusen er «%(status)s».")
            % {"status": row.get_status_display()}
        )
    if transition == "end" and row.matches.filter(status__in=OPEN_MATCH_STATUSES).exists():
        raise ValidationError(
            _(
                "Hun har en kobling som ikke er avsluttet. Avslutt eller avbryt koblingen "
                "før du avslutter henne som ressursvenn."
            )
        )
    reason = reason.strip()
    if transition in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Skriv en begrunnelse.")})
    before = row.status
    row.status = target
    row.status_reason = reason
    row.status_changed_at = timezone.now()
    row.save(update_fields=["status", "status_reason", "status_changed_at"])
    changes: dict[str, Any] = {"status": [before, target]}
    if reason:
        changes["status_reason"] = ["•••", "•••"]
    record_change(
        row, by=by, action=f"volunteer.{transition}", changes=changes, organisation=row.branch
    )
    _copy_status(row, volunteer)
    return row


def _copy_status(source: Volunteer, target: Volunteer) -> None:
    for name in ("status", "status_reason", "status_changed_at", "approved_on", "user_id"):
        setattr(target, name, getattr(source, name))


# --- transitions -------------------------------------------------------------------------------


def _invite(user: User, *, by: User) -> None:
    """Expire earlier links of the user, create a one-time set-password link and e-mail it."""
    new_invitation(user, by=by, template="volunteer_screening_invitation")
    record_change(user, by=by, action="user.invite_volunteer")


def _account_for(row: Volunteer, *, by: User) -> tuple[User, bool]:
    """The user with the volunteer's e-mail (created without a password if none). (user, new)"""
    email = row.email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, full_name=" ".join(row.full_name.split()))
    except IntegrityError:  # created at the same moment by another request
        return User.objects.select_for_update().get(email__iexact=email), False
    record_creation(user, by=by, action="user.invite", fields=["email", "full_name"])
    return user, True


@transaction.atomic
def take_into_screening(
    volunteer: Volunteer, *, by: User, expected_status: str | None = None
) -> Volunteer:
    """Applied → screening; she gets an account and a volunteer role in the branch.

    Side effects: links the user with her e-mail (creates one without a password when none
    exists; refused when that user is already another volunteer), adds or reopens the
    `Membership(role=volunteer, organisation=branch)`, e-mails a one-time set-password link to a
    new (or never logged in) user or a neutral "new role" notice to a user who has a password,
    sets status and `status_changed_at`, and writes the audit trail.
    """
    require(by, PERMISSION, volunteer)
    row = _locked(volunteer, expected_status)
    if row.status not in TRANSITIONS["take_into_screening"][0]:
        raise ValidationError(
            _("Dette kan ikke gjøres når statusen er «%(status)s».")
            % {"status": row.get_status_display()}
        )
    user, created = (row.user, False) if row.user_id else _account_for(row, by=by)
    assert user is not None
    other = Volunteer.objects.filter(user=user).exclude(pk=row.pk).exists()
    if other:
        raise ValidationError(
            _(
                "E-postadressen hører allerede til en annen ressursvenn. Rett e-postadressen "
                "eller ta kontakt med den andre lokalforeningen."
            )
        )
    added = (
        add_membership(user, by=by, organisation=row.branch, role=Role.VOLUNTEER, keep_held=True)
        is not None
    )
    if row.user_id != user.pk:
        row.user = user
        row.save(update_fields=["user"])
        record_change(
            row, by=by, action="volunteer.link_user", changes={"user_id": [None, user.pk]}
        )
    row = _move(row, by=by, transition="take_into_screening")
    if user.is_active:
        if created or not user.has_usable_password():
            _invite(user, by=by)
        elif added:
            send_discreet(user.email, "new_role", {})
    _copy_status(row, volunteer)
    volunteer.user = user
    return volunteer


@transaction.atomic
def approve_volunteer(
    volunteer: Volunteer, *, by: User, expected_status: str | None = None
) -> Volunteer:
    """Screening → approved, only when every screening requirement holds today.

    Side effects: sets status, `approved_on` (today), `status_changed_at` and the stored
    `screening_valid_until`; writes the audit trail. Refused, changing nothing, with the list
    of what is missing.
    """
    require(by, PERMISSION, volunteer)
    row = _locked(volunteer, expected_status)
    if row.status not in TRANSITIONS["approve"][0]:
        raise ValidationError(
            _("Dette kan ikke gjøres når statusen er «%(status)s».")
            % {"status": row.get_status_display()}
        )
    checked = screening.with_checklist(Volunteer.objects.filter(pk=row.pk)).get()
    missing = screening.missing(checked)
    if missing:
        raise ValidationError(
            _("Kan ikke godkjennes ennå. Mangler: %(missing)s.")
            % {"missing": ", ".join(str(item.title) for item in missing)}
        )
    row = _move(row, by=by, transition="approve")
    # The checklist was just read from the rows: store its verdict too, so that a value
    # left stale by a write outside the actions is right from her first day as a volunteer.
    _refresh(row, volunteer)
    row.approved_on = timezone.localdate()
    row.save(update_fields=["approved_on"])
    record_change(
        row,
        by=by,
        action="volunteer.set_approved_on",
        changes={"approved_on": [None, row.approved_on.isoformat()]},
        organisation=row.branch,
    )
    _copy_status(row, volunteer)
    return volunteer


@transaction.atomic
def reject_volunteer(
    volunteer: Volunteer, *, by: User, reason: str, expected_status: str | None = None
) -> Volunteer:
    """Applied or screening → rejected, with a required reason.

    Side effects: sets status, reason (encrypted) and `status_changed_at`; audit trail. The
    volunteer role in the branch (if any) is ended so she can no longer log in as volunteer.
    """
    row = _move(
        volunteer, by=by, transition="reject", reason=reason, expected_status=expected_status
    )
    _end_role(row, by=by)
    return volunteer


@transaction.atomic
def withdraw_volunteer(
    volunteer: Volunteer, *, by: User, reason: str, expected_status: str | None = None
) -> Volunteer:
    """Applied or screening → withdrawn (she withdrew her application), with a required reason.

    Side effects: sets status, reason (encrypted) and `status_changed_at`; audit trail; ends
    her volunteer role in the branch.
    """
    row = _move(
        volunteer, by=by, transition="withdraw", reason=reason, expected_status=expected_status
    )
    _end_role(row, by=by)
    return volunteer


@transaction.atomic
def pause_volunteer(
    volunteer: Volunteer, *, by: User, reason: str, expected_status: str | None = None
) -> Volunteer:
    """Approved → paused, with a required reason (she is not offered to new women meanwhile).

    Side effects: sets status, reason (encrypted) and `status_changed_at`; audit trail.
    """
    _move(volunteer, by=by, transition="pause", reason=reason, expected_status=expected_status)
    return volunteer


@transaction.atomic
def resume_volunteer(
    volunteer: Volunteer, *, by: User, reason: str = "", expected_status: str | None = None
) -> Volunteer:
    """Paused → approved (reason optional). Approval is not re-checked: renewals due show on
    the checklist, and the matching rules require a valid screening anyway.

    Side effects: sets status, reason (encrypted) and `status_changed_at`; audit trail.
    """
    _move(volunteer, by=by, transition="resume", reason=reason, expected_status=expected_status)
    return volunteer


@transaction.atomic
def end_volunteer(
    volunteer: Volunteer, *, by: User, reason: str, expected_status: str | None = None
) -> Volunteer:
    """Approved or paused → ended, with a required reason. Refused while she has an open
    match (proposed, planned, active or paused): that match is ended first.

    Side effects: sets status, reason (encrypted) and `status_changed_at`; audit trail; ends
    her volunteer role in the branch.
    """
    row = _move(volunteer, by=by, transition="end", reason=reason, expected_status=expected_status)
    _end_role(row, by=by)
    return volunteer


def _end_role(row: Volunteer, *, by: User) -> None:
    if row.user_id is None:
        return
    ended = Membership.objects.filter(
        user_id=row.user_id, organisation_id=row.branch_id, role=Role.VOLUNTEER, is_active=True
    )
    for membership in ended.select_for_update():
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        record_change(
            membership,
            by=by,
            action="membership.end",
            changes={"is_active": [True, False]},
            organisation=row.branch,
        )


CHANGE_STATUS = {
    "reject": reject_volunteer,
    "withdraw": withdraw_volunteer,
    "pause": pause_volunteer,
    "resume": resume_volunteer,
    "end": end_volunteer,
}


def change_status(
    volunteer: Volunteer,
    *,
    by: User,
    transition: str,
    reason: str,
    expected_status: str | None = None,
) -> Volunteer:
    """Run one of the reasoned transitions (reject, withdraw, pause, resume, end) by name."""
    if transition not in CHANGE_STATUS:
        raise ValidationError({"transition": _("Velg hva som skal skje.")})
    return CHANGE_STATUS[transition](
        volunteer, by=by, reason=reason, expected_status=expected_status
    )


# --- checklist facts ---------------------------------------------------------------------------


def _recording(volunteer: Volunteer, by: User) -> Volunteer:
    require(by, PERMISSION, volunteer)
    row = _locked(volunteer, None)
    if row.status not in RECORDING_STATUSES:
        raise ValidationError(
            _(
                "Opplysninger til sjekklisten kan bare registreres når hun er under vurdering "
                "eller godkjent (nå: %(status)s)."
            )
            % {"status": row.get_status_display()}
        )
    return row


def _refresh(row: Volunteer, volunteer: Volunteer) -> None:
    """A checklist row changed: store her `screening_valid_until` again (row locked)."""
    volunteer.screening_valid_until = screening.store_valid_until(row)


def _not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("Datoen kan ikke være fram i tid.")})


def validate_certificate_dates(issued_on: datetime.date, seen_on: datetime.date) -> None:
    """Issued and seen not in the future, issued no later than seen, not too old when seen."""
    _not_future(seen_on, "seen_on")
    _not_future(issued_on, "issued_on")
    if issued_on > seen_on:
        raise ValidationError(
            {"issued_on": _("Utstedt dato kan ikke være etter datoen den ble sett.")}
        )
    if seen_on - issued_on > screening.certificate_max_age():
        raise ValidationError(
            {
                "issued_on": _(
                    "Politiattesten var eldre enn %(days)s dager da den ble sett. "
                    "Be om en ny politiattest."
                )
                % {"days": settings.POLICE_CERTIFICATE_MAX_AGE_DAYS}
            }
        )


@transaction.atomic
def record_police_certificate(
    volunteer: Volunteer,
    *,
    by: User,
    kind: str,
    issued_on: datetime.date,
    seen_on: datetime.date,
) -> PoliceCertificate:
    """Record that the leader saw a police certificate (never the document itself).

    Side effects: creates the record with `seen_by` = the leader and the renewal date from the
    settings; stores her `screening_valid_until` again; audit trail. Refused when dates are in
    the future, issued after seen, the certificate was too old when seen, or the same
    certificate is recorded already.
    """
    row = _recording(volunteer, by)
    validate_certificate_dates(issued_on, seen_on)
    if row.police_certificates.filter(kind=kind, issued_on=issued_on, seen_on=seen_on).exists():
        raise ValidationError(_("Denne politiattesten er allerede registrert."))
    certificate = PoliceCertificate.objects.create(
        volunteer=row,
        kind=kind,
        issued_on=issued_on,
        seen_on=seen_on,
        seen_by=by,
        renewal_due_on=screening.certificate_renewal_due(seen_on),
    )
    record_creation(
        certificate,
        by=by,
        action="volunteer.record_police_certificate",
        fields=["volunteer", "kind", "issued_on", "seen_on", "seen_by", "renewal_due_on"],
        organisation=row.branch,
    )
    _refresh(row, volunteer)
    return certificate


def interviewers(volunteer: Volunteer) -> Any:
    """Users who may hold a suitability interview: active group leaders of her branch."""
    leaders = Membership.objects.active().filter(
        organisation_id=volunteer.branch_id, role=Role.GROUP_LEADER
    )
    return User.objects.filter(pk__in=leaders.values("user_id")).order_by("full_name", "pk")


@transaction.atomic
def record_interview(
    volunteer: Volunteer,
    *,
    by: User,
    held_on: datetime.date,
    interviewer: User,
    outcome: str,
    notes: str = "",
) -> SuitabilityInterview:
    """Record a suitability interview; the latest one counts for the checklist.

    Side effects: creates the interview (notes encrypted at rest); stores her
    `screening_valid_until` again; audit trail (notes masked).
    Refused for a future date, an interviewer who is not a group leader of the branch, or the
    same interview recorded twice.
    """
    row = _recording(volunteer, by)
    _not_future(held_on, "held_on")
    if not interviewers(row).filter(pk=interviewer.pk).exists():
        raise ValidationError(
            {"interviewer": _("Samtalen må holdes av en gruppeleder i lokalforeningen.")}
        )
    if row.interviews.filter(held_on=held_on, interviewer=interviewer, outcome=outcome).exists():
        raise ValidationError(_("Denne samtalen er allerede registrert."))
    interview = SuitabilityInterview.objects.create(
        volunteer=row,
        held_on=held_on,
        interviewer=interviewer,
        outcome=outcome,
        notes=notes.strip(),
    )
    record_creation(
        interview,
        by=by,
        action="volunteer.record_interview",
        fields=["volunteer", "held_on", "interviewer", "outcome", "notes"],
        organisation=row.branch,
    )
    _refresh(row, volunteer)
    return interview


@transaction.atomic
def record_reference(
    volunteer: Volunteer,
    *,
    by: User,
    name: str,
    relation: str,
    contacted_on: datetime.date,
    is_positive: bool,
    notes: str = "",
) -> Reference:
    """Record a reference the branch contacted.

    Side effects: creates the reference (name and notes encrypted); stores her
    `screening_valid_until` again; audit trail (masked).
    Refused for a future date or the same reference on the same day twice.
    """
    row = _recording(volunteer, by)
    _not_future(contacted_on, "contacted_on")
    name = " ".join(name.split())
    same_day = row.references.filter(contacted_on=contacted_on)
    if any(reference.name == name for reference in same_day):
        raise ValidationError(_("Denne referansen er allerede registrert."))
    reference = Reference.objects.create(
        volunteer=row,
        name=name,
        relation=relation.strip(),
        contacted_on=contacted_on,
        is_positive=is_positive,
        notes=notes.strip(),
        recorded_by=by,
    )
    record_creation(
        reference,
        by=by,
        action="volunteer.record_reference",
        fields=["volunteer", "name", "relation", "contacted_on", "is_positive", "notes"],
        organisation=row.branch,
    )
    _refresh(row, volunteer)
    return reference


@transaction.atomic
def record_paper_declaration(
    volunteer: Volunteer, *, by: User, text: DeclarationText, signed_on: datetime.date
) -> ConfidentialityDeclaration:
    """Record a confidentiality declaration she signed on paper.

    Side effects: creates the declaration (method paper, recorded by the leader); stores her
    `screening_valid_until` again; audit trail.
    Refused for a future date, a date before the text was published, or a text she signed.
    """
    row = _recording(volunteer, by)
    _not_future(signed_on, "signed_on")
    if signed_on < text.published_on:
        raise ValidationError(
            {"signed_on": _("Datoen er før denne versjonen av teksten ble tatt i bruk.")}
        )
    if row.declarations.filter(text=text).exists():
        raise ValidationError(_("Hun har allerede signert denne versjonen av taushetserklæringen."))
    declaration = ConfidentialityDeclaration.objects.create(
        volunteer=row,
        text=text,
        method=ConfidentialityDeclaration.Method.PAPER,
        signed_on=signed_on,
        recorded_by=by,
    )
    record_creation(
        declaration,
        by=by,
        action="volunteer.record_paper_declaration",
        fields=["volunteer", "text", "method", "signed_on", "recorded_by"],
        organisation=row.branch,
    )
    _refresh(row, volunteer)
    return declaration
