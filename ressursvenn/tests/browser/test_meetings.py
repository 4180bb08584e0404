"""The koblingsmøte through the real UI: plan a video meeting, get the .ics, record the
outcome; then the volunteer (at 360 px) and the centre contact see what disclosure allows."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect

from ressursvenn.conftest import World
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.matching.tests.access_meetings import build_match
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.conftest import DESKTOP
from ressursvenn.tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_leader_plans_video_meeting_and_the_match_becomes_active(
    browser_world: World,
    browser_db: Any,
    browser: Browser,
    page: Page,
    phone_page: Page,
    tmp_path: Any,
) -> None:
    world = browser_world
    match = build_match(world)
    detail = f"{browser_db.url}/kobling/koblinger/{match.pk}/"

    # The group leader plans a video koblingsmøte.
    log_in(page, browser_db, world.leader)
    page.goto(f"{browser_db.url}/kobling/koblinger/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Koblinger")
    assert_no_axe_violations(page, where="match list (leader)")
    page.get_by_role("link", name="Amina").click()
    page.wait_for_url(detail)
    assert_no_axe_violations(page, where="match detail, proposed (leader)")
    page.get_by_role("link", name="Planlegg koblingsmøtet").click()
    assert_no_axe_violations(page, where="plan meeting (leader)")
    day = datetime.date.today() + datetime.timedelta(days=7)
    page.get_by_label("Dato").fill(day.isoformat())
    page.get_by_label("Klokkeslett").fill("18:30")
    page.get_by_label("Video", exact=True).check()
    page.get_by_role("button", name="Planlegg møtet og send invitasjon").click()
    page.wait_for_url(detail)
    expect(page.get_by_text("Koblingsmøtet er planlagt.")).to_be_visible()
    expect(page.get_by_role("link", name="Bli med i videomøtet")).to_be_visible()
    assert_no_axe_violations(page, where="match detail, meeting planned (leader)")

    # The .ics downloads and parses, neutral.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Legg i kalenderen (.ics)").click()
    path = tmp_path / "mote.ics"
    download_info.value.save_as(path)
    raw = path.read_bytes()
    event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Møte – Ressursvenn"
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert b"Amina" not in raw
    assert b"meet.jit.si" not in raw

    # After the meeting: both want to go on.
    MatchingMeeting.objects.filter(match=match).update(
        starts_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )
    page.goto(detail)
    assert_no_axe_violations(page, where="match detail, after the meeting (leader)")
    page.get_by_label("Begge vil fortsette: koblingen starter").check()
    page.get_by_role("button", name="Registrer utfallet").click()
    page.wait_for_url(detail)
    expect(page.get_by_text("Koblingen er aktiv.")).to_be_visible()
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert_no_axe_violations(page, where="match detail, active (leader)")

    # The volunteer, on a phone: now she sees the woman's agreed contact ways.
    log_in(phone_page, browser_db, world.volunteer)
    phone_page.goto(detail)
    expect(phone_page.locator('[data-field="woman-contact_value"]')).to_contain_text(
        "+47 912 34 567"
    )
    expect(phone_page.locator('[data-field="volunteer-phone"]')).to_have_count(0)
    scroll_width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the match page scrolls sideways at 360 px ({scroll_width})"
    assert_no_axe_violations(phone_page, where="match detail at 360 px (volunteer)")
    phone_page.goto(f"{browser_db.url}/kobling/koblinger/")
    assert_no_axe_violations(phone_page, where="match list at 360 px (volunteer)")

    # The centre contact: the volunteer's first name, age band and contact, never her full name.
    context = browser.new_context(locale="nb-NO", viewport=DESKTOP)
    try:
        staff_page = context.new_page()
        log_in(staff_page, browser_db, world.staff)
        staff_page.goto(detail)
        expect(staff_page.locator('[data-field="volunteer-first_name"]')).to_contain_text("Vera")
        expect(staff_page.locator('[data-field="volunteer-email"]')).to_have_count(1)
        expect(staff_page.locator('[data-field="volunteer-full_name"]')).to_have_count(0)
        assert "Vera Venn" not in staff_page.content()
        assert_no_axe_violations(staff_page, where="match detail (crisis staff)")
    finally:
        context.close()
