"""Writing the valid rows of a checked volunteer import (see `volunteers.importing`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import User
from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change, record_creation
from ressursvenn.organisations.models import Municipality, Organisation
from ressursvenn.volunteers.importing import MAX_ROWS
from ressursvenn.volunteers.models import Volunteer

PERMISSION = "volunteers.import_volunteers"
IMPORTABLE_STATUSES = (Volunteer.Status.APPLIED, Volunteer.Status.SCREENING)
CREATED_FIELDS = ["branch", "status", "full_name", "email", "phone", "date_of_birth", "imported"]


@transaction.atomic
def import_volunteers(
    branch: Organisation, *, by: User, rows: list[dict[str, Any]]
) -> list[Volunteer]:
    """Create a volunteer (`imported=True`) for every row, all or nothing.

    The rows are the checked values from the preview; they are checked again here because the
    branch may have changed since (a double confirm, another import, a new application).
    Side effects: locks the branch row so imports of one branch run one at a time, creates the
    volunteers as applied or screening (never approved: the checklist facts must be recorded
    first) with `self_declared_woman` set (the leader confirmed it for the list), one audit
    event per volunteer and one for the import. Refused, writing nothing, when any row's e-mail
    is in the branch already, a municipality is unknown or a status is not importable.
    """
    require(by, PERMISSION, branch)
    if not rows:
        raise ValidationError(_("Det er ingen gyldige rader å importere."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("For mange rader."))
    Organisation.objects.select_for_update().filter(pk=branch.pk).get()
    emails = [row["email"].lower() for row in rows]
    if len(set(emails)) != len(emails):
        raise ValidationError(_("Samme e-postadresse står på flere rader."))
    taken = (
        Volunteer.objects.filter(branch=branch)
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .count()
    )
    if taken:
        raise ValidationError(
            _(
                "%(count)s av e-postadressene finnes allerede i lokalforeningen, så ingenting "
                "er importert. Er importen gjort før? Last opp filen på nytt for å se hvilke."
            )
            % {"count": taken}
        )
    codes = {row["municipality"] for row in rows}
    known = set(Municipality.objects.filter(code__in=codes).values_list("code", flat=True))
    if codes - known or any(row["status"] not in IMPORTABLE_STATUSES for row in rows):
        raise ValidationError(_("Noen rader er ikke gyldige lenger. Last opp filen på nytt."))
    now = timezone.now()
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            branch=branch,
            status=row["status"],
            status_changed_at=now,
            full_name=row["full_name"],
            email=row["email"],
            phone=row["phone"],
            date_of_birth=datetime.date.fromisoformat(row["date_of_birth"]),
            municipality_id=row["municipality"],
            self_declared_woman=True,
            applied_at=now,
            imported=True,
        )
        for row in rows
    )
    for volunteer in volunteers:
        record_creation(
            volunteer,
            by=by,
            action="volunteer.import",
            fields=CREATED_FIELDS,
            organisation=branch,
        )
    record_change(
        branch,
        by=by,
        action="volunteer.import_list",
        changes={"count": [None, len(volunteers)]},
        organisation=branch,
    )
    return volunteers
