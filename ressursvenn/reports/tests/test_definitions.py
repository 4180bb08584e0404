"""Every figure of reports/definitions.py against a small programme built by hand
(dashboard_builders.programme): the true numbers, before any suppression."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from ressursvenn.conftest import World
from ressursvenn.reports import definitions
from ressursvenn.reports.definitions import Span, Stat
from ressursvenn.reports.tests.dashboard_builders import END, START, TODAY, YEAR, programme
from ressursvenn.surveys.targets import METRICS

pytestmark = pytest.mark.django_db


def day(month: int, number: int, year: int = YEAR) -> datetime.date:
    return datetime.date(year, month, number)


@pytest.fixture
def built(world: World) -> dict[str, Any]:
    return programme(world)


def branch_span(world: World) -> Span:
    return Span(START, END, frozenset({world.branch.pk}), today=TODAY)


def national_span() -> Span:
    return Span(START, END, None, today=TODAY)


def column(grid: definitions.Grid) -> dict[str, int]:
    """A one-column grid as {row code: count}, zeros left out."""
    return {
        code: row[0] for (code, _label), row in zip(grid.rows, grid.counts, strict=True) if row[0]
    }


def compute(code: str, span: Span) -> Any:
    return definitions.compute(code, span)


def test_every_target_metric_is_a_count_figure() -> None:
    assert sorted(code for code in METRICS if definitions.get(code).kind == "count") == sorted(
        METRICS
    )


def test_every_definition_explains_itself_in_norwegian() -> None:
    for definition in definitions.REGISTRY.values():
        assert str(definition.label), definition.code
        assert str(definition.unit), definition.code
        assert len(str(definition.explanation)) > 40, definition.code


def test_volunteers(world: World, built: dict[str, Any]) -> None:
    span = branch_span(world)
    assert column(compute("volunteers_by_stage", span)) == {
        "approved": 5,
        "screening": 1,
        "rejected": 1,
    }
    assert compute("volunteers_approved", span) == {world.branch.pk: 5}
    assert compute("approval_days", span) == Stat(30.0, 5)


def test_referrals_and_waiting(world: World, built: dict[str, Any]) -> None:
    span = branch_span(world)
    assert compute("referrals_received", span) == {world.branch.pk: 9}
    assert column(compute("referrals_by_centre", span)) == {str(world.centre.pk): 9}
    assert compute("waiting_now", span) == {world.branch.pk: 2}
    assert compute("referral_to_meeting_days", span) == Stat(20.0, 8)
    national = national_span()
    assert compute("referrals_received", national) == {
        world.branch.pk: 9,
        world.other_branch.pk: 6,
    }


def test_matches(world: World, built: dict[str, Any]) -> None:
    span = branch_span(world)
    assert compute("women_matched", span) == {world.branch.pk: 8}
    started = column(compute("matches_started_by_month", span))
    assert started == {f"{YEAR}-{month:02d}-01": 1 for month in range(1, 9)}
    assert len(compute("matches_started_by_month", span).rows) == 12
    assert column(compute("matches_now", span)) == {"active": 6}
    assert compute("active_now", span) == {world.branch.pk: 6}
    assert column(compute("closures_by_reason", span)) == {"completed": 2, "safety": 1}
    assert compute("closures", span) == {world.branch.pk: 3}
    # Ended in the year: 12 months, 10 months, 24 days.
    assert compute("nine_months_share", span) == Stat(66.7, 3)
    # Reached nine months in the year while running: started 5 Jan (closed 1 Nov) and 5 Mar.
    assert compute("matches_nine_months", span) == {world.branch.pk: 2}


def test_a_match_that_ended_before_its_nine_months_does_not_reach_them(
    world: World, built: dict[str, Any]
) -> None:
    span = Span(day(10, 1), day(12, 31), frozenset({world.branch.pk}), today=TODAY)
    assert compute("matches_nine_months", span) == {world.branch.pk: 2}
    span = Span(day(12, 1), day(12, 31), frozenset({world.branch.pk}), today=TODAY)
    assert compute("matches_nine_months", span) == {world.branch.pk: 1}


def test_activities_per_match_month(world: World, built: dict[str, Any]) -> None:
    span = branch_span(world)
    assert column(compute("activities_by_channel", span)) == {
        "in_person": 6,
        "video": 6,
        "phone": 1,
    }
    # Days each match ran in the year (both ends counted): three closed, six to 31 Dec.
    days = [32, 301, 25] + [(END - day(month, 5)).days + 1 for month in range(3, 9)]
    months = sum(days) / (365.25 / 12)
    assert compute("activities_in_person_per_match_month", span) == Stat(round(6 / months, 1), 9)
    assert compute("activities_digital_per_match_month", span) == Stat(round(7 / months, 1), 9)


def test_checkins_on_time(world: World, built: dict[str, Any]) -> None:
    span = branch_span(world)
    # Held 2 days late (on time), 19 days late, not held; the cancelled one does not count.
    assert column(compute("checkins", span)) == {"on_time": 1, "late": 1, "missing": 1}
    assert compute("checkins_on_time_share", span) == Stat(33.3, 3)


def test_a_checkin_due_today_or_later_is_not_counted_yet(
    world: World, built: dict[str, Any]
) -> None:
    span = Span(START, END, frozenset({world.branch.pk}), today=day(7, 1))
    assert column(compute("checkins", span)) == {"on_time": 1, "late": 1}


def test_social_events(world: World, built: dict[str, Any]) -> None:
    span = branch_span(world)
    assert compute("social_events", span) == {world.branch.pk: 1}
    assert compute("event_attendance", span) == {world.branch.pk: 3}  # a pair and one alone


def test_paired_change_in_loneliness_and_support(world: World, built: dict[str, Any]) -> None:
    span = branch_span(world)
    assert compute("ucla3_change_six_months", span) == Stat(-1.6, 5)
    assert compute("osss3_change_six_months", span) == Stat(3.0, 6)
    assert compute("ucla3_change_closure", span) == Stat(None, 0)
    assert compute("osss3_change_closure", span) == Stat(None, 0)


def test_a_later_answer_outside_the_period_is_not_paired(
    world: World, built: dict[str, Any]
) -> None:
    span = Span(START, day(9, 30), frozenset({world.branch.pk}), today=TODAY)
    assert compute("osss3_change_six_months", span) == Stat(None, 0)


def test_violence_outcome(world: World, built: dict[str, Any]) -> None:
    grid = compute("violence_outcome", branch_span(world))
    assert [code for code, _label in grid.rows] == ["free", "moved_back", "unknown"]
    assert [code for code, _label in grid.columns] == ["six_months", "closure"]
    assert grid.counts == ((2, 0), (0, 0), (0, 0))


def test_the_other_branch_is_not_counted_in_the_first(world: World, built: dict[str, Any]) -> None:
    span = Span(START, END, frozenset({world.other_branch.pk}), today=TODAY)
    assert compute("women_matched", span) == {world.other_branch.pk: 6}
    assert compute("closures", span) == {}
    national = national_span()
    assert definitions.total(compute("women_matched", national)) == 14


def test_a_span_runs_each_query_once(
    world: World, built: dict[str, Any], django_assert_num_queries: Any
) -> None:
    span = branch_span(world)
    compute("nine_months_share", span)
    with django_assert_num_queries(0):
        compute("nine_months_share", span)
        compute("matches_nine_months", span)
