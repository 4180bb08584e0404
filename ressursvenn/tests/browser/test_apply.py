"""A new volunteer applies through the real form; a volunteer signs the declaration and edits
her profile in her own session. Every page is checked with axe, the form also at 360 px."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import expect_path, log_in
from ressursvenn.volunteers.models import ConfidentialityDeclaration, Volunteer

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _declaration_text(transactional_db: None) -> None:
    """A transactional test's flush also empties the declaration text the migration loaded."""
    factories.ensure_reference_data()


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    """The live server counts applications in this process's cache: start and end empty."""
    cache.clear()
    yield
    cache.clear()


def test_a_new_volunteer_applies_through_the_public_form(
    page: Page, phone_page: Page, live_server: Any, browser_world: World
) -> None:
    origin = live_server.url
    page.goto(f"{origin}/bli-ressursvenn/")
    expect(page.locator("h1")).to_have_text("Bli ressursvenn")
    assert_no_axe_violations(page, where="application form")

    # Submitting an empty form shows the errors (and is still accessible).
    page.get_by_role("button", name="Send søknaden").click()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_no_axe_violations(page, where="application form with errors")

    page.get_by_label("Fullt navn").fill("Hanne Hjelpsom")
    page.get_by_label("E-postadresse").fill("hanne@example.no")
    page.get_by_label("Telefonnummer").fill("912 34 567")
    page.get_by_label("Fødselsdato").fill("1980-05-17")
    page.get_by_label("Kommune du bor i").select_option("0301")
    page.get_by_label("Bydel (bare for Oslo)").select_option("030103")
    page.get_by_label("Jeg bekrefter at jeg er kvinne").check()
    page.get_by_label("Hvorfor vil du bli ressursvenn? (valgfritt)").fill("Jeg vil bidra.")
    page.get_by_label("Engelsk").check()
    page.get_by_label("Strikking").check()
    page.get_by_label("Jobbsøking").check()
    page.get_by_label("Kvelder").check()
    page.get_by_label("Fysisk oppmøte").check()
    page.get_by_label("Hvor langt kan du reise for å møte henne (km)?").fill("15")
    page.get_by_role("button", name="Send søknaden").click()

    expect_path(page, live_server, "/bli-ressursvenn/takk/", step="application sent")
    expect(page.locator("main")).to_contain_text(
        "Søknaden går til Oslo Sanitetsforening, som dekker stedet der du bor."
    )
    assert_no_axe_violations(page, where="application done page")

    volunteer = Volunteer.objects.get(email="hanne@example.no")
    assert (volunteer.status, volunteer.branch, volunteer.district_id) == (
        Volunteer.Status.APPLIED,
        browser_world.branch,
        "030103",
    )
    assert volunteer.languages == ["nb", "en"]
    assert volunteer.interests == ["knitting"]
    assert volunteer.modes == ["in_person"]
    assert volunteer.max_travel_km == 15

    # The form on a phone: no sideways scrolling, still accessible.
    phone_page.goto(f"{origin}/bli-ressursvenn/")
    expect(phone_page.locator("h1")).to_have_text("Bli ressursvenn")
    scroll_width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the form scrolls sideways at 360 px: {scroll_width}px"
    assert_no_axe_violations(phone_page, where="application form at 360 px")

    # Too young: a kind refusal page, nothing stored.
    today = timezone.localdate()
    young = datetime.date(today.year - 20, 1, 1).isoformat()
    phone_page.get_by_label("Fullt navn").fill("Unge Ung")
    phone_page.get_by_label("E-postadresse").fill("ung@example.no")
    phone_page.get_by_label("Telefonnummer").fill("98765432")
    phone_page.get_by_label("Fødselsdato").fill(young)
    phone_page.get_by_label("Kommune du bor i").select_option("1806")
    phone_page.get_by_label("Jeg bekrefter at jeg er kvinne").check()
    phone_page.get_by_label("Kvelder").check()
    phone_page.get_by_label("Digitalt (video eller telefon)").check()
    phone_page.get_by_role("button", name="Send søknaden").click()
    expect(phone_page.locator("h1")).to_have_text("Takk for at du vil hjelpe!")
    assert_no_axe_violations(phone_page, where="too-young page at 360 px")
    assert Volunteer.objects.filter(email="ung@example.no").count() == 0


def test_a_volunteer_signs_the_declaration_and_edits_her_profile(
    page: Page, live_server: Any, browser_world: World
) -> None:
    origin = live_server.url
    user = factories.member(browser_world.branch, Role.VOLUNTEER, full_name="Sara Søker")
    volunteer = factories.volunteer(browser_world.branch, user=user, status="screening")
    log_in(page, live_server, user)

    page.goto(f"{origin}/min-side/")
    expect(page.locator("h1")).to_have_text("Min side")
    expect(page.locator("main")).to_contain_text("Under vurdering")
    assert_no_axe_violations(page, where="Min side")

    page.get_by_role("link", name="Les og signer taushetserklæringen").click()
    expect_path(page, live_server, "/min-side/taushetserklaering/", step="declaration link")
    expect(page.locator("main")).to_contain_text("Jeg forteller ikke videre")
    assert_no_axe_violations(page, where="declaration page")
    page.get_by_label("Jeg har lest taushetserklæringen og forplikter meg til å følge den").check()
    page.get_by_role("button", name="Signer erklæringen").click()

    expect_path(page, live_server, "/min-side/", step="declaration signed")
    expect(page.locator(".messages")).to_contain_text("Taushetserklæringen er signert.")
    expect(page.locator("main")).to_contain_text("Du har signert gjeldende taushetserklæring.")
    assert_no_axe_violations(page, where="Min side after signing")
    declaration = ConfidentialityDeclaration.objects.get(volunteer=volunteer)
    assert (declaration.method, declaration.recorded_by) == ("in_app", user)

    page.get_by_role("link", name="Hold profilen din oppdatert").click()
    expect_path(page, live_server, "/min-side/profil/", step="profile link")
    expect(page.locator("h1")).to_have_text("Min profil")
    assert_no_axe_violations(page, where="profile page")
    page.get_by_label("Telefonnummer").fill("400 00 000")
    page.get_by_label("Baking").check()
    page.get_by_label("Helger").check()
    page.get_by_label("Hvor langt kan du reise for å møte henne (km)?").fill("40")
    page.get_by_role("button", name="Lagre profilen").click()

    expect_path(page, live_server, "/min-side/", step="profile saved")
    expect(page.locator(".messages")).to_contain_text("Profilen din er oppdatert.")
    volunteer.refresh_from_db()
    assert volunteer.interests == ["hiking", "baking"]
    assert volunteer.availability == ["evenings", "weekends"]
    assert volunteer.max_travel_km == 40
    assert volunteer.phone == "400 00 000"
