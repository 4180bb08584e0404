"""The task list and the start pages of the follow-up through the real UI: the group leader sees
the urgent concern in red and her tasks first, the centre its new concern, the volunteer (at
360 px) her match with "Registrer en aktivitet" as the first button, her tasks, the events and
the emergency line, and she chooses her task e-mails on Min konto. Axe runs on every page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.accounts.models import TaskEmail, User
from ressursvenn.conftest import World
from ressursvenn.followup import tasks as followup_tasks
from ressursvenn.followup.models import CheckIn, Concern, SocialEvent
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.tests.browser.journey_helpers import fits

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _only_followup_tasks(monkeypatch: Any) -> None:
    """These pages count the follow-up's own tasks; the questionnaires' (a provider on
    followup.tasks.task_providers) are tested in surveys/tests/test_tasks.py."""
    monkeypatch.setattr(followup_tasks, "task_providers", [])


DAY = datetime.timedelta(days=1)


def _follow_up(world: World) -> tuple[Match, Concern]:
    match = active_match(world)
    CheckIn.objects.create(match=match, party="volunteer", due_on=timezone.localdate() - DAY)
    concern = Concern.objects.create(
        match=match,
        category=Concern.Category.CHILDREN,
        severity=Concern.Severity.URGENT,
        description="Eksen sto utenfor døren",
        reported_by=world.volunteer,
        reported_at=timezone.now() - datetime.timedelta(hours=30),
    )
    SocialEvent.objects.create(
        branch=world.branch,
        title="Kaffetreff i parken",
        starts_at=timezone.now() + 3 * DAY,
        capacity=10,
        audience=SocialEvent.Audience.PAIRS,
        organiser=world.leader,
        place="Frivillighetshuset",
    )
    return match, concern


def test_leader_sees_the_urgent_concern_in_red_and_her_task_list(
    page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    match, concern = _follow_up(world)
    log_in(page, browser_db, world.leader)
    main = page.locator("main")
    alert = main.locator(".ds-alert[data-color=danger]")
    expect(alert).to_contain_text("Bekymringsmeldinger som haster")
    expect(alert.get_by_role("link")).to_have_attribute(
        "href", reverse("followup:concern_detail", args=[concern.pk])
    )
    tasks = main.locator("section[aria-labelledby=tasks-heading]")
    expect(tasks.locator("li")).to_have_count(3)
    expect(tasks.locator("li").first).to_contain_text("Haster: Ny bekymringsmelding")
    expect(main).not_to_contain_text("døren")
    assert_no_axe_violations(page, where="leader start page with tasks")

    tasks.get_by_role("link", name="Se oppgavelisten").click()
    page.wait_for_url(f"{browser_db.url}{reverse('followup:tasks')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine oppgaver")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).get_by_role("link")).to_have_attribute(
        "href", reverse("followup:concern_detail", args=[concern.pk])
    )
    checkin = CheckIn.objects.get(match=match)
    expect(rows.nth(2).get_by_role("link")).to_have_attribute(
        "href", reverse("followup:checkin_record", args=[checkin.pk])
    )
    assert_no_axe_violations(page, where="task list (leader)")


def test_centre_sees_the_new_concern_flagged_for_children(
    page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    _match, concern = _follow_up(world)
    log_in(page, browser_db, world.staff)
    tasks = page.locator("main section[aria-labelledby=tasks-heading]")
    expect(tasks.locator("li")).to_have_count(1)
    expect(tasks.locator("li")).to_contain_text("– gjelder barn")
    assert_no_axe_violations(page, where="centre start page with a task")
    page.goto(f"{browser_db.url}{reverse('followup:tasks')}")
    expect(page.locator("tbody tr").get_by_role("link")).to_have_attribute(
        "href", reverse("followup:concern_detail", args=[concern.pk])
    )
    assert_no_axe_violations(page, where="task list (centre)")


def test_volunteer_start_page_tasks_and_preference_on_a_phone(
    phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    match, _concern = _follow_up(world)
    log_in(phone_page, browser_db, world.volunteer)
    main = phone_page.locator("main")
    first_button = main.locator(".ds-button").first
    expect(first_button).to_have_text("Registrer en aktivitet")
    expect(first_button).to_have_attribute(
        "href", reverse("followup:activity_new", args=[match.pk])
    )
    expect(main.get_by_role("heading", name="Du og Amina")).to_be_visible()
    expect(main.locator("section[aria-labelledby=events-heading]")).to_contain_text(
        "Kaffetreff i parken"
    )
    expect(main.get_by_role("link", name="ring 112")).to_have_attribute("href", "tel:112")
    expect(main.get_by_role("link", name=world.leader.email)).to_have_attribute(
        "href", f"mailto:{world.leader.email}"
    )
    expect(main).not_to_contain_text("døren")
    fits(phone_page, 360, where="volunteer start page with a match")
    assert_no_axe_violations(phone_page, where="volunteer start page with a match at 360 px")

    phone_page.goto(f"{browser_db.url}{reverse('followup:tasks')}")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Dine oppgaver")
    fits(phone_page, 360, where="task list (volunteer)")
    assert_no_axe_violations(phone_page, where="task list (volunteer) at 360 px")

    phone_page.goto(f"{browser_db.url}{reverse('accounts:profile')}")
    expect(phone_page.get_by_label("En samlet e-post om dagen")).to_be_checked()
    assert_no_axe_violations(phone_page, where="Min konto with the task e-mail choice at 360 px")
    phone_page.get_by_label("Ingen e-post, bare i Ressursvenn").check()
    phone_page.get_by_role("button", name="Lagre valget").click()
    expect(phone_page.get_by_text("Valget ditt for e-post om oppgaver er lagret.")).to_be_visible()
    assert User.objects.get(pk=world.volunteer.pk).task_email == TaskEmail.NONE
    fits(phone_page, 360, where="Min konto")
