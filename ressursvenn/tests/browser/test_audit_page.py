"""The coordinator's audit page in words, with new roles that see women's data flagged, and her
own user page without "add a role" (issue 8, items 1 and 16). Axe stays at zero."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ressursvenn.accounts import actions
from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit import record_change
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import log_in
from ressursvenn.tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_audit_page_shows_words_and_flags_new_access(
    page: Page, phone_page: Page, live_server: Any, browser_world: World
) -> None:
    world = browser_world
    newcomer: Any = UserFactory(full_name="Nina Nykommer")
    actions.add_membership(
        newcomer, by=world.coordinator, organisation=world.branch, role=Role.GROUP_LEADER
    )
    record_change(
        world.branch,
        by=world.coordinator,
        action=AuditAction.ORGANISATION_UPDATE,
        organisation=world.branch,
        changes={"municipality_id": ["1806", "0301"], "kind": [None, "branch"]},
    )
    log_in(page, live_server, world.coordinator)
    page.goto(f"{live_server.url}/rapporter/revisjon/")
    panel = page.locator("section[aria-labelledby=new-access-heading]")
    expect(panel).to_contain_text("Nina Nykommer: Gruppeleder, Oslo Sanitetsforening")
    table = page.locator("table")
    expect(table).to_contain_text("Gir tilgang til kvinners opplysninger")
    expect(table).to_contain_text("kommune: Narvik → Oslo")
    expect(table).to_contain_text("Organisasjon endret")
    assert "organisation.update" not in page.content()
    assert_no_axe_violations(page, where="audit page")

    # The filters are typed (no list of every user and organisation); an unknown address says so.
    page.get_by_label("Brukerens e-postadresse").fill(world.coordinator.email.upper())
    page.get_by_label("Organisasjon", exact=True).fill("oslo sanitets")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("table")).to_contain_text("Organisasjon endret")
    page.get_by_label("Brukerens e-postadresse").fill("ingen@example.no")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("#id_email_error")).to_contain_text(
        "Ingen bruker har e-postadressen ingen@example.no."
    )
    expect(page.locator("table")).to_have_count(0)
    assert_no_axe_violations(page, where="audit page, unknown e-mail")

    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    phone_page.goto(f"{live_server.url}/rapporter/revisjon/")
    expect(phone_page.locator("h1")).to_be_visible()
    assert_no_axe_violations(phone_page, where="audit page at 360 px")

    page.goto(f"{live_server.url}/brukere/{world.coordinator.pk}/")
    expect(page.get_by_text("Du kan ikke gi deg selv nye roller")).to_be_visible()
    expect(page.get_by_role("button", name="Legg til rolle")).to_have_count(0)
    assert_no_axe_violations(page, where="own user page")
