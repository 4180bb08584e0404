"""Small helpers the whole-journey browser tests share: one browser context per person, the
main menu, links in e-mails, and the 360 px check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.core import mail
from django.core.mail import EmailMessage
from playwright.sync_api import Browser, ConsoleMessage, Page

from ressursvenn.tests.browser.conftest import DESKTOP

URL = re.compile(r"https?://\S+")


@contextmanager
def person_page(browser: Browser, console_messages: list[str]) -> Iterator[Page]:
    """A desktop page in a browser context of its own (another person's own browser).

    Its console messages go to the test's list, so the `page` fixture's CSP check covers it."""
    context = browser.new_context(locale="nb-NO", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()

    def remember(message: ConsoleMessage) -> None:
        console_messages.append(f"{message.type}: {message.text}")

    page.on("console", remember)
    page.on("pageerror", lambda error: console_messages.append(f"pageerror: {error}"))
    try:
        yield page
    finally:
        context.close()


def menu(page: Page, name: str) -> None:
    """Follow an entry of the main menu, as a user would."""
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name=name, exact=True
    ).click()
    page.wait_for_load_state()


def mails_to(address: str, subject: str) -> list[EmailMessage]:
    """The messages in the locmem outbox sent to `address` with `subject`."""
    return [m for m in mail.outbox if m.to == [address] and m.subject == subject]


def only_link(message: EmailMessage) -> str:
    """The path of the one link in the message body (the site URL differs from the live server)."""
    links = URL.findall(str(message.body))
    assert len(links) == 1, f"expected one link in {message.subject!r}: {links}"
    parts = urlsplit(links[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fits(page: Page, width: int, *, where: str) -> None:
    """The page does not scroll sideways at `width`."""
    scroll_width: Any = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{where} scrolls sideways at {width} px: {scroll_width}px"
