"""Benchmark of the matching engine on synthetic national-scale data.

Run as ``python bench/bench_engine.py [--repeat N]``. Prints median and p95 timings of

- ``rank`` for one woman among 20,000 volunteers (target <= 50 ms), and
- ``assign`` for 500 women x 5,000 volunteers (target <= 1 s).

The data are generated deterministically: municipalities get made-up four-digit codes and
random centres inside 58-71 N, 5-31 E (Oslo, 0301, has 15 districts); people live at their
municipality's centre.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ressursvenn.matching.engine import (
    AVAILABILITY_LABELS,
    DIGITAL,
    IN_PERSON,
    INTEREST_LABELS,
    NEED_LABELS,
    ParticipantProfile,
    VolunteerProfile,
    assign,
    rank,
)

LANGUAGES = ["en", "ar", "so", "ti", "fa", "pl", "uk", "ru", "es", "fr", "tr", "ur", "ku", "prs"]
INTERESTS = sorted(INTEREST_LABELS)
NEEDS = sorted(NEED_LABELS)
TIMES = sorted(AVAILABILITY_LABELS)
OSLO = "0301"


class Country:
    """Made-up municipalities with centres, plus Oslo's districts."""

    def __init__(self, rng: random.Random, count: int = 356) -> None:
        codes = {OSLO}
        while len(codes) < count:
            codes.add(f"{rng.randrange(3, 57):02d}{rng.randrange(1, 60):02d}")
        self.codes = sorted(codes)
        self.centre = {
            code: (round(rng.uniform(58.0, 71.0), 4), round(rng.uniform(5.0, 31.0), 4))
            for code in self.codes
        }
        self.centre[OSLO] = (59.9139, 10.7522)
        self.districts = [f"{OSLO}{k:02d}" for k in range(1, 16)]

    def home(self, rng: random.Random) -> tuple[str, str | None, tuple[float, float]]:
        # A quarter of the people live in Oslo, the rest anywhere.
        code = OSLO if rng.random() < 0.25 else rng.choice(self.codes)
        district = rng.choice(self.districts) if code == OSLO else None
        return code, district, self.centre[code]


def _modes(rng: random.Random) -> frozenset[str]:
    r = rng.random()
    if r < 0.55:
        return frozenset({IN_PERSON, DIGITAL})
    return frozenset({IN_PERSON}) if r < 0.85 else frozenset({DIGITAL})


def make_volunteers(rng: random.Random, country: Country, count: int) -> list[VolunteerProfile]:
    out = []
    for i in range(count):
        code, district, centre = country.home(rng)
        out.append(
            VolunteerProfile(
                id=i + 1,
                age=rng.randint(20, 75),
                municipality=code,
                district=district,
                location=centre,
                languages=frozenset({"nb", *rng.sample(LANGUAGES, rng.randint(0, 2))}),
                interests=frozenset(rng.sample(INTERESTS, rng.randint(2, 5))),
                offers=frozenset(rng.sample(NEEDS, rng.randint(1, 4))),
                availability=frozenset(rng.sample(TIMES, rng.randint(1, 3))),
                modes=_modes(rng),
                max_travel_km=rng.choice([5, 10, 20, 30, 50]),
                capacity_left=rng.choice([0, 1, 1, 1, 1, 2, 2]),
                conflict_areas=(
                    frozenset({rng.choice(country.codes)}) if rng.random() < 0.05 else frozenset()
                ),
                eligible=rng.random() < 0.9,
            )
        )
    return out


def make_participants(rng: random.Random, country: Country, count: int) -> list[ParticipantProfile]:
    out = []
    for i in range(count):
        code, district, centre = country.home(rng)
        languages = frozenset(rng.sample(["nb", *LANGUAGES], rng.randint(1, 3)))
        foreign = sorted(languages - {"nb"})
        required = (
            frozenset({rng.choice(foreign)}) if foreign and rng.random() < 0.3 else frozenset()
        )
        low = rng.randint(20, 55)
        out.append(
            ParticipantProfile(
                id=f"p{i + 1}",
                age=rng.randint(18, 70),
                municipality=code,
                district=district,
                location=centre,
                languages=languages,
                required_languages=required,
                interests=frozenset(rng.sample(INTERESTS, rng.randint(1, 4))),
                needs=frozenset(rng.sample(NEEDS, rng.randint(0, 4))),
                availability=frozenset(rng.sample(TIMES, rng.randint(1, 3))),
                modes=_modes(rng),
                preferred_age=(low, low + rng.randint(5, 20)) if rng.random() < 0.5 else None,
                excluded_areas=frozenset(rng.sample(country.codes, rng.randint(0, 3))),
                excluded_volunteers=frozenset(
                    rng.randint(1, 20_000) for _ in range(rng.randint(0, 2))
                ),
                waiting_days=rng.randint(0, 500),
            )
        )
    return out


def timings(run: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    """(wall, cpu) seconds of ``repeat`` runs, after one warm-up run."""
    run()
    out = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        out.append((time.perf_counter() - wall, time.process_time() - cpu))
    return out


def report(name: str, runs: list[tuple[float, float]], target: float | None) -> bool:
    walls = sorted(wall for wall, _ in runs)
    median = statistics.median(walls)
    p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
    cpu = statistics.median(cpu for _, cpu in runs)
    ok = target is None or p95 <= target
    verdict = "" if target is None else f"target {target * 1000:5.0f} ms  {'ok' if ok else 'SLOW'}"
    print(
        f"{name:<44} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
        f"(cpu {cpu * 1000:7.1f} ms)  {verdict}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed runs of rank")
    parser.add_argument("--seed", type=int, default=20_240_601)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    country = Country(rng)
    volunteers = make_volunteers(rng, country, 20_000)
    women = make_participants(rng, country, 500)
    pool = volunteers[:5_000]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    # One woman after another; and the woman with the most candidates, again and again.
    turn = iter(range(10**9))
    heaviest = min(women[:50], key=lambda p: rank(p, volunteers, limit=0).excluded_total)
    candidates = rank(heaviest, volunteers, limit=0)
    print(
        f"heaviest woman: {candidates.considered - candidates.excluded_total} candidates; "
        f"excluded {dict(candidates.excluded)}"
    )

    ok = report(
        "rank 1 x 20,000, top 10 (50 women in turn)",
        timings(lambda: rank(women[next(turn) % 50], volunteers, limit=10), args.repeat),
        0.050,
    )
    ok &= report(
        "rank 1 x 20,000, top 10 (heaviest woman)",
        timings(lambda: rank(heaviest, volunteers, limit=10), args.repeat),
        0.050,
    )
    report(
        "rank 1 x 20,000, all with reasons (heaviest)",
        timings(lambda: rank(heaviest, volunteers), 5),
        None,
    )
    proposals = assign(women, pool)
    print(f"assign: {len(proposals)} of {len(women)} women matched")
    ok &= report(
        "assign 500 x 5,000",
        timings(lambda: assign(women, pool), max(5, args.repeat // 5)),
        1.0,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
