"""The funder report: the page (title, funder, period, targets, sections, "Om tallene", links
to the files) for each role allowed, refusals and bad input, and the PDF (a PDF, with the
period's name, recorded in the audit trail, fetching nothing)."""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest
from django.urls import reverse

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.reports import dashboard, funder
from ressursvenn.reports.forms import REFUSED_AREA
from ressursvenn.reports.tests.dashboard_builders import YEAR, programme
from ressursvenn.surveys.models import ReportingPeriod, Target

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:funder_report")
PDF = reverse("reports:funder_report_pdf")
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def _period(world: World) -> ReportingPeriod:
    period = ReportingPeriod.objects.create(
        name=f"Stiftelsen Dam {YEAR}",
        funder="Stiftelsen Dam",
        starts_on=f"{YEAR}-01-01",
        ends_on=f"{YEAR}-12-31",
        created_by=world.coordinator,
    )
    Target.objects.create(period=period, metric="women_matched", value=50)
    Target.objects.create(
        period=period, metric="women_matched", value=10, organisation=world.branch
    )
    return period


def _area(branch: Any) -> str:
    return f"{dashboard.BRANCH_PREFIX}{branch.pk}"


def _pdf_strings(data: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated (its text strings are inside)."""
    parts = [data]
    for stream in STREAM.findall(data):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _pdf_has_text(data: bytes, text: str) -> bool:
    """Whether the PDF's metadata or outline holds `text`: WeasyPrint writes a string of ASCII
    as it is, "(text)", and any other as UTF-16 hex, "<feff…>"."""
    strings = _pdf_strings(data)
    if text.isascii() and f"({text}".encode() in strings:
        return True
    return text.encode("utf-16-be").hex().encode() in strings.lower()


def test_coordinator_sees_the_report_of_a_period_with_its_funder_and_targets(
    world: World, as_user: Any
) -> None:
    programme(world)
    period = _period(world)
    response = as_user(world.coordinator).get(PAGE, {"period": period.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Rapport til tilskuddsgiver</h1>' in page
    assert "<td>Stiftelsen Dam</td>" in page  # the funder
    words = " ".join(page.split())
    assert f"Hele landet, 1. januar {YEAR}–31. desember {YEAR}" in words
    assert f"Rapporteringsperiode: Stiftelsen Dam {YEAR}" in words
    assert response.context["funder"] == "Stiftelsen Dam"
    report = response.context["report"]
    assert [(t.metric, t.target) for t in report.targets] == [("women_matched", 50)]
    assert len(report.sections) >= 5
    for section in report.sections:
        assert f'id="section-{section.key}">{section.title}</h2>' in page
    query = f"period={period.pk}"
    assert f'href="{PDF}?{query}"' in page
    assert f'href="{reverse("reports:export", args=["xlsx"])}?{query}"' in page
    assert f'href="{reverse("reports:export", args=["csv"])}?{query}"' in page
    # "Om tallene": the definition of every figure shown, the closures among them.
    codes = [definition.code for definition in response.context["definitions"]]
    shown = funder.figure_codes(report)
    assert codes == [code for code in shown if code not in ("areas_county", "areas_branch")]
    assert len(codes) >= len(shown) - 1  # only the table by area has no definition of its own
    assert "closures_by_reason" in codes
    assert "Koblinger som ble avsluttet i perioden" in page


def test_leader_sees_her_branch_with_small_counts_marked(world: World, as_user: Any) -> None:
    programme(world)
    period = _period(world)
    response = as_user(world.leader).get(PAGE, {"period": period.pk, "area": _area(world.branch)})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope_label == "Oslo Sanitetsforening"
    assert report.national is False
    assert [(t.metric, t.target) for t in report.targets] == [("women_matched", 10)]
    closures = next(t for s in report.sections for t in s.tables if t.key == "closures_by_reason")
    assert closures.total_text() == "<5"
    assert "Narvik" not in response.content.decode()


def test_leader_asking_for_another_branch_is_refused(world: World, as_user: Any) -> None:
    programme(world)
    period = _period(world)
    client = as_user(world.other_leader)
    for url in (PAGE, PDF):
        response = client.get(url, {"period": period.pk, "area": _area(world.branch)})
        assert response.status_code == 403
        assert "Content-Disposition" not in response
        page = response.content.decode()
        assert str(REFUSED_AREA) in page
        assert "Oslo Sanitetsforening" not in page
    assert AuditEvent.objects.filter(action="report.export").count() == 0


@pytest.mark.parametrize("who", ["volunteer", "staff", "other_staff"])
def test_volunteers_and_crisis_staff_are_refused(world: World, as_user: Any, who: str) -> None:
    programme(world)
    client = as_user(getattr(world, who))
    assert client.get(PAGE).status_code == 403
    assert client.get(PDF).status_code == 403


def test_bad_input_shows_the_form_with_the_message(world: World, as_user: Any) -> None:
    response = as_user(world.coordinator).get(
        PAGE, {"starts_on": f"{YEAR}-06-01", "ends_on": f"{YEAR}-05-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Til-datoen kan ikke være før fra-datoen." in page
    assert "Rett opp det som står under" in page
    assert response.context["report"] is None


def test_a_period_with_no_data_says_so_and_offers_no_files(world: World, as_user: Any) -> None:
    response = as_user(world.leader).get(PAGE, {"starts_on": "2031-01-01", "ends_on": "2031-12-31"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Det er ingen tall for denne perioden og dette området ennå." in page
    assert reverse("reports:funder_report_pdf") not in page
    response = as_user(world.leader).get(PDF, {"starts_on": "2031-01-01", "ends_on": "2031-12-31"})
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert "Ingen tall å laste ned" in response.content.decode()


def test_the_pdf_is_a_pdf_with_the_period_name_and_is_recorded(world: World, as_user: Any) -> None:
    programme(world)
    period = _period(world)
    response = as_user(world.leader).get(PDF, {"period": period.pk, "area": _area(world.branch)})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ressursvenn-rapport-{YEAR}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert _pdf_has_text(response.content, f"Stiftelsen Dam {YEAR}")
    assert _pdf_has_text(response.content, "Rapport til tilskuddsgiver")
    assert list(
        AuditEvent.objects.filter(action="report.export").values("actor", "object_id", "changes")
    ) == [
        {
            "actor": world.leader.pk,
            "object_id": "pdf",
            "changes": {
                "format": "pdf",
                "starts_on": f"{YEAR}-01-01",
                "ends_on": f"{YEAR}-12-31",
                "period": f"Stiftelsen Dam {YEAR}",
                "area": "Oslo Sanitetsforening",
                "branches": [world.branch.pk],
            },
        }
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x.css",
        "file:///etc/passwd",
        "https://ressursvenn.invalid/static/css/print.css",
        "data:text/css,body{color:red}",
    ],
)
def test_the_pdf_fetcher_refuses_every_url(url: str) -> None:
    with pytest.raises(ValueError, match="fetches nothing"):
        funder._refusing_fetcher().fetch(url)


def test_a_pdf_with_links_to_elsewhere_is_still_made_without_them() -> None:
    html = (
        '<html><head><title>Tromsø – æøå</title><link rel="stylesheet" '
        'href="https://example.com/x.css"></head><body><h1>Tromsø – æøå</h1>'
        '<img src="file:///etc/passwd" alt=""></body></html>'
    )
    data = funder.pdf(html)
    assert data.startswith(b"%PDF-")
    assert _pdf_has_text(data, "Tromsø – æøå")


def test_the_pdf_stylesheet_leaves_out_what_only_browsers_know(
    world: World, as_user: Any, caplog: Any
) -> None:
    programme(world)
    assert "clip-path" not in funder._stylesheet()
    with caplog.at_level("WARNING", logger="weasyprint"):
        response = as_user(world.coordinator).get(PDF, {"starts_on": f"{YEAR}-01-01"})
    assert response.status_code == 200
    assert [record.getMessage() for record in caplog.records if record.name == "weasyprint"] == []
