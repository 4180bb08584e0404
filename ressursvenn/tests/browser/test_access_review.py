"""The national coordinator reviews the access log in the browser: from the navigation to the
three findings and the chart of views per hour, a period that ends before it starts is a clear
message, each finding links to the audit page, and the log downloads. At 1280 px and on a
360 px phone without sideways scrolling; axe at zero."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit import record_access
from ressursvenn.lib.models import AccessEvent
from ressursvenn.reports.audit import OSLO
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import horizontal_overflow, log_in

pytestmark = pytest.mark.browser


def _views(world: World) -> None:
    """Yesterday: the leader at noon and at 23.30, the other centre's staff for a centre she
    has no role in."""
    Membership.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    woman = factories.referral(world.centre, world.branch, contact=world.staff)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for hour, user, role, organisation in (
        (12, world.leader, Role.GROUP_LEADER, world.branch),
        (23, world.leader, Role.GROUP_LEADER, world.branch),
        (10, world.other_staff, Role.CRISIS_STAFF, world.centre),
    ):
        event = record_access(woman, user=user, role=role, organisation=organisation)
        at = datetime.datetime.combine(yesterday, datetime.time(hour, 30), tzinfo=OSLO)
        AccessEvent.objects.filter(pk=event.pk).update(at=at)


def test_coordinator_reviews_the_access_log(
    page: Page, phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    _views(world)
    log_in(page, browser_db, world.coordinator)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Tilgangslogg"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gjennomgang av tilgangsloggen")
    main = page.locator("main")
    expect(main).to_contain_text("3 innsyn i alt.")
    outside = main.locator("section[aria-labelledby=outside-heading]")
    expect(outside.locator("table")).to_contain_text(world.other_staff.full_name)
    expect(outside.locator("table")).to_contain_text(world.centre.name)
    night = main.locator("section[aria-labelledby=night-heading]")
    expect(night).to_contain_text("1 innsyn om natten")
    expect(night.locator("table")).to_contain_text(world.leader.full_name)
    expect(main.locator("svg[role=img]")).to_be_visible()
    expect(main.locator("section[aria-labelledby=hours-heading] table")).to_contain_text(
        "23.00–23.59"
    )
    assert_no_axe_violations(page, where="access review")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned perioden (CSV)").click()
    assert download_info.value.suggested_filename.startswith("tilgangslogg-")

    outside.get_by_role("link", name=f"Se innsynet til {world.other_staff.full_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisjonslogg")
    expect(page.locator("main table")).to_contain_text(world.other_staff.full_name)
    expect(page.locator("main table")).not_to_contain_text(world.leader.full_name)

    page.goto(f"{browser_db.url}{reverse('reports:access_review')}")
    page.get_by_label("Fra og med").fill("2025-03-31")
    page.get_by_label("Til og med").fill("2025-03-01")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("#id_date_to_error")).to_contain_text(
        "Til-datoen kan ikke være før fra-datoen."
    )
    expect(page.locator("main table")).to_have_count(0)
    assert_no_axe_violations(page, where="access review, bad period")

    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    phone_page.goto(f"{browser_db.url}{reverse('reports:access_review')}")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    expect(phone_page.locator("main svg[role=img]")).to_be_visible()
    assert horizontal_overflow(phone_page) == []
    assert_no_axe_violations(phone_page, where="access review at 360 px")
