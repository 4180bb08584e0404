"""The funder report as PDF (WeasyPrint, on Debian's Pango), from the same HTML as the page.

Nothing is fetched while rendering: the only stylesheet (``static/css/print.css``) is read from
the static files and handed over as text, fonts are the system's own (fontconfig), and the URL
fetcher refuses every URL, so a link or an image in the content can never make the server
call out (or read a local file) on a user's behalf.

WeasyPrint is imported when a PDF is made, not with the module: it loads Pango through ctypes
and takes a while to import, and no other page needs it.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.contrib.staticfiles import finders

from ressursvenn.reports.tables import MIN_PEOPLE, Report

PRINT_CSS = "css/print.css"
BASE_URL = "https://ressursvenn.invalid/"  # relative URLs resolve here, and are refused
BROWSERS_ONLY = re.compile(r"/\* browsers-only:.*?/\* end browsers-only \*/", re.DOTALL)


def _stylesheet() -> str:
    """print.css without its browsers-only blocks (rules WeasyPrint would warn about)."""
    path = finders.find(PRINT_CSS)
    if not path or isinstance(path, list):
        raise FileNotFoundError(PRINT_CSS)
    with open(path, encoding="utf-8") as file:
        return BROWSERS_ONLY.sub("", file.read())


def _refusing_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class RefuseEverything(URLFetcher):
        """Fetches nothing: not the network, not a file, not a data: URL."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("The PDF of a report fetches nothing.")

    return RefuseEverything()


def pdf(html: str) -> bytes:
    """`html` (a whole document) as an A4 PDF with the print stylesheet."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_refusing_fetcher())
    stylesheet = weasyprint.CSS(string=_stylesheet(), url_fetcher=_refusing_fetcher())
    result: bytes = document.write_pdf(stylesheets=[stylesheet])
    return result


def figure_codes(report: Report) -> list[str]:
    """The definition codes of every figure the report shows, in the order shown, once each."""
    codes = [target.metric for target in report.targets]
    for section in report.sections:
        codes += [figure.definition or figure.key for figure in section.figures]
        codes += [table.definition or table.key for table in section.tables]
    return list(dict.fromkeys(codes))


def about_figures(report: Report) -> list[Any]:
    """The definitions ("Om tallene") of the figures the report shows."""
    from ressursvenn.reports import definitions

    return [
        definitions.REGISTRY[code] for code in figure_codes(report) if code in definitions.REGISTRY
    ]


def context(report: Report, *, made_on: datetime.date, funder: str = "") -> dict[str, Any]:
    """What the funder report's templates (the page and the PDF) need besides the request."""
    return {
        "report": report,
        "funder": funder,
        "made_on": made_on,
        "definitions": about_figures(report),
        "min_people": MIN_PEOPLE,
    }
