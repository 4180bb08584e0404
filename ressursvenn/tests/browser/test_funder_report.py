"""The funder report in the browser: the coordinator opens the report of a reporting period,
it prints without navigation, buttons or forms (print media), downloads the PDF and the
spreadsheet, and a group leader reads her branch's report on a 360 px phone without sideways
scrolling. Axe runs on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.reports import dashboard
from ressursvenn.reports.tests.dashboard_builders import YEAR, programme
from ressursvenn.surveys.models import ReportingPeriod, Target
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import horizontal_overflow, log_in

pytestmark = pytest.mark.browser


def _period(world: World) -> ReportingPeriod:
    programme(world)
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


def test_coordinator_prints_the_funder_report_and_downloads_its_files(
    page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    period = _period(world)
    log_in(page, browser_db, world.coordinator)
    page.goto(f"{browser_db.url}{reverse('reports:funder_report')}?period={period.pk}")
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport til tilskuddsgiver")
    expect(main.locator(".print-header")).to_contain_text(f"Stiftelsen Dam {YEAR}")
    expect(main.locator(".print-header")).to_contain_text("Hele landet")
    expect(main.get_by_role("heading", name="Mål og resultat")).to_be_visible()
    expect(main.get_by_role("heading", name="Om tallene", exact=True)).to_be_visible()
    expect(main.locator("svg[role=img]").first).to_be_visible()
    assert_no_axe_violations(page, where="funder report, coordinator")

    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-nav", ".site-footer", "main form", "main .screen-only"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(main.locator("table").first).to_be_visible()
    assert page.locator("button:visible").count() == 0
    page.emulate_media(media="screen")
    expect(page.locator(".site-nav")).to_be_visible()

    with page.expect_download() as pdf:
        main.get_by_role("link", name="Last ned rapporten som PDF").click()
    assert pdf.value.suggested_filename == f"ressursvenn-rapport-{YEAR}.pdf"
    with open(pdf.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    with page.expect_download() as xlsx:
        main.get_by_role("link", name="Last ned tallene som Excel-regneark").click()
    assert xlsx.value.suggested_filename == f"ressursvenn-tall-{YEAR}.xlsx"

    main.get_by_role("link", name="Tilbake til Tall og mål").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tall og mål")


def test_leader_reads_her_branch_report_on_a_phone(
    phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    period = _period(world)
    page = phone_page
    log_in(page, browser_db, world.leader)
    area = f"{dashboard.BRANCH_PREFIX}{world.branch.pk}"
    page.goto(f"{browser_db.url}{reverse('reports:funder_report')}?period={period.pk}&area={area}")
    main = page.locator("main")
    expect(main.locator(".print-header")).to_contain_text("Oslo Sanitetsforening")
    expect(main).not_to_contain_text("Narvik")
    expect(main.locator("td", has_text="<5").first).to_be_visible()
    assert horizontal_overflow(page) == []
    assert_no_axe_violations(page, where="funder report, group leader, 360 px")

    # Choosing another period: the form behind "Velg en annen periode".
    main.get_by_text("Velg en annen periode eller et annet område").click()
    page.get_by_label("Til og med").fill(f"{YEAR - 1}-01-01")
    page.get_by_label("Rapporteringsperiode").select_option("")
    page.get_by_label("Fra og med").fill(f"{YEAR}-06-01")
    main.get_by_role("button", name="Vis rapporten").click()
    expect(main.locator(".ds-error-summary")).to_contain_text(
        "Til-datoen kan ikke være før fra-datoen."
    )
    assert horizontal_overflow(page) == []
    assert_no_axe_violations(page, where="funder report with an error, 360 px")
