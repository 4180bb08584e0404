"""From referral to an active match (issue 4) through the real UI, three people in three browsers.

The crisis centre refers a woman (safety clearance and consent) and sends the referral → the
group leader takes her onto the waiting list, sees candidates with reasons and proposes Vera →
Vera, on her phone, sees only the staged facts and says yes → the leader plans a video
koblingsmøte (.ics neutral) → after the meeting both want to continue → the match is active and
Vera now sees how to contact the woman. Axe runs on every page any of them reaches.
"""

from __future__ import annotations

import datetime
from email.mime.base import MIMEBase
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ressursvenn.conftest import World
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.tests.browser.journey_helpers import (
    fits,
    mails_to,
    menu,
    only_link,
    person_page,
)
from ressursvenn.volunteers.models import Volunteer

pytestmark = [pytest.mark.browser, pytest.mark.journey]

WOMAN = "Zelinda"
CONTACT = "912 34 567"
NOTE = "Eksen bor på Grünerløkka og leter etter henne."
ICS = "text/calendar"
NAMES = (WOMAN, "Vera", "Venn", "Gro Leder", "Kari Senter")


@pytest.fixture(autouse=True)
def _texts(browser_db: Any) -> None:
    """Declaration and consent texts v1 (a transactional flush removes them)."""
    factories.ensure_reference_data()


def _refer(staff: Page, origin: str, today: datetime.date) -> Referral:
    """The centre fills in and sends the referral; returns it."""
    menu(staff, "Henvisninger")
    expect(staff.locator("h1")).to_have_text("Henvisninger")
    assert_no_axe_violations(staff, where="referral list (centre, empty)")
    staff.get_by_role("link", name="Ny henvisning").click()
    expect(staff.locator("h1")).to_have_text("Ny henvisning")
    assert_no_axe_violations(staff, where="referral form")
    staff.get_by_label("Lokalforening", exact=True).select_option(label="Oslo Sanitetsforening")
    staff.get_by_label("Fornavn eller navnet hun vil kalles").fill(WOMAN)
    staff.get_by_label("Fødselsår").fill(str(today.year - 34))
    staff.get_by_label("Kommune hun bor i").select_option(value="0301")
    staff.get_by_label("Bydel (bare i Oslo)").select_option(value="030101")
    staff.get_by_label("Turgåing").check()
    staff.get_by_label("Jobbsøking").check()
    staff.get_by_label("Kvelder").check()
    staff.get_by_label("Fysisk oppmøte").check()
    staff.get_by_label("Digitalt (video eller telefon)").check()
    staff.get_by_label("SMS", exact=True).check()
    staff.get_by_label("Telefonnummer eller e-post").fill(CONTACT)
    staff.get_by_label("Merknader til gruppelederen (valgfritt)").fill(NOTE)
    staff.get_by_label("Dato for sikkerhetsvurderingen").fill(today.isoformat())
    staff.get_by_label("Matching med en ressursvenn").check()
    staff.get_by_label("Dato hun ga samtykke").fill(today.isoformat())
    staff.get_by_role("button", name="Lagre utkastet").click()
    expect(staff.locator(".messages")).to_contain_text("lagret som utkast")
    referral = Referral.objects.get()
    expect(staff).to_have_url(f"{origin}/henvisninger/{referral.pk}/")
    assert WOMAN not in staff.title()
    assert_no_axe_violations(staff, where="referral page (centre, draft)")
    staff.get_by_role("button", name="Send til lokalforeningen").click()
    expect(staff.locator(".messages")).to_contain_text("sendt til lokalforeningen")
    assert_no_axe_violations(staff, where="referral page (centre, sent)")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert (referral.safety_assessed_on, referral.consent_given_on) == (today, today)
    assert referral.consent_scope == ["matching"]
    return referral


def test_a_referral_becomes_an_active_match(
    browser: Browser,
    console_messages: list[str],
    page: Page,
    phone_page: Page,
    live_server: Any,
    browser_world: World,
    tmp_path: Any,
) -> None:
    world = browser_world
    origin = live_server.url
    today = timezone.localdate()
    leader, phone = page, phone_page  # the leader at her desk, Vera on her phone
    vera = world.volunteer.volunteer
    # Vera (approved, cleared) lives in the woman's district and can help with job search.
    Volunteer.objects.filter(pk=vera.pk).update(
        district_id="030101", offers=["job_search", "social_network"]
    )

    # --- 1. the crisis centre refers her ------------------------------------------------
    with person_page(browser, console_messages) as staff:
        log_in(staff, live_server, world.staff)
        assert_no_axe_violations(staff, where="start page (centre)")
        referral = _refer(staff, origin, today)

    # --- 2. the group leader takes her in and looks for a ressursvenn ---------------------
    log_in(leader, live_server, world.leader)
    assert_no_axe_violations(leader, where="start page (group leader)")
    menu(leader, "Henvisninger")
    assert_no_axe_violations(leader, where="referral list (group leader)")
    leader.get_by_role("link", name=WOMAN).click()
    expect(leader.locator("h1")).to_have_text(f"Henvisning {referral.pk}")
    expect(leader.locator("main")).to_contain_text(NOTE)  # the notes are for the leader
    assert_no_axe_violations(leader, where="referral page (group leader)")
    # Taking her in leads straight to her candidates (issue 8, item 10).
    leader.get_by_role("button", name="Ta imot henvisningen").click()
    expect(leader.locator("h1")).to_have_text(f"Ressursvenn for {WOMAN}")
    expect(leader.locator(".messages")).to_contain_text("står nå på ventelisten")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    card = leader.locator("article.candidate", has=leader.get_by_role("heading", name="Vera"))
    reasons = " ".join(card.locator('[data-list="fits"] li').all_inner_texts())
    for reason in (
        "Begge liker turgåing",
        "Kan hjelpe med jobbsøking",
        "Begge kan på kvelder",
        "Samme bydel",
    ):
        assert reason in reasons, f"{reason!r} not among {reasons}"
    assert_no_axe_violations(leader, where="candidates")
    leader.get_by_role("button", name="Foreslå Vera").click()
    leader.get_by_role("button", name="Bekreft og send forslaget").click()
    expect(leader.get_by_text("Forslaget er sendt til ressursvennen.")).to_be_visible()
    expect(leader.get_by_text("Forslag sendt")).to_be_visible()
    assert_no_axe_violations(leader, where="waiting list after proposing")
    match = Match.objects.get(referral=referral)
    assert (match.volunteer, match.status) == (vera, Match.Status.PROPOSED)

    # --- 3. Vera, on her phone: the staged facts only, and yes -----------------------------
    proposals = mails_to(world.volunteer.email, "Du har en ny forespørsel")
    assert len(proposals) == 1
    assert all(name not in str(proposals[0].body) for name in NAMES)
    log_in(phone, live_server, world.volunteer)
    assert_no_axe_violations(phone, where="start page (volunteer) at 360 px")
    phone.goto(f"{origin}{only_link(proposals[0])}")
    expect(phone.locator("h1")).to_have_text("Forespørsel om å bli ressursvenn")
    main = phone.locator("main")
    expect(main).to_contain_text(WOMAN)
    expect(main).to_contain_text("Turgåing")
    for hidden in (CONTACT, "91234567", "+47", NOTE, "Grünerløkka"):
        expect(main).not_to_contain_text(hidden)
    fits(phone, 360, where="proposal")
    assert_no_axe_violations(phone, where="proposal at 360 px")
    phone.get_by_label("Ja, det vil jeg").check()
    phone.get_by_role("button", name="Send svaret").click()
    expect(phone.get_by_text("Takk! Gruppelederen tar kontakt")).to_be_visible()
    assert_no_axe_violations(phone, where="proposal answered at 360 px")
    match.refresh_from_db()
    assert (match.status, match.volunteer_answer) == ("proposed", "yes")
    menu(phone, "Koblinger")
    assert_no_axe_violations(phone, where="match list (volunteer) at 360 px")
    phone.get_by_role("link", name=WOMAN).click()
    expect(phone.locator("h1")).to_have_text("Kobling")
    expect(phone.locator('[data-field="woman-contact_value"]')).to_have_count(0)
    for hidden in (CONTACT, "91234567", NOTE):
        expect(phone.locator("main")).not_to_contain_text(hidden)
    assert_no_axe_violations(phone, where="match page, proposed, at 360 px (volunteer)")

    # --- 4. the leader plans a video koblingsmøte ------------------------------------------
    menu(leader, "Koblinger")
    expect(leader.locator("h1")).to_have_text("Koblinger")
    assert_no_axe_violations(leader, where="match list (group leader)")
    leader.get_by_role("link", name=WOMAN).click()
    detail = f"{origin}/kobling/koblinger/{match.pk}/"
    expect(leader).to_have_url(detail)
    assert_no_axe_violations(leader, where="match page, proposed (group leader)")
    leader.get_by_role("link", name="Planlegg koblingsmøtet").click()
    assert_no_axe_violations(leader, where="plan meeting form")
    day = today + datetime.timedelta(days=7)
    leader.get_by_label("Dato").fill(day.isoformat())
    leader.get_by_label("Klokkeslett").fill("18:30")
    leader.get_by_label("Video", exact=True).check()
    mail.outbox.clear()
    leader.get_by_role("button", name="Planlegg møtet og send invitasjon").click()
    expect(leader).to_have_url(detail)
    expect(leader.get_by_text("Koblingsmøtet er planlagt.")).to_be_visible()
    expect(leader.get_by_role("link", name="Bli med i videomøtet")).to_be_visible()
    assert_no_axe_violations(leader, where="match page, meeting planned")
    assert MatchingMeeting.objects.get(match=match).mode == "video"

    # The .ics from the page and in every invitation: neutral summary, no names.
    with leader.expect_download() as download:
        leader.get_by_role("link", name="Legg i kalenderen (.ics)").click()
    path = tmp_path / "koblingsmote.ics"
    download.value.save_as(path)
    calendars = [path.read_bytes()]
    for message in mail.outbox:
        assert all(name not in str(message.body) for name in NAMES), message.subject
        for attachment in message.attachments:
            if isinstance(attachment, MIMEBase) and attachment.get_content_type() == ICS:
                calendars.append(attachment.get_payload(decode=True))
    assert len(calendars) >= 2, "the invitations carry no .ics"
    for raw in calendars:
        events = list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))
        assert len(events) == 1
        assert str(events[0]["SUMMARY"]) == "Møte – Ressursvenn"
        text = raw.decode()
        for name in NAMES:
            assert name not in text, f"{name!r} in the .ics"

    # --- 5. after the meeting (moved into the past): both want to continue ----------------
    held_at = timezone.now() - datetime.timedelta(hours=1)
    MatchingMeeting.objects.filter(match=match).update(starts_at=held_at)
    leader.reload()
    assert_no_axe_violations(leader, where="match page, after the meeting")
    leader.get_by_label("Begge vil fortsette: koblingen starter").check()
    leader.get_by_role("button", name="Registrer utfallet").click()
    expect(leader.get_by_text("Koblingen er aktiv.")).to_be_visible()
    expect(leader.locator('[data-field="status"]')).to_have_text("Aktiv")
    assert_no_axe_violations(leader, where="match page, active")
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert match.started_on == timezone.localdate(held_at)  # the meeting's day
    referral.refresh_from_db()
    assert referral.status == Referral.Status.MATCHED

    # --- 6. Vera now sees how to contact her -----------------------------------------------
    phone.reload()
    expect(phone).to_have_url(detail)
    expect(phone.locator('[data-field="woman-contact_value"]')).to_contain_text(CONTACT)
    expect(phone.locator("main")).not_to_contain_text(NOTE)
    fits(phone, 360, where="match page (volunteer)")
    assert_no_axe_violations(phone, where="match page, active, at 360 px (volunteer)")
