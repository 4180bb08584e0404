"""Check-ins through the real UI: the group leader finds a due check-in in her list, records
it, sees it on the match page, and counts a guidance meeting as a volunteer's check-in; the
list and the form also at 360 px. axe finds nothing on any page."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.followup.models import CheckIn
from ressursvenn.followup.tests.access_checkins import guidance_session, scheduled_match
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_leader_records_a_check_in_and_a_group_check_in(
    browser_world: World, browser_db: Any, page: Page
) -> None:
    world = browser_world
    match = scheduled_match(world, started_days_ago=40)
    second = factories.volunteer(world.branch, full_name="Siv Annen")
    other = scheduled_match(world, started_days_ago=40, volunteer=second)
    session = guidance_session(world, present=(second,))
    base = browser_db.url
    detail = f"{base}/kobling/koblinger/{match.pk}/"

    log_in(page, browser_db, world.leader)
    page.goto(f"{base}/oppfolging/samtaler/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oppfølgingssamtaler som skal holdes")
    expect(page.get_by_text("Amina og Vera Venn").first).to_be_visible()
    assert_no_axe_violations(page, where="due check-ins (leader)")

    # The earliest (overdue) check-in of the first pair is the first row.
    earliest = (
        CheckIn.objects.filter(match=match, status="planned").order_by("due_on", "party").first()
    )
    assert earliest is not None
    page.locator(f'a[href="/oppfolging/samtaler/{earliest.pk}/"]').click()
    page.wait_for_url(f"{base}/oppfolging/samtaler/{earliest.pk}/")
    assert_no_axe_violations(page, where="record a check-in (leader)")
    page.get_by_label("Dato for samtalen").fill(timezone.localdate().isoformat())
    page.get_by_label("Telefon", exact=True).check()
    if earliest.party == CheckIn.Party.WOMAN:
        page.get_by_label("Gjennom krisesenteret").check()
    page.get_by_label("4 – Bra").check()
    page.get_by_label("Notater").fill("Det går fint med dem.")
    page.get_by_label("Ja", exact=True).check()
    page.get_by_role("button", name="Registrer samtalen").click()
    # "Ja" without what: the message is next to the field, nothing saved.
    expect(page.get_by_text("Skriv hva som må følges opp.").first).to_be_visible()
    assert_no_axe_violations(page, where="record a check-in with an error (leader)")
    page.get_by_label("Hva må følges opp?").fill("Snakke om jobbsøking.")
    page.get_by_role("button", name="Registrer samtalen").click()
    page.wait_for_url(detail)
    expect(page.get_by_text("Oppfølgingssamtalen er registrert.")).to_be_visible()
    expect(page.get_by_role("heading", name="Oppfølgingssamtaler")).to_be_visible()
    assert "Det går fint med dem." not in page.content()
    assert_no_axe_violations(page, where="match page with check-ins (leader)")
    earliest.refresh_from_db()
    assert earliest.status == CheckIn.Status.HELD

    # The held one, read-only.
    page.goto(f"{base}/oppfolging/samtaler/{earliest.pk}/")
    expect(page.get_by_text("Det går fint med dem.")).to_be_visible()
    assert_no_axe_violations(page, where="a held check-in (leader)")

    # A guidance meeting counted as Siv's check-in, from the guidance group page.
    page.goto(f"{base}/veiledning/{session.group_id}/")
    page.get_by_role("link", name="Tell som oppfølgingssamtale").first.click()
    page.wait_for_url(f"{base}/oppfolging/veiledningsmote/{session.pk}/samtaler/")
    assert_no_axe_violations(page, where="group check-in (leader)")
    page.get_by_label("Siv Annen").check()
    page.get_by_role("button", name="Registrer som oppfølgingssamtale").click()
    expect(
        page.get_by_text("Møtet er registrert som oppfølgingssamtale for 1 ressursvenn.")
    ).to_be_visible()
    assert_no_axe_violations(page, where="group check-in, done (leader)")
    assert CheckIn.objects.filter(match=other, status="held", mode="group").count() == 1


def test_check_in_pages_fit_a_phone(
    browser_world: World, browser_db: Any, phone_page: Page
) -> None:
    world = browser_world
    match = scheduled_match(world, started_days_ago=40)
    for _ in range(2):
        scheduled_match(world, started_days_ago=70, volunteer=factories.volunteer(world.branch))
    checkin = CheckIn.objects.filter(match=match, party="woman").order_by("due_on").first()
    assert checkin is not None
    base = browser_db.url
    log_in(phone_page, browser_db, world.leader)
    for url, where in (
        (f"{base}/oppfolging/samtaler/", "due check-ins at 360 px (leader)"),
        (f"{base}/oppfolging/samtaler/{checkin.pk}/", "record a check-in at 360 px (leader)"),
        (f"{base}/kobling/koblinger/{match.pk}/", "match page at 360 px (leader)"),
    ):
        phone_page.goto(url)
        width = phone_page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, f"{where}: scrolls sideways ({width})"
        assert_no_axe_violations(phone_page, where=where)
