"""Matching benchmark (DESIGN.md §9): the parts of the candidate page, on the national data set.

The data is the page benchmark's national SQLite set (`seed_scale --scale 1 --stress`, bench/
common.py; built once in `var/bench_national.sqlite3` and reused): its stress branch holds
20,000 approved, cleared volunteers and 500 women waiting. Timed here: reading the branch's
volunteer profiles (the adapter) and `engine.rank` alone for one woman (target for the whole
candidate page: <= 50 ms for the ranking with explanations); the pages themselves (candidate
page, waiting list) are in bench_pages.py.

Run as ``python bench/bench_matching.py``.
"""

from __future__ import annotations

from common import database_url, ensure_dataset, setup_django, timed

setup_django("bench_national.sqlite3", url=database_url("sqlite", "national"))

from django.conf import settings  # noqa: E402

from ressursvenn.demo.management.commands.seed_scale import STRESS_BRANCH  # noqa: E402
from ressursvenn.matching import adapter, engine  # noqa: E402
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
    limit = settings.MATCHING_CANDIDATE_LIMIT
    p50, p95, cpu = timed(lambda: engine.rank(profile, volunteers, limit=limit))
    show(f"engine.rank alone ({len(volunteers):,})", p50, p95, cpu)
    if p95 > RANK_TARGET_MS:
        print(f"engine.rank p95 {p95:.0f} ms is over {RANK_TARGET_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
