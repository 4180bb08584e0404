"""Answering a questionnaire step by step: the woman through her link, staff on her behalf, and
the volunteer her own experience questionnaire.

A `Response` is a draft until it is sent in. Its ``step`` says which page is shown: 0 the
introduction (language choice), 1… one instrument each (`scales.PARTICIPANT_QUESTIONNAIRE`,
`scales.VOLUNTEER_QUESTIONNAIRE`), then the last page (send in). Each step's answers are saved
as it is left, so she can stop and continue later. Every item may be skipped (saved as
``None``); a value outside the item's range is refused (`scales.check_answer`) and nothing of
the step is stored. A page posted for a step that is not the draft's current one (a double
click, a second tab, the back button) changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.matching.actions.matches import lock, stale
from ressursvenn.matching.models import Match
from ressursvenn.surveys import scales, timepoints
from ressursvenn.surveys.actions import links
from ressursvenn.surveys.models import Answer, Respondent, Response, SurveyLink, TimePoint

QUESTIONNAIRES = {
    Respondent.PARTICIPANT: scales.PARTICIPANT_QUESTIONNAIRE,
    Respondent.VOLUNTEER: scales.VOLUNTEER_QUESTIONNAIRE,
}
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
STALE_PAGE = gettext_lazy("Siden var utdatert. Her er der du er nå, ingenting er endret.")


def instruments(response: Response) -> list[scales.Instrument]:
    """The instruments of the response's questionnaire, in the order they are asked."""
    return [scales.CURRENT[code] for code in QUESTIONNAIRES[Respondent(response.respondent)]]


def last_step(response: Response) -> int:
    """The step of the page that sends the answers in (after the last instrument)."""
    return len(instruments(response)) + 1


def instrument_at(response: Response, step: int) -> scales.Instrument | None:
    found = instruments(response)
    return found[step - 1] if 1 <= step <= len(found) else None


def _already_sent() -> ValidationError:
    return stale(_("Skjemaet er allerede sendt inn. Ingenting er endret."))


def _check_writer(response: Response, by: Any) -> None:
    """Through a link: the link must still be usable (the view checked the device). Logged in:
    the permission for the kind of answer."""
    if response.link_id is not None:
        link = SurveyLink.objects.select_related("match").get(pk=response.link_id)
        try:
            links.check_usable(link)
        except links.UnusableLinkError:
            raise stale(_("Lenken kan ikke brukes lenger. Ingenting er lagret.")) from None
        return
    if response.respondent == Respondent.VOLUNTEER:
        require(by, "surveys.answer_volunteer_questionnaire", response.match)
    else:
        require(by, "surveys.enter_on_behalf", response.match)
    if not timepoints.accepts_answers(response.match):
        raise stale(_("Koblingen tar ikke imot svar nå. Ingenting er lagret."))


def _lock(response: Response) -> Response:
    found = (
        Response.objects.select_for_update(of=("self",))
        .select_related("match__referral", "match__volunteer", "match__branch")
        .filter(pk=response.pk)
        .first()
    )
    if found is None:  # her draft went with a revoked link, or was sent in on her behalf
        raise stale(_("Skjemaet kan ikke brukes lenger. Ingenting er lagret."))
    return found


def check_values(instrument: scales.Instrument, values: dict[str, Any]) -> dict[str, int | None]:
    """Every item of the instrument with its checked value (None: skipped). Unknown items or
    values outside an item's range raise ValidationError (nothing is stored)."""
    unknown = set(values) - {item.code for item in instrument.items}
    if unknown:
        raise ValidationError(_("Svaret passer ikke til spørsmålene. Ingenting er lagret."))
    checked: dict[str, int | None] = {}
    for item in instrument.items:
        try:
            checked[item.code] = scales.check_answer(item, values.get(item.code))
        except ValueError:
            raise ValidationError(
                {item.code: _("Velg et av svarene, eller «Hopp over».")}
            ) from None
    return checked


@transaction.atomic
def save_step(
    response: Response,
    *,
    by: Any,
    step: int,
    values: dict[str, Any] | None = None,
    move: int = 1,
    language: str | None = None,
) -> Response:
    """Save the page of `step` and go `move` steps on (1 next, -1 back, 0 stay).

    Step 0 (the introduction) may set the language of her pages (`language`). An instrument's
    step stores an `Answer` for every item (None for skipped), replacing what the step held.
    Refused: a sent-in response; a step that is not the current one (stale: nothing saved);
    an unknown language; unknown items or values out of range. No audit (a draft); the trail
    records the response when it is sent in."""
    lock(response.match)  # lock order: the referral, the match, then its rows
    response = _lock(response)
    if response.submitted_at is not None:
        raise _already_sent()
    _check_writer(response, by)
    if step != response.step:
        raise stale(str(STALE_PAGE))
    if language is not None:
        if language not in LANGUAGES:
            raise ValidationError({"language": _("Velg et språk.")})
        response.language = language
    instrument = instrument_at(response, step)
    if instrument is not None:
        checked = check_values(instrument, values or {})
        Answer.objects.filter(response=response, instrument=instrument.code).delete()
        Answer.objects.bulk_create(
            Answer(
                response=response,
                instrument=instrument.code,
                version=instrument.version,
                item=code,
                value=value,
            )
            for code, value in checked.items()
        )
    response.step = max(0, min(last_step(response), step + move))
    if by is not None and response.link_id is None:
        response.entered_by = by
    response.save(update_fields=["language", "step", "entered_by"])
    return response


@transaction.atomic
def submit_response(response: Response, *, by: Any, step: int | None = None) -> Response:
    """Send the answers in: the woman (through her link, ``by`` None), staff on her behalf,
    or the volunteer. Items never shown are stored as skipped.

    Refused (stale, nothing changed): a response already sent in, or one of the same match,
    time point and respondent sent in through another way first (the partial unique
    constraint decides a race); a stale page. Side effects: ``submitted_at``; through a link
    the link is used up; on her behalf every usable link of the time point is revoked (she
    can no longer answer twice). Audited ``survey_response.submit`` with the time point, the
    respondent and whether on her behalf — never the answers."""
    match = lock(response.match)  # lock order: the referral, the match, then its rows
    response = _lock(response)
    if response.submitted_at is not None:
        raise _already_sent()
    _check_writer(response, by)
    if step is not None and step != response.step:
        raise stale(str(STALE_PAGE))
    sent_before = Response.objects.filter(
        match=match,
        time_point=response.time_point,
        respondent=response.respondent,
        submitted_at__isnull=False,
    ).exists()
    if sent_before:
        raise stale(
            _("Spørreskjemaet er allerede besvart for dette tidspunktet. Ingenting er endret.")
        )
    stored = set(Answer.objects.filter(response=response).values_list("instrument", "item"))
    Answer.objects.bulk_create(
        Answer(
            response=response,
            instrument=instrument.code,
            version=instrument.version,
            item=item.code,
            value=None,
        )
        for instrument in instruments(response)
        for item in instrument.items
        if (instrument.code, item.code) not in stored
    )
    now = timezone.now()
    response.submitted_at = now
    response.step = last_step(response)
    if by is not None and response.link_id is None:
        response.entered_by = by
    try:
        with transaction.atomic():
            response.save(update_fields=["submitted_at", "step", "entered_by"])
    except IntegrityError:
        raise stale(
            _("Spørreskjemaet er allerede besvart for dette tidspunktet. Ingenting er endret.")
        ) from None
    if response.link_id is not None:
        SurveyLink.objects.filter(pk=response.link_id).update(submitted_at=now)
    elif response.respondent == Respondent.PARTICIPANT:
        links.revoke_open_links(match, response.time_point, by=by)
    record_change(
        response,
        by=by,
        action=AuditAction.SURVEY_RESPONSE_SUBMIT,
        changes={
            "time_point": [None, response.time_point],
            "respondent": [None, response.respondent],
            "on_behalf": [None, response.on_behalf],
        },
        organisation=match.branch,
    )
    return response


@transaction.atomic
def start_entry(match: Match, *, by: Any, time_point: str, respondent: str) -> Response:
    """The draft a logged-in user answers: staff entering the woman's answers on her behalf
    (``respondent`` participant), or the volunteer her own questionnaire. One shared draft per
    match, time point and respondent; a second call returns it.

    Refused: no permission (403); a time point that is not open; one answered already."""
    allowed: tuple[str, ...]
    if respondent == Respondent.VOLUNTEER:
        require(by, "surveys.answer_volunteer_questionnaire", match)
        allowed = timepoints.VOLUNTEER_TIME_POINTS
    else:
        require(by, "surveys.enter_on_behalf", match)
        allowed = timepoints.PARTICIPANT_TIME_POINTS
    if time_point not in allowed:
        raise ValidationError({"time_point": _("Velg et tidspunkt for spørreskjemaet.")})
    match = lock(match)
    if respondent == Respondent.PARTICIPANT:
        links.check_participant_time_point(match, time_point)
    else:
        if not timepoints.is_open(match, time_point) or not timepoints.accepts_answers(match):
            raise stale(
                _("Spørreskjemaet «%(time_point)s» er ikke aktuelt nå.")
                % {"time_point": TimePoint(time_point).label}
            )
        if Response.objects.filter(
            match=match, time_point=time_point, respondent=respondent, submitted_at__isnull=False
        ).exists():
            raise _already_sent()
    draft = Response.objects.filter(
        match=match,
        time_point=time_point,
        respondent=respondent,
        link__isnull=True,
        submitted_at__isnull=True,
    ).first()
    if draft is not None:
        return draft
    return Response.objects.create(
        match=match,
        time_point=time_point,
        respondent=respondent,
        on_behalf=respondent == Respondent.PARTICIPANT,
        entered_by=by,
    )
