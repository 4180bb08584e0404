"""The questionnaires through the real UI: the woman answers her one-time link on a 360 px phone
with the keyboard only, the link cannot be used again, quick exit leaves no history entry to go
back to; the crisis centre makes a link (QR code shown once) and records the outcome; the
volunteer's match page never shows the outcome. Axe runs on every page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Route, expect

from ressursvenn.conftest import World
from ressursvenn.surveys.models import Response, SurveyLink
from ressursvenn.surveys.tests.builders import at_midway, at_start, link_for
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.tests.browser.journey_helpers import fits

pytestmark = pytest.mark.browser

EXIT = "https://www.yr.no/"
NEUTRAL = "<html lang='nb'><head><title>Været</title></head><body><h1>Været</h1></body></html>"


def _neutral_site(page: Page) -> None:
    """No internet in the tests: the neutral site answers from here."""

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL)

    page.context.route("https://www.yr.no/**", fulfil)


def _shot(target: Any, name: str, **options: Any) -> None:
    """A screenshot for review when SURVEY_SCREENSHOTS names a folder (not in normal runs)."""
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        target.screenshot(path=str(Path(folder) / f"{name}.png"), **options)


def _focused(page: Page) -> str:
    found: str = page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? (e.getAttribute('value') || e.textContent || '').trim() : ''; }"
    )
    return found


def tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate(f"() => document.activeElement?.matches({selector!r}) === true"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} (focus on {_focused(page)!r})")


def _press_next(page: Page, action: str = "next") -> None:
    tab_to(page, f"button[name=action][value={action}]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _choose(page: Page, name: str, value: str) -> None:
    """Tab into the radio group, then arrow keys until `value` is checked."""
    tab_to(page, f"input[name={name}]")
    for _ in range(14):
        if page.evaluate(
            f"() => document.querySelector('input[name={name}][value=\"{value}\"]').checked"
        ):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value} for {name}")


def test_she_answers_on_a_phone_with_the_keyboard_and_the_link_is_used_up(
    phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    page = phone_page
    _neutral_site(page)
    match = at_start(browser_world)
    link, token = link_for(browser_world, match)
    token_url = f"{browser_db.url}{reverse('surveys:public_link', args=[token])}"
    page.goto(token_url)
    page.wait_for_url(f"{browser_db.url}/skjema/")
    expect(page).to_have_title("Spørreskjema")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spørreskjema")
    expect(page.get_by_role("link", name="Forlat siden raskt")).to_be_visible()
    assert token not in page.content()
    fits(page, 360, where="her first page")
    assert_no_axe_violations(page, where="her first page")
    _shot(page, "public-intro-360", full_page=True)

    _press_next(page)
    expect(page.get_by_text("Steg 1 av 4")).to_be_visible()
    _choose(page, "ucla3_1", "2")
    _choose(page, "ucla3_2", "skip")
    _choose(page, "ucla3_3", "3")
    fits(page, 360, where="step 1")
    assert_no_axe_violations(page, where="step 1")
    _shot(page, "public-step1-360", full_page=True)
    _press_next(page)
    expect(page.get_by_text("Steg 2 av 4")).to_be_visible()
    _choose(page, "osss3_1", "3")
    _press_next(page)
    _press_next(page)  # safety: left unanswered, i.e. skipped
    expect(page.get_by_text("Steg 4 av 4")).to_be_visible()
    _choose(page, "life_satisfaction_1", "7")
    fits(page, 360, where="the 0–10 step")
    assert_no_axe_violations(page, where="the 0–10 step")
    _shot(page, "public-step4-360", full_page=True)
    _press_next(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Send inn svarene")
    expect(page.locator("[data-field=answered]")).to_contain_text("Du har svart på 4 av 8")
    assert_no_axe_violations(page, where="the last page")
    _press_next(page, "send")
    expect(page.get_by_role("heading", level=1)).to_have_text("Takk for svarene!")
    assert_no_axe_violations(page, where="the thank-you page")
    fits(page, 360, where="the thank-you page")

    response = Response.objects.get(link=link)
    assert response.submitted_at is not None
    assert dict(response.answers.values_list("item", "value")) == {
        "ucla3_1": 2,
        "ucla3_2": None,
        "ucla3_3": 3,
        "osss3_1": 3,
        "osss3_2": None,
        "osss3_3": None,
        "safety_1": None,
        "life_satisfaction_1": 7,
    }
    # Used up: opening the link again gives the neutral page.
    page.goto(token_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken virker ikke")
    assert_no_axe_violations(page, where="the used link")
    _shot(page, "public-gone-360", full_page=True)


def test_quick_exit_replaces_the_page_and_back_does_not_return(
    phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    page = phone_page
    _neutral_site(page)
    _link, token = link_for(browser_world, at_start(browser_world))
    page.goto(f"{browser_db.url}/om/")  # where she was before (any page)
    page.goto(f"{browser_db.url}{reverse('surveys:public_link', args=[token])}")
    page.wait_for_url(f"{browser_db.url}/skjema/")
    before = page.evaluate("() => history.length")
    _press_next(page)  # a step further: the same address, no new history entry
    _press_next(page)
    assert page.evaluate("() => history.length") == before
    tab_to(page, "[data-quick-exit]")
    page.keyboard.press("Enter")
    page.wait_for_url(EXIT)
    assert page.evaluate("() => history.length") == before
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{browser_db.url}/om/"
    assert "/skjema/" not in page.url


def test_escape_leaves_too(phone_page: Page, browser_world: World, browser_db: Any) -> None:
    page = phone_page
    _neutral_site(page)
    _link, token = link_for(browser_world, at_start(browser_world))
    page.goto(f"{browser_db.url}{reverse('surveys:public_link', args=[token])}")
    page.wait_for_url(f"{browser_db.url}/skjema/")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Været")


def test_another_device_sees_in_use(
    phone_page: Page, page: Page, browser_world: World, browser_db: Any
) -> None:
    _link, token = link_for(browser_world, at_start(browser_world))
    url = f"{browser_db.url}{reverse('surveys:public_link', args=[token])}"
    phone_page.goto(url)
    phone_page.wait_for_url(f"{browser_db.url}/skjema/")
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken er allerede i bruk")
    assert_no_axe_violations(page, where="the link in use")


def test_the_centre_makes_a_link_and_records_the_outcome(
    page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    match = at_midway(world, contact_channel="sms")
    log_in(page, browser_db, world.staff)
    page.goto(f"{browser_db.url}{reverse('matching:match_detail', args=[match.pk])}")
    section = page.locator("section[aria-labelledby=surveys-heading]")
    expect(section).to_contain_text("skal gis nå")
    assert_no_axe_violations(page, where="the centre's match page")
    _shot(section, "section-centre-1280")
    section.get_by_role("link", name="Gi henne lenken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gi lenke til spørreskjemaet")
    assert_no_axe_violations(page, where="the make-a-link page")
    _shot(page, "link-new-1280", full_page=True)
    page.get_by_label("Vis en tekst med lenken").check()
    page.get_by_role("button", name="Lag lenken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken til spørreskjemaet")
    expect(page.locator("img[data-field=qr]")).to_be_visible()
    expect(page.locator("[data-field=sms_text]")).to_contain_text("/skjema/")
    assert_no_axe_violations(page, where="the link shown once")
    _shot(page, "link-show-1280", full_page=True)
    assert SurveyLink.objects.filter(match=match, delivery="sms").count() == 1
    page.get_by_role("link", name="Ferdig – tilbake til koblingen").click()
    section = page.locator("section[aria-labelledby=surveys-heading]")
    expect(section.locator("[data-field=woman_six_months]")).to_contain_text("lenke gitt")
    section.get_by_role("link", name="Registrer svaret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvordan har hun det?")
    assert_no_axe_violations(page, where="the outcome question")
    page.get_by_label("Lever fri fra voldsutøveren").check()
    page.get_by_role("button", name="Lagre svaret").click()
    expect(page.locator("[data-field=outcome_six_months]")).to_contain_text(
        "Lever fri fra voldsutøveren"
    )


def test_staff_enter_on_her_behalf_and_the_volunteer_never_sees_the_outcome(
    page: Page, phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    match = at_midway(world)
    log_in(page, browser_db, world.leader)
    page.goto(f"{browser_db.url}{reverse('surveys:on_behalf', args=[match.pk, 'six_months'])}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spørreskjema på hennes vegne")
    assert_no_axe_violations(page, where="on her behalf, first page")
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Nesten aldri").first.check()
    assert_no_axe_violations(page, where="on her behalf, a step")
    _shot(page, "behalf-step-1280", full_page=True)
    for _ in range(4):
        page.get_by_role("button", name="Neste").click()
    page.get_by_role("button", name="Send inn").click()
    expect(page.locator(".messages")).to_contain_text("fylt inn på hennes vegne")
    section = page.locator("section[aria-labelledby=surveys-heading]")
    expect(section.locator("[data-field=woman_six_months]")).to_contain_text(
        "fylt inn på hennes vegne"
    )
    section.get_by_role("link", name="Se alle svarene").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kvinnens svar")
    assert_no_axe_violations(page, where="her answers")
    _shot(page, "answers-1280", full_page=True)

    log_in(phone_page, browser_db, world.volunteer)
    phone_page.goto(f"{browser_db.url}{reverse('matching:match_detail', args=[match.pk])}")
    section = phone_page.locator("section[aria-labelledby=surveys-heading]")
    expect(section).to_be_visible()
    expect(phone_page.locator("main")).not_to_contain_text("voldsutøveren")
    expect(phone_page.locator("main")).not_to_contain_text("Lever hun fri")
    expect(section.locator("[data-field=ucla3]")).to_have_count(0)
    fits(phone_page, 360, where="the volunteer's match page")
    assert_no_axe_violations(phone_page, where="the volunteer's match page")
    _shot(section, "section-volunteer-360")
    section.get_by_role("link", name="Svar på spørreskjemaet ditt").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Din erfaring som ressursvenn")
    phone_page.get_by_role("button", name="Start").click()
    fits(phone_page, 360, where="the volunteer's questionnaire")
    assert_no_axe_violations(phone_page, where="the volunteer's questionnaire")
    _shot(phone_page, "volunteer-step-360", full_page=True)
