"""The screening pages: pipeline, a volunteer's record and its forms, for every role."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import BranchPolicy, DeclarationText, Volunteer

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
REFUSED_PIPELINE = ("coordinator", "staff", "other_staff", "volunteer")
OUTSIDE = ("other_leader", "coordinator", "staff", "other_staff", "volunteer")


def _applicant(world: World, status: str = "applied", **fields: Any) -> Volunteer:
    fields.setdefault("full_name", "Sara Søker")
    fields.setdefault("email", "sara@example.no")
    return factories.volunteer(world.branch, status=status, **fields)


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _detail(volunteer: Volunteer) -> str:
    return reverse("volunteers:detail", args=[volunteer.pk])


def _url(name: str, volunteer: Volunteer) -> str:
    return reverse(f"volunteers:{name}", args=[volunteer.pk])


# --- pipeline ---------------------------------------------------------------------------------


def test_pipeline_shows_applications_of_her_branch(world: World, as_user: Any) -> None:
    _applicant(world)
    factories.volunteer(world.other_branch, status="applied", full_name="Nora Narvik")
    response = as_user(world.leader).get(reverse("volunteers:pipeline"))
    assert response.status_code == 200
    names = [entry["volunteer"].full_name for entry in response.context["entries"]]
    assert names == ["Sara Søker"]
    assert "Nora Narvik" not in response.content.decode()
    counts = {code: count for code, _label, count in response.context["tabs"]}
    assert counts == {
        "applied": 1,
        "screening": 0,
        "approved": 1,  # the volunteer persona
        "paused": 0,
        "ended": 0,
        "rejected": 0,
        "withdrawn": 0,
    }


def test_pipeline_screening_tab_shows_what_is_missing(world: World, as_user: Any) -> None:
    _applicant(world, status="screening")
    response = as_user(world.leader).get(reverse("volunteers:pipeline"), {"status": "screening"})
    [entry] = response.context["entries"]
    assert entry["missing"] == [
        "Politiattest",
        "Opplæringskurs",
        "Taushetserklæring",
        "Egnethetssamtale",
    ]
    assert entry["waiting"] == 0
    assert "Politiattest, Opplæringskurs" in response.content.decode()


def test_pipeline_search_by_name(world: World, as_user: Any) -> None:
    _applicant(world)
    _applicant(world, full_name="Tone Tidlig", email="tone@example.no")
    response = as_user(world.leader).get(reverse("volunteers:pipeline"), {"q": "tone"})
    assert [e["volunteer"].full_name for e in response.context["entries"]] == ["Tone Tidlig"]


def test_pipeline_branch_filter_for_a_leader_of_two_branches(world: World, as_user: Any) -> None:
    Membership.objects.create(
        user=world.leader, organisation=world.other_branch, role=Role.GROUP_LEADER
    )
    _applicant(world)
    factories.volunteer(world.other_branch, status="applied", full_name="Nora Narvik")
    client = as_user(world.leader)
    response = client.get(reverse("volunteers:pipeline"))
    assert response.context["several_branches"] is True
    assert len(response.context["entries"]) == 2
    response = client.get(reverse("volunteers:pipeline"), {"branch": world.other_branch.pk})
    assert [e["volunteer"].full_name for e in response.context["entries"]] == ["Nora Narvik"]
    # A branch she does not lead is not a choice: the filter is ignored with an error.
    third = factories.branch("Bodø Sanitetsforening", "1804")
    response = client.get(reverse("volunteers:pipeline"), {"branch": third.pk})
    assert response.context["form"].errors["branch"] == ["Velg en av dine lokalforeninger."]


def test_pipeline_orders_waiting_applications_oldest_first(world: World, as_user: Any) -> None:
    _applicant(world, full_name="Anne Ny", applied_at=timezone.now() - 2 * DAY)
    _applicant(world, full_name="Berit Gammel", applied_at=timezone.now() - 20 * DAY)
    response = as_user(world.leader).get(reverse("volunteers:pipeline"))
    entries = response.context["entries"]
    assert [(e["volunteer"].full_name, e["waiting"]) for e in entries] == [
        ("Berit Gammel", 20),
        ("Anne Ny", 2),
    ]


@pytest.mark.parametrize("who", REFUSED_PIPELINE)
def test_pipeline_refused_for_other_roles(world: World, as_user: Any, who: str) -> None:
    _applicant(world)
    response = as_user(getattr(world, who)).get(reverse("volunteers:pipeline"))
    assert response.status_code == 403
    assert "Sara Søker" not in response.content.decode()


def test_other_leader_sees_only_her_own_pipeline(world: World, as_user: Any) -> None:
    _applicant(world)
    response = as_user(world.other_leader).get(reverse("volunteers:pipeline"))
    assert response.status_code == 200
    assert response.context["entries"] == []
    assert "Sara Søker" not in response.content.decode()


@pytest.mark.parametrize("status", ["applied", "screening", "approved"])
def test_pipeline_query_count_does_not_grow(
    world: World, as_user: Any, django_assert_num_queries: Any, status: str
) -> None:
    client = as_user(world.leader)
    url = reverse("volunteers:pipeline")
    _applicant(world, status=status, cleared=True, email="one@example.no")
    client.get(url, {"status": status})  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"status": status})
    for n in range(6):
        _applicant(world, status=status, cleared=True, email=f"v{n}@example.no")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url, {"status": status})
    assert len(response.context["entries"]) == (8 if status == "approved" else 7)


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_record_and_checklist_and_logs_access(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="screening", phone="98765432")
    response = as_user(world.leader).get(_detail(volunteer))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sara Søker" in page
    assert "987 65 432" in page  # grouped (issue 8, item 18)
    assert [item.code for item in response.context["missing"]] == [
        "police_certificate",
        "course",
        "declaration",
        "interview",
    ]
    assert "Sara" not in page.split("<title>")[1].split("</title>")[0]
    event = AccessEvent.objects.get()
    assert (event.user, event.object_id, event.role) == (
        world.leader,
        str(volunteer.pk),
        Role.GROUP_LEADER,
    )


@pytest.mark.parametrize("who", OUTSIDE)
def test_detail_is_404_outside_her_scope(world: World, as_user: Any, who: str) -> None:
    volunteer = _applicant(world, phone="98765432")
    response = as_user(getattr(world, who)).get(_detail(volunteer))
    assert response.status_code == 404
    assert "Sara Søker" not in response.content.decode()
    assert AccessEvent.objects.count() == 0


def test_volunteer_cannot_open_her_own_screening_record(world: World, as_user: Any) -> None:
    response = as_user(world.volunteer).get(_detail(world.volunteer.volunteer))
    assert response.status_code == 403


def test_references_form_only_when_required(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="screening")
    client = as_user(world.leader)
    assert "reference-name" not in client.get(_detail(volunteer)).content.decode()
    BranchPolicy.objects.create(branch=world.branch, references_required=2)
    assert "reference-name" in client.get(_detail(volunteer)).content.decode()


# --- forms and actions through the views ------------------------------------------------------


def test_take_into_screening(world: World, as_user: Any) -> None:
    volunteer = _applicant(world)
    client = as_user(world.leader)
    response = client.post(_url("take_into_screening", volunteer), {"expected_status": "applied"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "screening"
    assert volunteer.user is not None
    # The same button again (double submit): a clear message, nothing changed.
    events = AuditEvent.objects.count()
    response = client.post(_url("take_into_screening", volunteer), {"expected_status": "applied"})
    assert response.status_code == 302
    assert "endret mens du så på siden" in _messages(response)[-1]
    assert AuditEvent.objects.count() == events


def test_record_certificate_through_the_page(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="screening")
    response = as_user(world.leader).post(
        _url("add_certificate", volunteer),
        {
            "certificate-kind": "ordinary",
            "certificate-issued_on": (TODAY - 5 * DAY).isoformat(),
            "certificate-seen_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert volunteer.police_certificates.get().seen_by == world.leader


def test_too_old_certificate_shows_the_error_next_to_the_field(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="screening")
    response = as_user(world.leader).post(
        _url("add_certificate", volunteer),
        {
            "certificate-kind": "ordinary",
            "certificate-issued_on": (TODAY - 200 * DAY).isoformat(),
            "certificate-seen_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    errors = response.context["certificate_form"].errors
    assert list(errors) == ["issued_on"]
    assert "eldre enn 90 dager" in errors["issued_on"][0]
    assert volunteer.police_certificates.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"certificate-kind": "scan", "certificate-issued_on": "x", "certificate-seen_on": "y"},
        {
            "certificate-kind": "ordinary",
            "certificate-issued_on": "2025-02-30",
            "certificate-seen_on": "2025-03-01",
        },
    ],
)
def test_bad_certificate_input_writes_nothing(world: World, as_user: Any, data: Any) -> None:
    volunteer = _applicant(world, status="screening")
    events = AuditEvent.objects.count()
    response = as_user(world.leader).post(_url("add_certificate", volunteer), data)
    assert response.status_code == 200
    assert response.context["certificate_form"].errors
    assert (volunteer.police_certificates.count(), AuditEvent.objects.count()) == (0, events)


def test_record_interview_through_the_page(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="screening")
    response = as_user(world.leader).post(
        _url("add_interview", volunteer),
        {
            "interview-held_on": TODAY.isoformat(),
            "interview-interviewer": world.leader.pk,
            "interview-outcome": "suitable",
            "interview-notes": "Godt inntrykk",
        },
    )
    assert response.status_code == 302
    assert volunteer.interviews.get().notes == "Godt inntrykk"


def test_interviewer_from_another_branch_is_a_form_error(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="screening")
    response = as_user(world.leader).post(
        _url("add_interview", volunteer),
        {
            "interview-held_on": TODAY.isoformat(),
            "interview-interviewer": world.other_leader.pk,
            "interview-outcome": "suitable",
        },
    )
    assert response.status_code == 200
    assert list(response.context["interview_form"].errors) == ["interviewer"]
    assert volunteer.interviews.count() == 0


def test_record_reference_and_declaration_through_the_page(world: World, as_user: Any) -> None:
    BranchPolicy.objects.create(branch=world.branch, references_required=1)
    volunteer = _applicant(world, status="screening")
    client = as_user(world.leader)
    response = client.post(
        _url("add_reference", volunteer),
        {
            "reference-name": "Ola Nordmann",
            "reference-contacted_on": TODAY.isoformat(),
            "reference-is_positive": "yes",
        },
    )
    assert response.status_code == 302
    assert volunteer.references.get().is_positive is True
    response = client.post(
        _url("add_paper_declaration", volunteer),
        {"declaration-text": DeclarationText.objects.get().pk, "declaration-signed_on": "x"},
    )
    assert response.status_code == 200
    assert list(response.context["declaration_form"].errors) == ["signed_on"]
    response = client.post(
        _url("add_paper_declaration", volunteer),
        {
            "declaration-text": DeclarationText.objects.get().pk,
            "declaration-signed_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert volunteer.declarations.count() == 1


def test_approve_refused_on_the_server_with_what_is_missing(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="screening")
    response = as_user(world.leader).post(
        _url("approve", volunteer), {"expected_status": "screening"}
    )
    assert response.status_code == 302
    assert _messages(response) == [
        "Kan ikke godkjennes ennå. Mangler: Politiattest, Opplæringskurs, Taushetserklæring, "
        "Egnethetssamtale."
    ]
    volunteer.refresh_from_db()
    assert volunteer.status == "screening"


def test_approve_when_cleared(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="screening", cleared=True)
    page = as_user(world.leader).get(_detail(volunteer)).content.decode()
    assert _url("approve", volunteer) in page
    response = as_user(world.leader).post(
        _url("approve", volunteer), {"expected_status": "screening"}
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.approved_on) == ("approved", TODAY)


def test_change_status_needs_a_reason(world: World, as_user: Any) -> None:
    volunteer = _applicant(world)
    response = as_user(world.leader).post(
        _url("change_status", volunteer),
        {"status-expected_status": "applied", "status-transition": "reject"},
    )
    assert response.status_code == 200
    assert response.context["status_form"].errors == {"reason": ["Skriv en begrunnelse."]}
    volunteer.refresh_from_db()
    assert volunteer.status == "applied"


def test_change_status_rejects(world: World, as_user: Any) -> None:
    volunteer = _applicant(world)
    response = as_user(world.leader).post(
        _url("change_status", volunteer),
        {
            "status-expected_status": "applied",
            "status-transition": "reject",
            "status-reason": "Passer ikke nå",
        },
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.status_reason) == ("rejected", "Passer ikke nå")


def test_change_status_on_a_stale_page(world: World, as_user: Any) -> None:
    volunteer = _applicant(world, status="approved")
    response = as_user(world.leader).post(
        _url("change_status", volunteer),
        {"status-expected_status": "paused", "status-transition": "resume", "status-reason": ""},
    )
    assert response.status_code == 302
    assert "endret mens du så på siden" in _messages(response)[0]
    volunteer.refresh_from_db()
    assert volunteer.status == "approved"


def test_illegal_transition_in_the_form_is_an_error(world: World, as_user: Any) -> None:
    volunteer = _applicant(world)
    response = as_user(world.leader).post(
        _url("change_status", volunteer),
        {"status-expected_status": "applied", "status-transition": "pause", "status-reason": "x"},
    )
    assert response.status_code == 200
    assert list(response.context["status_form"].errors) == ["transition"]
    volunteer.refresh_from_db()
    assert volunteer.status == "applied"


ACTION_URLS = [
    "take_into_screening",
    "add_certificate",
    "add_interview",
    "add_reference",
    "add_paper_declaration",
    "approve",
    "change_status",
]


@pytest.mark.parametrize("name", ACTION_URLS)
def test_other_leader_gets_404_on_every_action(world: World, as_user: Any, name: str) -> None:
    volunteer = _applicant(world, status="screening", cleared=True)
    events = AuditEvent.objects.count()
    response = as_user(world.other_leader).post(
        _url(name, volunteer),
        {
            "expected_status": "screening",
            "certificate-kind": "ordinary",
            "certificate-issued_on": TODAY.isoformat(),
            "certificate-seen_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 404
    assert "Sara Søker" not in response.content.decode()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("trick", ["\u202e", "\u200b"])
def test_a_reference_name_with_invisible_characters_is_refused(
    world: World, as_user: Any, trick: str
) -> None:
    """Issue 8, item 4: the screening forms refuse direction and zero-width characters."""
    BranchPolicy.objects.create(branch=world.branch, references_required=1)
    volunteer = _applicant(world, status="screening")
    response = as_user(world.leader).post(
        _url("add_reference", volunteer),
        {
            "reference-name": f"Ola{trick} Nordmann",
            "reference-contacted_on": TODAY.isoformat(),
            "reference-is_positive": "yes",
        },
    )
    assert response.status_code == 200
    assert response.context["reference_form"].errors["name"] == [
        "Teksten inneholder usynlige tegn eller tegn som snur skriveretningen. "
        "Skriv den inn på nytt uten å lime inn fra et annet sted."
    ]
    assert volunteer.references.count() == 0


def test_notes_keep_their_line_breaks_but_not_a_direction_override(
    world: World, as_user: Any
) -> None:
    volunteer = _applicant(world, status="screening")
    client = as_user(world.leader)
    data = {
        "interview-held_on": TODAY.isoformat(),
        "interview-interviewer": world.leader.pk,
        "interview-outcome": "suitable",
    }
    response = client.post(
        _url("add_interview", volunteer), {**data, "interview-notes": "a\u202eb"}
    )
    assert list(response.context["interview_form"].errors) == ["notes"]
    response = client.post(
        _url("add_interview", volunteer), {**data, "interview-notes": "Linje 1\nLinje 2"}
    )
    assert response.status_code == 302
    assert volunteer.interviews.get().notes == "Linje 1\nLinje 2"
