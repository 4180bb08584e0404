"""Courses and guidance groups through the real UI, with axe on every page and a 360 px check."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.volunteers.actions import courses
from ressursvenn.volunteers.models import Enrolment, GuidanceAttendance, Volunteer

pytestmark = pytest.mark.browser


@pytest.fixture
def texts(browser_db: Any) -> None:
    """The declaration text a data migration loads (a transactional test's flush removes it)."""
    factories.ensure_reference_data()


def _fits_phone(page: Page, where: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{where} scrolls sideways at 360 px: {width}px"


def test_leader_runs_a_course_and_a_guidance_group(
    page: Page, phone_page: Page, live_server: Any, texts: None, browser_world: World
) -> None:
    world = browser_world
    applicant = factories.volunteer(world.branch, status="screening", full_name="Sara Søker")
    log_in(page, live_server, world.leader)
    expect(page.get_by_text("Ingen oppgaver venter.").or_(page.get_by_text("egnethetssamtale")))
    page.get_by_role("link", name="Opplæringskurs").first.click()
    expect(page.locator("h1")).to_have_text("Opplæringskurs")
    assert_no_axe_violations(page, where="course list")

    page.get_by_role("link", name="Nytt kurs").click()
    assert_no_axe_violations(page, where="new course form")
    page.get_by_role("button", name="Opprett kurset").click()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_no_axe_violations(page, where="new course form with errors")
    page.get_by_label("Navn på kurset").fill("Grunnkurs høst")
    page.get_by_label("Antall plasser").fill("12")
    page.get_by_role("button", name="Opprett kurset").click()
    expect(page.locator("h1")).to_have_text("Grunnkurs høst")
    assert_no_axe_violations(page, where="course detail (empty)")

    page.get_by_role("link", name="Ny kursdag").click()
    assert_no_axe_violations(page, where="new session form")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Dato").fill(yesterday.isoformat())
    page.get_by_label("Starter kl.").fill("18:00")
    page.get_by_label("Slutter kl.").fill("21:00")
    page.get_by_label("Sted").fill("Sanitetshuset, sal 2")
    page.get_by_role("button", name="Legg til kursdagen").click()
    expect(page.get_by_text("Kursdagen er lagt til.")).to_be_visible()

    page.get_by_role("link", name="Meld på ressursvenn").click()
    assert_no_axe_violations(page, where="enrol form")
    page.get_by_label("Ressursvenn").select_option(str(applicant.pk))
    page.get_by_role("button", name="Meld på").click()
    expect(page.get_by_text("Sara Søker er meldt på kurset.")).to_be_visible()

    page.get_by_role("link", name="Registrer oppmøte").click()
    assert_no_axe_violations(page, where="attendance form")
    page.get_by_label("Sara Søker").check()
    page.get_by_role("button", name="Lagre oppmøtet").click()
    expect(page.get_by_text("Oppmøtet er lagret.")).to_be_visible()
    expect(page.get_by_role("cell", name="Møtte")).to_be_visible()
    assert_no_axe_violations(page, where="course detail with attendance")
    assert Volunteer.objects.get(pk=applicant.pk).course_completed_on == yesterday
    course_url = page.url

    page.get_by_role("link", name="Endre kurset").click()
    assert_no_axe_violations(page, where="edit course form")

    # Guidance group: create, choose members, add a meeting, record attendance.
    page.goto(f"{live_server.url}/veiledning/")
    assert_no_axe_violations(page, where="guidance list")
    page.get_by_role("link", name="Ny veiledningsgruppe").click()
    assert_no_axe_violations(page, where="new guidance group form")
    page.get_by_label("Navn på gruppen").fill("Veiledning høst")
    page.get_by_role("button", name="Opprett gruppen").click()
    assert_no_axe_violations(page, where="guidance members form")
    page.get_by_label("Vera Venn").check()
    page.get_by_role("button", name="Lagre deltakerne").click()
    expect(page.locator("h1")).to_have_text("Veiledning høst")
    page.get_by_role("link", name="Nytt møte").click()
    assert_no_axe_violations(page, where="new guidance meeting form")
    page.get_by_label("Dato").fill(yesterday.isoformat())
    page.get_by_label("Starter kl.").fill("18:00")
    page.get_by_label("Sted").fill("Sanitetshuset")
    page.get_by_role("button", name="Legg til møtet").click()
    page.get_by_role("link", name="Registrer oppmøte").click()
    assert_no_axe_violations(page, where="guidance attendance form")
    page.get_by_label("Vera Venn").check()
    page.get_by_role("button", name="Lagre oppmøtet").click()
    expect(page.get_by_text("Oppmøtet er lagret.")).to_be_visible()
    assert_no_axe_violations(page, where="guidance detail")
    assert GuidanceAttendance.objects.filter(attended=True).count() == 1

    # The same pages on a phone, in the same session.
    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    for url, where in (
        (course_url, "course detail"),
        (f"{live_server.url}/kurs/", "course list"),
        (f"{live_server.url}/veiledning/", "guidance list"),
    ):
        phone_page.goto(url)
        expect(phone_page.locator("h1")).to_be_visible()
        _fits_phone(phone_page, where)
        assert_no_axe_violations(phone_page, where=f"{where} at 360 px")


def test_volunteer_signs_up_for_a_course(
    page: Page, phone_page: Page, live_server: Any, texts: None, browser_world: World
) -> None:
    world = browser_world
    course = courses.create_course(
        by=world.leader, branch=world.branch, title="Grunnkurs vår", capacity=5
    )
    start = timezone.now() + datetime.timedelta(days=14)
    courses.add_session(
        course,
        by=world.leader,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        digital_link="https://meet.jit.si/ressursvenn-kurs",
    )
    log_in(page, live_server, world.volunteer)
    page.get_by_role("link", name="Se kursene dine og meld deg på").click()
    expect(page.locator("h1")).to_have_text("Opplæringskurs")
    assert_no_axe_violations(page, where="volunteer course list")
    page.get_by_role("button", name="Meld meg på").click()
    expect(page.get_by_text("Du er meldt på «Grunnkurs vår».")).to_be_visible()
    assert_no_axe_violations(page, where="volunteer course list, signed up")
    assert Enrolment.objects.filter(course=course, volunteer__user=world.volunteer).exists()

    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    phone_page.goto(page.url)
    expect(phone_page.get_by_role("button", name="Meld meg av")).to_be_visible()
    _fits_phone(phone_page, "volunteer course list")

    page.get_by_role("button", name="Meld meg av").click()
    expect(page.get_by_text("Du er meldt av «Grunnkurs vår».")).to_be_visible()
    assert not Enrolment.objects.filter(course=course).exists()
