"""The step pages every questionnaire shares (her link, on her behalf, the volunteer's own).

`context(response)` is what the step template (`surveys/questionnaire/steps.html`) needs for
the draft's current step; `post(request, response, by=…, start=…)` handles a page's POST and
says what happened. The views around it decide where to go and what to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ressursvenn.lib.access import add_errors
from ressursvenn.surveys.actions import questionnaires as actions
from ressursvenn.surveys.forms.questionnaires import (
    LANGUAGE,
    SEND,
    LanguageForm,
    StepForm,
    StepPost,
)
from ressursvenn.surveys.models import Answer, Response

SAVED = "saved"  # a step saved (go to the current step)
SENT = "sent"  # the answers are sent in
STALE = "stale"  # refused because of the state: `message` says why, nothing changed
INVALID = "invalid"  # the page has errors: render `context` again (400)


@dataclass
class Outcome:
    result: str
    response: Response
    message: str = ""
    context: dict[str, Any] = field(default_factory=dict)


def stored_values(response: Response, code: str) -> dict[str, int | None]:
    if response.pk is None:
        return {}
    return dict(
        Answer.objects.filter(response=response, instrument=code).values_list("item", "value")
    )


def answered_counts(response: Response) -> tuple[int, int]:
    """(items answered, items in the questionnaire) for the last page."""
    total = sum(len(instrument.items) for instrument in actions.instruments(response))
    if response.pk is None:
        return 0, total
    answered = Answer.objects.filter(response=response, value__isnull=False).count()
    return answered, total


def context(
    response: Response,
    *,
    form: StepForm | None = None,
    language_form: LanguageForm | None = None,
    error: str = "",
) -> dict[str, Any]:
    step = response.step
    instrument = actions.instrument_at(response, step)
    if instrument is not None and form is None:
        form = StepForm(
            instrument=instrument,
            initial=StepForm.initial_from(stored_values(response, instrument.code)),
        )
    result: dict[str, Any] = {
        "draft": response,
        "step": step,
        "steps": len(actions.instruments(response)),
        "last_step": actions.last_step(response),
        "instrument": instrument,
        "form": form,
        "language_form": language_form or LanguageForm(initial={"language": response.language}),
        "error": error,
    }
    if step == actions.last_step(response):
        result["answered"], result["items"] = answered_counts(response)
    return result


def post(
    request: HttpRequest,
    response: Response,
    *,
    by: Any,
    start: Callable[[], Response] | None = None,
) -> Outcome:
    """Handle one page's POST. `start` makes the draft when there is none yet (its page 0 was
    rendered from an unsaved response): called only when the first page is sent."""
    page = StepPost(request.POST)
    if not page.is_valid():
        return Outcome(STALE, response, str(actions.STALE_PAGE))
    step = page.cleaned_data["step"]
    action = page.cleaned_data.get("action") or ""
    try:
        if response.pk is None:
            if step != 0 or start is None:
                return Outcome(STALE, response, str(actions.STALE_PAGE))
            response = start()
        if action == SEND:
            return Outcome(SENT, actions.submit_response(response, by=by, step=step))
        if step == 0:
            language = None
            if action == LANGUAGE or "language" in request.POST:
                language_form = LanguageForm(request.POST)
                if not language_form.is_valid():
                    return Outcome(
                        INVALID, response, context=context(response, language_form=language_form)
                    )
                language = language_form.cleaned_data["language"]
            move = 0 if action == LANGUAGE else 1
            return Outcome(
                SAVED,
                actions.save_step(response, by=by, step=0, move=move, language=language),
            )
        instrument = actions.instrument_at(response, step)
        if instrument is None or step != response.step:
            return Outcome(STALE, response, str(actions.STALE_PAGE))
        form = StepForm(request.POST, instrument=instrument)
        if not form.is_valid():
            return Outcome(INVALID, response, context=context(response, form=form))
        try:
            saved = actions.save_step(
                response, by=by, step=step, values=form.values(), move=page.move()
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                raise
            add_errors(form, error)
            return Outcome(INVALID, response, context=context(response, form=form))
        return Outcome(SAVED, saved)
    except ValidationError as error:
        return Outcome(STALE, response, " ".join(str(m) for m in error.messages))
