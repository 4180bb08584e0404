"""Page benchmarks at national scale (DESIGN.md §9) on SQLite: SQL queries and p50/p95 times.

Builds `var/bench.sqlite3` once (650 branches, 43 crisis centres, cooperations, about 2,000
staff users, 20,000 volunteer memberships, 50,000 audit events) and then requests each page
as the role that uses it. The query count must not depend on the number of rows.

Then the pages of the follow-up (issue 9), on two data sets made by `manage.py seed_scale`:
small (`--scale 0.01`: 6 branches, 80 matches, 2,000 activities) and national (8,000 matches,
200,000 activities), each built once in `var/bench_followup_<size>.sqlite3` (delete the file to
rebuild; the national one takes a few minutes). Each data set runs in a process of its own
(`python bench/bench_pages.py followup <size> [postgres-url]`); the parent prints both query
counts side by side, and p50/p95 on the national set. With `BENCH_POSTGRES_URL` set (e.g.
`postgres://postgres@127.0.0.1:5432/bench_followup`, an empty database the benchmark may fill)
the national set is measured on PostgreSQL too. Pages not built yet are reported as such.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from common import ROOT, client_for, count_queries, measure, prepare, setup_django

FOLLOWUP_SIZES = {"small": 0.01, "national": 1.0}
FOLLOWUP = sys.argv[1:2] == ["followup"] and __name__ == "__main__"
SIZE = sys.argv[2] if FOLLOWUP else ""
POSTGRES = sys.argv[3] if FOLLOWUP and len(sys.argv) > 3 else ""
setup_django(f"bench_followup_{SIZE}.sqlite3" if FOLLOWUP else "bench.sqlite3", url=POSTGRES)

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


def followup_users() -> dict[str, Any]:
    """Who requests the follow-up pages: the volunteer of the active match with the most
    activities (and her group leader), the leader of the branch with the most active matches,
    and the crisis-centre contact of that branch."""
    from django.db.models import Count

    from ressursvenn.followup.models import Activity
    from ressursvenn.matching.models import Match

    heavy = (
        Activity.objects.filter(match__status=Match.Status.ACTIVE)
        .values("match")
        .annotate(n=Count("pk"))
        .order_by("-n", "match")
        .first()
    )
    assert heavy is not None, "no activities: is this a seed_scale data set?"
    match = Match.objects.select_related("volunteer__user", "referral").get(pk=heavy["match"])
    busiest = (
        Match.objects.filter(status=Match.Status.ACTIVE)
        .values("branch")
        .annotate(n=Count("pk"))
        .order_by("-n", "branch")
        .first()
    )
    assert busiest is not None

    def member(organisation: Any, role: str) -> User:
        user = (
            User.objects.filter(memberships__organisation=organisation, memberships__role=role)
            .order_by("pk")
            .first()
        )
        assert user is not None, (organisation, role)
        return user

    return {
        "match": match,
        "activities": heavy["n"],
        "volunteer": match.volunteer.user,
        "match_leader": member(match.branch_id, Role.GROUP_LEADER),
        "leader": member(busiest["branch"], Role.GROUP_LEADER),
        "centre": member(match.referral.centre_id, Role.CRISIS_STAFF),
    }


def followup_pages(users: dict[str, Any]) -> list[tuple[str, Any, str, tuple[Any, ...]]]:
    """(label, user, URL name, args) of the follow-up pages."""
    match = users["match"].pk
    leader, volunteer = users["leader"], users["volunteer"]
    return [
        ("group leader start page", leader, "home", ()),
        ("task list (leader)", leader, "followup:tasks", ()),
        ("volunteer start page", volunteer, "home", ()),
        ("task list (volunteer)", volunteer, "followup:tasks", ()),
        ("match page, many activities", users["match_leader"], "matching:match_detail", (match,)),
        ("match page (volunteer)", volunteer, "matching:match_detail", (match,)),
        ("activity log", users["match_leader"], "followup:activities", (match,)),
        ("due check-ins", leader, "followup:checkins_due", ()),
        ("concerns list (leader)", leader, "followup:concerns", ()),
        ("concerns list (centre)", users["centre"], "followup:concerns", ()),
        ("events list (leader)", leader, "followup:events", ()),
        ("events list (volunteer)", volunteer, "followup:events", ()),
    ]


def followup_child(size: str) -> None:
    """Build (once) and measure one follow-up data set; print its rows as JSON."""
    from django.core.management import call_command
    from django.urls import NoReverseMatch, reverse

    def build() -> None:
        call_command("seed_scale", scale=FOLLOWUP_SIZES[size], force=True, stdout=io.StringIO())

    prepare(
        Organisation.objects.exists, build, f"follow-up {size}{' (PostgreSQL)' if POSTGRES else ''}"
    )
    users = followup_users()
    rows = []
    for label, user, name, args in followup_pages(users):
        row: dict[str, Any] = {"page": label}
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            row["missing"] = "not built yet"
            rows.append(row)
            continue
        client = client_for(user)
        status = client.get(url).status_code
        if status != 200:
            row["missing"] = f"HTTP {status}"
            rows.append(row)
            continue
        if size == "national":
            row["queries"], row["p50"], row["p95"], row["cpu"] = measure(client, url)
        else:
            row["queries"] = count_queries(client, url)
        rows.append(row)
    print(json.dumps({"activities": users["activities"], "rows": rows}))


def followup_report() -> list[str]:
    """Run the small and the national data set (and PostgreSQL if asked), side by side.

    Returns the pages whose query count grows with the data (or that failed to run)."""
    problems: list[str] = []
    runs = [(size, "") for size in FOLLOWUP_SIZES]
    postgres = os.environ.get("BENCH_POSTGRES_URL", "")
    if postgres:
        runs.append(("national", postgres))
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for size, url in runs:
        command = [sys.executable, str(Path(__file__).resolve()), "followup", size]
        done = subprocess.run(  # noqa: S603 - this very script
            [*command, url] if url else command,
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
        )
        lines = done.stdout.strip().splitlines()
        for line in lines[:-1]:
            print(line)  # "built the … data set in … s"
        if done.returncode != 0 or not lines:
            print(f"follow-up {size}{' (PostgreSQL)' if url else ''} failed:\n{done.stderr}")
            problems.append(f"follow-up {size} run failed")
            continue
        results[(size, url)] = json.loads(lines[-1])
    small, national = results.get(("small", ""), {}), results.get(("national", ""), {})
    postgres_rows = {r["page"]: r for r in results.get(("national", postgres), {}).get("rows", [])}
    print(
        "\nfollow-up pages on seed_scale data, small (--scale 0.01) and national; the match "
        f"pages show a match with {small.get('activities', '?')} and "
        f"{national.get('activities', '?')} activities"
    )
    header = f"{'page':30} {'q small':>7} {'q nat.':>7} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>7}"
    if postgres:
        header += f" {'pg p50':>8} {'pg p95':>8}"
    print(header)
    small_rows = {r["page"]: r for r in small.get("rows", [])}
    for row in national.get("rows", []):
        label = row["page"]
        if "missing" in row:
            print(f"{label:30} {row['missing']}")
            problems.append(f"{label}: {row['missing']}")
            continue
        few = small_rows.get(label, {}).get("queries", "?")
        flag = "" if few == row["queries"] else "  <- grows with the rows"
        if flag:
            problems.append(f"{label}: {few} queries small, {row['queries']} national")
        line = (
            f"{label:30} {few!s:>7} {row['queries']:7d} {row['p50']:8.1f} {row['p95']:8.1f} "
            f"{row['cpu']:7.1f}"
        )
        pg = postgres_rows.get(label)
        if pg and "p50" in pg:
            line += f" {pg['p50']:8.1f} {pg['p95']:8.1f}"
        print(line + flag)
    return problems


def main() -> int:
    """Exit status 1 when a page's query count grows with the data (or a page failed)."""
    if FOLLOWUP:
        followup_child(SIZE)
        return 0
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
    problems = followup_report()
    for problem in problems:
        print(f"PROBLEM {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
