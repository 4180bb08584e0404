"""Matching benchmark (DESIGN.md §9): the parts of the candidate page, on the national data set.

The data is the page benchmark's national SQLite set (`seed_scale --scale 1 --stress`, bench/
common.py; built once in `var/bench_national.sqlite3` and reused): its stress branch holds
20,000 approved, cleared volunteers and 500 women waiting. Timed here: reading the branch's
volunteer profiles (the adapter), uncached and as the candidate page reads them
(`adapter.volunteer_pool`: from the per-process cache while the branch's version is unchanged,
plus the open matches), building the numpy pool on a cache miss, and `engine.rank` for one woman
over the profile list (the Python loop) and over the pool (numpy; target <= 50 ms); the pages
themselves (candidate page, waiting list) are in bench_pages.py.

Run as ``python bench/bench_matching.py``.
"""

from __future__ import annotations

from common import database_url, ensure_dataset, setup_django, timed

setup_django("bench_national.sqlite3", url=database_url("sqlite", "national"))

from django.conf import settings  # noqa: E402

from ressursvenn.demo.management.commands.seed_scale import STRESS_BRANCH  # noqa: E402
from ressursvenn.matching import adapter, engine, profile_cache  # noqa: E402
from ressursvenn.organisations.models import Organisation  # noqa: E402
from ressursvenn.participants.models import Referral  # noqa: E402

RANK_TARGET_MS = 50.0


def main() -> int:
    built = ensure_dataset("national")
    if built:
        print(f"built the national data set on sqlite in {built:.0f} s")
    branch = Organisation.objects.get(name=STRESS_BRANCH)
    woman = Referral.objects.waiting().filter(branch=branch).order_by("pk").first()
    assert woman is not None
    referral = adapter.referrals_for_matching(Referral.objects.filter(pk=woman.pk)).get()
    profile = adapter.participant_profile(referral)
    volunteers = adapter.volunteer_profiles([branch.pk], home_branch_id=branch.pk)
    eligible = sum(v.eligible and v.capacity_left > 0 for v in volunteers)
    print(
        f"{len(volunteers)} approved volunteers in the stress branch, {eligible} eligible with "
        f"room; {Referral.objects.waiting().filter(branch=branch).count()} women waiting"
    )
    print(f"{'measure':44} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8}")

    def show(label: str, p50: float, p95: float, cpu: float) -> None:
        print(f"{label:44} {p50:8.1f} {p95:8.1f} {cpu:8.1f}")

    show(
        f"adapter: {len(volunteers):,} volunteer profiles",
        *timed(lambda: adapter.volunteer_profiles([branch.pk], home_branch_id=branch.pk)),
    )
    show(
        "adapter: the pool, cached (candidate page)",
        *timed(lambda: adapter.volunteer_pool([branch.pk], home_branch_id=branch.pk)),
    )

    def cold() -> None:
        profile_cache.clear()
        adapter.volunteer_pool([branch.pk], home_branch_id=branch.pk)

    show("adapter: the pool, after a change (miss)", *timed(cold))
    pool = adapter.volunteer_pool([branch.pk], home_branch_id=branch.pk)
    limit = settings.MATCHING_CANDIDATE_LIMIT
    show(
        f"engine.rank, Python loop ({len(volunteers):,})",
        *timed(lambda: engine.rank(profile, volunteers, limit=limit)),
    )
    p50, p95, cpu = timed(lambda: engine.rank(profile, pool, limit=limit))
    show(f"engine.rank, numpy pool ({len(pool):,})", p50, p95, cpu)
    if p95 > RANK_TARGET_MS:
        print(f"engine.rank p95 {p95:.0f} ms is over {RANK_TARGET_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
