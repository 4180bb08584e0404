"""Pages reached by links in e-mails and by errors, in a real browser with axe.

Invitation and password-reset links, and the error pages (400, 403, CSRF 403, 404, 410,
lockout) must be as accessible as every other page: people meet them when something went
wrong, often on a phone.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from ressursvenn.accounts import actions
from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import expect_path, log_in, password_step

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lang-og-trygt-passord-2026"


def _link_in_last_mail(live_server: Any) -> str:
    match = re.search(r"https?://\S+", mail.outbox[-1].body)
    assert match is not None, mail.outbox[-1].body
    # The link points at the configured site; the test opens the same path on the live server.
    path = "/" + match.group(0).split("/", 3)[3]
    return f"{live_server.url}{path}"


def _status(page: Page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return response.status


def test_invitation_link_pages(
    page: Page, phone_page: Page, live_server: Any, browser_world: World
) -> None:
    mail.outbox.clear()
    actions.invite_staff(
        by=browser_world.coordinator,
        email="ny.leder@example.no",
        full_name="Ny Leder",
        organisation=browser_world.branch,
        role=Role.GROUP_LEADER,
    )
    link = _link_in_last_mail(live_server)

    assert _status(phone_page, link) == 200
    expect(phone_page.locator("h1")).to_be_visible()
    assert_no_axe_violations(phone_page, where="invitation page at 360 px")

    assert _status(page, link) == 200
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page, where="after accepting the invitation")

    # The same link again: used, a clear 410 page.
    assert _status(page, link) == 410
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page, where="used invitation (410)")


def test_password_reset_pages(page: Page, live_server: Any, browser_world: World) -> None:
    mail.outbox.clear()
    page.goto(f"{live_server.url}/passord/glemt/")
    page.locator("input[name=email]").fill(browser_world.leader.email)
    page.locator("main form button[type=submit]").click()
    expect_path(page, live_server, "/passord/glemt/sendt/", step="reset requested")
    assert_no_axe_violations(page, where="reset link sent")

    link = _link_in_last_mail(live_server)
    page.goto(link)
    page.wait_for_load_state()
    expect(page.locator("input[name=new_password1]")).to_be_visible()
    assert_no_axe_violations(page, where="choose a new password")
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect_path(page, live_server, "/passord/nytt/ferdig/", step="password changed")
    assert_no_axe_violations(page, where="password changed")

    page.goto(link)  # used: the page says the link no longer works
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page, where="used reset link")


def test_not_found_and_forbidden_pages(
    page: Page, phone_page: Page, live_server: Any, browser_world: World
) -> None:
    # An address that does not exist is a 404 even before login (nothing to protect).
    assert _status(phone_page, f"{live_server.url}/finnes-ikke/") == 404
    expect(phone_page.locator("h1")).to_be_visible()
    assert_no_axe_violations(phone_page, where="404 page at 360 px, not logged in")
    log_in(page, live_server, browser_world.volunteer)

    assert _status(page, f"{live_server.url}/finnes-ikke/") == 404
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page, where="404 page")

    assert _status(page, f"{live_server.url}/organisasjoner/") == 403
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page, where="403 page")


def test_csrf_and_bad_request_pages(page: Page, live_server: Any, browser_world: World) -> None:
    page.goto(f"{live_server.url}/passord/glemt/")
    page.evaluate("() => document.querySelector('input[name=csrfmiddlewaretoken]').remove()")
    page.locator("input[name=email]").fill("noen@example.no")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page, where="CSRF failure page")

    page.goto(f"{live_server.url}/passord/glemt/")
    page.evaluate(
        """() => {
            const form = document.querySelector('main form');
            for (let i = 0; i < 600; i++) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = 'f' + i; input.value = 'x';
                form.appendChild(input);
            }
        }"""
    )
    page.locator("input[name=email]").fill("noen@example.no")
    with page.expect_response(lambda response: response.request.method == "POST") as info:
        page.locator("main form button[type=submit]").click()
    assert info.value.status == 400
    page.wait_for_load_state()
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page, where="400 page")


def test_lockout_page(page: Page, live_server: Any, browser_world: World) -> None:
    for _ in range(5):
        password_step(page, live_server, browser_world.leader.email, password="feil-passord-123")
    expect(page.locator("h1")).to_have_text("Innloggingen er midlertidig sperret")
    assert_no_axe_violations(page, where="locked out")
