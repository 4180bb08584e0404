"""The outcome question: does she live free from the perpetrator? Asked by the crisis centre or
the group leader at six months and at closure; never by the volunteer, never shown to her."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import MASK, record_change
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.actions.matches import lock, stale
from ressursvenn.matching.models import Match
from ressursvenn.surveys import timepoints
from ressursvenn.surveys.models import Outcome, TimePoint


@transaction.atomic
def record_outcome(match: Match, *, by: Any, time_point: str, value: str) -> Outcome:
    """The group leader or the crisis centre answers the outcome question for `time_point`.
    Once per time point: recording it again corrects it (the same answer again changes
    nothing, so a double submit is harmless).

    Refused: a time point other than six months or closure, or one not reached yet (six months
    after the start; the match ending or closed); a value not among the choices. Side effects:
    the `Outcome` row created (audited ``survey_outcome.record``) or replaced (audited
    ``survey_outcome.correct``); the answer itself is masked in the trail."""
    require(by, "surveys.record_outcome", match)
    if time_point not in timepoints.OUTCOME_TIME_POINTS:
        raise ValidationError({"time_point": _("Velg et tidspunkt.")})
    if value not in Outcome.Value.values:
        raise ValidationError({"value": _("Velg et av svarene.")})
    match = lock(match)
    if not timepoints.outcome_allowed(match, time_point):
        raise stale(
            _("Spørsmålet «%(time_point)s» kan ikke besvares ennå.")
            % {"time_point": TimePoint(time_point).label}
        )
    existing = (
        Outcome.objects.select_for_update().filter(match=match, time_point=time_point).first()
    )
    now = timezone.now()
    if existing is None:
        outcome = Outcome.objects.create(
            match=match, time_point=time_point, value=value, recorded_by=by, recorded_at=now
        )
        record_change(
            outcome,
            by=by,
            action=AuditAction.SURVEY_OUTCOME_RECORD,
            changes={"time_point": [None, time_point], "value": [MASK, MASK]},
            organisation=match.branch,
        )
        return outcome
    if existing.value == value:
        return existing
    existing.value = value
    existing.recorded_by = by
    existing.recorded_at = now
    existing.save(update_fields=["value", "recorded_by", "recorded_at"])
    record_change(
        existing,
        by=by,
        action=AuditAction.SURVEY_OUTCOME_CORRECT,
        changes={"value": [MASK, MASK]},
        organisation=match.branch,
    )
    return existing
