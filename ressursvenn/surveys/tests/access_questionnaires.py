"""The questionnaires in the access matrix.

Rows are in the first branch / centre with the first volunteer: the other branch's leader, the
other centre's staff and the coordinator get 404 while they exist. The woman's pages are
public: a forged token is the neutral 404 for everyone, and ``skjema/`` without a bound link
too.
"""

from __future__ import annotations

from typing import Any

from ressursvenn.surveys.actions import questionnaires
from ressursvenn.surveys.tests.builders import at_midway, at_start, link_for
from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Entry,
    Expect,
    public,
    signed_in,
)

OUTSIDERS = ("coordinator", "other_leader", "other_staff")
BAD_REQUEST = 400


def _scope(leader: Expect, staff: Expect, volunteer: Expect, outsider: Expect) -> Any:
    allowed = {"leader": leader, "staff": staff, "volunteer": volunteer}
    allowed.update(dict.fromkeys(OUTSIDERS, outsider))
    return signed_in(allowed)


def _start(world: Any) -> dict[str, Any]:
    return {"pk": at_start(world).pk, "time_point": "start"}


def _midway(world: Any) -> dict[str, Any]:
    return {"pk": at_midway(world).pk, "time_point": "six_months"}


def _link(world: Any) -> dict[str, Any]:
    link, _token = link_for(world, at_start(world))
    return {"pk": link.pk}


def _sent(world: Any) -> dict[str, Any]:
    match = at_start(world)
    draft = questionnaires.start_entry(
        match, by=world.staff, time_point="start", respondent="participant"
    )
    return {"pk": questionnaires.submit_response(draft, by=world.staff).pk}


ENTRIES = {
    # An empty POST: the form's errors (400), nothing stored.
    "surveys:link_new": Entry(
        _scope(
            (FORBIDDEN, FORBIDDEN),
            (OK, BAD_REQUEST),
            (OK, BAD_REQUEST),
            (NOT_FOUND, NOT_FOUND),
        ),
        kwargs=_start,
    ),
    # Shown once: without the token in the session, back to the match page.
    "surveys:link_show": Entry(
        _scope(
            (FORBIDDEN, NOT_ALLOWED),
            (REDIRECT, NOT_ALLOWED),
            (REDIRECT, NOT_ALLOWED),
            (NOT_FOUND, NOT_ALLOWED),
        ),
        kwargs=_link,
    ),
    "surveys:link_revoke": Entry(
        _scope(
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, REDIRECT),
            (NOT_ALLOWED, REDIRECT),
            (NOT_ALLOWED, NOT_FOUND),
        ),
        kwargs=_link,
    ),
    # An empty POST is a stale page: back to the match, nothing stored.
    "surveys:on_behalf": Entry(
        _scope((OK, REDIRECT), (OK, REDIRECT), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)),
        kwargs=_start,
    ),
    "surveys:volunteer_questionnaire": Entry(
        _scope(
            (FORBIDDEN, FORBIDDEN),
            (FORBIDDEN, FORBIDDEN),
            (OK, REDIRECT),
            (NOT_FOUND, NOT_FOUND),
        ),
        kwargs=_midway,
    ),
    "surveys:outcome": Entry(
        _scope(
            (OK, BAD_REQUEST),
            (OK, BAD_REQUEST),
            (FORBIDDEN, FORBIDDEN),
            (NOT_FOUND, NOT_FOUND),
        ),
        kwargs=_midway,
    ),
    # The woman's answers: never the volunteer (outside her scope: 404).
    "surveys:response_detail": Entry(
        _scope(
            (OK, NOT_ALLOWED),
            (OK, NOT_ALLOWED),
            (NOT_FOUND, NOT_ALLOWED),
            (NOT_FOUND, NOT_ALLOWED),
        ),
        kwargs=_sent,
    ),
    "surveys:public": Entry(public(NOT_FOUND, NOT_FOUND)),
    "surveys:public_link": Entry(
        public(NOT_FOUND, NOT_ALLOWED),
        kwargs=lambda world: {"token": "forged-forged-forged-forged-forged-forged-fo"},
    ),
}
