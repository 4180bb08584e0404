"""Demo access log: who looked at whose record over the last months, as the pages write it.

``seed_access_log(today, rng)`` is called by ``seed_demo`` once the referrals and volunteers
exist. The crisis-centre staff open their own referrals on working days, the group leaders
their branch's referrals and volunteers; a few views are out of the ordinary so the
coordinator's access review (``/rapporter/tilgangslogg/``) has something to show: a group leader
reading volunteer records late at night, and a former group leader (her role ended three
weeks ago) opening three referrals of that branch. The woman's "who has seen my record" page
shows the same rows.

``scale_access_log(today, rng, count)`` spreads seed_scale's access events over a year of
working days and hours (with a few at night), in one UPDATE per database.

Rows are inserted with ``bulk_create`` and their time set afterwards: ``AccessEvent.at`` is
``auto_now_add`` (the pages never choose it), and the log is append-only through ``save()``.
"""

from __future__ import annotations

import datetime
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.lib.audit import record_change, record_creation
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.models import Volunteer

OSLO = ZoneInfo("Europe/Oslo")
DAYS_BACK = 120
REFERRAL = "participants.referral"
VOLUNTEER = "volunteers.volunteer"
NIGHT_VIEWER = "gruppeleder.narvik@demo.ressursvenn.no"
NIGHT_VIEWS = 4
FORMER_BRANCH = "Stavanger Sanitetsforening"
FORMER_LEADER_EMAIL = "tidligere.gruppeleder.stavanger@demo.ressursvenn.no"
FORMER_LEADER_NAME = "Tone Tidligere"
MEMBERSHIPS_SINCE = datetime.datetime(2024, 1, 8, 9, 0)


def _working_moment(rng: random.Random, today: datetime.date, not_before: datetime.date) -> Any:
    """A weekday between `not_before` and yesterday (never later today than the seed runs),
    between 08:00 and 16:00 Oslo time."""
    span = max((today - not_before).days, 1)
    for _attempt in range(10):
        day = today - datetime.timedelta(days=1 + rng.randrange(span))
        if day.weekday() < 5:
            break
    hour, minute = rng.randrange(8, 16), rng.randrange(60)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=OSLO)


def _members(role: str) -> dict[int, list[int]]:
    """Organisation id → the user ids of its active members in `role`."""
    found: dict[int, list[int]] = {}
    rows = Membership.objects.filter(role=role, is_active=True, user__is_active=True)
    for org_id, user_id in rows.order_by("organisation_id", "user_id").values_list(
        "organisation_id", "user_id"
    ):
        found.setdefault(org_id, []).append(user_id)
    return found


def _former_leader(today: datetime.date) -> tuple[int, int] | None:
    """A group leader of the Stavanger branch whose role ended three weeks ago (the audit
    trail says so); returns (user id, branch id)."""
    branch = Organisation.objects.filter(name=FORMER_BRANCH).first()
    if branch is None:
        return None
    user = User(email=FORMER_LEADER_EMAIL, full_name=FORMER_LEADER_NAME)
    user.set_unusable_password()
    user.save()
    record_creation(user, by=None, action=AuditAction.DEMO_SEED, fields=("email", "full_name"))
    membership = Membership.objects.create(
        user=user, organisation=branch, role=Role.GROUP_LEADER, is_active=False
    )
    record_creation(
        membership,
        by=None,
        action=AuditAction.DEMO_SEED,
        fields=("user", "organisation", "role"),
        organisation=branch,
    )
    ended = datetime.datetime.combine(
        today - datetime.timedelta(days=21), datetime.time(14, 0), tzinfo=OSLO
    )
    event = record_change(
        membership, by=None, action=AuditAction.MEMBERSHIP_END, organisation=branch
    )
    AuditEvent.objects.filter(pk=event.pk).update(at=ended)
    return user.pk, branch.pk


def seed_access_log(today: datetime.date, rng: random.Random) -> dict[str, int]:
    staff = _members(Role.CRISIS_STAFF)
    leaders = _members(Role.GROUP_LEADER)
    earliest = today - datetime.timedelta(days=DAYS_BACK)
    # The roles were given long before the months the log covers (the review checks that a
    # view falls inside a role the viewer held).
    Membership.objects.update(created_at=timezone.make_aware(MEMBERSHIPS_SINCE))
    planned: list[tuple[AccessEvent, datetime.datetime]] = []

    def view(user_id: int, role: str, org_id: int, kind: str, pk: int, at: Any) -> None:
        event = AccessEvent(
            user_id=user_id, role=role, organisation_id=org_id, object_type=kind, object_id=str(pk)
        )
        planned.append((event, at))

    referrals = Referral.objects.exclude(status=Referral.Status.DRAFT).order_by("pk")
    for referral in referrals.only("pk", "centre_id", "branch_id", "submitted_at"):
        submitted = referral.submitted_at.date() if referral.submitted_at else earliest
        since = max(submitted, earliest)
        for user_id in staff.get(referral.centre_id, [])[:2]:
            for _n in range(rng.randint(1, 3)):
                at = _working_moment(rng, today, since)
                view(user_id, Role.CRISIS_STAFF, referral.centre_id, REFERRAL, referral.pk, at)
        for user_id in leaders.get(referral.branch_id, [])[:2]:
            for _n in range(rng.randint(1, 4)):
                at = _working_moment(rng, today, since)
                view(user_id, Role.GROUP_LEADER, referral.branch_id, REFERRAL, referral.pk, at)
    volunteers = Volunteer.objects.order_by("pk").only("pk", "branch_id")
    for volunteer in volunteers:
        for user_id in leaders.get(volunteer.branch_id, [])[:1]:
            for _n in range(rng.randint(0, 2)):
                at = _working_moment(rng, today, earliest)
                view(user_id, Role.GROUP_LEADER, volunteer.branch_id, VOLUNTEER, volunteer.pk, at)

    # Out of the ordinary: the Narvik leader reads her volunteers' records near midnight.
    night = (
        Membership.objects.filter(user__email=NIGHT_VIEWER, role=Role.GROUP_LEADER, is_active=True)
        .values_list("user_id", "organisation_id")
        .first()
    )
    if night is not None:
        user_id, org_id = night
        day = today - datetime.timedelta(days=9)
        ids = list(
            Volunteer.objects.filter(branch_id=org_id).order_by("pk").values_list("pk", flat=True)
        )
        for n, pk in enumerate(ids[:NIGHT_VIEWS]):
            at = datetime.datetime.combine(day, datetime.time(23, 12 + 7 * n), tzinfo=OSLO)
            view(user_id, Role.GROUP_LEADER, org_id, VOLUNTEER, pk, at)

    # Out of the ordinary, too: a leader whose role in Stavanger ended still opened three
    # referrals there (the review's "outside her organisations").
    former = _former_leader(today)
    if former is not None:
        user_id, org_id = former
        day = today - datetime.timedelta(days=6)
        theirs = Referral.objects.filter(branch_id=org_id).exclude(status=Referral.Status.DRAFT)
        for n, pk in enumerate(theirs.order_by("pk").values_list("pk", flat=True)[:3]):
            at = datetime.datetime.combine(day, datetime.time(10, 4 + 9 * n), tzinfo=OSLO)
            view(user_id, Role.GROUP_LEADER, org_id, REFERRAL, pk, at)

    # The user, her membership and its end (demo.seed, demo.seed, membership.end).
    audit_events = 3 if former is not None else 0
    if not planned:
        return {"access events": 0, "audit events": audit_events}
    # SQLite and PostgreSQL both give the new ids back from a bulk insert.
    AccessEvent.objects.bulk_create([event for event, _at in planned])
    moments = {event.pk: at for event, at in planned}
    pks = list(moments)
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        AccessEvent.objects.filter(pk__in=chunk).update(
            at=Case(
                *[When(pk=pk, then=Value(moments[pk])) for pk in chunk],
                output_field=DateTimeField(),
            )
        )
    return {"access events": len(planned), "audit events": audit_events}


def scale_access_log(today: datetime.date) -> None:
    """Spread every access event over the past year: working hours on most rows, about one in
    fifty between 22:00 and 06:00. Deterministic (from the row's id), one UPDATE."""
    end = datetime.datetime.combine(today, datetime.time(16, 0), tzinfo=OSLO)
    table = AccessEvent._meta.db_table
    # Days back: id mod 365; hour: 08–15 from the id, or 23:00 for one row in fifty.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET at = %s"  # noqa: S608 - a model's own table name
                " - (id %% 365) * interval '1 day'"
                " - CASE WHEN id %% 50 = 0 THEN interval '-7 hours'"
                " ELSE ((id * 7) %% 8) * interval '1 hour' END"
                " - ((id * 13) %% 60) * interval '1 minute'",
                [end],
            )
        else:
            base = end.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
            cursor.execute(
                f"UPDATE {table} SET at = strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s,"  # noqa: S608
                " '-' || (id %% 365) || ' days',"
                " CASE WHEN id %% 50 = 0 THEN '+7 hours'"
                " ELSE '-' || ((id * 7) %% 8) || ' hours' END,"
                " '-' || ((id * 13) %% 60) || ' minutes')",
                [base],
            )
