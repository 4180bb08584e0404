"""What a volunteer changes herself: her matching profile and her confidentiality declaration."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, record_creation, snapshot
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import ConfidentialityDeclaration, DeclarationText, Volunteer

# The profile fields she may edit herself (capacity, status and screening are the branch's).
OWN_PROFILE_FIELDS = (
    "phone",
    "languages",
    "interests",
    "offers",
    "availability",
    "modes",
    "max_travel_km",
)
# Statuses in which she has nothing more to do in the programme.
CLOSED = (Volunteer.Status.ENDED, Volunteer.Status.REJECTED, Volunteer.Status.WITHDRAWN)


def _check_open(volunteer: Volunteer, message: str) -> None:
    if volunteer.status in CLOSED:
        raise ValidationError(message)


@transaction.atomic
def update_own_profile(volunteer: Volunteer, *, by: Any, **fields: Any) -> bool:
    """The volunteer changes her own matching profile. Returns whether anything changed.

    Side effects: saves the changed fields and writes the audit trail (the phone number is
    masked). Only the fields in OWN_PROFILE_FIELDS are hers; anything else is refused. Saving
    the same values again (a double submit) writes nothing. Refused once she has ended,
    been rejected or withdrawn.
    """
    require(by, "volunteers.edit_own_profile", volunteer)
    unknown = set(fields) - set(OWN_PROFILE_FIELDS)
    if unknown:
        raise PermissionDenied
    row = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    _check_open(row, _("Profilen kan ikke endres etter at du har sluttet som ressursvenn."))
    before = snapshot(row, list(fields))
    for name, value in fields.items():
        setattr(row, name, value)
    changes = diff(Volunteer, before, snapshot(row, list(fields)))
    if not changes:
        return False
    row.save(update_fields=[name for name in fields if name in changes])
    record_change(
        row, by=by, action="volunteer.update_own_profile", changes=changes, organisation=row.branch
    )
    for name in fields:
        setattr(volunteer, name, getattr(row, name))
    return True


@transaction.atomic
def sign_declaration(
    volunteer: Volunteer, *, by: Any, text: DeclarationText
) -> ConfidentialityDeclaration:
    """The volunteer signs the current confidentiality declaration in the app.

    Side effects: creates a ConfidentialityDeclaration (method in_app, signed today, recorded by
    her own user), stores her `screening_valid_until` again and writes the audit trail. Refused
    when the text is not the current version (the page was stale), when she has already signed
    this version (a double submit: nothing new is written), and once she has ended, been
    rejected or withdrawn.
    """
    require(by, "volunteers.sign_declaration", volunteer)
    row = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    _check_open(row, _("Du kan ikke signere etter at du har sluttet som ressursvenn."))
    current = DeclarationText.current()
    if current is None or current.pk != text.pk:
        raise ValidationError(
            _("Teksten er endret siden du åpnet siden. Les den nye teksten før du signerer.")
        )
    if ConfidentialityDeclaration.objects.filter(volunteer=row, text=text).exists():
        raise ValidationError(
            _("Du har allerede signert versjon %(version)s av taushetserklæringen.")
            % {"version": text.version}
        )
    try:
        with transaction.atomic():
            declaration = ConfidentialityDeclaration.objects.create(
                volunteer=row,
                text=text,
                method=ConfidentialityDeclaration.Method.IN_APP,
                signed_on=timezone.localdate(),
                recorded_by=by,
            )
    except IntegrityError:  # signed at the same moment in another tab
        raise ValidationError(
            _("Du har allerede signert versjon %(version)s av taushetserklæringen.")
            % {"version": text.version}
        ) from None
    record_creation(
        declaration,
        by=by,
        action="volunteer.sign_declaration",
        fields=["volunteer_id", "text_id", "method", "signed_on"],
        organisation=row.branch,
    )
    volunteer.screening_valid_until = screening.store_valid_until(row)
    return declaration
