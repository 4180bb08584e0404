"""Answering step by step and sending in (surveys/actions/questionnaires.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.models import Match
from ressursvenn.surveys import scales
from ressursvenn.surveys.actions import links
from ressursvenn.surveys.actions import questionnaires as actions
from ressursvenn.surveys.models import Answer, Response, SurveyLink
from ressursvenn.surveys.tests.builders import at_midway, at_start, link_for

pytestmark = pytest.mark.django_db
DEVICE = "d" * 43


def _opened(world: Any, match: Match | None = None) -> Response:
    link, token = link_for(world, match or at_start(world))
    links.open_link(token, device=DEVICE)
    return Response.objects.get(link=link)


def _answers(response: Response) -> dict[str, int | None]:
    return dict(response.answers.values_list("item", "value"))


def test_her_steps_save_answers_as_drafts_and_send_in(world: Any) -> None:
    draft = _opened(world)
    draft = actions.save_step(draft, by=None, step=0, language="en")
    assert (draft.step, draft.language) == (1, "en")
    draft = actions.save_step(
        draft, by=None, step=1, values={"ucla3_1": 2, "ucla3_2": None, "ucla3_3": 3}
    )
    assert draft.step == 2
    assert _answers(draft) == {"ucla3_1": 2, "ucla3_2": None, "ucla3_3": 3}
    assert set(draft.answers.values_list("instrument", "version")) == {("ucla3", 1)}
    draft = actions.save_step(draft, by=None, step=2, values={"osss3_1": 4}, move=-1)
    assert draft.step == 1
    assert draft.submitted_at is None
    assert AuditEvent.objects.filter(action="survey_response.submit").count() == 0
    sent = actions.submit_response(draft, by=None)
    assert sent.submitted_at is not None
    assert sent.step == actions.last_step(sent) == 5
    # Items never shown are stored as skipped; every item once.
    assert Answer.objects.filter(response=sent).count() == 3 + 3 + 1 + 1
    assert _answers(sent)["life_satisfaction_1"] is None
    link = SurveyLink.objects.get(pk=sent.link_id)
    assert link.submitted_at == sent.submitted_at
    event = AuditEvent.objects.get(action="survey_response.submit")
    assert event.actor is None
    assert event.changes == {
        "time_point": [None, "start"],
        "respondent": [None, "participant"],
        "on_behalf": [None, False],
    }


@pytest.mark.parametrize(
    "values",
    [
        {"ucla3_1": 4},
        {"ucla3_1": 0},
        {"ucla3_1": "2"},
        {"ucla3_1": True},
        {"ucla3_1": 2.0},
        {"osss3_1": 2},  # an item of another instrument
    ],
)
def test_tampered_values_are_refused_and_nothing_is_stored(world: Any, values: Any) -> None:
    draft = actions.save_step(_opened(world), by=None, step=0)
    with pytest.raises(ValidationError) as refused:
        actions.save_step(draft, by=None, step=1, values=values)
    assert getattr(refused.value, "code", None) != "stale"
    draft.refresh_from_db()
    assert draft.step == 1
    assert Answer.objects.count() == 0


def test_a_stale_step_changes_nothing(world: Any) -> None:
    draft = actions.save_step(_opened(world), by=None, step=0)
    actions.save_step(draft, by=None, step=1, values={"ucla3_1": 1})
    with pytest.raises(ValidationError) as refused:
        actions.save_step(draft, by=None, step=1, values={"ucla3_1": 3})  # double click
    assert refused.value.code == "stale"
    assert _answers(draft) == {"ucla3_1": 1, "ucla3_2": None, "ucla3_3": None}


def test_double_submit_sends_once(world: Any) -> None:
    draft = _opened(world)
    actions.submit_response(draft, by=None)
    with pytest.raises(ValidationError) as refused:
        actions.submit_response(draft, by=None)
    assert refused.value.messages == ["Skjemaet er allerede sendt inn. Ingenting er endret."]
    assert AuditEvent.objects.filter(action="survey_response.submit").count() == 1
    assert Answer.objects.count() == 8


def test_no_answers_through_a_link_of_a_paused_match(world: Any) -> None:
    draft = _opened(world)
    Match.objects.filter(pk=draft.match_id).update(status=Match.Status.PAUSED)
    with pytest.raises(ValidationError):
        actions.save_step(draft, by=None, step=0)
    with pytest.raises(ValidationError):
        actions.submit_response(draft, by=None)
    assert Response.objects.get(pk=draft.pk).submitted_at is None


def test_staff_enter_on_her_behalf_which_revokes_her_link(world: Any) -> None:
    match = at_start(world)
    link, _ = link_for(world, match)
    draft = actions.start_entry(
        match, by=world.leader, time_point="start", respondent="participant"
    )
    assert draft.on_behalf is True
    again = actions.start_entry(match, by=world.staff, time_point="start", respondent="participant")
    assert again.pk == draft.pk  # one shared draft
    draft = actions.save_step(draft, by=world.staff, step=0)
    sent = actions.submit_response(draft, by=world.staff)
    assert (sent.on_behalf, sent.entered_by, sent.link_id) == (True, world.staff, None)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert AuditEvent.objects.filter(action="survey_response.submit").get().changes[
        "on_behalf"
    ] == [None, True]


def test_her_link_cannot_send_after_staff_sent_on_her_behalf(world: Any) -> None:
    match = at_start(world)
    her = _opened(world, match)
    staff = actions.start_entry(match, by=world.staff, time_point="start", respondent="participant")
    actions.submit_response(staff, by=world.staff)
    with pytest.raises(ValidationError):
        actions.submit_response(her, by=None)
    assert Response.objects.filter(submitted_at__isnull=False).count() == 1


@pytest.mark.parametrize("who", ["volunteer", "other_leader", "other_staff", "coordinator"])
def test_only_leader_and_centre_enter_on_her_behalf(world: Any, who: str) -> None:
    match = at_start(world)
    with pytest.raises(PermissionDenied):
        actions.start_entry(
            match, by=getattr(world, who), time_point="start", respondent="participant"
        )
    assert Response.objects.count() == 0


def test_the_volunteer_answers_her_own_at_six_months(world: Any) -> None:
    match = at_midway(world)
    draft = actions.start_entry(
        match, by=world.volunteer, time_point="six_months", respondent="volunteer"
    )
    draft = actions.save_step(draft, by=world.volunteer, step=0)
    values = {
        "volunteer_experience_support": 4,
        "volunteer_experience_training": None,
        "volunteer_experience_recommend": 10,
    }
    draft = actions.save_step(draft, by=world.volunteer, step=1, values=values)
    sent = actions.submit_response(draft, by=world.volunteer)
    assert _answers(sent) == values
    assert (sent.respondent, sent.entered_by, sent.on_behalf) == (
        "volunteer",
        world.volunteer,
        False,
    )
    assert actions.instruments(sent) == [scales.VOLUNTEER_EXPERIENCE]
    with pytest.raises(ValidationError):
        actions.start_entry(
            match, by=world.volunteer, time_point="six_months", respondent="volunteer"
        )
    with pytest.raises(ValidationError):  # not asked at the start
        actions.start_entry(match, by=world.volunteer, time_point="start", respondent="volunteer")
    with pytest.raises(PermissionDenied):
        actions.start_entry(match, by=world.leader, time_point="six_months", respondent="volunteer")
