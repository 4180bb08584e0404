"""Erasure on request in the browser: the crisis centre reads what will happen, is stopped by
a missing choice, then erases a woman whose match ended; the group leader's page for a
volunteer at 360 px. Axe stays at zero; nothing scrolls sideways on a phone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.followup.models import Activity
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import horizontal_overflow, log_in
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.browser


def _ended_woman(world: World) -> Referral:
    referral: Referral = factories.referral(
        world.centre,
        world.branch,
        status="closed",
        contact=world.staff,
        first_name="Zelinda",
        closed_at=timezone.now(),
    )
    today = timezone.localdate()
    match = factories.match(
        referral,
        world.volunteer.volunteer,
        status="closed",
        started_on=today - datetime.timedelta(days=200),
        ended_on=today,
    )
    Activity.objects.create(
        match=match,
        occurred_on=today - datetime.timedelta(days=20),
        kind="coffee",
        duration_minutes=60,
        channel="in_person",
        note="Kaffe på biblioteket.",
        created_by=world.volunteer,
    )
    return referral


def test_the_centre_erases_a_woman_after_reading_what_happens(
    page: Page, phone_page: Page, live_server: Any, browser_world: World
) -> None:
    world = browser_world
    referral = _ended_woman(world)
    log_in(page, live_server, world.staff)
    page.goto(f"{live_server.url}/personvern/kvinne/{referral.pk}/slett/")
    expect(page.locator("h1")).to_have_text("Slett opplysningene om henne")
    expect(page.locator("[data-field=who]")).to_contain_text(f"Zelinda, henvisning {referral.pk}")
    table = page.locator("table")
    expect(table).to_contain_text("Henvisning")
    expect(table).to_contain_text("Aktivitet")
    expect(page.get_by_text("Det kan ikke angres")).to_be_visible()
    assert_no_axe_violations(page, where="erasure page (woman)")
    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    phone_page.goto(f"{live_server.url}/personvern/kvinne/{referral.pk}/slett/")
    expect(phone_page.locator("h1")).to_be_visible()
    assert horizontal_overflow(phone_page) == []
    assert_no_axe_violations(phone_page, where="erasure page (woman) at 360 px")

    page.get_by_role("button", name="Slett opplysningene for godt").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_contain_text("Velg hvorfor opplysningene slettes.")
    expect(summary).to_contain_text("Kryss av for å bekrefte at du forstår dette.")
    assert_no_axe_violations(page, where="erasure page with errors")

    page.get_by_label("Hun har selv bedt om det").check()
    page.get_by_label("Jeg forstår at opplysningene slettes for godt").check()
    page.get_by_role("button", name="Slett opplysningene for godt").click()
    expect(page).to_have_url(f"{live_server.url}/henvisninger/")
    expect(
        page.get_by_text(f"Personopplysningene i henvisning {referral.pk} er slettet.")
    ).to_be_visible()
    referral.refresh_from_db()
    assert (referral.first_name, referral.anonymised_at is not None) == ("Anonymisert", True)

    page.goto(f"{live_server.url}/personvern/kvinne/{referral.pk}/slett/")
    expect(page.locator("[data-field=already]")).to_contain_text("ble slettet")
    expect(page.get_by_role("button", name="Slett opplysningene for godt")).to_have_count(0)
    assert_no_axe_violations(page, where="erasure page, already erased")


def test_the_volunteer_page_works_on_a_phone(
    phone_page: Page, live_server: Any, browser_world: World
) -> None:
    world = browser_world
    volunteer: Volunteer = factories.volunteer(
        world.branch, status="ended", full_name="Siv Sluttet", email="siv@example.no"
    )
    log_in(phone_page, live_server, world.leader)
    phone_page.goto(f"{live_server.url}/personvern/ressursvenn/{volunteer.pk}/slett/")
    expect(phone_page.locator("h1")).to_have_text("Slett opplysningene om henne")
    expect(phone_page.locator("[data-field=who]")).to_contain_text("Siv Sluttet")
    assert horizontal_overflow(phone_page) == []
    assert_no_axe_violations(phone_page, where="erasure page (volunteer) at 360 px")
    phone_page.get_by_label("Annen grunn").check()
    phone_page.get_by_label("Jeg forstår at opplysningene slettes for godt").check()
    phone_page.get_by_role("button", name="Slett opplysningene for godt").click()
    expect(
        phone_page.get_by_text(f"Personopplysningene om ressursvenn nr. {volunteer.pk} er slettet.")
    ).to_be_visible()
    assert horizontal_overflow(phone_page) == []
    volunteer.refresh_from_db()
    assert volunteer.anonymised_at is not None
