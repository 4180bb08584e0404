"""Every persona logs in through the real forms and walks every page a link leads to."""

from __future__ import annotations

import datetime
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.matching.models import MatchingMeeting
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import (
    assert_no_axe_violations,
    axe_violations,
    format_violations,
)
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.volunteers.actions import courses, guidance

pytestmark = pytest.mark.browser

PERSONAS = ["coordinator", "leader", "other_leader", "staff", "other_staff", "volunteer"]
MAX_PAGES = 70
SKIPPED_PREFIXES = ("/logg-ut/", "/admin/", "/static/", "/sprak/")


def _header_shows_role(page: Page, world: World, persona: str) -> None:
    user = getattr(world, persona)
    membership = Membership.objects.select_related("organisation").get(user=user)
    header_role = page.locator(".site-header__role")
    expect(header_role).to_contain_text(str(Role(membership.role).label))
    expect(header_role).to_contain_text(membership.organisation.name)


def _same_origin_links(page: Page, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    links = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
            continue  # external, mailto:, tel:, javascript: ...
        if parts.path.startswith(SKIPPED_PREFIXES):
            continue
        links.append(url)
    return links


def crawl(page: Page, origin: str) -> tuple[list[str], list[str]]:
    """Breadth first over same-origin links (GET only) from the page shown now (already checked).

    At most MAX_PAGES pages in all. Returns (paths visited, problems found). Every page must
    answer < 400 without falling back to the login page, and HTML pages must be axe clean.
    """
    start = urldefrag(page.url)[0]
    seen = {start}
    visited = [start.removeprefix(origin)]
    problems: list[str] = []
    queue: deque[str] = deque()

    def enqueue_links() -> None:
        for link in _same_origin_links(page, origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)

    enqueue_links()
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        path = url.removeprefix(origin)
        visited.append(path)
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            download = page.request.get(url)  # a file (CSV, iCal ...): check the status only
            if download.status >= 400:
                problems.append(f"{path}: status {download.status}")
            continue
        assert response is not None, f"no response for {path}"
        if response.status >= 400:
            problems.append(f"{path}: status {response.status}")
            continue
        landed = urlsplit(page.url).path
        if landed.startswith("/logg-inn/"):
            problems.append(f"{path}: sent to {landed} (session lost?)")
            break
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        violations = axe_violations(page)
        if violations:
            problems.append(format_violations(violations, where=path))
        enqueue_links()
    return visited, problems


def _populate(world: World) -> None:
    """Rows behind every kind of page, so the crawl reaches detail pages too: volunteers in
    each screening state, a course and a guidance group, referrals in several states, a
    proposal waiting for the volunteer persona's answer and an active match with a meeting."""
    today = timezone.localdate()
    now = timezone.now()
    factories.volunteer(world.branch, status="applied", full_name="Anne Applikant")
    screening = factories.volunteer(
        world.branch, status="screening", full_name="Siv Screening", email="siv@example.no"
    )
    helper = factories.volunteer(world.branch, full_name="Hanne Hjelper", email="h@example.no")
    course = courses.create_course(
        by=world.leader, branch=world.branch, title="Grunnkurs", capacity=10
    )
    start = now + datetime.timedelta(days=20)
    courses.add_session(
        course,
        by=world.leader,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        place="Sanitetshuset",
    )
    courses.enrol_volunteer(course, screening, by=world.leader)
    group = guidance.create_group(by=world.leader, branch=world.branch, name="Veiledning høst")
    guidance.set_members(group, by=world.leader, members=[helper])
    factories.referral(world.centre, world.branch, status="submitted", contact=world.staff)
    factories.referral(world.centre, world.branch, status="draft", contact=world.staff)
    factories.referral(
        world.centre, world.branch, status="accepted", contact=world.staff, first_name="Leyla"
    )
    waiting = factories.referral(
        world.centre, world.branch, status="proposed", contact=world.staff, first_name="Saba"
    )
    factories.match(waiting, world.volunteer.volunteer, proposed_by=world.leader)
    matched = factories.referral(
        world.centre, world.branch, status="matched", contact=world.staff, first_name="Fatima"
    )
    active = factories.match(
        matched,
        helper,
        status="active",
        volunteer_answer="yes",
        started_on=today,
        proposed_by=world.leader,
    )
    MatchingMeeting.objects.create(
        match=active,
        starts_at=now - datetime.timedelta(days=1),
        mode=MatchingMeeting.Mode.VIDEO,
        video_url="https://meet.example/abc",
        planned_by=world.leader,
        outcome=MatchingMeeting.Outcome.CONTINUE,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_walks_every_linked_page(
    page: Page, phone_page: Page, live_server: Any, browser_world: World, persona: str
) -> None:
    _populate(browser_world)
    origin = live_server.url
    log_in(page, live_server, getattr(browser_world, persona))

    expect(page.locator("h1")).to_be_visible()
    _header_shows_role(page, browser_world, persona)
    expect(page.locator("nav.site-nav")).to_be_visible()
    assert_no_axe_violations(page, where=f"start page ({persona})")

    # The same start page on a phone, in the same session (a second login within one
    # 30-second step would be refused as a replayed code).
    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    phone_page.goto(f"{origin}/")
    expect(phone_page.locator("h1")).to_be_visible()
    _header_shows_role(phone_page, browser_world, persona)
    scroll_width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"start page scrolls sideways at 360 px: {scroll_width}px"
    assert_no_axe_violations(phone_page, where=f"start page at 360 px ({persona})")

    visited, problems = crawl(page, origin)
    print(f"{persona} visited {len(visited)} pages: {visited}")
    assert problems == [], f"{persona}:\n" + "\n".join(problems)
    assert "/" in visited
    assert "/konto/" in visited

    # Language switch: English and back (translations may be incomplete; check the switch).
    page.goto(f"{origin}/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Norsk")).to_be_visible()
    assert urlsplit(page.url).path == "/"
    page.get_by_role("button", name="Norsk").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("button", name="English")).to_be_visible()
