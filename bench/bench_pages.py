"""Page benchmarks (DESIGN.md §9, issue 10 item 7): every page a role uses daily, on the small and
the national data set, on SQLite and on PostgreSQL.

One data source: `manage.py seed_scale --stress --logins 40` (bench/common.py `SEED_OPTIONS`) at
`--scale 0.01` (small) and `--scale 1` (national: 650 branches, 20,000 volunteers, 10,000
referrals, 8,000 matches, 200,000 activities; with the stress cases one branch with 20,000
more volunteers and 500 women waiting, about 2,000 staff users, 50,000 audit and 50,000 access
events). Each data set is built once per database (`var/bench_<size>.sqlite3` and the
PostgreSQL databases `bench_small` / `bench_national`) and reused while its marker (a digest of
the migrations and the seed code, bench/common.py `dataset_version`) is current.

Each (database, size) runs in a process of its own (`python bench/bench_pages.py child
<sqlite|postgres> <size> [server-url]`) and prints its rows as JSON; the parent prints one table:
page | role | queries small | queries national | SQLite p50/p95 | PostgreSQL p50/p95 (national),
marks pages over 100 ms p95, and exits 1 when a page's query count grows with the data on either
database, or a page or a run fails. BENCH_PAGES=word,word measures only the pages whose label
contains one of the words (e.g. BENCH_PAGES=dashboard). PostgreSQL: BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432, "off" to skip); skipped, and said so, when it does not answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    ROOT,
    SIZES,
    client_for,
    count_queries,
    database_url,
    ensure_dataset,
    postgres_server,
    setup_django,
    timed,
)

TARGET_MS = 100.0
# Pages with a target of their own (issue 11: the national dashboard for a year).
PAGE_TARGETS_MS = {"programme dashboard, national year": 300.0}
ENGINES = ("sqlite", "postgres")
# BENCH_PAGES=dashboard,targets measures only the pages whose label contains one of the words.
PAGE_FILTER = tuple(
    word.strip().lower() for word in os.environ.get("BENCH_PAGES", "").split(",") if word.strip()
)


def target_ms(page: str) -> float:
    return PAGE_TARGETS_MS.get(page, TARGET_MS)


def wanted(page: str) -> bool:
    return not PAGE_FILTER or any(word in page.lower() for word in PAGE_FILTER)


# --- child: one database, one size -------------------------------------------------------------


def _first(queryset: Any) -> Any:
    row = queryset.first()
    assert row is not None, f"no row for {queryset.query}"
    return row


def subjects() -> dict[str, Any]:
    """The users and rows the pages are requested for, chosen the same way on every data set:
    the busiest rows of their kind, so the national set shows each page at its heaviest."""
    from django.db.models import Count

    from ressursvenn.accounts.models import Role, User
    from ressursvenn.demo.management.commands.seed_scale import STRESS_BRANCH
    from ressursvenn.followup.models import Activity, Concern, SocialEvent
    from ressursvenn.matching.models import Match
    from ressursvenn.organisations.models import Organisation
    from ressursvenn.participants.models import Referral
    from ressursvenn.volunteers.models import Course, Volunteer

    def member(organisation: Any, role: str) -> User:
        return _first(
            User.objects.filter(
                memberships__organisation=organisation, memberships__role=role
            ).order_by("pk")
        )

    heavy = _first(
        Activity.objects.filter(match__status=Match.Status.ACTIVE)
        .values("match")
        .annotate(n=Count("pk"))
        .order_by("-n", "match")
    )
    match = Match.objects.select_related("volunteer__user", "referral").get(pk=heavy["match"])
    busiest = _first(
        Match.objects.filter(status=Match.Status.ACTIVE)
        .values("branch")
        .annotate(n=Count("pk"))
        .order_by("-n", "branch")
    )["branch"]
    stress = Organisation.objects.get(name=STRESS_BRANCH)
    centre = match.referral.centre_id
    concern = _first(
        Concern.objects.filter(match__status=Match.Status.ACTIVE)
        .select_related("match")
        .order_by("pk")
    )
    waiting = Referral.objects.waiting()
    return {
        "match": match,
        "activities": heavy["n"],
        "coordinator": _first(
            User.objects.filter(memberships__role=Role.NATIONAL_COORDINATOR).order_by("pk")
        ),
        "leader": member(busiest, Role.GROUP_LEADER),
        "match_leader": member(match.branch_id, Role.GROUP_LEADER),
        "stress_leader": member(stress, Role.GROUP_LEADER),
        "volunteer": match.volunteer.user,
        "centre": member(centre, Role.CRISIS_STAFF),
        "branch": busiest,
        "woman": _first(waiting.filter(branch_id=busiest).order_by("pk")).pk,
        "stress_woman": _first(waiting.filter(branch=stress).order_by("pk")).pk,
        "volunteer_row": _first(Volunteer.objects.filter(branch_id=busiest).order_by("pk")).pk,
        "stress_volunteer": _first(Volunteer.objects.filter(branch=stress).order_by("pk")).pk,
        "course": _first(Course.objects.filter(branch_id=busiest).order_by("pk")).pk,
        "event": _first(SocialEvent.objects.filter(branch_id=match.branch_id).order_by("pk")).pk,
        "concern": concern.pk,
        "concern_leader": member(concern.match.branch_id, Role.GROUP_LEADER),
        "referral": _first(Referral.objects.filter(centre_id=centre).order_by("pk")).pk,
    }


def pages(s: dict[str, Any]) -> list[tuple[str, str, str, str, tuple[Any, ...]]]:
    """(page, role, subject key of the user, URL name, args): what each role opens daily."""
    m = s["match"].pk
    import datetime

    year = datetime.date.today().year - 1  # the last whole calendar year: a year of data
    dates = f"starts_on={year}-01-01&ends_on={year}-12-31"
    return [
        ("start page", "national", "coordinator", "home", ()),
        ("organisations list", "national", "coordinator", "organisations:list", ()),
        ("organisations list, page 10", "national", "coordinator",
         "organisations:list?page=10", ()),
        ("organisation page (branch)", "national", "coordinator", "organisations:detail",
         (s["branch"],)),
        ("staff list (~2,000 staff)", "national", "coordinator", "accounts:staff_list", ()),
        ("staff member page", "national", "coordinator", "accounts:staff_detail",
         (s["leader"].pk,)),
        ("audit log (50,000 events)", "national", "coordinator", "reports:audit", ()),
        ("access log (50,000 events)", "national", "coordinator", "reports:audit?logg=innsyn", ()),
        ("start page", "leader", "leader", "home", ()),
        ("task list", "leader", "leader", "followup:tasks", ()),
        ("waiting list", "leader", "leader", "matching:waiting_list", ()),
        ("candidates (average branch)", "leader", "leader", "matching:candidates", (s["woman"],)),
        ("waiting list (500 women)", "leader", "stress_leader", "matching:waiting_list", ()),
        ("candidates (20,000 volunteers)", "leader", "stress_leader", "matching:candidates",
         (s["stress_woman"],)),
        ("waiting list (500), page 5", "leader", "stress_leader", "matching:waiting_list?page=5",
         ()),
        ("volunteer list (20,000)", "leader", "stress_leader", "volunteers:pipeline", ()),
        ("volunteers approved (20,000)", "leader", "stress_leader",
         "volunteers:pipeline?status=approved", ()),
        ("volunteers approved, page 20", "leader", "stress_leader",
         "volunteers:pipeline?status=approved&page=20", ()),
        ("volunteer search by name", "leader", "stress_leader",
         "volunteers:pipeline?status=approved&q=00", ()),
        ("volunteer page (checklist)", "leader", "stress_leader", "volunteers:detail",
         (s["stress_volunteer"],)),
        ("volunteer list", "leader", "leader", "volunteers:pipeline", ()),
        ("volunteers in screening", "leader", "leader", "volunteers:pipeline?status=screening",
         ()),
        ("volunteer page", "leader", "leader", "volunteers:detail", (s["volunteer_row"],)),
        ("matches list", "leader", "leader", "matching:matches", ()),
        ("match page, many activities", "leader", "match_leader", "matching:match_detail", (m,)),
        ("activity log", "leader", "match_leader", "followup:activities", (m,)),
        ("referral list", "leader", "leader", "participants:list", ()),
        ("courses", "leader", "leader", "volunteers:courses", ()),
        ("course page", "leader", "leader", "volunteers:course_detail", (s["course"],)),
        ("guidance groups", "leader", "leader", "volunteers:guidance_groups", ()),
        ("due check-ins", "leader", "leader", "followup:checkins_due", ()),
        ("concerns list", "leader", "leader", "followup:concerns", ()),
        ("concern page", "leader", "concern_leader", "followup:concern_detail", (s["concern"],)),
        ("events list", "leader", "leader", "followup:events", ()),
        ("event page", "leader", "match_leader", "followup:event_detail", (s["event"],)),
        ("start page", "volunteer", "volunteer", "home", ()),
        ("my page", "volunteer", "volunteer", "volunteers:mine", ()),
        ("my profile", "volunteer", "volunteer", "volunteers:my_profile", ()),
        ("task list", "volunteer", "volunteer", "followup:tasks", ()),
        ("match page", "volunteer", "volunteer", "matching:match_detail", (m,)),
        ("activity log", "volunteer", "volunteer", "followup:activities", (m,)),
        ("new activity form", "volunteer", "volunteer", "followup:activity_new", (m,)),
        ("events list", "volunteer", "volunteer", "followup:events", ()),
        ("event page", "volunteer", "volunteer", "followup:event_detail", (s["event"],)),
        ("start page", "centre", "centre", "home", ()),
        ("referral list", "centre", "centre", "participants:list", ()),
        ("referral page", "centre", "centre", "participants:detail", (s["referral"],)),
        ("new referral form", "centre", "centre", "participants:create", ()),
        ("match page", "centre", "centre", "matching:match_detail", (m,)),
        ("concerns list", "centre", "centre", "followup:concerns", ()),
        ("my account", "leader", "leader", "accounts:profile", ()),
        ("programme dashboard, national year", "national", "coordinator",
         f"reports:dashboard?{dates}", ()),
        ("programme dashboard, a branch", "national", "coordinator",
         f"reports:dashboard?{dates}&area=lokalforening-{s['branch']}", ()),
        ("programme dashboard, her branch", "leader", "leader", f"reports:dashboard?{dates}", ()),
        ("targets (reporting periods)", "national", "coordinator", "surveys:targets", ()),
        ("om tallene (definitions)", "leader", "leader", "reports:about_figures", ()),
        # Requests for access (innsyn): the woman and the volunteer of the busiest match.
        ("privacy page (woman, busiest match)", "centre", "centre", "privacy:woman",
         (s["match"].referral_id,)),
        ("who viewed (woman, busiest match)", "centre", "centre", "privacy:woman_views",
         (s["match"].referral_id,)),
        ("privacy page (volunteer, busiest match)", "leader", "match_leader", "privacy:volunteer",
         (s["match"].volunteer_id,)),
        ("access review (last 30 days)", "national", "coordinator", "reports:access_review", ()),
    ]  # fmt: skip


def child(engine: str, size: str, server: str) -> None:
    """Build (once) and measure one data set; print "built …" lines, then the rows as JSON."""
    url = database_url(engine, size, server)
    setup_django(f"bench_{size}.sqlite3", url=url)
    from django.urls import reverse

    built = ensure_dataset(size)
    if built:
        print(f"built the {size} data set on {engine} in {built:.0f} s", flush=True)
    s = subjects()
    rows = []
    for label, role, who, name, args in pages(s):
        if not wanted(label):
            continue
        name, _, query = name.partition("?")
        path = reverse(name, args=args) + (f"?{query}" if query else "")
        row: dict[str, Any] = {"page": label, "role": role}
        client = client_for(s[who])
        status = client.get(path).status_code
        if status != 200:
            row["error"] = f"HTTP {status} for {path}"
        else:
            row["queries"] = count_queries(client, path)
            if size == "national":
                row["p50"], row["p95"], row["cpu"] = timed(
                    lambda client=client, path=path: client.get(path)  # type: ignore[misc]
                )
        rows.append(row)
    print(json.dumps({"activities": s["activities"], "rows": rows}))


# --- parent: every run, one table -------------------------------------------------------------


def run_child(engine: str, size: str, server: str) -> dict[str, Any] | None:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - this very script
        [sys.executable, str(Path(__file__).resolve()), "child", engine, size, server],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line, flush=True)
    if done.returncode != 0 or not lines:
        print(f"{engine} {size} failed:\n{done.stdout}\n{done.stderr}", flush=True)
        return None
    print(f"measured {size} on {engine} in {time.perf_counter() - started:.0f} s", flush=True)
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _timing(row: dict[str, Any] | None) -> str:
    if row is None or "p95" not in row:
        return f"{'-':>13}"
    flag = "*" if row["p95"] > target_ms(row["page"]) else " "
    return f"{row['p50']:6.1f}/{row['p95']:5.1f}{flag}"


def report(results: dict[tuple[str, str], dict[str, Any]], engines: list[str]) -> list[str]:
    """Print the table; return the problems (query counts that grow, pages that failed)."""
    problems: list[str] = []
    by_run = {
        key: {(r["page"], r["role"]): r for r in value["rows"]} for key, value in results.items()
    }
    reference = results.get(("sqlite", "national")) or next(iter(results.values()))
    activities = {key: value["activities"] for key, value in results.items()}
    print(
        "\nPages on seed_scale data (small: --scale 0.01, national: --scale 1, both --stress); "
        "the match pages show a match with "
        f"{activities.get(('sqlite', 'small'), '?')} / "
        f"{activities.get(('sqlite', 'national'), '?')} activities. Queries small/national "
        "per database; p50/p95 ms (wall clock) on the national set; "
        f"* = p95 over {TARGET_MS:.0f} ms (the national dashboard: 300 ms); sqlite cpu = "
        "median CPU ms of the request in the benchmark process (SQLite runs in it: the better "
        "estimate on a busy machine)."
    )
    header = f"{'page':32} {'role':9} {'q small':>7} {'q nat':>6} {'sqlite p50/p95':>14}"
    header += f" {'pg q small':>10} {'pg q nat':>8} {'pg p50/p95':>14} {'sqlite cpu':>10}"
    print(header)
    print("-" * len(header))
    for row in reference["rows"]:
        key = (row["page"], row["role"])
        cells = []
        for engine, widths in (("sqlite", (7, 6)), ("postgres", (10, 8))):
            if engine not in engines:
                cells.append(f"{'skipped':>{widths[0]}} {'':>{widths[1]}} {'':>14}")
                continue
            small = by_run.get((engine, "small"), {}).get(key)
            national = by_run.get((engine, "national"), {}).get(key)
            for found in (small, national):
                if found is not None and "error" in found:
                    problems.append(f"{engine}: {key[0]} ({key[1]}): {found['error']}")
            q_small = small.get("queries", "ERR") if small else "?"
            q_nat = national.get("queries", "ERR") if national else "?"
            mark = ""
            if not (isinstance(q_small, int) and isinstance(q_nat, int)) or q_nat > q_small:
                mark = "!"
                problems.append(f"{engine}: {key[0]} ({key[1]}): {q_small} queries small, {q_nat}")
            elif q_nat < q_small:
                mark = "~"
            q_nat_text = f"{q_nat}{mark}"
            cells.append(
                f"{q_small!s:>{widths[0]}} {q_nat_text:>{widths[1]}} {_timing(national):>14}"
            )
        cpu = by_run.get(("sqlite", "national"), {}).get(key, {}).get("cpu")
        cells.append(f"{cpu:10.1f}" if cpu is not None else f"{'-':>10}")
        print(f"{key[0]:32} {key[1]:9} " + " ".join(cells))
    slow = [
        f"{engine} {r['page']} ({r['role']}) {r['p95']:.0f} ms"
        for engine in engines
        for r in results.get((engine, "national"), {}).get("rows", [])
        if r.get("p95", 0) > target_ms(r["page"])
    ]
    print(
        f"\npages over their target ({TARGET_MS:.0f} ms p95 unless said): "
        + ("; ".join(slow) if slow else "none")
    )
    print(
        "(! = the query count grows with the data: the benchmark exits 1; ~ = fewer queries on "
        "the national set, where the chosen row has less to show)"
    )
    return problems


def _load() -> str:
    """The load average (1, 5, 15 minutes): other work on the machine slows every figure."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg()) + f" on {os.cpu_count()} cores"


def main() -> int:
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
        return 0
    started = time.perf_counter()
    print(f"load average at the start: {_load()}", flush=True)
    server, why = postgres_server()
    engines = ["sqlite"]
    if server:
        engines.append("postgres")
    else:
        print(f"PostgreSQL SKIPPED: {why}. Only SQLite is measured.", flush=True)
    results: dict[tuple[str, str], dict[str, Any]] = {}
    problems: list[str] = []
    for engine in engines:
        for size in SIZES:
            result = run_child(engine, size, server if engine == "postgres" else "")
            if result is None:
                problems.append(f"{engine} {size}: the run failed")
            else:
                results[(engine, size)] = result
    if results:
        problems += report(results, engines)
    if not server:
        print(f"\nPostgreSQL SKIPPED: {why}.")
    for problem in problems:
        print(f"PROBLEM {problem}")
    print(f"load average at the end: {_load()}")
    print(f"bench_pages: {time.perf_counter() - started:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
