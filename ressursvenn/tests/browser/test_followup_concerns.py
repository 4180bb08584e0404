"""Concerns and pause for safety through the real UI: the volunteer reports a concern on a
phone (emergency numbers first), the leader and the centre read and handle it, the leader
pauses the match, the volunteer sees only "paused", and leader and centre resume it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from ressursvenn.conftest import World
from ressursvenn.followup.models import Concern, Pause
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.conftest import DESKTOP
from ressursvenn.tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

TEXT = "Amina fortalte at eksen har truet henne igjen"
REASON = "Ny trussel, hun trenger ro"


def _no_sideways_scroll(page: Page, where: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{where} scrolls sideways at 360 px ({width})"


def test_concern_then_pause_and_resume(
    browser_world: World, browser_db: Any, browser: Browser, page: Page, phone_page: Page
) -> None:
    world = browser_world
    world.centre.phone = "22 11 22 33"
    world.centre.save()
    match = active_match(world)
    base = browser_db.url
    detail = f"{base}/kobling/koblinger/{match.pk}/"

    # The volunteer, on a phone: the emergency block comes first, then the form.
    log_in(phone_page, browser_db, world.volunteer)
    phone_page.goto(detail)
    assert_no_axe_violations(phone_page, where="match page, active (volunteer)")
    phone_page.get_by_role("link", name="Meld fra om en bekymring").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Meld fra om en bekymring")
    expect(phone_page.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    expect(phone_page.locator('[data-field="centre-phone"] a')).to_have_attribute(
        "href", "tel:+4722112233"
    )
    _no_sideways_scroll(phone_page, "the concern form")
    assert_no_axe_violations(phone_page, where="concern form (volunteer, 360 px)")
    phone_page.get_by_label("Sikkerhet").check()
    phone_page.get_by_label("Haster").check()
    phone_page.get_by_label("Hva har skjedd?").fill(TEXT)
    phone_page.get_by_role("button", name="Send bekymringsmeldingen").click()
    phone_page.wait_for_url(detail)
    expect(phone_page.get_by_text("Bekymringsmeldingen er sendt.")).to_be_visible()
    concern = Concern.objects.get()
    phone_page.goto(f"{base}/oppfolging/bekymringer/")
    assert_no_axe_violations(phone_page, where="concern list (volunteer, 360 px)")
    _no_sideways_scroll(phone_page, "the concern list")
    phone_page.goto(f"{base}/oppfolging/bekymringer/{concern.pk}/")
    expect(phone_page.locator('[data-field="status"]')).to_have_text("Ny")
    assert TEXT not in phone_page.content()
    assert_no_axe_violations(phone_page, where="concern detail (volunteer, 360 px)")

    # The group leader reads it and acknowledges it.
    log_in(page, browser_db, world.leader)
    page.goto(f"{base}/oppfolging/bekymringer/")
    assert_no_axe_violations(page, where="concern list (leader)")
    page.locator(f'[data-concern="{concern.pk}"] a').click()
    expect(page.locator('[data-field="description"]')).to_have_text(TEXT)
    assert_no_axe_violations(page, where="concern detail, new (leader)")
    page.get_by_label("Merknad (valgfritt)").fill("Jeg ringer krisesenteret nå")
    page.get_by_role("button", name="Merk som mottatt").click()
    expect(page.get_by_text("Bekymringsmeldingen er merket som mottatt.")).to_be_visible()
    assert_no_axe_violations(page, where="concern detail, acknowledged (leader)")

    # The leader pauses the match.
    page.goto(detail)
    page.get_by_role("link", name="Sett koblingen på pause").click()
    assert_no_axe_violations(page, where="pause form (leader)")
    page.get_by_label("Hvorfor settes koblingen på pause?").fill(REASON)
    page.get_by_role("button", name="Sett på pause").click()
    page.wait_for_url(detail)
    expect(page.locator('[data-field="pause-reason"]')).to_contain_text(REASON)
    assert_no_axe_violations(page, where="match page, paused (leader)")

    # The volunteer sees only that it is paused.
    phone_page.goto(detail)
    expect(phone_page.locator('[data-field="paused"]')).to_have_text("Koblingen er satt på pause.")
    assert REASON not in phone_page.content()
    _no_sideways_scroll(phone_page, "the paused match page")
    assert_no_axe_violations(phone_page, where="match page, paused (volunteer, 360 px)")

    # The leader confirms first, then the centre contact.
    page.get_by_role("link", name="Bekreft at koblingen kan gjenopptas").click()
    assert_no_axe_violations(page, where="resume page (leader)")
    page.get_by_role("button", name="Bekreft at koblingen kan gjenopptas").click()
    page.wait_for_url(detail)
    expect(
        page.get_by_text("Koblingen gjenopptas når krisesenteret også har bekreftet.")
    ).to_be_visible()
    context = browser.new_context(locale="nb-NO", viewport=DESKTOP)
    try:
        staff_page = context.new_page()
        log_in(staff_page, browser_db, world.staff)
        staff_page.goto(f"{base}/oppfolging/bekymringer/{concern.pk}/")
        assert_no_axe_violations(staff_page, where="concern detail (crisis staff)")
        staff_page.goto(detail)
        assert_no_axe_violations(staff_page, where="match page, paused (crisis staff)")
        staff_page.get_by_role("link", name="Bekreft at koblingen kan gjenopptas").click()
        assert_no_axe_violations(staff_page, where="resume page (crisis staff)")
        staff_page.get_by_role("button", name="Bekreft og gjenoppta koblingen").click()
        staff_page.wait_for_url(detail)
        expect(staff_page.get_by_text("Koblingen er gjenopptatt.")).to_be_visible()
    finally:
        context.close()
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert Pause.objects.get().ended_on is not None
