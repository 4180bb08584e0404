"""Activities and the pair's own meetings through the real UI: the volunteer, on a 360 px
phone, logs an activity, repeats it, corrects it, plans a digital meeting, downloads its .ics
and renews the video room; the group leader reads the log; axe finds nothing on any page."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.followup.models import Activity, PairRoom, PlannedMeeting
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import first_cells, horizontal_overflow, log_in

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Page, where: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{where} scrolls sideways at 360 px ({width})"


def test_volunteer_logs_plans_and_the_leader_reads_the_log(
    browser_world: World, browser_db: Any, page: Page, phone_page: Page, tmp_path: Any
) -> None:
    world = browser_world
    match = active_match(world, started_days_ago=20)
    detail = f"{browser_db.url}/kobling/koblinger/{match.pk}/"

    log_in(phone_page, browser_db, world.volunteer)
    phone_page.goto(detail)
    expect(phone_page.get_by_role("link", name="Åpne videorommet deres")).to_be_visible()
    _no_sideways_scroll(phone_page, "match page")
    assert_no_axe_violations(phone_page, where="match page with activities (volunteer)")

    # Log an activity.
    phone_page.get_by_role("link", name="Registrer en aktivitet").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Registrer en aktivitet")
    _no_sideways_scroll(phone_page, "activity form")
    assert_no_axe_violations(phone_page, where="activity form (volunteer)")
    phone_page.get_by_label("Tur eller trening").check()
    phone_page.get_by_label("1 ½ time").check()
    phone_page.get_by_label("Møttes", exact=True).check()
    phone_page.get_by_label("Kort merknad (valgfritt)").fill("Fin tur rundt vannet")
    phone_page.get_by_role("button", name="Registrer aktiviteten").click()
    phone_page.wait_for_url(detail)
    expect(phone_page.get_by_text("Aktiviteten er registrert.")).to_be_visible()
    assert Activity.objects.count() == 1

    # The same as last time, in one tap.
    phone_page.get_by_role("button", name="Logg det samme som sist").click()
    phone_page.wait_for_url(detail)
    expect(phone_page.get_by_text("Aktiviteten er registrert med dagens dato.")).to_be_visible()
    assert Activity.objects.count() == 2
    assert_no_axe_violations(phone_page, where="match page after logging (volunteer)")

    # Correct the first entry.
    first = Activity.objects.order_by("pk").first()
    assert first is not None
    phone_page.goto(f"{browser_db.url}/oppfolging/aktiviteter/{first.pk}/rett/")
    assert_no_axe_violations(phone_page, where="activity edit form (volunteer)")
    phone_page.get_by_label("Norsktrening").check()
    phone_page.get_by_role("button", name="Lagre endringen").click()
    phone_page.wait_for_url(detail)
    first.refresh_from_db()
    assert first.kind == "norwegian"
    phone_page.goto(f"{browser_db.url}/oppfolging/aktiviteter/{first.pk}/slett/")
    assert_no_axe_violations(phone_page, where="activity delete confirmation (volunteer)")
    phone_page.goto(detail)

    # Plan a digital meeting and download it.
    phone_page.get_by_role("link", name="Planlegg et møte").click()
    assert_no_axe_violations(phone_page, where="pair meeting form (volunteer)")
    _no_sideways_scroll(phone_page, "pair meeting form")
    day = timezone.localdate() + datetime.timedelta(days=5)
    phone_page.get_by_label("Dato").fill(day.isoformat())
    phone_page.get_by_label("Klokkeslett").fill("17:30")
    phone_page.get_by_label("Digitalt (video)").check()
    phone_page.get_by_role("button", name="Planlegg møtet").click()
    phone_page.wait_for_url(detail)
    expect(phone_page.get_by_text("Møtet er planlagt.")).to_be_visible()
    with phone_page.expect_download() as download_info:
        phone_page.get_by_role("link", name="Legg i kalenderen (.ics)").first.click()
    path = tmp_path / "mote.ics"
    download_info.value.save_as(path)
    raw = path.read_bytes()
    event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Møte – Ressursvenn"
    assert b"Amina" not in raw
    assert b"meet.jit.si" not in raw
    meeting = PlannedMeeting.objects.get()
    phone_page.get_by_role("link", name="Flytt eller avlys").click()
    assert_no_axe_violations(phone_page, where="pair meeting move form (volunteer)")
    phone_page.goto(detail)

    # A new video room.
    old_room = PairRoom.objects.get().video_url
    phone_page.get_by_role("button", name="Lag nytt videorom").click()
    phone_page.wait_for_url(detail)
    expect(phone_page.get_by_text("Dere har fått et nytt videorom.")).to_be_visible()
    assert PairRoom.objects.get().video_url != old_room
    assert old_room not in phone_page.content()

    # A passed meeting offers to be logged, prefilled.
    PlannedMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    phone_page.goto(detail)
    phone_page.get_by_role("link", name="Registrer dette møtet").click()
    expect(phone_page.get_by_label("Video", exact=True)).to_be_checked()
    assert_no_axe_violations(phone_page, where="activity form from a meeting (volunteer)")
    phone_page.get_by_label("Kaffe og prat").check()
    phone_page.get_by_role("button", name="Registrer aktiviteten").click()
    phone_page.wait_for_url(detail)
    assert Activity.objects.get(planned_meeting=meeting).channel == "video"

    # Her own log, on the phone: cards, nothing scrolls sideways.
    phone_page.get_by_role("link", name="Se hele aktivitetsloggen").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Aktiviteter")
    assert horizontal_overflow(phone_page) == []
    assert ("Dato", "Hva dere gjorde") in first_cells(phone_page)
    assert_no_axe_violations(phone_page, where="activity log at 360 px (volunteer)")

    # The group leader reads the whole log.
    log_in(page, browser_db, world.leader)
    page.goto(detail)
    assert_no_axe_violations(page, where="match page with activities (leader)")
    page.get_by_role("link", name="Se hele aktivitetsloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktiviteter")
    expect(page.get_by_text("Fin tur rundt vannet")).to_be_visible()
    assert_no_axe_violations(page, where="activity log (leader)")
