"""Playwright fixtures: one Chromium for the session, a fresh context (and page) per test.

Browser tests talk to pytest-django's `live_server`, which runs in another thread and needs
committed data, so the DB fixtures here are transactional. A transactional test ends with a
flush that also empties the reference geography the migrations loaded; `browser_db` loads it
again (idempotently) when it is missing. Serialized rollback would do the same but breaks
(duplicate content types) once another transactional test without it has flushed first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from ressursvenn.conftest import World
from ressursvenn.tests import factories
from ressursvenn.tests.browser.helpers import csp_reports

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found. Install Debian's chromium: apt-get install -y chromium",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_db(transactional_db: None, live_server: Any) -> Any:
    """The live server, with a transactional database it can see (reference data included)."""
    factories.ensure_reference_data()
    return live_server


@pytest.fixture
def browser_world(browser_db: Any, world: World) -> World:
    """The shared personas (ressursvenn/conftest.py), committed so the live server sees them."""
    return world


@pytest.fixture
def console_messages() -> list[str]:
    """Every console message of the test's pages, as 'type: text'."""
    return []


def _new_page(
    browser: Browser, console_messages: list[str], **options: Any
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale="nb-NO", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()

    def remember(message: ConsoleMessage) -> None:
        console_messages.append(f"{message.type}: {message.text}")

    page.on("console", remember)
    page.on("pageerror", lambda error: console_messages.append(f"pageerror: {error}"))
    return context, page


def _check_csp(console_messages: list[str]) -> None:
    reports = csp_reports(console_messages)
    assert reports == [], "The browser reported CSP violations:\n" + "\n".join(reports)


@pytest.fixture
def page(browser: Browser, console_messages: list[str]) -> Iterator[Page]:
    """A desktop page (1280×800) in a fresh context; fails if the browser saw a CSP violation."""
    context, desktop = _new_page(browser, console_messages, viewport=DESKTOP)
    yield desktop
    context.close()
    _check_csp(console_messages)


@pytest.fixture
def phone_page(browser: Browser, console_messages: list[str]) -> Iterator[Page]:
    """A phone-sized page (360×740, touch, mobile) in a fresh context of its own."""
    context, phone = _new_page(
        browser,
        console_messages,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    yield phone
    context.close()
    _check_csp(console_messages)
