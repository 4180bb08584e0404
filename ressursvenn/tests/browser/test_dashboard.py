"""The programme dashboard through the real UI: the national coordinator and a group leader
see charts (server-drawn SVG with an accessible name) and the tables beside them, "<5" for a
branch's small numbers, no sideways scrolling at 360 px, and axe finds nothing; "Om tallene"
is linked from the dashboard; the targets pages pass axe too.

Set DASHBOARD_SCREENSHOTS to a folder to save a screenshot of each page at 1280 and 360 px."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.reports.tests.dashboard_builders import END, START, programme
from ressursvenn.surveys.models import ReportingPeriod, Target
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.tests.browser.journey_helpers import fits

pytestmark = pytest.mark.browser

YEAR = f"?starts_on={START.isoformat()}&ends_on={END.isoformat()}"


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _period(world: World) -> ReportingPeriod:
    period = ReportingPeriod.objects.create(
        name="Stiftelsen Dam 2025",
        funder="Stiftelsen Dam",
        starts_on=START,
        ends_on=END,
        created_by=world.coordinator,
    )
    Target.objects.create(period=period, metric="women_matched", value=20)
    Target.objects.create(period=period, metric="referrals_received", value=12)
    Target.objects.create(period=period, metric="women_matched", organisation=world.branch, value=6)
    return period


def test_the_coordinator_sees_charts_and_tables_for_the_whole_country(
    page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    programme(world)
    _period(world)
    log_in(page, browser_db, world.coordinator)
    page.get_by_role("link", name="Tall og mål").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tall og mål")
    page.goto(f"{browser_db.url}{reverse('reports:dashboard')}{YEAR}")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Mål og resultat")).to_be_visible()
    expect(
        main.get_by_role(
            "img", name="Stolpediagram: mål og resultat. Tallene står i tabellen under."
        )
    ).to_be_visible()
    closures = main.locator("[data-table=closures_by_reason]")
    expect(closures.get_by_role("img")).to_have_count(1)
    expect(closures.locator("tbody tr").last).to_contain_text("3")
    expect(main.locator("[data-table=areas_county] tbody tr")).to_have_count(3)
    assert_no_axe_violations(page, where="national dashboard")
    _shot(page, "dashboard-national-1280")
    page.get_by_role("link", name="Slik telles tallene (Om tallene)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Om tallene")
    assert_no_axe_violations(page, where="Om tallene")
    _shot(page, "about-figures-1280")


def test_a_group_leader_sees_her_branch_on_a_phone(
    phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    programme(world)
    _period(world)
    page = phone_page
    log_in(page, browser_db, world.leader)
    page.goto(f"{browser_db.url}{reverse('reports:dashboard')}{YEAR}")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=2).first).to_contain_text("Oslo Sanitetsforening")
    closures = main.locator("[data-table=closures_by_reason]")
    expect(closures.get_by_role("img")).to_have_attribute(
        "aria-label",
        "Stolpediagram: Avsluttede koblinger etter årsak. Tallene står i tabellen under.",
    )
    expect(closures.locator("tbody tr").last).to_contain_text("<5")
    expect(main.locator("[data-table=matches_started_by_month] svg")).to_be_visible()
    expect(main).not_to_contain_text("Narvik")
    fits(page, 360, where="leader dashboard")
    assert_no_axe_violations(page, where="leader dashboard at 360 px")
    _shot(page, "dashboard-leader-360")
    page.goto(f"{browser_db.url}{reverse('reports:about_figures')}")
    fits(page, 360, where="Om tallene")
    _shot(page, "about-figures-360")


def test_the_coordinator_dashboard_fits_a_phone(
    phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    programme(world)
    page = phone_page
    log_in(page, browser_db, world.coordinator)
    page.goto(f"{browser_db.url}{reverse('reports:dashboard')}{YEAR}")
    expect(page.locator("main [data-table=areas_county]")).to_be_visible()
    fits(page, 360, where="national dashboard")
    _shot(page, "dashboard-national-360")
    page.goto(
        f"{browser_db.url}{reverse('reports:dashboard')}?starts_on=2025-05-01&ends_on=2025-01-01"
    )
    expect(page.locator(".ds-error-summary")).to_contain_text(
        "Til-datoen kan ikke være før fra-datoen."
    )
    assert_no_axe_violations(page, where="dashboard with an error")


def test_the_coordinator_sets_a_target_through_the_targets_pages(
    page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    log_in(page, browser_db, world.coordinator)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Mål", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mål for programmet")
    assert_no_axe_violations(page, where="targets list (empty)")
    page.get_by_role("link", name="Lag en ny periode").click()
    page.get_by_label("Navn").fill("Stiftelsen Dam 2027")
    page.get_by_label("Tilskuddsgiver").fill("Stiftelsen Dam")
    page.get_by_label("Fra og med").fill("2027-12-31")
    page.get_by_label("Til og med").fill("2027-01-01")
    page.get_by_role("button", name="Lag perioden").click()
    expect(page.locator(".ds-error-summary")).to_contain_text(
        "Til-datoen kan ikke være før fra-datoen."
    )
    assert_no_axe_violations(page, where="new period with an error")
    page.get_by_label("Fra og med").fill("2027-01-01")
    page.get_by_label("Til og med").fill("2027-12-31")
    page.get_by_role("button", name="Lag perioden").click()
    expect(page.locator(".messages")).to_contain_text("Perioden er opprettet.")
    page.get_by_label("Mål for").select_option("women_matched")
    page.get_by_label("Gjelder").select_option(label="Oslo Sanitetsforening")
    page.get_by_label("Mål", exact=True).fill("50")
    page.get_by_role("button", name="Sett målet").click()
    expect(page.locator(".messages")).to_contain_text("Målet er satt.")
    expect(page.locator("#targets-branches tbody tr")).to_have_count(1)
    expect(page.locator("#targets-branches tbody tr")).to_contain_text("Oslo Sanitetsforening")
    assert_no_axe_violations(page, where="period with a target")
    _shot(page, "targets-period-1280")
    page.get_by_role("link", name="Endre", exact=True).last.click()
    assert_no_axe_violations(page, where="edit a target")
    page.get_by_label("Mål").fill("60")
    page.get_by_role("button", name="Lagre målet").click()
    expect(page.locator("#targets-branches tbody tr")).to_contain_text("60")
    page.get_by_role("link", name="Tilbake til periodene").click()
    assert_no_axe_violations(page, where="targets list")
    _shot(page, "targets-list-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    fits(page, 360, where="targets list")
    page.get_by_role("link", name="Stiftelsen Dam 2027").click()
    fits(page, 360, where="period page")
    _shot(page, "targets-period-360")
