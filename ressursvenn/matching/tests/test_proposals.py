"""propose_match and answer_proposal: transitions, refusals, and the volunteer's pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import login
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.matching.actions.proposals import answer_proposal, propose_match
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import PoliceCertificate

pytestmark = pytest.mark.django_db


def _referral(world: Any, **fields: Any) -> Any:
    return factories.referral(world.centre, world.branch, contact=world.staff, **fields)


def _refused(referral: Any, volunteer: Any, by: Any, message: str) -> None:
    audit_before = AuditEvent.objects.count()
    matches_before = list(Match.objects.values_list("pk", "status"))
    status_before = Referral.objects.get(pk=referral.pk).status
    with pytest.raises(ValidationError) as error:
        propose_match(referral, volunteer, by=by)
    assert message in " ".join(error.value.messages)
    assert list(Match.objects.values_list("pk", "status")) == matches_before
    assert Referral.objects.get(pk=referral.pk).status == status_before
    assert AuditEvent.objects.count() == audit_before
    assert mail.outbox == []


def test_propose_creates_the_match_with_score_and_reasons(world: Any) -> None:
    referral = _referral(world)
    volunteer = world.volunteer.volunteer
    match = propose_match(referral, volunteer, by=world.leader)
    assert (match.status, match.volunteer_answer, match.branch) == (
        "proposed",
        "pending",
        world.branch,
    )
    assert 0 < match.score <= 100
    assert [r["factor"] for r in match.reasons] == [
        "interests",
        "needs",
        "age",
        "availability",
        "distance",
        "languages",
    ]
    assert sum(r["points"] for r in match.reasons) == match.score
    referral.refresh_from_db()
    assert referral.status == "proposed"
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "match.propose",
        "referral.propose",
    ]
    assert [m.to for m in mail.outbox] == [[world.volunteer.email]]
    assert mail.outbox[0].subject == "Du har en ny forespørsel"
    assert reverse("matching:proposal", args=[match.pk]) in mail.outbox[0].body


def test_refused_when_not_cleared(world: Any) -> None:
    volunteer = world.volunteer.volunteer
    PoliceCertificate.objects.filter(volunteer=volunteer).update(
        renewal_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    screening.refresh_valid_until([volunteer.pk])  # written past the actions
    _refused(
        _referral(world),
        volunteer,
        world.leader,
        "Ikke godkjent, politiattesten er ikke gyldig, eller har pause",
    )


def test_refused_when_not_approved(world: Any) -> None:
    applicant = factories.volunteer(world.branch, status="screening", cleared=True)
    _refused(_referral(world), applicant, world.leader, "Ikke godkjent")


def test_refused_when_excluded(world: Any) -> None:
    volunteer = world.volunteer.volunteer
    referral = _referral(world, excluded_volunteers=[volunteer])
    _refused(referral, volunteer, world.leader, "Utelukket for denne kvinnen")


def test_refused_when_living_in_an_excluded_area(world: Any) -> None:
    referral = _referral(world, excluded_areas=["0301"], municipality_id="3201")
    _refused(
        referral,
        world.volunteer.volunteer,
        world.leader,
        "Bor i et område krisesenteret har utelukket",
    )


def test_refused_when_full(world: Any) -> None:
    volunteer = world.volunteer.volunteer
    factories.match(_referral(world, status="matched"), volunteer, status="active")
    _refused(_referral(world), volunteer, world.leader, "Har ikke plass til flere")


def test_refused_when_stale(world: Any) -> None:
    referral = _referral(world)
    propose_match(referral, world.volunteer.volunteer, by=world.leader)
    mail.outbox.clear()
    other = factories.volunteer(world.branch)
    _refused(referral, other, world.leader, "Kvinnen står ikke lenger på ventelisten")


def test_refused_when_consent_withdrawn(world: Any) -> None:
    referral = _referral(world, consent_withdrawn_at=timezone.now())
    _refused(referral, world.volunteer.volunteer, world.leader, "står ikke lenger på ventelisten")


def test_refused_for_a_volunteer_outside_the_region(world: Any) -> None:
    _refused(
        _referral(world),
        world.other_volunteer.volunteer,
        world.leader,
        "hører ikke til denne lokalforeningen",
    )


def test_refused_for_another_branch_leader(world: Any) -> None:
    referral = _referral(world)
    with pytest.raises(PermissionDenied):
        propose_match(referral, world.volunteer.volunteer, by=world.other_leader)
    assert Match.objects.count() == 0


def test_the_database_keeps_one_open_match_per_woman(world: Any) -> None:
    """Even if the referral's status lags behind, the unique constraint refuses a second."""
    referral = _referral(world)
    factories.match(referral, factories.volunteer(world.branch))
    _refused(referral, world.volunteer.volunteer, world.leader, "allerede et åpent forslag")


def _proposed(world: Any) -> Any:
    referral = _referral(world, waiting_since=timezone.now() - datetime.timedelta(days=30, hours=2))
    match = propose_match(referral, world.volunteer.volunteer, by=world.leader)
    mail.outbox.clear()
    return match


def test_yes_keeps_the_proposal_and_tells_the_leaders(world: Any) -> None:
    match = _proposed(world)
    answer_proposal(match, by=world.volunteer, accept=True)
    match.refresh_from_db()
    assert (match.status, match.volunteer_answer) == ("proposed", "yes")
    assert match.answered_at is not None
    assert match.referral.status == "proposed"
    assert [m.to for m in mail.outbox] == [[world.leader.email]]
    assert "Amina" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="match.accept").count() == 1


def test_no_cancels_and_she_keeps_her_place(world: Any) -> None:
    match = _proposed(world)
    waiting_since = match.referral.waiting_since
    answer_proposal(match, by=world.volunteer, accept=False, reason="Flytter snart")
    match.refresh_from_db()
    assert (match.status, match.volunteer_answer, match.status_reason) == (
        "cancelled",
        "no",
        "Flytter snart",
    )
    referral = Referral.objects.get(pk=match.referral_id)
    assert referral.status == "accepted"
    assert referral.waiting_since == waiting_since
    assert referral.waiting_days() == 30
    assert sorted(AuditEvent.objects.values_list("action", flat=True)[:2]) == [
        "match.decline",
        "referral.back_to_waiting",
    ]
    assert "Flytter" not in str(AuditEvent.objects.get(action="match.decline").changes)
    assert list(Referral.objects.waiting()) == [referral]


def test_answering_twice_is_refused(world: Any) -> None:
    match = _proposed(world)
    answer_proposal(match, by=world.volunteer, accept=True)
    with pytest.raises(ValidationError, match="allerede svart"):
        answer_proposal(match, by=world.volunteer, accept=False)
    match.refresh_from_db()
    assert (match.status, match.volunteer_answer) == ("proposed", "yes")


def test_only_the_asked_volunteer_may_answer(world: Any) -> None:
    match = _proposed(world)
    for user in (world.leader, world.other_volunteer, world.staff):
        with pytest.raises(PermissionDenied):
            answer_proposal(match, by=user, accept=True)
    match.refresh_from_db()
    assert match.volunteer_answer == "pending"


def test_proposal_page_shows_only_the_staged_facts(client: Any, world: Any) -> None:
    today = timezone.localdate()
    referral = _referral(
        world,
        first_name="Amina",
        birth_year=today.year - 34,
        district_id="030102",
        interests=["knitting"],
        needs=["finances"],
        availability=["evenings"],
        modes=["digital"],
        contact_value="+47 99999999",
        notes="Merknad fra senteret",
        children_count=3,
        languages=["so"],
    )
    match = propose_match(referral, world.volunteer.volunteer, by=world.leader)
    response = login(client, world.volunteer).get(reverse("matching:proposal", args=[match.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert [fact.key for fact in response.context["woman"]] == [
        "first_name",
        "age_band",
        "area",
        "interests",
        "needs",
        "availability",
        "modes",
    ]
    # What she needs to decide: what help, when and how (issue 8, item 13).
    for shown in ("Amina", "30–39 år", "Grünerløkka", "Strikking", "Økonomi", "Kvelder"):
        assert shown in html
    assert "Digitalt (video eller telefon)" in html
    for hidden in ("99999999", "Merknad fra senteret", "Somali", "Oslo krisesenter"):
        assert hidden not in html
    title = html.split("<title>")[1].split("</title>")[0]
    assert " ".join(title.split()) == "Forespørsel – Ressursvenn"
    assert AccessEvent.objects.filter(user=world.volunteer).count() == 1


def test_answer_through_the_page(client: Any, world: Any) -> None:
    match = _proposed(world)
    login(client, world.volunteer)
    url = reverse("matching:answer", args=[match.pk])
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Svar ja eller nei." in response.content.decode()
    response = client.post(url, {"answer": "no", "reason": "x" * 1001})
    assert "Skriv høyst 1000 tegn" in response.content.decode()
    match.refresh_from_db()
    assert match.volunteer_answer == "pending"
    response = client.post(url, {"answer": "yes"}, follow=True)
    assert "Gruppelederen tar kontakt" in response.content.decode()
    match.refresh_from_db()
    assert match.volunteer_answer == "yes"
    response = client.post(url, {"answer": "no"}, follow=True)
    assert "Forslaget gjelder ikke lenger." not in response.content.decode()
    assert "allerede svart" in response.content.decode()


def test_another_volunteer_gets_404_and_nothing(client: Any, world: Any) -> None:
    match = _proposed(world)
    login(client, world.other_volunteer)
    response = client.get(reverse("matching:proposal", args=[match.pk]))
    assert response.status_code == 404
    assert "Amina" not in response.content.decode()
    response = client.post(reverse("matching:answer", args=[match.pk]), {"answer": "no"})
    assert response.status_code == 404
    match.refresh_from_db()
    assert match.volunteer_answer == "pending"


def test_after_a_no_the_page_shows_nothing_of_her(client: Any, world: Any) -> None:
    match = _proposed(world)
    answer_proposal(match, by=world.volunteer, accept=False)
    response = login(client, world.volunteer).get(reverse("matching:proposal", args=[match.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Du har sagt nei" in html
    assert "Amina" not in html
    assert AccessEvent.objects.filter(user=world.volunteer).count() == 0
