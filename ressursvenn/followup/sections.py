"""The follow-up sections of the match page (registered on `matching.hooks.match_page_sections`).

Each area's view module gives `section(request, match, shown) -> list of sections` for the
viewer's role (empty when she may see nothing of it); the match page renders them in this
order below the match's facts.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ressursvenn.followup.views import activities, checkins, closure, concerns, meetings, pauses


def match_sections(request: HttpRequest, match: Any, shown: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for area in (pauses, activities, meetings, checkins, concerns, closure):
        result.extend(area.section(request, match, shown))
    return result
