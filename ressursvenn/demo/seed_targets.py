"""Demo reporting periods and targets: a grant ("Stiftelsen Dam 2027": 50 women matched …) and
the current calendar year, with national targets and targets for a few branches.

``seed_targets(today, rng)`` is called by ``seed_demo`` (after the organisations and the
national coordinator exist); ``seed_scale_targets(today, rng)`` gives every branch of the
national-scale data set its targets in a few bulk inserts. Both skip a period whose name is
already taken, so running them again adds nothing. Each period and target created writes one
``demo.seed`` audit event (actor: none) in ``seed_targets``; the bulk version writes none,
like the rest of ``seed_scale``.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.lib.audit import record_creation
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.organisations.models import Organisation
from ressursvenn.surveys.models import ReportingPeriod, Target

DAM = "Stiftelsen Dam 2027"
DAM_TARGETS = {"women_matched": 50, "volunteers_approved": 40, "social_events": 24}
# The whole programme in a calendar year (the demo's scale: about a dozen branches).
YEAR_TARGETS = {
    "women_matched": 60,
    "volunteers_approved": 50,
    "referrals_received": 80,
    "matches_nine_months": 30,
    "social_events": 40,
}
BRANCHES_WITH_TARGETS = 3
PERIOD_FIELDS = ("name", "funder", "starts_on", "ends_on")
TARGET_FIELDS = ("period", "metric", "organisation", "value")


def _coordinator() -> Any:
    membership = (
        Membership.objects.filter(role=Role.NATIONAL_COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise ValueError("seed_targets needs a national coordinator (seed the personas first)")
    return membership.user


def _periods(today: datetime.date) -> list[tuple[str, str, datetime.date, datetime.date]]:
    year = today.year
    return [
        (DAM, "Stiftelsen Dam", datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)),
        (str(year), "", datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
    ]


def seed_targets(today: datetime.date, rng: random.Random) -> dict[str, int]:
    """The demo's periods and targets; returns how many periods and targets were created."""
    by = _coordinator()
    branches = list(Organisation.objects.branches().active().order_by("name"))
    chosen = branches[:BRANCHES_WITH_TARGETS]
    counts = {"periods": 0, "targets": 0}
    for name, funder, starts_on, ends_on in _periods(today):
        if ReportingPeriod.objects.filter(name=name).exists():
            continue
        period = ReportingPeriod.objects.create(
            name=name, funder=funder, starts_on=starts_on, ends_on=ends_on, created_by=by
        )
        record_creation(period, by=None, action=AuditAction.DEMO_SEED, fields=PERIOD_FIELDS)
        counts["periods"] += 1
        national = DAM_TARGETS if name == DAM else YEAR_TARGETS
        rows: list[tuple[str, Organisation | None, int]] = [
            (metric, None, value) for metric, value in national.items()
        ]
        for branch in chosen:
            rows.append(("women_matched", branch, rng.randint(4, 10)))
            rows.append(("social_events", branch, rng.randint(3, 8)))
        for metric, organisation, value in rows:
            target = Target.objects.create(
                period=period, metric=metric, organisation=organisation, value=value
            )
            record_creation(
                target,
                by=None,
                action=AuditAction.DEMO_SEED,
                fields=TARGET_FIELDS,
                organisation=organisation,
            )
            counts["targets"] += 1
    return counts


def seed_scale_targets(today: datetime.date, rng: random.Random) -> dict[str, int]:
    """The national data set's periods, with national targets scaled to the number of
    branches and two targets for every branch (bulk inserts, no audit events)."""
    by = _coordinator()
    branch_ids = list(Organisation.objects.branches().order_by("pk").values_list("pk", flat=True))
    scale = max(1, len(branch_ids) // 10)
    counts = {"periods": 0, "targets": 0}
    for name, funder, starts_on, ends_on in _periods(today):
        if ReportingPeriod.objects.filter(name=name).exists():
            continue
        period = ReportingPeriod.objects.create(
            name=name, funder=funder, starts_on=starts_on, ends_on=ends_on, created_by=by
        )
        counts["periods"] += 1
        national = DAM_TARGETS if name == DAM else YEAR_TARGETS
        rows = [
            Target(period=period, metric=metric, value=value * scale)
            for metric, value in national.items()
        ]
        for pk in branch_ids:
            rows.append(
                Target(
                    period=period,
                    metric="women_matched",
                    organisation_id=pk,
                    value=rng.randint(4, 20),
                )
            )
            rows.append(
                Target(
                    period=period,
                    metric="social_events",
                    organisation_id=pk,
                    value=rng.randint(2, 8),
                )
            )
        Target.objects.bulk_create(rows, batch_size=1000)
        counts["targets"] += len(rows)
    return counts
