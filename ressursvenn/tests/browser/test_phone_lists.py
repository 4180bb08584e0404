"""Every list page on a 360 px phone: no sideways scrolling (the page nor a table), each row a
card that starts with the name and then the status, and axe clean. Long e-mail addresses
break instead of widening *Min konto* and the user list."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ressursvenn.accounts.models import Role, User
from ressursvenn.conftest import World
from ressursvenn.followup.actions.checkins import create_schedule
from ressursvenn.followup.models import Activity, Concern, SocialEvent
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.lib.audit import record_access
from ressursvenn.lib.models import AccessEvent
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.surveys.models import ReportingPeriod
from ressursvenn.tests import factories
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import (
    first_cells,
    horizontal_overflow,
    log_in,
)
from ressursvenn.tests.browser.test_personas import _populate
from ressursvenn.volunteers.models import Course, Volunteer

pytestmark = pytest.mark.browser

NAME_STATUS = ("Navn", "Status")
# Per persona: list page → for each table with rows, the column headers of a row's first two
# cells as they appear on the phone.
LIST_PAGES: dict[str, dict[str, list[tuple[str, ...]]]] = {
    "leader": {
        "/frivillige/?status=applied": [NAME_STATUS],
        "/frivillige/?status=screening": [NAME_STATUS],
        "/frivillige/?status=approved": [NAME_STATUS],
        "/henvisninger/": [NAME_STATUS],
        "/kobling/": [NAME_STATUS],
        "/kobling/koblinger/": [("Kvinnen", "Status")],
        "/kurs/": [("Kurs", "Påmelding")],
        "/veiledning/": [("Gruppe", "Lokalforening"), ("Navn", "Veiledning i {year}")],
        "/kobling/samlet/": [("Kvinne", "Ressursvenn"), ("Ressursvenn", "Ledige plasser")],
        "/oppfolging/oppgaver/": [("Oppgave", "Status")],
        "/oppfolging/samtaler/": [("Koblingen", "Status")],
        "/oppfolging/bekymringer/": [("Sendt", "Status")],
        "/oppfolging/treff/": [("Treff", "Status")],
        "/oppfolging/koblinger/{followed}/aktiviteter/": [("Dato", "Hva dere gjorde")],
    },
    "staff": {
        "/henvisninger/": [NAME_STATUS],
        "/kobling/koblinger/": [("Kvinnen", "Status")],
        "/oppfolging/oppgaver/": [("Oppgave", "Status")],
        "/oppfolging/bekymringer/": [("Sendt", "Status")],
    },
    "coordinator": {
        "/organisasjoner/": [NAME_STATUS],
        "/brukere/": [("Navn og e-post", "Status")],
        # The audit log has neither name nor status: the time first, then who.
        "/rapporter/revisjon/": [("Tidspunkt", "Bruker")],
        # The access review's findings: who first, then what was seen.
        "/rapporter/tilgangslogg/": [
            ("Bruker", "Ulike oppføringer"),
            ("Bruker", "Organisasjon"),
            ("Bruker", "Innsyn"),
            ("Tid", "Innsyn"),
        ],
        "/mal/": [("Periode", "Tilskuddsgiver")],
    },
    "volunteer": {
        "/kobling/koblinger/": [("Kvinnen", "Status")],
        "/kurs/": [],  # her courses are a list of cards, not a table
        "/oppfolging/oppgaver/": [("Oppgave", "Status")],
        "/oppfolging/bekymringer/": [("Sendt", "Status")],
        "/oppfolging/treff/": [("Treff", "Ditt svar")],
        "/oppfolging/koblinger/{followed}/aktiviteter/": [("Dato", "Hva dere gjorde")],
    },
}
LONG_EMAIL = "{}.med-en-svaert-lang-adresse-uten-mellomrom@sanitetskvinnene-eksempel.no"


def _long_email(user: User, persona: str) -> None:
    user.email = LONG_EMAIL.format(persona)
    user.save(update_fields=["email"])


def _populate_followup(world: World) -> int:
    """A match of the volunteer persona 40 days old: its check-ins (some due), activities, a
    concern and a social event of the branch. Returns the match's id."""
    match = active_match(world, started_days_ago=40)
    create_schedule(match, by=world.leader)
    ReportingPeriod.objects.create(
        name="Stiftelsen Dam – tilskudd til ressursvenner 2027",
        funder="Stiftelsen Dam",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        created_by=world.coordinator,
    )
    today = timezone.localdate()
    for days, kind, channel in (
        (30, "coffee", "in_person"),
        (12, "walk", "in_person"),
        (3, "norwegian", "video"),
    ):
        Activity.objects.create(
            match=match,
            occurred_on=today - datetime.timedelta(days=days),
            kind=kind,
            duration_minutes=90,
            channel=channel,
            created_by=world.volunteer,
        )
    Concern.objects.create(
        match=match,
        category=Concern.Category.WELLBEING,
        severity=Concern.Severity.SOON,
        description="Hun virker sliten.",
        reported_by=world.volunteer,
    )
    # Views for the coordinator's access review: one at night, one by a role she no longer holds.
    night = timezone.now().replace(hour=22, minute=30) - datetime.timedelta(days=2)
    for user, role, organisation in (
        (world.leader, Role.GROUP_LEADER, world.branch),
        (world.other_leader, Role.GROUP_LEADER, world.branch),
    ):
        event = record_access(match.referral, user=user, role=role, organisation=organisation)
        AccessEvent.objects.filter(pk=event.pk).update(at=night)
    SocialEvent.objects.create(
        branch=world.branch,
        title="Kaffetreff på biblioteket med en lang tittel som må brytes",
        starts_at=timezone.now() + datetime.timedelta(days=9),
        place="Biblioteket",
        capacity=20,
        audience=SocialEvent.Audience.PAIRS,
        organiser=world.leader,
    )
    return match.pk


@pytest.mark.parametrize("persona", list(LIST_PAGES))
def test_every_list_page_fits_a_phone(
    phone_page: Page, live_server: Any, browser_world: World, persona: str
) -> None:
    _populate(browser_world)
    followed = _populate_followup(browser_world)
    factories.volunteer(
        browser_world.branch,
        status="applied",
        full_name="Kristin Langnavn-Eksempelsen",
        email=LONG_EMAIL.format("frivillig"),
    )
    # A free approved volunteer, so the batch proposal has a pair to show.
    factories.volunteer(browser_world.branch, full_name="Berit Batch", email="berit@example.no")
    user = getattr(browser_world, persona)
    _long_email(user, persona)
    _long_email(browser_world.other_staff, "other_staff")  # the user list shows e-mails
    log_in(phone_page, live_server, user)
    year = timezone.localdate().year

    found: dict[str, list[tuple[str, ...]]] = {}
    pages = {path.format(followed=followed): tables for path, tables in LIST_PAGES[persona].items()}
    for path in pages:
        response = phone_page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, f"{path}: status {response.status}"
        overflow = horizontal_overflow(phone_page)
        assert overflow == [], f"{path} scrolls sideways at 360 px: {overflow}"
        found[path] = first_cells(phone_page)
        assert_no_axe_violations(phone_page, where=f"{path} at 360 px ({persona})")

    expected = {
        path: [tuple(header.format(year=year) for header in cells) for cells in tables]
        for path, tables in pages.items()
    }
    assert found == expected

    phone_page.goto(f"{live_server.url}/konto/")
    expect(phone_page.get_by_text(user.email)).to_be_visible()
    overflow = horizontal_overflow(phone_page)
    assert overflow == [], f"/konto/ scrolls sideways at 360 px: {overflow}"
    assert_no_axe_violations(phone_page, where=f"/konto/ at 360 px ({persona})")


def test_list_rows_are_cards_on_a_phone_and_a_table_on_a_laptop(
    page: Page, phone_page: Page, live_server: Any, browser_world: World
) -> None:
    _populate(browser_world)
    log_in(page, live_server, browser_world.leader)
    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    display = "() => getComputedStyle(document.querySelector('.table-cards tbody tr')).display"
    label = (
        "() => getComputedStyle(document.querySelector("
        "'.table-cards tbody td[data-label]'), '::before').content"
    )

    page.goto(f"{live_server.url}/henvisninger/")
    phone_page.goto(f"{live_server.url}/henvisninger/")

    assert (page.evaluate(display), phone_page.evaluate(display)) == ("table-row", "block")
    # The group leader's own branch is not repeated in every row; the centre is shown.
    assert phone_page.evaluate(label) == '"Fra krisesenter: "'
    assert_no_axe_violations(page, where="referral list at 1280 px")


def test_crisis_staff_list_has_no_centre_column(
    page: Page, live_server: Any, browser_world: World
) -> None:
    _populate(browser_world)
    log_in(page, live_server, browser_world.staff)
    page.goto(f"{live_server.url}/henvisninger/")
    headers = page.locator(".table-cards thead th").all_inner_texts()
    assert headers == ["Navn", "Status", "Til lokalforening", "Område", "Sendt"]


def _detail_pages(world: World) -> dict[str, list[str]]:
    """Pages with a list table or a table of facts, per persona (after `_populate`)."""
    helper = Volunteer.objects.get(full_name="Hanne Hjelper")  # approved: certificate, interview
    course = Course.objects.get(title="Grunnkurs")
    active = Match.objects.get(status="active")
    referral = Referral.objects.get(status="matched")
    return {
        "leader": [
            f"/frivillige/{helper.pk}/",
            f"/kurs/{course.pk}/",
            f"/kobling/koblinger/{active.pk}/",
            f"/henvisninger/{referral.pk}/",
            f"/kobling/henvisning/{Referral.objects.get(status='accepted').pk}/",
            "/frivillige/import/",
        ],
        "coordinator": [
            f"/organisasjoner/{world.branch.pk}/",
            f"/organisasjoner/{world.centre.pk}/",
        ],
        "volunteer": ["/min-side/"],
    }


@pytest.mark.parametrize("persona", ["leader", "coordinator", "volunteer"])
def test_detail_pages_with_tables_fit_a_phone(
    phone_page: Page, live_server: Any, browser_world: World, persona: str
) -> None:
    _populate(browser_world)
    log_in(phone_page, live_server, getattr(browser_world, persona))
    overflowing = {}
    for path in _detail_pages(browser_world)[persona]:
        response = phone_page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, f"{path}: status {response.status}"
        overflowing[path] = horizontal_overflow(phone_page)
        assert_no_axe_violations(phone_page, where=f"{path} at 360 px ({persona})")
    assert overflowing == {path: [] for path in overflowing}
