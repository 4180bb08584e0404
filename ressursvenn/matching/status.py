"""One wording for where a match stands, taken from the match itself.

The waiting list, the match list and the match page all show `match_state(match)`, through the
template `matching/includes/status.html`, so a proposal the volunteer said yes to, or a match
with a planned koblingsmøte, reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ressursvenn.matching.models import Match, MatchingMeeting


@dataclass(frozen=True)
class MatchState:
    text: str
    """The status in one short phrase, e.g. "Ressursvennen har sagt ja"."""
    answer: str
    """The volunteer's answer to the proposal ("Ja", "Nei", "Ikke svart")."""
    next_step: str = ""
    """What the viewer should do now, when there is something for her to do."""
    next_url: str = ""


def _meeting(match: Match) -> MatchingMeeting | None:
    try:
        return match.meeting
    except MatchingMeeting.DoesNotExist:
        return None


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "j. F Y \\k\\l. H:i")


def match_state(match: Match, user: Any = None) -> MatchState:
    """Where `match` stands and, for a `user` who may act on it, the next step.

    `match.meeting` is read (select it with the match on list pages)."""
    answer = match.get_volunteer_answer_display()
    status = match.status
    meeting = _meeting(match)
    if status == Match.Status.PROPOSED:
        if match.volunteer_answer == Match.Answer.YES:
            if user is not None and user.has_perm("matching.plan_meeting", match):
                return MatchState(
                    _("Ressursvennen har sagt ja"),
                    answer,
                    _("Planlegg koblingsmøtet"),
                    reverse("matching:meeting_plan", args=[match.pk]),
                )
            return MatchState(_("Ressursvennen har sagt ja"), answer)
        return MatchState(_("Forslag sendt, venter på svar fra ressursvennen"), answer)
    if status == Match.Status.MEETING_PLANNED and meeting is not None:
        text = _("Koblingsmøte %(when)s") % {"when": _when(meeting.starts_at)}
        if (
            meeting.starts_at <= timezone.now()
            and user is not None
            and user.has_perm("matching.record_meeting_outcome", match)
        ):
            return MatchState(
                text,
                answer,
                _("Registrer utfallet av koblingsmøtet"),
                reverse("matching:match_detail", args=[match.pk]),
            )
        return MatchState(text, answer)
    if status == Match.Status.CANCELLED and match.volunteer_answer == Match.Answer.NO:
        return MatchState(_("Avbrutt: ressursvennen sa nei"), answer)
    return MatchState(str(match.get_status_display()), answer)
