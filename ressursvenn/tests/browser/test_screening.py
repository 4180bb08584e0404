"""A group leader screens an applicant through the real pages; axe on every screening page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.browser


def test_leader_screens_and_approves_an_applicant(
    page: Page, phone_page: Page, live_server: Any, browser_world: World
) -> None:
    world = browser_world
    today = timezone.localdate()
    applicant = factories.volunteer(
        world.branch, status="applied", full_name="Sara Søker", email="sara@example.no"
    )
    factories.volunteer(world.other_branch, status="applied", full_name="Nora Narvik")
    origin = live_server.url
    log_in(page, live_server, world.leader)

    page.goto(f"{origin}/frivillige/")
    expect(page.locator("h1")).to_have_text("Ressursvenner")
    expect(page.get_by_role("link", name="Sara Søker")).to_be_visible()
    expect(page.get_by_text("Nora Narvik")).to_have_count(0)
    assert_no_axe_violations(page, where="pipeline")

    page.get_by_role("link", name="Sara Søker").click()
    expect(page.locator("h1")).to_have_text("Sara Søker")
    assert_no_axe_violations(page, where="detail, applied")
    page.get_by_role("button", name="Ta inn til vurdering").click()
    expect(page.locator(".messages")).to_contain_text("tatt inn til vurdering")
    applicant.refresh_from_db()
    assert applicant.status == Volunteer.Status.SCREENING

    # Police certificate: first too old (refused next to the field), then a valid one.
    page.locator("summary", has_text="Politiattest").click()
    page.get_by_label("Ordinær politiattest").check()
    page.get_by_label("Utstedt dato").fill((today - datetime.timedelta(days=200)).isoformat())
    page.get_by_label("Dato du så attesten").fill(today.isoformat())
    page.get_by_role("button", name="Registrer politiattesten").click()
    expect(page.locator("#id_certificate-issued_on_error")).to_contain_text("eldre enn")
    assert_no_axe_violations(page, where="detail, certificate error")
    page.get_by_label("Ordinær politiattest").check()
    page.get_by_label("Utstedt dato").fill((today - datetime.timedelta(days=10)).isoformat())
    page.get_by_label("Dato du så attesten").fill(today.isoformat())
    page.get_by_role("button", name="Registrer politiattesten").click()
    expect(page.locator(".messages")).to_contain_text("Politiattesten er registrert")

    page.locator("summary", has_text="Egnethetssamtale").click()
    page.get_by_label("Dato for samtalen").fill(today.isoformat())
    page.get_by_label("Egnet", exact=True).check()
    page.get_by_label("Notater").fill("Rolig og trygg.")
    page.get_by_role("button", name="Registrer samtalen").click()
    expect(page.locator(".messages")).to_contain_text("Egnethetssamtalen er registrert")

    page.locator("summary", has_text="Taushetserklæring signert på papir").click()
    page.get_by_label("Signert dato").fill(today.isoformat())
    page.get_by_role("button", name="Registrer erklæringen").click()
    expect(page.locator(".messages")).to_contain_text("Taushetserklæringen er registrert")

    # Course completion belongs to the course pages; set it directly here.
    Volunteer.objects.filter(pk=applicant.pk).update(course_completed_on=today)
    page.reload()
    expect(page.get_by_text("Alle krav er oppfylt i dag.")).to_be_visible()
    assert_no_axe_violations(page, where="detail, cleared")
    page.get_by_role("button", name="Godkjenn som ressursvenn").click()
    expect(page.locator(".messages")).to_contain_text("godkjent")
    applicant.refresh_from_db()
    assert (applicant.status, applicant.approved_on) == ("approved", today)
    assert_no_axe_violations(page, where="detail, approved")

    page.goto(f"{origin}/frivillige/import/")
    expect(page.locator("h1")).to_have_text("Importer ressursvenner")
    assert_no_axe_violations(page, where="import")
    csv = "navn;e-post;fødselsdato;kommunenummer\nAnne;anne@example.no;14.03.1970;0301\n"
    csv += "Berit;ikke-epost;14.03.1970;9999\n"
    page.get_by_label("Fil (XLSX eller CSV)").set_input_files(
        files=[{"name": "liste.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_label("Alle på listen har selv sagt at de er kvinner").check()
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.get_by_text("Ukjent kommunenummer «9999».")).to_be_visible()
    assert_no_axe_violations(page, where="import preview")
    page.get_by_role("button", name="Importer 1 gyldig rad").click()
    expect(page.locator(".messages")).to_contain_text("1 ressursvenner er importert")
    assert Volunteer.objects.filter(imported=True).count() == 1

    # 360 px: the pipeline fits without sideways scrolling of the page.
    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    phone_page.goto(f"{origin}/frivillige/?status=screening")
    expect(phone_page.locator("h1")).to_be_visible()
    scroll_width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 360
    assert_no_axe_violations(phone_page, where="pipeline at 360 px")
    phone_page.goto(f"{origin}/frivillige/{applicant.pk}/")
    expect(phone_page.locator("h1")).to_have_text("Sara Søker")
    assert_no_axe_violations(phone_page, where="detail at 360 px")
