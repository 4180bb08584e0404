"""Hooks through which a higher app takes part in a matching action or page.

matching sits below followup (and the apps to come) in the layers contract and may not import
them. Where a change here must reach them, the action calls the handlers registered below;
the higher app registers its handler in its ``AppConfig.ready()``. Action handlers run inside
the action's transaction, with the match locked and the permission checked, so their writes
commit or roll back with it. Not Django signals: the hooks are named, listed here and called
explicitly, and a handler's exception aborts the action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ressursvenn.matching.disclosure import Disclosure
    from ressursvenn.matching.models import Match

ActivatedHandler = Callable[..., None]
"""``handler(match, *, by)``."""

SectionProvider = Callable[..., list[dict[str, Any]]]
"""``provider(request, match, shown) -> [{"template": …, …context}]``."""

on_match_activated: list[ActivatedHandler] = []
"""Called when the koblingsmøte's outcome makes a match active
(``actions.meetings.record_meeting_outcome``), after the match is saved as active. followup
registers ``actions.checkins.create_schedule``: the check-in schedule of the match."""

match_page_sections: list[SectionProvider] = []
"""Called by the match page (``views.matches.render_detail``) for the sections a higher app
adds below the match's facts; each section is a template name and its context. followup
registers ``sections.match_sections`` (activities, meetings, check-ins, concerns, pause,
closure). A provider must only show what the viewer's role may see."""


def register(hook: list[Any], handler: Any) -> None:
    """Add `handler` to `hook` once (``ready()`` may run more than once)."""
    if handler not in hook:
        hook.append(handler)


def match_activated(match: Match, *, by: Any) -> None:
    for handler in on_match_activated:
        handler(match, by=by)


def sections(request: HttpRequest, match: Match, shown: Disclosure) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for provider in match_page_sections:
        result.extend(provider(request, match, shown))
    return result
