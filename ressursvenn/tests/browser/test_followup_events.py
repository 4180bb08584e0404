"""Social events through the real UI: the group leader plans an event, the volunteer (at
360 px) answers for the pair, the leader sees who signed up and records who came."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.followup.models import Activity, EventSignup, SocialEvent
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_leader_plans_an_event_the_pair_comes_and_it_counts(
    browser_world: World, browser_db: Any, page: Page, phone_page: Page
) -> None:
    world = browser_world
    match = active_match(world)
    events = f"{browser_db.url}/oppfolging/treff/"

    # The group leader plans an event for active pairs.
    log_in(page, browser_db, world.leader)
    page.goto(events)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sosiale treff")
    assert_no_axe_violations(page, where="event list (leader)")
    page.get_by_role("link", name="Lag et nytt treff").click()
    assert_no_axe_violations(page, where="new event (leader)")
    day = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_label("Tittel").fill("Digital kaffe")
    page.get_by_label("Dato").fill(day.isoformat())
    page.get_by_label("Klokkeslett").fill("18:30")
    page.get_by_label("Et offentlig sted").check()
    page.get_by_label("Sted (når dere møtes)").fill("Biblioteket på Tøyen")
    page.get_by_label("Antall plasser").fill("6")
    page.get_by_label("Aktive par").check()
    page.get_by_role("button", name="Lag treffet og send invitasjoner").click()
    event = SocialEvent.objects.get()
    page.wait_for_url(f"{events}{event.pk}/")
    expect(page.get_by_text("Treffet er opprettet.")).to_be_visible()
    assert_no_axe_violations(page, where="event detail (leader)")

    # The volunteer, on a phone: the invitation, counts only; she answers for the pair.
    log_in(phone_page, browser_db, world.volunteer)
    phone_page.goto(events)
    assert_no_axe_violations(phone_page, where="event list at 360 px (volunteer)")
    phone_page.get_by_role("link", name="Digital kaffe").click()
    phone_page.wait_for_url(f"{events}{event.pk}/")
    assert_no_axe_violations(phone_page, where="event detail at 360 px (volunteer)")
    phone_page.get_by_label("Vi kommer begge").check()
    phone_page.get_by_role("button", name="Lagre svaret").click()
    phone_page.wait_for_url(f"{events}{event.pk}/")
    expect(phone_page.get_by_text("Du er påmeldt. Velkommen!")).to_be_visible()
    expect(phone_page.locator('[data-field="free"]')).to_contain_text("4 av 6")
    scroll_width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the event page scrolls sideways at 360 px ({scroll_width})"
    assert_no_axe_violations(phone_page, where="event detail, answered, at 360 px (volunteer)")
    signup = EventSignup.objects.get()
    assert (signup.answer, signup.match_id) == ("pair", match.pk)

    # The leader sees who signed up; the change and cancel pages.
    page.goto(f"{events}{event.pk}/")
    expect(page.get_by_role("table", name="Svar på invitasjonen")).to_contain_text("Vera Venn")
    page.get_by_role("link", name="Endre treffet").click()
    assert_no_axe_violations(page, where="edit event (leader)")
    page.goto(f"{events}{event.pk}/avlys/")
    assert_no_axe_violations(page, where="cancel event (leader)")
    page.get_by_role("link", name="Nei, behold treffet").click()

    # After the event: the leader records who came; the pair gets an activity.
    SocialEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page.goto(f"{events}{event.pk}/")
    page.get_by_role("link", name="Registrer hvem som kom").click()
    assert_no_axe_violations(page, where="event attendance (leader)")
    page.get_by_label("Vera Venn og kvinnen hun følger (2 plasser)").check()
    page.get_by_role("button", name="Lagre oppmøtet").click()
    page.wait_for_url(f"{events}{event.pk}/")
    expect(page.get_by_text("Oppmøtet er lagret.")).to_be_visible()
    assert_no_axe_violations(page, where="event detail after attendance (leader)")
    assert list(Activity.objects.values_list("match", "kind")) == [(match.pk, "social_event")]
    page.goto(events)
    assert_no_axe_violations(page, where="event list with a past event (leader)")
