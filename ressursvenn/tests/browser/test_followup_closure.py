"""Extension and closure through the real UI: the group leader extends a match, records the two
closing conversations and closes it; the volunteer (at 360 px) then sees only that it ended."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.followup.models import Closure
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_leader_extends_and_closes_the_match(
    browser_world: World, browser_db: Any, page: Page, phone_page: Page
) -> None:
    world = browser_world
    match = active_match(world)
    detail = f"{browser_db.url}/kobling/koblinger/{match.pk}/"
    close_url = f"{browser_db.url}/oppfolging/koblinger/{match.pk}/avslutt/"

    log_in(page, browser_db, world.leader)
    page.goto(detail)
    assert_no_axe_violations(page, where="match detail with closure section (leader)")

    # Extend by a month.
    page.get_by_role("link", name="Forleng koblingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forleng koblingen")
    assert_no_axe_violations(page, where="extend (leader)")
    assert match.planned_end_on is not None
    new_end = match.planned_end_on + datetime.timedelta(days=31)
    page.get_by_label("Ny planlagt slutt").fill(new_end.isoformat())
    page.get_by_label("Hvorfor forlenges koblingen?").fill("De trenger litt mer tid.")
    page.get_by_role("button", name="Forleng koblingen").click()
    page.wait_for_url(detail)
    expect(page.get_by_text("Koblingen er forlenget til")).to_be_visible()
    expect(page.locator('[data-field="extension"]')).to_contain_text("De trenger litt mer tid.")
    assert_no_axe_violations(page, where="match detail after an extension (leader)")
    match.refresh_from_db()
    assert match.planned_end_on == new_end

    # The close page: two conversations first.
    page.get_by_role("link", name="Avslutt koblingen").click()
    page.wait_for_url(close_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Avslutt koblingen")
    assert_no_axe_violations(page, where="close, no conversations yet (leader)")
    today = datetime.date.today().isoformat()
    for party, button in (
        ("volunteer", "Lagre samtalen med ressursvennen"),
        ("woman", "Lagre samtalen med kvinnen"),
    ):
        form = page.locator(f'form[action$="/samtale/{party}/"]')
        form.get_by_label("Dato").fill(today)
        form.get_by_label("Telefon").check()
        form.get_by_label("Notater").fill("Gikk fint.")
        form.get_by_role("button", name=button).click()
        page.wait_for_url(close_url)
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING
    assert_no_axe_violations(page, where="close, both conversations recorded (leader)")

    # The closure itself.
    closing = page.locator(f'form[action$="/koblinger/{match.pk}/avslutt/"]')
    closing.get_by_label("Fullført").check()
    closing.get_by_label("Ja, de har avtalt å holde kontakten").check()
    closing.get_by_label("Kan få en ny kobling").check()
    closing.get_by_role("button", name="Avslutt koblingen").click()
    page.wait_for_url(detail)
    expect(page.get_by_text("Koblingen er avsluttet.", exact=True)).to_be_visible()
    expect(page.locator('[data-field="closure_reason"]')).to_contain_text("Fullført")
    expect(page.get_by_role("link", name="Avslutt koblingen")).to_have_count(0)
    assert_no_axe_violations(page, where="match detail, closed (leader)")
    match.refresh_from_db()
    assert match.status == Match.Status.CLOSED
    assert Closure.objects.get(match=match).reason == Closure.Reason.COMPLETED

    # The volunteer, on a phone: only that it ended, and when.
    log_in(phone_page, browser_db, world.volunteer)
    phone_page.goto(detail)
    expect(phone_page.locator('[data-field="closure_ended"]')).to_be_visible()
    expect(phone_page.locator('[data-field="closure_reason"]')).to_have_count(0)
    scroll_width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the closed match page scrolls sideways ({scroll_width})"
    assert_no_axe_violations(phone_page, where="match detail, closed at 360 px (volunteer)")
