"""Page benchmarks at national scale (DESIGN.md §9) on SQLite: SQL queries and p50/p95 times.

Builds `var/bench.sqlite3` once (650 branches, 43 crisis centres, cooperations, about 2,000
staff users, 20,000 volunteer memberships, 50,000 audit events) and then requests each page
as the role that uses it. The query count must not depend on the number of rows.
"""

from __future__ import annotations

from common import client_for, measure, prepare, setup_django

setup_django("bench.sqlite3")

from django.db import transaction  # noqa: E402

from ressursvenn.accounts.models import Membership, Role, User  # noqa: E402
from ressursvenn.lib.models import AuditEvent  # noqa: E402
from ressursvenn.organisations.models import (  # noqa: E402
    Cooperation,
    Municipality,
    Organisation,
)

BRANCHES, CENTRES, VOLUNTEERS, EVENTS = 650, 43, 20_000, 50_000


@transaction.atomic
def build() -> None:
    municipalities = list(Municipality.objects.order_by("code"))
    national = Organisation.objects.create(kind=Organisation.Kind.NATIONAL, name="N.K.S. sentralt")
    branches = Organisation.objects.bulk_create(
        Organisation(
            kind=Organisation.Kind.BRANCH,
            name=f"Sanitetsforening {n:03d}",
            municipality=municipalities[n % len(municipalities)],
        )
        for n in range(BRANCHES)
    )
    through = Organisation.municipalities.through
    through.objects.bulk_create(
        through(organisation_id=b.pk, municipality_id=municipalities[n % len(municipalities)].pk)
        for n, b in enumerate(branches)
    )
    centres = Organisation.objects.bulk_create(
        Organisation(
            kind=Organisation.Kind.CRISIS_CENTRE,
            name=f"Krisesenter {n:02d}",
            municipality=municipalities[(n * 7) % len(municipalities)],
        )
        for n in range(CENTRES)
    )
    Cooperation.objects.bulk_create(
        Cooperation(branch=b, crisis_centre=centres[n % CENTRES], started_on="2025-01-01")
        for n, b in enumerate(branches)
    )
    password = "!unusable"  # noqa: S105 - no login for bulk users
    staff = User.objects.bulk_create(
        User(email=f"stab{n}@bench.no", full_name=f"Stab {n}", password=password)
        for n in range(BRANCHES * 3)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=branches[n % BRANCHES], role=Role.GROUP_LEADER)
        for n, u in enumerate(staff)
    )
    volunteers = User.objects.bulk_create(
        User(email=f"venn{n}@bench.no", full_name=f"Venn {n}", password=password)
        for n in range(VOLUNTEERS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=branches[n % BRANCHES], role=Role.VOLUNTEER)
        for n, u in enumerate(volunteers)
    )
    coordinator = User.objects.create_user(
        "koordinator@bench.no", "bench-passord-123", full_name="Koordinator"
    )
    Membership.objects.create(
        user=coordinator, organisation=national, role=Role.NATIONAL_COORDINATOR
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=staff[n % len(staff)],
            organisation=branches[n % BRANCHES],
            action="user.update_profile",
            object_type="accounts.user",
            object_id=str(volunteers[n % VOLUNTEERS].pk),
            changes={"full_name": ["•••", "•••"]},
        )
        for n in range(EVENTS)
    )


def main() -> None:
    prepare(Organisation.objects.exists, build, "national-scale")
    coordinator = User.objects.get(email="koordinator@bench.no")
    leader = User.objects.filter(memberships__role=Role.GROUP_LEADER).first()
    assert leader is not None
    pages = [
        ("national start page", coordinator, "/"),
        ("group leader start page", leader, "/"),
        ("organisations list", coordinator, "/organisasjoner/"),
        ("organisations list, page 10", coordinator, "/organisasjoner/?page=10"),
        ("staff list", coordinator, "/brukere/"),
        ("audit log", coordinator, "/rapporter/revisjon/"),
        ("access log", coordinator, "/rapporter/revisjon/?logg=innsyn"),
    ]
    print(f"{'page':32} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for label, user, url in pages:
        queries, p50, p95, _cpu = measure(client_for(user), url)
        print(f"{label:32} {queries:7d} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
