"""dashboard.build and the scope rules: suppression below the national level (tables, counts,
averages), exact numbers for the whole country, targets against actuals, refused scopes, and
a query count that does not grow with the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.reports import dashboard
from ressursvenn.reports.dashboard import ScopeRefusedError, build, scope_for
from ressursvenn.reports.tables import Figure, Report, Table
from ressursvenn.reports.tests.dashboard_builders import (
    END,
    START,
    TODAY,
    programme,
    started_match,
)
from ressursvenn.surveys.models import ReportingPeriod, Target
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db


def figure(report: Report, key: str) -> Figure:
    return next(f for s in report.sections for f in s.figures if f.key == key)


def table(report: Report, key: str) -> Table:
    return next(t for s in report.sections for t in s.tables if t.key == key)


def texts(found: Table) -> dict[str, str]:
    """A one-column table as {row: text}, and its total as "I alt"."""
    rows = {row: found.cell_text(i, 0) for i, row in enumerate(found.rows)}
    return {**rows, "I alt": found.total_text()}


def branch_report(world: World, user: Any = None) -> Report:
    scope = scope_for(user or world.leader, f"{dashboard.BRANCH_PREFIX}{world.branch.pk}")
    return build(user or world.leader, starts_on=START, ends_on=END, scope=scope, today=TODAY)


def national_report(world: World) -> Report:
    return build(world.coordinator, starts_on=START, ends_on=END, today=TODAY)


def test_a_branch_with_three_closures_shows_small_marks_and_the_country_shows_three(
    world: World,
) -> None:
    programme(world)
    closures = texts(table(branch_report(world), "closures_by_reason"))
    assert closures["Fullført"] == "<5"
    assert closures["Sikkerhet"] == "<5"
    assert closures["Kvinnen flyttet"] == "0"
    assert closures["I alt"] == "<5"
    national = texts(table(national_report(world), "closures_by_reason"))
    assert (national["Fullført"], national["Sikkerhet"], national["I alt"]) == ("2", "1", "3")


def test_small_counts_and_averages_over_few_people_are_not_shown_below_the_national_level(
    world: World,
) -> None:
    programme(world)
    report = branch_report(world)
    assert report.national is False
    assert figure(report, "waiting_now").value is None  # 2 women
    assert figure(report, "women_matched").value == 8
    share = figure(report, "nine_months_share")  # over 3 matches
    assert (share.value, share.n) == (None, None)
    approval = figure(report, "approval_days")  # over 5 volunteers
    assert (approval.value, approval.n) == (30.0, 5)
    ucla = figure(report, "ucla3_change_six_months")
    assert (ucla.value, ucla.n) == (-1.6, 5)
    national = national_report(world)
    assert figure(national, "waiting_now").value == 2
    share = figure(national, "nine_months_share")
    assert (share.value, share.n) == (66.7, 3)


def test_the_whole_country_is_broken_down_by_county_and_suppressed_there(world: World) -> None:
    programme(world)
    report = national_report(world)
    assert report.scope_label == "Hele landet"
    areas = table(report, "areas_county")
    assert areas.rows == ("Nordland - Nordlánnda", "Oslo")
    assert areas.columns[:2] == ("Nye henvisninger", "Kvinner som har fått en ressursvenn")
    closures = areas.columns.index("Avsluttede koblinger")
    assert areas.cell_text(1, closures) == "<5"  # Oslo: 3
    assert areas.cell_text(1, 1) == "8"  # Oslo: 8 women matched
    assert figure(report, "closures").value == 3  # the whole country: exact


def test_a_county_is_below_the_national_level_and_lists_its_branches(world: World) -> None:
    programme(world)
    factories.branch("Bærum Sanitetsforening", "3201")  # another county
    scope = scope_for(world.coordinator, f"{dashboard.COUNTY_PREFIX}03")
    assert (scope.label, scope.national, scope.branch_ids) == (
        "Oslo",
        False,
        frozenset({world.branch.pk}),
    )
    report = build(world.coordinator, starts_on=START, ends_on=END, scope=scope, today=TODAY)
    assert table(report, "areas_branch").rows == ("Oslo Sanitetsforening",)
    assert texts(table(report, "closures_by_reason"))["I alt"] == "<5"


def test_below_the_national_level_a_count_shows_what_the_breakdown_shows(world: World) -> None:
    """A leader of both branches: the scope's closures (3) are hidden as in the breakdown."""
    programme(world)
    Membership.objects.create(
        user=world.leader, organisation=world.other_branch, role=Role.GROUP_LEADER
    )
    report = build(world.leader, starts_on=START, ends_on=END, today=TODAY)
    assert report.scope_label == "Mine lokalforeninger"
    areas = table(report, "areas_branch")
    assert areas.rows == ("Narvik Sanitetsforening", "Oslo Sanitetsforening")
    assert figure(report, "closures").value is None
    assert figure(report, "women_matched").value == 14


def test_a_leader_sees_only_her_own_branches(world: World) -> None:
    assert scope_for(world.leader, "").branch_ids == frozenset({world.branch.pk})
    assert dashboard.default_area(world.leader) == f"lokalforening-{world.branch.pk}"
    for code in (
        f"lokalforening-{world.other_branch.pk}",
        "fylke-03",
        "lokalforening-999999",
        "lokalforening-1e3",
        "noe-annet",
    ):
        with pytest.raises(ScopeRefusedError):
            scope_for(world.leader, code)
    with pytest.raises(ScopeRefusedError):
        build(world.leader, starts_on=START, ends_on=END, branch_ids={world.other_branch.pk})
    for user in (world.volunteer, world.staff):
        with pytest.raises(ScopeRefusedError):
            scope_for(user, "")


def test_the_coordinator_may_choose_any_county_or_branch(world: World) -> None:
    choices = dashboard.area_choices(world.coordinator)
    assert choices[0] == ("", "Hele landet")
    branches = dict(choices[2][1])
    assert branches[f"lokalforening-{world.other_branch.pk}"] == "Narvik Sanitetsforening"
    scope = scope_for(world.coordinator, f"lokalforening-{world.other_branch.pk}")
    assert (scope.national, scope.branch_ids) == (False, frozenset({world.other_branch.pk}))


def test_targets_of_the_period_against_the_actuals(world: World) -> None:
    programme(world)
    period = ReportingPeriod.objects.create(
        name="Stiftelsen Dam 2025",
        funder="Stiftelsen Dam",
        starts_on=START,
        ends_on=END,
        created_by=world.coordinator,
    )
    Target.objects.create(period=period, metric="women_matched", value=50)
    Target.objects.create(period=period, metric="social_events", value=4)
    Target.objects.create(
        period=period, metric="women_matched", organisation=world.branch, value=10
    )
    Target.objects.create(period=period, metric="social_events", organisation=world.branch, value=2)
    national = national_report(world)
    assert national.period_name == "Stiftelsen Dam 2025"  # same dates: its targets are shown
    assert [(t.metric, t.target, t.actual) for t in national.targets] == [
        ("women_matched", 50, 14),
        ("social_events", 4, 1),
    ]
    branch = branch_report(world)
    assert [(t.metric, t.target, t.actual) for t in branch.targets] == [
        ("women_matched", 10, 8),
        ("social_events", 2, None),  # 1 event: hidden below the national level
    ]


def test_dates_of_no_period_show_no_targets(world: World) -> None:
    report = build(world.coordinator, starts_on=START, ends_on=TODAY, today=TODAY)
    assert (report.period_name, report.targets) == ("", ())


def test_a_period_with_no_data_gives_zeros_and_empty_figures(world: World) -> None:
    report = national_report(world)
    assert figure(report, "women_matched").value == 0
    assert figure(report, "approval_days").value is None
    assert texts(table(report, "closures_by_reason"))["I alt"] == "0"


def _queries(report: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        report()
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_the_query_count_does_not_grow_with_the_data(
    world: World, django_assert_num_queries: Any, who: str
) -> None:
    user = getattr(world, who)

    def report() -> Report:
        return build(user, starts_on=START, ends_on=END, today=TODAY)

    report()  # the user's roles are loaded once and kept on the user
    started_match(world, START)
    one = _queries(report)
    programme(world)
    with django_assert_num_queries(one):
        report()
