"""The months of a match, end to end on 360 px phones (issue 9): the volunteer logs two
activities with the keyboard, plans a digital meeting and downloads its .ics, and reports a
concern; the group leader and the crisis-centre contact each find it in their task list; the
leader pauses the match and the volunteer sees only "paused"; leader and centre resume it; the
leader closes it with both closing conversations and a reason. axe on every page visited, and
no page scrolls sideways."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import icalendar
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ressursvenn.conftest import World
from ressursvenn.followup.actions.checkins import create_schedule
from ressursvenn.followup.models import Activity, Closure, Concern, Pause, PlannedMeeting
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.conftest import PHONE
from ressursvenn.tests.browser.helpers import horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.journey]

CONCERN = "Hun sier at han har fått vite hvor hun bor nå"
PAUSE_REASON = "Ny trussel: hun trenger ro noen uker"


@pytest.fixture
def phones(browser: Browser) -> Iterator[Any]:
    """A 360 px phone of its own for each further persona (the leader, the centre)."""
    contexts: list[BrowserContext] = []

    def new() -> Page:
        context = browser.new_context(
            locale="nb-NO", viewport=PHONE, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


def check(page: Page, where: str) -> None:
    assert horizontal_overflow(page) == [], f"{where} scrolls sideways at 360 px"
    assert_no_axe_violations(page, where=f"{where} (360 px)")


def log_activity_with_the_keyboard(page: Page, kind: str, channel: str) -> None:
    """Each choice is reached with Tab and taken with Space, and Enter sends the form."""
    page.get_by_label(kind, exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("1 time", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label(channel, exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Fin prat")
    page.get_by_role("button", name="Registrer aktiviteten").focus()
    page.keyboard.press("Enter")


def test_the_months_of_a_match(
    browser_world: World, browser_db: Any, phone_page: Page, phones: Any, tmp_path: Any
) -> None:
    world = browser_world
    world.centre.phone = "22 11 22 33"
    world.centre.save()
    match = active_match(world, started_days_ago=20)
    create_schedule(match, by=world.leader)
    base = browser_db.url
    detail = f"{base}/kobling/koblinger/{match.pk}/"
    volunteer = phone_page

    # The volunteer starts on her phone: her match first, "log an activity" the first button.
    log_in(volunteer, browser_db, world.volunteer)
    check(volunteer, "start page (volunteer)")
    volunteer.goto(detail)
    check(volunteer, "match page, active (volunteer)")

    # Two activities, with the keyboard.
    for kind, channel in (("Kaffe og prat", "Møttes"), ("Norsktrening", "Video")):
        volunteer.get_by_role("link", name="Registrer en aktivitet").first.click()
        expect(volunteer.get_by_role("heading", level=1)).to_have_text("Registrer en aktivitet")
        check(volunteer, "activity form (volunteer)")
        log_activity_with_the_keyboard(volunteer, kind, channel)
        volunteer.wait_for_url(detail)
        expect(volunteer.get_by_text("Aktiviteten er registrert.")).to_be_visible()
    assert sorted(Activity.objects.filter(match=match).values_list("kind", "channel")) == [
        ("coffee", "in_person"),
        ("norwegian", "video"),
    ]

    # A digital meeting, and its .ics: neutral, no name, no video link.
    volunteer.get_by_role("link", name="Planlegg et møte").click()
    check(volunteer, "pair meeting form (volunteer)")
    day = datetime.date.today() + datetime.timedelta(days=6)
    volunteer.get_by_label("Dato").fill(day.isoformat())
    volunteer.get_by_label("Klokkeslett").fill("18:00")
    volunteer.get_by_label("Digitalt (video)").check()
    volunteer.get_by_role("button", name="Planlegg møtet").click()
    volunteer.wait_for_url(detail)
    expect(volunteer.get_by_text("Møtet er planlagt.")).to_be_visible()
    with volunteer.expect_download() as download:
        volunteer.get_by_role("link", name="Legg i kalenderen (.ics)").first.click()
    path = tmp_path / "mote.ics"
    download.value.save_as(path)
    raw = path.read_bytes()
    event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Møte – Ressursvenn"
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    for leak in (b"Amina", b"Vera", b"meet.jit.si"):
        assert leak not in raw
    assert PlannedMeeting.objects.get(match=match).mode == PlannedMeeting.Mode.DIGITAL

    # A concern: what to do in an emergency comes first.
    volunteer.get_by_role("link", name="Meld fra om en bekymring").click()
    expect(volunteer.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    check(volunteer, "concern form (volunteer)")
    volunteer.get_by_label("Sikkerhet").check()
    volunteer.get_by_label("Følg opp snart").check()
    volunteer.get_by_label("Hva har skjedd?").fill(CONCERN)
    volunteer.get_by_role("button", name="Send bekymringsmeldingen").click()
    volunteer.wait_for_url(detail)
    expect(volunteer.get_by_text("Bekymringsmeldingen er sendt.")).to_be_visible()
    concern = Concern.objects.get(match=match)

    # The group leader and the centre contact each find it in their task list.
    leader = phones()
    log_in(leader, browser_db, world.leader)
    leader.goto(f"{base}/oppfolging/oppgaver/")
    check(leader, "task list (leader)")
    leader.get_by_role("link", name="Ny bekymringsmelding om koblingen med Amina").click()
    leader.wait_for_url(f"{base}/oppfolging/bekymringer/{concern.pk}/")
    expect(leader.locator('[data-field="description"]')).to_have_text(CONCERN)
    check(leader, "concern (leader)")
    centre = phones()
    log_in(centre, browser_db, world.staff)
    check(centre, "start page (centre)")
    centre.goto(f"{base}/oppfolging/oppgaver/")
    check(centre, "task list (centre)")
    expect(
        centre.get_by_role("link", name="Ny bekymringsmelding om koblingen med Amina")
    ).to_be_visible()

    # The leader pauses the match; the volunteer sees only that it is paused.
    leader.goto(detail)
    check(leader, "match page, active (leader)")
    leader.get_by_role("link", name="Sett koblingen på pause").click()
    check(leader, "pause form (leader)")
    leader.get_by_label("Hvorfor settes koblingen på pause?").fill(PAUSE_REASON)
    leader.get_by_role("button", name="Sett på pause").click()
    leader.wait_for_url(detail)
    volunteer.goto(detail)
    expect(volunteer.locator('[data-field="paused"]')).to_have_text("Koblingen er satt på pause.")
    page_text = volunteer.content()
    assert PAUSE_REASON not in page_text
    assert "+47 912 34 567" not in page_text  # her contact ways are hidden while paused
    expect(volunteer.get_by_role("link", name="Registrer en aktivitet")).to_have_count(0)
    check(volunteer, "match page, paused (volunteer)")

    # Both resume: the leader first, then the centre.
    leader.get_by_role("link", name="Bekreft at koblingen kan gjenopptas").click()
    check(leader, "resume page (leader)")
    leader.get_by_role("button", name="Bekreft at koblingen kan gjenopptas").click()
    leader.wait_for_url(detail)
    centre.goto(f"{base}/oppfolging/oppgaver/")
    centre.get_by_role(
        "link", name="Gruppelederen har bekreftet at koblingen med Amina kan gjenopptas"
    ).click()
    check(centre, "resume page (centre)")
    centre.get_by_role("button", name="Bekreft og gjenoppta koblingen").click()
    centre.wait_for_url(detail)
    expect(centre.get_by_text("Koblingen er gjenopptatt.")).to_be_visible()
    check(centre, "match page, resumed (centre)")
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert Pause.objects.get(match=match).ended_on is not None

    # The leader closes the match: both closing conversations, then the reason.
    leader.goto(detail)
    leader.get_by_role("link", name="Avslutt koblingen").click()
    check(leader, "close page (leader)")
    today = datetime.date.today().isoformat()
    for party, button in (
        ("volunteer", "Lagre samtalen med ressursvennen"),
        ("woman", "Lagre samtalen med kvinnen"),
    ):
        form = leader.locator(f'form[action$="/samtale/{party}/"]')
        form.get_by_label("Dato").fill(today)
        form.get_by_label("Møte", exact=True).check()
        form.get_by_label("Notater").fill("En god avslutning.")
        form.get_by_role("button", name=button).click()
        leader.wait_for_url(f"{base}/oppfolging/koblinger/{match.pk}/avslutt/")
    check(leader, "close page, conversations held (leader)")
    closing = leader.locator(f'form[action$="/koblinger/{match.pk}/avslutt/"]')
    closing.get_by_label("Sikkerhet").check()
    closing.get_by_label("Vet ikke").check()
    closing.get_by_label("Kan få en ny kobling").check()
    closing.get_by_role("button", name="Avslutt koblingen").click()
    leader.wait_for_url(detail)
    expect(leader.get_by_text("Koblingen er avsluttet.", exact=True)).to_be_visible()
    check(leader, "match page, closed (leader)")
    match.refresh_from_db()
    assert (match.status, match.referral.status) == (Match.Status.CLOSED, Referral.Status.CLOSED)
    assert Closure.objects.get(match=match).reason == Closure.Reason.SAFETY

    # Read-only everywhere: the volunteer can log nothing more.
    volunteer.goto(detail)
    expect(volunteer.get_by_role("link", name="Registrer en aktivitet")).to_have_count(0)
    check(volunteer, "match page, closed (volunteer)")
