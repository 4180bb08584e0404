"""The dashboard page and "Om tallene": each role allowed, the roles refused, a group leader
asking for another branch (refused, nothing of it shown), bad input (never a 500), charts
with the same numbers as their tables, and a query count that does not grow with the data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from ressursvenn.conftest import World
from ressursvenn.reports import definitions
from ressursvenn.reports.tests.dashboard_builders import END, START, programme, started_match
from ressursvenn.surveys.models import ReportingPeriod

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")
YEAR_2025 = {"starts_on": START.isoformat(), "ends_on": END.isoformat()}


def page(client: Any, **params: str) -> Any:
    return client.get(URL, params)


def table_html(content: str, key: str) -> str:
    start = content.index(f'data-table="{key}"')
    return content[start : content.index("</table>", start)]


def test_the_coordinator_sees_the_whole_country_this_year_by_default(
    world: World, as_user: Any
) -> None:
    started_match(world, START)
    response = as_user(world.coordinator).get(URL)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.scope_label, report.national) == ("Hele landet", True)
    assert (report.starts_on.month, report.starts_on.day) == (1, 1)
    assert (report.ends_on.month, report.ends_on.day) == (12, 31)
    content = response.content.decode()
    # A chart for every table but the breakdown by county and the (empty) list of centres.
    assert content.count('role="img"') == 7
    assert reverse("reports:about_figures") in content


def test_the_coordinator_chooses_a_branch_and_small_numbers_are_marked(
    world: World, as_user: Any
) -> None:
    programme(world)
    client = as_user(world.coordinator)
    national = page(client, **YEAR_2025).content.decode()
    assert ">3</td>" in table_html(national, "closures_by_reason")
    response = page(client, **YEAR_2025, area=f"lokalforening-{world.branch.pk}")
    assert response.status_code == 200
    closures = table_html(response.content.decode(), "closures_by_reason")
    assert closures.count("&lt;5</td>") == 3  # completed 2, safety 1, in all 3
    assert ">3<" not in closures


def test_the_leader_sees_her_branch_with_charts_and_tables(world: World, as_user: Any) -> None:
    programme(world)
    response = page(as_user(world.leader), **YEAR_2025)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.scope_label, report.national) == ("Oslo Sanitetsforening", False)
    content = response.content.decode()
    started = table_html(content, "matches_started_by_month")
    assert started.count('aria-label="Stolpediagram over tid') == 1
    assert "Narvik" not in content


def test_a_leader_asking_for_another_branch_is_refused_and_sees_nothing_of_it(
    world: World, as_user: Any
) -> None:
    programme(world)
    client = as_user(world.leader)
    for area in (f"lokalforening-{world.other_branch.pk}", "fylke-18", "lokalforening-99999"):
        response = page(client, **YEAR_2025, area=area)
        assert response.status_code == 403
        content = response.content.decode()
        assert "Du kan bare se tall for områdene i listen." in content
        assert response.context["report"] is None
        assert "Narvik" not in content
        assert 'role="img"' not in content


def test_other_roles_are_refused(world: World, as_user: Any) -> None:
    programme(world)
    for user in (world.volunteer, world.staff):
        assert page(as_user(user)).status_code == 403


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"starts_on": "2025-06-01", "ends_on": "2025-05-01"}, "ends_on",
         "Til-datoen kan ikke være før fra-datoen."),
        ({"starts_on": "31.02.2025"}, "starts_on", "Skriv datoen som dd.mm.åååå."),
        ({"starts_on": "1850-01-01"}, "starts_on", "Velg en dato mellom 01.01.2000 og 31.12.2100."),
        ({"starts_on": "2001-01-01", "ends_on": "2020-01-01"}, "ends_on",
         "Velg en periode på høyst fem år."),
        ({"period": "999999"}, "period", "Velg en periode fra listen."),
        ({"period": "abc"}, "period", "Velg en periode fra listen."),
        ({"area": "tull"}, "area", "Velg et område fra listen."),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_message_and_no_figures(
    world: World, as_user: Any, params: dict[str, str], field: str, message: str
) -> None:
    response = page(as_user(world.coordinator), **params)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert response.context["report"] is None


def test_a_period_is_chosen_by_its_name_and_its_dates_win(world: World, as_user: Any) -> None:
    period = ReportingPeriod.objects.create(
        name="Stiftelsen Dam 2027",
        starts_on=START.replace(year=2027),
        ends_on=END.replace(year=2027),
        created_by=world.coordinator,
    )
    response = page(as_user(world.coordinator), period=str(period.pk), **YEAR_2025)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.period_name, report.starts_on.year, report.ends_on.year) == (
        "Stiftelsen Dam 2027",
        2027,
        2027,
    )
    assert "Perioden har ingen mål for dette området." in response.content.decode()


def test_a_single_date_means_the_rest_of_its_year(world: World, as_user: Any) -> None:
    response = page(as_user(world.coordinator), starts_on="2025-07-01")
    report = response.context["report"]
    assert (report.starts_on.isoformat(), report.ends_on.isoformat()) == (
        "2025-07-01",
        "2025-12-31",
    )


def test_every_chart_beside_a_table_shows_the_tables_numbers(world: World, as_user: Any) -> None:
    programme(world)
    content = page(as_user(world.leader), **YEAR_2025).content.decode()
    part = table_html(content, "closures_by_reason")
    svg = part[part.index("<svg") : part.index("</svg>")]
    assert re.findall(r">(&lt;5|\d+)</text>", svg) == ["&lt;5", "0", "0", "0", "&lt;5", "0", "0"]
    assert 'width="0.00%"' not in svg  # hidden counts are drawn as no bar at all


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_the_page_query_count_does_not_grow_with_the_data(
    world: World, as_user: Any, django_assert_num_queries: Any, who: str
) -> None:
    client = as_user(getattr(world, who))
    started_match(world, START)
    page(client, **YEAR_2025)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        page(client, **YEAR_2025)
    programme(world)
    with django_assert_num_queries(len(one.captured_queries)):
        page(client, **YEAR_2025)


@pytest.mark.parametrize("who", ["coordinator", "leader", "staff"])
def test_about_figures_lists_every_definition(world: World, as_user: Any, who: str) -> None:
    response = as_user(getattr(world, who)).get(reverse("reports:about_figures"))
    assert response.status_code == 200
    content = response.content.decode()
    for definition in definitions.REGISTRY.values():
        assert f'id="definition-{definition.code}"' in content
    assert content.count("<article") == len(definitions.REGISTRY)


def test_about_figures_is_not_for_volunteers(world: World, as_user: Any) -> None:
    assert as_user(world.volunteer).get(reverse("reports:about_figures")).status_code == 403
