"""Logging in through the real forms, and one-time codes computed the way an app would."""

from __future__ import annotations

import base64
from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from ressursvenn.accounts.models import User
from ressursvenn.tests.factories import PASSWORD

CSP_MARKER = "Content Security Policy"


def device_code(device: TOTPDevice, offset: int = 0) -> str:
    """The device's TOTP code for the current step (+ offset steps), six digits."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
    return f"{code:0{device.digits}d}"


def secret_code(secret: str) -> str:
    """The code an authenticator app computes now from the base32 key shown at enrolment."""
    key = base64.b32decode(secret.replace(" ", "").upper())
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def confirmed_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, f"{user.email} has no confirmed authenticator"
    return device


def password_step(page: Page, live_server: Any, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/logg-inn/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def code_step(page: Page, code: str) -> None:
    page.locator("input[name=token]").fill(code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def log_in(page: Page, live_server: Any, user: User) -> None:
    """E-mail and password, then the current code of the user's authenticator.

    django-otp refuses a code twice in the same 30 s step for one device, so log each user in
    at most once per test (every test gets fresh users and devices).
    """
    password_step(page, live_server, user.email)
    expect_path(page, live_server, "/logg-inn/kode/", step=f"password step for {user.email}")
    code_step(page, device_code(confirmed_device(user)))
    expect_path(page, live_server, "/", step=f"code step for {user.email}")


def expect_path(page: Page, live_server: Any, path: str, *, step: str) -> None:
    """Wait for `path`; on failure say which page (its h1) the browser is on instead."""
    try:
        page.wait_for_url(f"{live_server.url}{path}", timeout=5_000)
    except PlaywrightError:
        heading = page.locator("h1").first.inner_text(timeout=1_000) or "(no h1)"
        raise AssertionError(
            f"{step}: expected {path}, the browser is on {page.url} showing {heading!r}"
        ) from None


def csp_reports(console_messages: list[str]) -> list[str]:
    """The browser's CSP violation reports among the console messages (long data: URLs cut)."""
    reports = []
    for message in console_messages:
        if CSP_MARKER in message:
            shortened = message if len(message) <= 300 else f"{message[:150]} … {message[-140:]}"
            reports.append(shortened)
    return reports


OVERFLOW = """() => {
  const found = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) {
    found.push(`page: ${document.documentElement.scrollWidth}px wide in ${width}px`);
  }
  for (const wrap of document.querySelectorAll('main .table-wrap')) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      const name = wrap.getAttribute('aria-label') || wrap.querySelector('caption')?.textContent
        || wrap.getAttribute('aria-labelledby');
      const label = name.trim().replace(/\\s+/g, ' ');
      found.push(`table ${label}: ${wrap.scrollWidth}px in ${wrap.clientWidth}px`);
    }
  }
  return found;
}"""

FIRST_CELLS = """() => Array.from(document.querySelectorAll('main table')).flatMap(table => {
  const head = table.tHead && table.tHead.rows[0];
  const row = Array.from(table.tBodies).flatMap(body => Array.from(body.rows))
    .find(r => r.cells.length > 1);
  if (!head || !row) return [];
  const cells = Array.from(row.cells)
    .map((cell, index) => ({index, box: cell.getBoundingClientRect()}))
    .filter(c => c.box.width > 0 && c.box.height > 0)
    .sort((a, b) => (a.box.top - b.box.top) || (a.box.left - b.box.left));
  return [cells.slice(0, 2).map(c => head.cells[c.index].textContent.trim().replace(/\\s+/g, ' '))];
})"""


def horizontal_overflow(page: Page) -> list[str]:
    """What scrolls sideways: the page itself, or a table inside its scrolling wrapper."""
    found: list[str] = page.evaluate(OVERFLOW)
    return found


def first_cells(page: Page) -> list[tuple[str, ...]]:
    """For every table in main with a data row: the column headers of the first two cells of
    its first row in reading order on screen (top to bottom, then left to right)."""
    found: list[list[str]] = page.evaluate(FIRST_CELLS)
    return [tuple(cells) for cells in found]
