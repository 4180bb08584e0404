"""Anonymous pages, enrolment of a second factor, login errors and the CSP, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import (
    code_step,
    confirmed_device,
    csp_reports,
    device_code,
    expect_path,
    log_in,
    password_step,
    secret_code,
)
from ressursvenn.tests.factories import UserFactory

pytestmark = pytest.mark.browser

ANONYMOUS_PAGES = ["/logg-inn/", "/passord/glemt/", "/om/"]


def _no_horizontal_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width} px: {scroll_width}px"


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_page_is_accessible_on_desktop_and_phone(
    page: Page, phone_page: Page, browser_db: Any, path: str
) -> None:
    for current, width in ((page, 1280), (phone_page, 360)):
        response = current.goto(f"{browser_db.url}{path}")
        assert response is not None
        assert response.status == 200, f"{path} at {width} px: status {response.status}"
        expect(current.locator("h1")).to_be_visible()
        _no_horizontal_scroll(current, width)
        assert_no_axe_violations(current, where=f"{path} at {width} px")


def test_new_user_enrols_an_authenticator(
    page: Page, live_server: Any, browser_world: World
) -> None:
    user = UserFactory(totp=False, full_name="Ny Bruker")
    Membership.objects.create(user=user, organisation=browser_world.branch, role=Role.VOLUNTEER)

    password_step(page, live_server, user.email)
    expect_path(page, live_server, "/tofaktor/oppsett/", step="password step of a new user")
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.qr').complete")
    assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code image did not load"
    assert_no_axe_violations(page, where="enrolment page")

    secret = page.locator(".secret").inner_text()
    code_step(page, secret_code(secret))

    codes = page.locator("ul.codes li")
    expect(codes).to_have_count(10)
    assert all(code.isdigit() for code in codes.all_inner_texts())
    assert_no_axe_violations(page, where="recovery codes after enrolment")

    page.get_by_role("link", name="Jeg har tatt vare på kodene").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".site-header__role")).to_contain_text(browser_world.branch.name)
    assert confirmed_device(user).name == "Autentiseringsapp"


def test_wrong_password_is_refused_accessibly(
    page: Page, live_server: Any, browser_world: World
) -> None:
    password_step(page, live_server, browser_world.leader.email, password="feil-passord-123")

    expect(page).to_have_url(f"{live_server.url}/logg-inn/")
    expect(page.get_by_role("alert")).to_contain_text("Feil e-postadresse eller passord.")
    assert_no_axe_violations(page, where="login page with a wrong password")


def test_wrong_code_is_refused_accessibly(
    page: Page, live_server: Any, browser_world: World
) -> None:
    user = browser_world.staff
    device = confirmed_device(user)
    accepted = {device_code(device, offset) for offset in (-1, 0, 1)}  # the tolerance window
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)

    password_step(page, live_server, user.email)
    expect_path(page, live_server, "/logg-inn/kode/", step="password step")
    code_step(page, wrong)

    expect(page).to_have_url(f"{live_server.url}/logg-inn/kode/")
    expect(page.get_by_role("alert")).to_contain_text("Koden er feil, utløpt eller allerede brukt.")
    expect(page.locator("input[name=token]")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page, where="code page with a wrong code")


def test_pages_send_a_strict_csp_and_the_browser_reports_no_violation(
    page: Page, live_server: Any, browser_world: World, console_messages: list[str]
) -> None:
    response = page.goto(f"{live_server.url}/logg-inn/")
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'"):
        assert directive in policy, f"CSP lacks {directive!r}: {policy!r}"
    assert "unsafe-inline" not in policy

    log_in(page, live_server, browser_world.coordinator)
    for path in ("/", "/om/", "/konto/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert "default-src 'none'" in response.headers.get("content-security-policy", ""), path

    # A validation message and a success alert: Designsystemet draws their icons from CSS.
    name = page.locator("input[name=full_name]")
    name.fill("")
    page.locator("form:has(input[name=full_name]) button[type=submit]").click()
    expect(page.locator(".ds-validation-message")).to_be_visible()
    page.locator("input[name=full_name]").fill("Nina Nasjonal")
    page.locator("form:has(input[name=full_name]) button[type=submit]").click()
    expect(page.locator(".ds-alert")).to_contain_text("Opplysningene er lagret.")

    reports = csp_reports(console_messages)
    console_messages.clear()  # reported here, not again by the page fixture
    assert reports == [], "The browser reported CSP violations:\n" + "\n".join(reports)
