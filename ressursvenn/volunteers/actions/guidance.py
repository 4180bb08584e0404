"""Every change to guidance groups (veiledningsgrupper): groups, members, sessions, attendance."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change, record_creation
from ressursvenn.organisations.models import Organisation
from ressursvenn.volunteers.models import (
    GuidanceAttendance,
    GuidanceGroup,
    GuidanceSession,
    Volunteer,
)

MANAGE = "volunteers.manage_courses"

# Guidance is for volunteers who are approved (also while paused from matching).
MEMBER_STATUSES = (Volunteer.Status.APPROVED, Volunteer.Status.PAUSED)

SESSION_PAST_LIMIT = datetime.timedelta(days=366)
SESSION_FUTURE_LIMIT = datetime.timedelta(days=2 * 366)


@transaction.atomic
def create_group(*, by: Any, branch: Organisation, name: str) -> GuidanceGroup:
    """Create a guidance group in one of the group leader's branches.

    Side effects: creates the group and writes the audit trail.
    """
    require(by, MANAGE, branch)
    if branch.kind != Organisation.Kind.BRANCH:
        raise ValidationError({"branch": _("En veiledningsgruppe hører til en lokalforening.")})
    group = GuidanceGroup.objects.create(branch=branch, name=name.strip(), created_by=by)
    record_creation(
        group, by=by, action="guidance.create", fields=["branch", "name"], organisation=branch
    )
    return group


@transaction.atomic
def set_members(group: GuidanceGroup, *, by: Any, members: Iterable[Volunteer]) -> None:
    """Make exactly these approved volunteers of the group's branch the members.

    Side effects: adds and removes members and writes the audit trail (ids only). Volunteers
    already in the group keep their place even if their status has changed since.
    """
    require(by, MANAGE, group)
    locked = GuidanceGroup.objects.select_for_update().get(pk=group.pk)
    wanted = {volunteer.pk: volunteer for volunteer in members}
    current = set(locked.members.values_list("pk", flat=True))
    added = set(wanted) - current
    removed = current - set(wanted)
    for volunteer_id in added:
        volunteer = wanted[volunteer_id]
        if volunteer.branch_id != locked.branch_id:
            raise ValidationError(
                {"members": _("Bare ressursvenner i lokalforeningen kan være med i gruppen.")}
            )
        if volunteer.status not in MEMBER_STATUSES:
            raise ValidationError(
                {"members": _("Bare godkjente ressursvenner kan være med i en veiledningsgruppe.")}
            )
    if not added and not removed:
        return
    locked.members.add(*added)
    locked.members.remove(*removed)
    record_change(
        locked,
        by=by,
        action="guidance.set_members",
        changes={"members_added": sorted(added), "members_removed": sorted(removed)},
        organisation=locked.branch,
    )


def validate_guidance_session(
    *, starts_at: datetime.datetime, place: str, digital_link: str
) -> None:
    errors: dict[str, str] = {}
    now = timezone.now()
    if starts_at < now - SESSION_PAST_LIMIT:
        errors["starts_at"] = _("Møtet kan ikke ha vært for mer enn ett år siden.")
    elif starts_at > now + SESSION_FUTURE_LIMIT:
        errors["starts_at"] = _("Møtet kan ikke være mer enn to år fram i tid.")
    if not place.strip() and not digital_link.strip():
        errors["place"] = _("Skriv inn et sted eller en lenke til et digitalt møte.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_guidance_session(
    group: GuidanceGroup,
    *,
    by: Any,
    starts_at: datetime.datetime,
    place: str = "",
    digital_link: str = "",
) -> GuidanceSession:
    """Add a meeting to a guidance group.

    Side effects: creates the session and writes the audit trail.
    """
    require(by, MANAGE, group)
    validate_guidance_session(starts_at=starts_at, place=place, digital_link=digital_link)
    session = GuidanceSession.objects.create(
        group=group, starts_at=starts_at, place=place.strip(), digital_link=digital_link.strip()
    )
    record_creation(
        session,
        by=by,
        action="guidance.add_session",
        fields=["group", "starts_at", "place", "digital_link"],
        organisation=group.branch,
    )
    return session


@transaction.atomic
def record_guidance_attendance(
    session: GuidanceSession, *, by: Any, attended: Mapping[int, bool]
) -> int:
    """Record who attended a guidance meeting: volunteer id → attended, for group members.

    Side effects: creates or updates attendance rows and writes the audit trail for each
    change. Refused before the meeting has started and for volunteers not in the group.
    Returns the number of rows changed.
    """
    group = session.group
    require(by, MANAGE, group)
    GuidanceGroup.objects.select_for_update().get(pk=group.pk)
    if session.starts_at > timezone.now():
        raise ValidationError(_("Oppmøte kan registreres når møtet har begynt."))
    members = set(group.members.values_list("pk", flat=True))
    existing = {row.volunteer_id: row for row in session.attendance.select_for_update()}
    if set(attended) - members - set(existing):
        raise ValidationError(_("Bare deltakere i gruppen kan få registrert oppmøte."))
    changed = 0
    for volunteer_id, present in attended.items():
        row = existing.get(volunteer_id)
        before: bool | None = None
        if row is None:
            row = GuidanceAttendance.objects.create(
                session=session, volunteer_id=volunteer_id, attended=present, recorded_by=by
            )
        elif row.attended != present:
            before = row.attended
            row.attended = present
            row.recorded_by = by
            row.save(update_fields=["attended", "recorded_by", "recorded_at"])
        else:
            continue
        changed += 1
        record_change(
            row,
            by=by,
            action="guidance.record_attendance",
            changes={"attended": [before, present], "volunteer_id": [volunteer_id, volunteer_id]},
            organisation=group.branch,
        )
    return changed
