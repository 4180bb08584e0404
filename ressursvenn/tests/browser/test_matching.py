"""Matching through the real UI: waiting list → candidates with reasons → propose; the
volunteer sees the proposal (staged disclosure) and accepts; axe on every page; 360 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.matching.models import Match
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def matching_world(browser_db: Any) -> Any:
    # The world's volunteers need the declaration text after a flush.
    factories.ensure_reference_data()
    return None


def _fits(page: Page, width: int) -> None:
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width} px: {scroll_width}px"


def test_leader_proposes_and_volunteer_accepts(
    matching_world: None, page: Page, phone_page: Page, live_server: Any, world: World
) -> None:
    referral = factories.referral(
        world.centre,
        world.branch,
        first_name="Amina",
        interests=["hiking", "knitting"],
        contact_value="+47 91234567",
    )
    factories.volunteer(world.branch, full_name="Ulla Ugodkjent", cleared=False)
    origin = live_server.url

    # The group leader: waiting list → candidates → propose.
    log_in(page, live_server, world.leader)
    page.goto(f"{origin}/kobling/")
    expect(page.locator("h1")).to_have_text("Venteliste")
    assert_no_axe_violations(page, where="waiting list")
    page.get_by_role("link", name="Amina").click()
    expect(page.locator("h1")).to_contain_text("Ressursvenn for Amina")
    expect(page.get_by_text("Begge liker turgåing")).to_be_visible()
    expect(page.get_by_text("Ikke godkjent, politiattesten er ikke gyldig")).to_be_visible()
    assert_no_axe_violations(page, where="candidates")
    page.get_by_role("button", name="Foreslå Vera").click()
    expect(page.get_by_text("Forslaget er sendt til ressursvennen.")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Venteliste")
    expect(page.get_by_text("Forslag sendt")).to_be_visible()
    assert_no_axe_violations(page, where="waiting list after proposing")
    page.goto(f"{origin}/kobling/samlet/")
    expect(page.locator("h1")).to_have_text("Samlet forslag")
    assert_no_axe_violations(page, where="batch")

    match = Match.objects.get(referral=referral)
    assert [m.subject for m in mail.outbox] == ["Du har en ny forespørsel"]

    # The volunteer, on a phone: the link in the e-mail → staged facts → yes.
    log_in(phone_page, live_server, world.volunteer)
    phone_page.goto(f"{origin}/kobling/forslag/{match.pk}/")
    expect(phone_page.locator("h1")).to_have_text("Forespørsel om å bli ressursvenn")
    main = phone_page.locator("main")
    expect(main).to_contain_text("Amina")
    expect(main).to_contain_text("Turgåing, Strikking")
    expect(main).not_to_contain_text("91234567")
    _fits(phone_page, 360)
    assert_no_axe_violations(phone_page, where="proposal at 360 px")
    phone_page.get_by_label("Ja, det vil jeg").check()
    phone_page.get_by_role("button", name="Send svaret").click()
    expect(phone_page.get_by_text("Takk! Gruppelederen tar kontakt")).to_be_visible()
    _fits(phone_page, 360)
    assert_no_axe_violations(phone_page, where="proposal answered at 360 px")
    match.refresh_from_db()
    assert (match.status, match.volunteer_answer) == ("proposed", "yes")

    # The leader's candidate page at 360 px (same session as the desktop page).
    phone_page.context.clear_cookies()
    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    phone_page.goto(f"{origin}/kobling/henvisning/{referral.pk}/")
    expect(phone_page.locator("h1")).to_contain_text("Ressursvenn for Amina")
    _fits(phone_page, 360)
    assert_no_axe_violations(phone_page, where="candidates at 360 px")
