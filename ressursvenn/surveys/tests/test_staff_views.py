"""The logged-in pages: making a link, on her behalf, the volunteer's own questionnaire, the
outcome question, the answers page and the questionnaires section of the match page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.followup.tests.builders import other_branch_match
from ressursvenn.lib.models import AccessEvent
from ressursvenn.matching.models import Match
from ressursvenn.surveys.actions import links, outcomes
from ressursvenn.surveys.actions import questionnaires as actions
from ressursvenn.surveys.models import Outcome, Response, SurveyLink
from ressursvenn.surveys.tests.builders import at_midway, at_start, link_for

pytestmark = pytest.mark.django_db


def _detail(match: Match) -> str:
    return reverse("matching:match_detail", args=[match.pk])


def _sent_for_her(world: Any, match: Match, time_point: str = "start") -> Response:
    draft = actions.start_entry(
        match, by=world.staff, time_point=time_point, respondent="participant"
    )
    draft = actions.save_step(draft, by=world.staff, step=0)
    draft = actions.save_step(
        draft, by=world.staff, step=1, values={"ucla3_1": 3, "ucla3_2": 2, "ucla3_3": 3}
    )
    draft = actions.save_step(
        draft, by=world.staff, step=2, values={"osss3_1": 2, "osss3_2": 3, "osss3_3": 2}
    )
    return actions.submit_response(draft, by=world.staff)


# --- the link ----------------------------------------------------------------------------------


def test_staff_makes_a_link_and_sees_it_once(world: Any, as_user: Any) -> None:
    match = at_start(world, contact_channel="sms")
    client = as_user(world.staff)
    url = reverse("surveys:link_new", args=[match.pk, "start"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="sms"' in page.content.decode()
    assert 'value="email"' not in page.content.decode()
    made = client.post(url, {"delivery": "sms"})
    link = SurveyLink.objects.get()
    assert made["Location"] == reverse("surveys:link_show", args=[link.pk])
    shown = client.get(made["Location"])
    html = shown.content.decode()
    assert shown.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html
    assert "http://testserver" not in html  # SITE_URL, not the request host
    assert "/skjema/" in html
    assert "Hei! Her er lenken til et kort spørreskjema:" in html
    token = html.split("/skjema/")[1].split("/")[0]
    assert SurveyLink.objects.get().token_hash == links.hash_token(token)
    # Once: a reload does not show it again.
    again = client.get(made["Location"])
    assert again.status_code == 302
    assert again["Location"] == _detail(match)


def test_by_email_sends_and_goes_back_to_the_match(world: Any, as_user: Any) -> None:
    match = at_start(world, contact_channel="email", contact_value="amina@example.org")
    client = as_user(world.staff)
    made = client.post(reverse("surveys:link_new", args=[match.pk, "start"]), {"delivery": "email"})
    assert made["Location"] == _detail(match)
    assert len(mail.outbox) == 1


def test_bad_delivery_or_time_point(world: Any, as_user: Any) -> None:
    match = at_start(world)
    client = as_user(world.staff)
    bad = client.post(reverse("surveys:link_new", args=[match.pk, "start"]), {"delivery": "email"})
    assert bad.status_code == 400
    assert "Velg en måte å gi henne lenken på." in bad.content.decode()
    assert client.get(reverse("surveys:link_new", args=[match.pk, "later"])).status_code == 404
    not_due = client.get(reverse("surveys:link_new", args=[match.pk, "closure"]))
    assert not_due["Location"] == _detail(match)
    assert SurveyLink.objects.count() == 0


def test_the_volunteer_may_make_a_link_the_leader_not(world: Any, as_user: Any) -> None:
    match = at_start(world)
    url = reverse("surveys:link_new", args=[match.pk, "start"])
    assert as_user(world.volunteer).get(url).status_code == 200
    assert as_user(world.leader).post(url, {"delivery": "qr"}).status_code == 403
    assert as_user(world.other_staff).post(url, {"delivery": "qr"}).status_code == 404
    assert SurveyLink.objects.count() == 0


def test_revoke_from_the_match_page(world: Any, as_user: Any) -> None:
    match = at_start(world)
    link, _ = link_for(world, match)
    url = reverse("surveys:link_revoke", args=[link.pk])
    assert as_user(world.other_staff).post(url).status_code == 404
    assert as_user(world.leader).post(url).status_code == 403
    done = as_user(world.staff).post(url)
    assert done["Location"] == _detail(match)
    link.refresh_from_db()
    assert link.revoked_at is not None


# --- on her behalf and the volunteer's own ------------------------------------------------------


def test_leader_enters_her_answers_on_her_behalf(world: Any, as_user: Any) -> None:
    match = at_start(world)
    client = as_user(world.leader)
    url = reverse("surveys:on_behalf", args=[match.pk, "start"])
    first = client.get(url)
    assert first.status_code == 200
    assert "Spørreskjema på hennes vegne" in first.content.decode()
    assert Response.objects.count() == 0  # opening writes nothing
    assert client.post(url, {"step": 0, "action": "next"})["Location"] == url
    assert client.post(url, {"step": 1, "action": "next", "ucla3_1": "1"}).status_code == 302
    assert client.post(url, {"step": 2, "action": "next"}).status_code == 302
    assert client.post(url, {"step": 3, "action": "next"}).status_code == 302
    assert client.post(url, {"step": 4, "action": "next"}).status_code == 302
    sent = client.post(url, {"step": 5, "action": "send"})
    assert sent["Location"] == _detail(match)
    response = Response.objects.get()
    assert (response.on_behalf, response.entered_by, response.submitted_at is not None) == (
        True,
        world.leader,
        True,
    )
    assert client.get(url)["Location"] == _detail(match)  # answered: no second time


@pytest.mark.parametrize(("who", "status"), [("volunteer", 403), ("other_leader", 404)])
def test_on_behalf_refused(world: Any, as_user: Any, who: str, status: int) -> None:
    match = at_start(world)
    url = reverse("surveys:on_behalf", args=[match.pk, "start"])
    client = as_user(getattr(world, who))
    assert client.get(url).status_code == status
    assert client.post(url, {"step": 0, "action": "next"}).status_code == status
    assert Response.objects.count() == 0


def test_the_volunteer_answers_her_own(world: Any, as_user: Any) -> None:
    match = at_midway(world)
    client = as_user(world.volunteer)
    url = reverse("surveys:volunteer_questionnaire", args=[match.pk, "six_months"])
    assert "Din erfaring som ressursvenn" in client.get(url).content.decode()
    client.post(url, {"step": 0, "action": "next"})
    page = client.get(url).content.decode()
    assert 'name="volunteer_experience_recommend"' in page
    client.post(url, {"step": 1, "action": "next", "volunteer_experience_support": "5"})
    assert client.post(url, {"step": 2, "action": "send"})["Location"] == _detail(match)
    response = Response.objects.get()
    assert response.respondent == "volunteer"
    start = reverse("surveys:volunteer_questionnaire", args=[match.pk, "start"])
    assert client.get(start).status_code == 404  # she is not asked at the start
    assert as_user(world.leader).get(url).status_code == 403


# --- outcome -------------------------------------------------------------------------------------


def test_centre_records_the_outcome(world: Any, as_user: Any) -> None:
    match = at_midway(world)
    client = as_user(world.staff)
    url = reverse("surveys:outcome", args=[match.pk, "six_months"])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"value": "perhaps"})
    assert bad.status_code == 400
    assert "Velg et av svarene." in bad.content.decode()
    assert client.post(url, {"value": "free"})["Location"] == _detail(match)
    assert Outcome.objects.get().value == "free"
    early = client.get(reverse("surveys:outcome", args=[match.pk, "closure"]))
    assert early["Location"] == _detail(match)


@pytest.mark.parametrize(("who", "status"), [("volunteer", 403), ("other_staff", 404)])
def test_outcome_refused(world: Any, as_user: Any, who: str, status: int) -> None:
    match = at_midway(world)
    outcomes.record_outcome(match, by=world.staff, time_point="six_months", value="moved_back")
    url = reverse("surveys:outcome", args=[match.pk, "six_months"])
    client = as_user(getattr(world, who))
    page = client.get(url)
    assert page.status_code == status
    assert "flyttet tilbake" not in page.content.decode()
    assert client.post(url, {"value": "free"}).status_code == status
    assert Outcome.objects.get().value == "moved_back"


# --- answers and the match page -----------------------------------------------------------------


def test_her_answers_page_logs_the_access(world: Any, as_user: Any) -> None:
    match = at_start(world)
    sent = _sent_for_her(world, match)
    url = reverse("surveys:response_detail", args=[sent.pk])
    page = as_user(world.leader).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hoppet over" in html
    assert 'data-field="ucla3">8<' in html
    assert (
        AccessEvent.objects.filter(
            user=world.leader, object_type="participants.referral", object_id=str(match.referral_id)
        ).count()
        == 1
    )


@pytest.mark.parametrize("who", ["volunteer", "other_leader", "other_staff", "coordinator"])
def test_her_answers_page_refused(world: Any, as_user: Any, who: str) -> None:
    sent = _sent_for_her(world, at_start(world))
    page = as_user(getattr(world, who)).get(reverse("surveys:response_detail", args=[sent.pk]))
    assert page.status_code == 404
    assert AccessEvent.objects.count() == 0


def test_the_match_page_for_the_centre_shows_scores_links_and_outcome(
    world: Any, as_user: Any
) -> None:
    match = at_midway(world)
    _sent_for_her(world, match, "six_months")
    outcomes.record_outcome(match, by=world.staff, time_point="six_months", value="moved_back")
    html = as_user(world.staff).get(_detail(match)).content.decode()
    assert 'id="surveys-heading"' in html
    assert 'data-field="ucla3">8<' in html
    assert "Har flyttet tilbake til voldsutøveren" in html
    assert 'data-field="outcome_six_months"' in html
    assert reverse("surveys:outcome", args=[match.pk, "six_months"]) in html
    assert "Ressursvennens spørreskjema" not in html  # the centre does not follow the volunteer


def test_the_volunteers_match_page_never_has_the_outcome_or_her_scores(
    world: Any, as_user: Any
) -> None:
    match = at_midway(world)
    _sent_for_her(world, match, "six_months")
    outcomes.record_outcome(match, by=world.staff, time_point="six_months", value="moved_back")
    html = as_user(world.volunteer).get(_detail(match)).content.decode()
    assert 'id="surveys-heading"' in html
    assert "outcome_" not in html
    assert "voldsutøveren" not in html
    assert "Lever hun fri" not in html
    assert 'data-field="ucla3"' not in html
    assert reverse("surveys:outcome", args=[match.pk, "six_months"]) not in html
    assert "besvart" in html  # she knows it is done, not what was answered
    assert reverse("surveys:volunteer_questionnaire", args=[match.pk, "six_months"]) in html


def test_the_leaders_match_page(world: Any, as_user: Any) -> None:
    match = at_start(world)
    html = as_user(world.leader).get(_detail(match)).content.decode()
    assert reverse("surveys:on_behalf", args=[match.pk, "start"]) in html
    assert reverse("surveys:link_new", args=[match.pk, "start"]) not in html
    assert "skal gis nå" in html


def test_the_section_query_count_does_not_grow(world: Any, as_user: Any) -> None:
    match = at_midway(world)
    _sent_for_her(world, match, "six_months")
    client = as_user(world.staff)
    with CaptureQueriesContext(connection) as few:
        client.get(_detail(match))
    start = Response.objects.create(
        match=match, time_point="start", respondent="participant", submitted_at=timezone.now()
    )
    start.answers.create(instrument="ucla3", version=1, item="ucla3_1", value=2)
    own = actions.start_entry(
        match, by=world.volunteer, time_point="six_months", respondent="volunteer"
    )
    actions.submit_response(own, by=world.volunteer)
    outcomes.record_outcome(match, by=world.staff, time_point="six_months", value="free")
    with CaptureQueriesContext(connection) as many:
        client.get(_detail(match))
    assert len(many) == len(few)


def test_other_branch_match_has_no_section_for_us(world: Any, as_user: Any) -> None:
    match = other_branch_match(world)
    assert as_user(world.staff).get(_detail(match)).status_code == 404
