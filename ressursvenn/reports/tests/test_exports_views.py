"""The export views: the file for each role and area (suppression kept below the national
level), the audit event of each file (no values), formulas neutralised in users' names, and
every refusal or bad input answered with a message and no file."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.reports import dashboard
from ressursvenn.reports.forms import REFUSED_AREA
from ressursvenn.reports.tests.dashboard_builders import YEAR, programme, started_match
from ressursvenn.surveys.models import ReportingPeriod
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db

CLOSURES = "Avsluttede koblinger etter årsak"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR_DATES = {"starts_on": f"{YEAR}-01-01", "ends_on": f"{YEAR}-12-31"}


def _area(branch: Any) -> str:
    return f"{dashboard.BRANCH_PREFIX}{branch.pk}"


def _get(client: Any, fmt: str, **params: Any) -> Any:
    return client.get(reverse("reports:export", args=[fmt]), params)


def _sheet_rows(response: Any) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [
        [value for value in row if value is not None]
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


def _csv_rows(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _closures(rows: list[list[Any]]) -> dict[str, Any]:
    """The closures table of an export as {reason: count text}, its total as "I alt"."""
    start = rows.index([CLOSURES])
    found: dict[str, Any] = {}
    for row in rows[start + 2 :]:
        found[row[0]] = row[1]
        if row[0] == "I alt":
            return found
    raise AssertionError("the closures table has no total row")


def _exports() -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(action="report.export").values(
            "actor", "object_type", "object_id", "changes"
        )
    )


def test_leader_downloads_her_branch_as_xlsx_with_small_counts_marked(
    world: World, as_user: Any
) -> None:
    programme(world)
    response = _get(as_user(world.leader), "xlsx", area=_area(world.branch), **YEAR_DATES)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="ressursvenn-tall-{YEAR}.xlsx"'
    assert "no-store" in response["Cache-Control"].split(", ")
    rows = _sheet_rows(response)
    assert rows[2] == ["Omfang", "Oslo Sanitetsforening"]
    closures = _closures(rows)
    assert (closures["Fullført"], closures["Sikkerhet"], closures["I alt"]) == ("<5", "<5", "<5")


def test_coordinator_downloads_the_whole_country_as_csv_with_exact_counts(
    world: World, as_user: Any
) -> None:
    programme(world)
    response = _get(as_user(world.coordinator), "csv", **YEAR_DATES)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="ressursvenn-tall-{YEAR}.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(response)
    assert rows[2] == ["Omfang", "Hele landet"]
    closures = _closures(rows)
    assert (closures["Fullført"], closures["Sikkerhet"], closures["I alt"]) == ("2", "1", "3")


def test_each_file_is_in_the_audit_trail_without_its_values(world: World, as_user: Any) -> None:
    programme(world)
    client = as_user(world.leader)
    _get(client, "xlsx", area=_area(world.branch), **YEAR_DATES)
    _get(client, "csv", area=_area(world.branch), **YEAR_DATES)
    expected = {
        "starts_on": f"{YEAR}-01-01",
        "ends_on": f"{YEAR}-12-31",
        "period": "",
        "area": "Oslo Sanitetsforening",
        "branches": [world.branch.pk],
    }
    assert sorted(_exports(), key=lambda event: event["object_id"]) == [
        {
            "actor": world.leader.pk,
            "object_type": "reports.export",
            "object_id": "csv",
            "changes": {"format": "csv", **expected},
        },
        {
            "actor": world.leader.pk,
            "object_type": "reports.export",
            "object_id": "xlsx",
            "changes": {"format": "xlsx", **expected},
        },
    ]


def test_the_coordinators_national_export_is_recorded_for_all_branches(
    world: World, as_user: Any
) -> None:
    programme(world)
    period = ReportingPeriod.objects.create(
        name=f"Stiftelsen Dam {YEAR}",
        funder="Stiftelsen Dam",
        starts_on=f"{YEAR}-01-01",
        ends_on=f"{YEAR}-12-31",
        created_by=world.coordinator,
    )
    response = _get(as_user(world.coordinator), "csv", period=period.pk)
    assert response.status_code == 200
    assert _csv_rows(response)[1] == [
        "Periode",
        f"Stiftelsen Dam {YEAR} (01.01.{YEAR}–31.12.{YEAR})",
    ]
    assert [event["changes"] for event in _exports()] == [
        {
            "format": "csv",
            "starts_on": f"{YEAR}-01-01",
            "ends_on": f"{YEAR}-12-31",
            "period": f"Stiftelsen Dam {YEAR}",
            "area": "Hele landet",
            "branches": "all",
        }
    ]


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"])
def test_names_that_would_run_as_formulas_are_neutralised(
    world: World, as_user: Any, name: str
) -> None:
    branch = factories.branch(name, "0301")
    started_match(world, datetime.date(YEAR, 3, 1), branch=branch)
    period = ReportingPeriod.objects.create(
        name=f"+{name}",
        starts_on=f"{YEAR}-01-01",
        ends_on=f"{YEAR}-12-31",
        created_by=world.coordinator,
    )
    client = as_user(world.coordinator)
    rows = _csv_rows(_get(client, "csv", period=period.pk, area=_area(branch)))
    assert rows[1] == ["Periode", f"'+{name} (01.01.{YEAR}–31.12.{YEAR})"]
    assert rows[2] == ["Omfang", f"'{name}"]
    xlsx = _get(client, "xlsx", period=period.pk, area=_area(branch))
    texts = [value for row in _sheet_rows(xlsx) for value in row if isinstance(value, str)]
    assert [text for text in texts if text.startswith(("=", "+", "-", "@"))] == []
    assert [text for text in texts if name in text] == [
        f"'+{name} (01.01.{YEAR}–31.12.{YEAR})",
        f"'{name}",
    ]


def test_leader_asking_for_another_branch_is_refused_and_nothing_is_made(
    world: World, as_user: Any
) -> None:
    programme(world)
    for fmt in ("xlsx", "csv"):
        response = _get(as_user(world.other_leader), fmt, area=_area(world.branch), **YEAR_DATES)
        assert response.status_code == 403
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert "Content-Disposition" not in response
        assert str(REFUSED_AREA) in response.content.decode()
        assert "Oslo Sanitetsforening" not in response.content.decode()
    assert _exports() == []


@pytest.mark.parametrize("who", ["volunteer", "staff", "other_staff"])
def test_volunteers_and_crisis_staff_are_refused(world: World, as_user: Any, who: str) -> None:
    programme(world)
    response = _get(as_user(getattr(world, who)), "xlsx", **YEAR_DATES)
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert _exports() == []


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        (
            {"starts_on": f"{YEAR}-06-01", "ends_on": f"{YEAR}-05-01"},
            400,
            "Til-datoen kan ikke være før fra-datoen.",
        ),
        ({"starts_on": "2025-13-45"}, 400, "Skriv datoen som dd.mm.åååå."),
        ({"starts_on": "<script>"}, 400, "Skriv datoen som dd.mm.åååå."),
        ({"period": "999999"}, 400, "Velg en periode fra listen."),
        ({"period": "abc"}, 400, "Velg en periode fra listen."),
        ({"area": "lokalforening-abc"}, 403, str(REFUSED_AREA)),
        ({"area": "fylke-99"}, 403, str(REFUSED_AREA)),
    ],
)
def test_bad_input_gives_a_message_and_no_file(
    world: World, as_user: Any, params: dict[str, str], status: int, message: str
) -> None:
    programme(world)
    response = _get(as_user(world.coordinator), "xlsx", **params)
    assert response.status_code == status
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "Vi kunne ikke lage filen" in page
    assert message in page
    assert _exports() == []


def test_a_period_with_no_data_gives_a_message_and_no_file(world: World, as_user: Any) -> None:
    response = _get(
        as_user(world.leader),
        "csv",
        area=_area(world.branch),
        starts_on="2031-01-01",
        ends_on="2031-12-31",
    )
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "Ingen tall å laste ned" in page
    assert "Det er ingen tall for perioden og området du valgte" in page
    assert _exports() == []


def test_an_unknown_format_is_not_found(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(reverse("reports:export", args=["exe"]))
    assert response.status_code == 404


def test_post_is_not_allowed(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).post(reverse("reports:export", args=["csv"]))
    assert response.status_code == 405
    assert _exports() == []


def test_the_audit_review_shows_the_export(world: World, as_user: Any) -> None:
    programme(world)
    client = as_user(world.coordinator)
    _get(client, "csv", **YEAR_DATES)
    response = client.get(reverse("reports:audit"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(str(row.action), row.who) for row in rows[:1]] == [
        ("Tall for programmet lastet ned", "Nina Nasjonal")
    ]
    assert "format: – → csv" in " ".join(response.content.decode().split())


def test_the_dashboard_links_to_the_files_of_the_same_period_and_area() -> None:
    html = render_to_string("reports/report_export_links.html", {"export_query": "period=7"})
    assert f'href="{reverse("reports:funder_report")}?period=7"' in html
    assert f'href="{reverse("reports:export", args=["xlsx"])}?period=7"' in html
    assert f'href="{reverse("reports:export", args=["csv"])}?period=7"' in html
