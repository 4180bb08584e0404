"""Screening pipeline benchmark (issue 3): a branch with 20,000 volunteers against one with 10.

Builds `var/bench_pipeline.sqlite3` once: two branches, one group leader each, volunteers in
every status (bulk_create) and checklist facts for half of those in screening. Then requests
the pipeline's tabs as each leader and prints SQL queries and p50/p95 times. The query count
must be the same for both branches.
"""

from __future__ import annotations

import datetime

from common import client_for, measure, prepare, setup_django

setup_django("bench_pipeline.sqlite3")

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from ressursvenn.accounts.models import Membership, Role, User  # noqa: E402
from ressursvenn.organisations.models import Municipality, Organisation  # noqa: E402
from ressursvenn.volunteers.models import (  # noqa: E402
    PoliceCertificate,
    SuitabilityInterview,
    Volunteer,
)

SIZES = {"large": 20_000, "small": 10}
STATUSES = ["applied", "applied", "screening", "screening", "approved", "approved", "approved",
            "paused", "ended", "rejected"]  # fmt: skip


def _volunteers(branch: Organisation, count: int, municipality: Municipality) -> None:
    now = timezone.now()
    today = timezone.localdate()
    rows = Volunteer.objects.bulk_create(
        (
            Volunteer(
                branch=branch,
                status=STATUSES[n % len(STATUSES)],
                full_name=f"Venn {branch.pk}-{n:05d}",
                email=f"venn{branch.pk}-{n}@bench.no",
                date_of_birth=datetime.date(1960 + n % 35, 1 + n % 12, 1 + n % 28),
                self_declared_woman=True,
                municipality=municipality,
                applied_at=now - datetime.timedelta(hours=n),
                course_completed_on=today if n % 4 == 0 else None,
            )
            for n in range(count)
        ),
        batch_size=2_000,
    )
    leader = User.objects.filter(memberships__organisation=branch).get()
    screening = [row for row in rows if row.status == "screening"]
    PoliceCertificate.objects.bulk_create(
        (
            PoliceCertificate(
                volunteer=row,
                kind=PoliceCertificate.Kind.ORDINARY,
                issued_on=today - datetime.timedelta(days=20),
                seen_on=today - datetime.timedelta(days=10),
                seen_by=leader,
                renewal_due_on=today + datetime.timedelta(days=1000),
            )
            for row in screening[::2]
        ),
        batch_size=2_000,
    )
    SuitabilityInterview.objects.bulk_create(
        (
            SuitabilityInterview(
                volunteer=row,
                held_on=today - datetime.timedelta(days=3),
                interviewer=leader,
                outcome=SuitabilityInterview.Outcome.SUITABLE,
            )
            for row in screening[1::2]
        ),
        batch_size=2_000,
    )


@transaction.atomic
def build() -> None:
    municipality = Municipality.objects.get(code="0301")
    for label, count in SIZES.items():
        branch = Organisation.objects.create(
            kind=Organisation.Kind.BRANCH, name=f"Bench {label}", municipality=municipality
        )
        leader = User.objects.create_user(f"leder-{label}@bench.no", full_name=f"Leder {label}")
        Membership.objects.create(user=leader, organisation=branch, role=Role.GROUP_LEADER)
        _volunteers(branch, count, municipality)


def main() -> int:
    prepare(Organisation.objects.filter(name="Bench large").exists, build, "pipeline")
    pages = [
        ("applications", "/frivillige/"),
        ("in screening", "/frivillige/?status=screening"),
        ("approved", "/frivillige/?status=approved"),
        ("screening, page 20", "/frivillige/?status=screening&page=20"),
        ("search by name", "/frivillige/?status=approved&q=00"),
    ]
    print(f"{'pipeline page':24} {'volunteers':>10} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    status = 0
    for label, url in pages:
        counts = []
        for size, total in SIZES.items():
            leader = User.objects.get(email=f"leder-{size}@bench.no")
            if total < 1_000 and "page=20" in url:
                continue
            queries, p50, p95, _cpu = measure(client_for(leader), url)
            counts.append(queries)
            print(f"{label:24} {total:10d} {queries:7d} {p50:8.1f} {p95:8.1f}")
        if len(set(counts)) > 1:
            print(f"  !! query count differs for {label}: {counts}")
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
