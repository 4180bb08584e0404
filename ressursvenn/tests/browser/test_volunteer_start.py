"""The volunteer's start page on a 360 px phone (issue 8, item 9): her waiting proposal and her
koblingsmøte come first; an applicant is called "Søker", has no *Koblinger* and is told what
is missing. Axe runs on every page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.matching.models import MatchingMeeting
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.tests.browser.journey_helpers import fits

pytestmark = pytest.mark.browser


def test_a_proposal_and_a_koblingsmote_come_first_on_a_phone(
    phone_page: Page, browser_world: World, live_server: object
) -> None:
    world = browser_world
    waiting = factories.referral(world.centre, world.branch, status="proposed")
    proposal = factories.match(waiting, world.volunteer.volunteer, proposed_by=world.leader)
    planned = factories.referral(world.centre, world.branch, status="proposed", first_name="Berit")
    match = factories.match(
        planned,
        world.volunteer.volunteer,
        status="meeting_planned",
        volunteer_answer="yes",
        answered_at=timezone.now(),
        proposed_by=world.leader,
    )
    MatchingMeeting.objects.create(
        match=match,
        starts_at=timezone.now() + datetime.timedelta(days=4),
        mode="video",
        planned_by=world.leader,
    )
    log_in(phone_page, live_server, world.volunteer)
    main = phone_page.locator("main")
    first = main.locator("section").first
    expect(first.get_by_role("heading")).to_have_text("Dette venter på deg")
    links = first.get_by_role("link")
    expect(links).to_have_count(2)
    proposal_url = reverse("matching:proposal", args=[proposal.pk])
    expect(links.nth(0)).to_have_attribute("href", proposal_url)
    expect(links.nth(1)).to_have_attribute(
        "href", reverse("matching:match_detail", args=[match.pk])
    )
    expect(phone_page.locator(".site-header__role")).to_contain_text("Ressursvenn")
    fits(phone_page, 360, where="volunteer start page")
    assert_no_axe_violations(phone_page, where="volunteer start page with a proposal at 360 px")
    links.nth(0).click()
    phone_page.wait_for_load_state()
    assert phone_page.url.endswith(proposal_url)


def test_an_applicant_is_called_soker_and_told_what_is_missing(
    phone_page: Page, browser_world: World, live_server: object
) -> None:
    world = browser_world
    user = factories.member(world.branch, Role.VOLUNTEER, full_name="Sara Søker")
    row = factories.volunteer(world.branch, user=user, status="screening", cleared=True)
    row.declarations.all().delete()
    log_in(phone_page, live_server, user)
    expect(phone_page.locator(".site-header__role")).to_contain_text("Søker")
    nav = phone_page.get_by_role("navigation", name="Hovedmeny")
    expect(nav.get_by_role("link", name="Koblinger")).to_have_count(0)
    section = phone_page.locator("section[aria-labelledby=screening-heading]")
    expect(section.locator("li")).to_have_count(1)
    expect(section.locator("li")).to_contain_text("Taushetserklæring")
    fits(phone_page, 360, where="applicant start page")
    assert_no_axe_violations(phone_page, where="applicant start page at 360 px")
    section.get_by_role("link", name="Taushetserklæring").click()
    phone_page.wait_for_load_state()
    expect(phone_page.locator("h1")).to_have_text("Taushetserklæring")
    fits(phone_page, 360, where="declaration page")
    assert_no_axe_violations(phone_page, where="declaration at 360 px")
