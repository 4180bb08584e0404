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
    expect(page.get_by_role("heading", name="Passer", exact=True).first).to_be_visible()
    assert_no_axe_violations(page, where="candidates")
    page.get_by_role("button", name="Foreslå Vera").click()
    expect(page.locator("h1")).to_have_text("Bekreft forslaget")
    expect(page.get_by_text("Du foreslår Vera som ressursvenn for Amina.")).to_be_visible()
    assert Match.objects.count() == 0
    assert_no_axe_violations(page, where="confirm proposal")
    page.get_by_role("button", name="Bekreft og send forslaget").click()
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
    # What she needs to decide: what help, when and how (item 13).
    expect(main.locator('[data-field="woman-needs"]')).to_contain_text("Sosialt nettverk")
    expect(main.locator('[data-field="woman-availability"]')).to_contain_text("Kvelder")
    expect(main.locator('[data-field="woman-modes"]')).to_be_visible()
    expect(main).not_to_contain_text("91234567")
    expect(main).not_to_contain_text("912 34 567")
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


def test_from_referral_received_to_proposal_sent_takes_three_clicks(
    matching_world: None, page: Page, live_server: Any, world: World
) -> None:
    """Ta imot henvisningen (1) → Foreslå (2) → Bekreft og send forslaget (3)."""
    referral = factories.referral(
        world.centre, world.branch, status="submitted", first_name="Muna", interests=["hiking"]
    )
    log_in(page, live_server, world.leader)
    page.goto(f"{live_server.url}/henvisninger/{referral.pk}/")
    clicks = 0
    page.get_by_role("button", name="Ta imot henvisningen").click()
    clicks += 1
    expect(page.locator("h1")).to_contain_text("Ressursvenn for Muna")
    page.get_by_role("button", name="Foreslå Vera").click()
    clicks += 1
    expect(page.locator("h1")).to_have_text("Bekreft forslaget")
    page.get_by_role("button", name="Bekreft og send forslaget").click()
    clicks += 1
    expect(page.get_by_text("Forslaget er sendt til ressursvennen.")).to_be_visible()
    assert clicks <= 3
    match = Match.objects.get()
    assert (match.referral_id, match.volunteer, match.status) == (
        referral.pk,
        world.volunteer.volunteer,
        "proposed",
    )
    # The waiting list shows the proposal in the match's own words.
    expect(page.get_by_text("Forslag sendt, venter på svar fra ressursvennen")).to_be_visible()
    assert_no_axe_violations(page, where="waiting list after the confirmed proposal")
