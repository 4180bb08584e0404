"""Referral pages: who may use them, what they show, what they write, query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World, login
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.forms import FULL_NAME_MESSAGE
from ressursvenn.participants.models import ConsentText, Referral
from ressursvenn.tests import factories

Status = Referral.Status
SECRET_NAME = "Zelinda"


def _valid_post(world: World, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    text = ConsentText.current()
    assert text is not None
    data: dict[str, Any] = {
        "centre": world.centre.pk,
        "branch": world.branch.pk,
        "first_name": SECRET_NAME,
        "birth_year": today.year - 30,
        "municipality": "0301",
        "district": "030101",
        "children_count": "1",
        "languages": ["nb", "so"],
        "interests": ["hiking", "cafes"],
        "needs": ["job_search"],
        "availability": ["weekends"],
        "modes": ["in_person"],
        "preferred_age_min": "30",
        "preferred_age_max": "55",
        "contact_channel": "sms",
        "contact_value": "912 34 567",
        "contact_times": ["evening"],
        "excluded_areas": ["1806", "030102"],
        "notes": "",
        "safety_assessed_on": today.isoformat(),
        "safety_assessed_by": world.staff.pk,
        "consent_version": text.version,
        "consent_scope": ["matching", "questionnaires"],
        "consent_given_on": today.isoformat(),
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def _errors(response: Any) -> dict[str, list[str]]:
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


def _counts() -> tuple[int, int]:
    return (Referral.objects.count(), AuditEvent.objects.count())


def _referral(world: World, status: str = "accepted", **fields: Any) -> Referral:
    fields.setdefault("first_name", SECRET_NAME)
    return factories.referral(
        world.centre, world.branch, status=status, contact=world.staff, **fields
    )


# --- list -------------------------------------------------------------------------------------


def test_centre_sees_its_own_referrals_with_status(world: World, as_user: Any) -> None:
    own = _referral(world, "draft")
    factories.referral(world.other_centre, world.other_branch, first_name="Annen")
    response = as_user(world.staff).get(reverse("participants:list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [own]
    body = response.content.decode()
    assert SECRET_NAME in body
    assert "Utkast" in body
    assert "Annen" not in body
    assert SECRET_NAME not in body.split("<title>")[1].split("</title>")[0]


def test_leader_sees_sent_referrals_of_her_branch_but_no_drafts(world: World, as_user: Any) -> None:
    _referral(world, "draft", first_name="Utkastnavn")
    sent = _referral(world, "submitted")
    response = as_user(world.leader).get(reverse("participants:list"))
    assert list(response.context["page"].object_list) == [sent]
    assert "Utkastnavn" not in response.content.decode()


@pytest.mark.parametrize("who", ["other_staff", "other_leader"])
def test_other_centre_and_branch_see_none_of_them(world: World, as_user: Any, who: str) -> None:
    _referral(world, "submitted")
    response = as_user(getattr(world, who)).get(reverse("participants:list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert SECRET_NAME not in response.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "volunteer"])
def test_list_is_refused_to_coordinator_and_volunteer(world: World, as_user: Any, who: str) -> None:
    _referral(world, "submitted")
    response = as_user(getattr(world, who)).get(reverse("participants:list"))
    assert response.status_code == 403
    assert SECRET_NAME not in response.content.decode()


def test_list_filters_by_status(world: World, as_user: Any) -> None:
    draft = _referral(world, "draft")
    _referral(world, "accepted")
    response = as_user(world.staff).get(reverse("participants:list"), {"status": "draft"})
    assert list(response.context["page"].object_list) == [draft]
    response = as_user(world.staff).get(reverse("participants:list"), {"status": "nonsense"})
    assert response.status_code == 200
    assert response.context["form"].errors != {}


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("participants:list")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_list_query_count_does_not_grow_with_rows(
    world: World, client: Client, django_assert_num_queries: Any, who: str
) -> None:
    login(client, getattr(world, who))
    _referral(world, "submitted")
    _list_queries(client)  # warm up the session
    one = _list_queries(client)
    for n in range(8):
        _referral(world, "accepted", district_id="030101" if n % 2 else None)
    with django_assert_num_queries(one):
        client.get(reverse("participants:list"))


def test_list_is_paginated_by_50(world: World, as_user: Any) -> None:
    for _ in range(51):
        _referral(world, "accepted")
    client = as_user(world.staff)
    assert len(client.get(reverse("participants:list")).context["page"].object_list) == 50
    second = client.get(reverse("participants:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 1


# --- create -----------------------------------------------------------------------------------


def test_create_form_offers_only_own_centres_and_cooperating_branches(
    world: World, as_user: Any
) -> None:
    response = as_user(world.staff).get(reverse("participants:create"))
    form = response.context["form"]
    assert list(form.fields["centre"].queryset) == [world.centre]
    assert list(form.fields["branch"].queryset) == [world.branch]
    assert list(form.fields["safety_assessed_by"].queryset) == [world.staff]
    assert form.initial["safety_assessed_by"] == world.staff.pk
    body = response.content.decode()
    text = ConsentText.current()
    assert text is not None
    assert text.text.splitlines()[0] in body
    assert "voldsutøveren" in body


def test_staff_of_two_centres_chooses_among_hers(world: World, as_user: Any) -> None:
    second = factories.crisis_centre("Tromsø krisesenter", "5501")
    from ressursvenn.accounts.models import Membership

    Membership.objects.create(user=world.staff, organisation=second, role=Role.CRISIS_STAFF)
    third_branch = factories.branch("Tromsø Sanitetsforening", "5501")
    factories.cooperation(third_branch, second)
    form = as_user(world.staff).get(reverse("participants:create")).context["form"]
    assert sorted(o.name for o in form.fields["centre"].queryset) == [
        "Oslo krisesenter",
        "Tromsø krisesenter",
    ]
    assert sorted(o.name for o in form.fields["branch"].queryset) == [
        "Oslo Sanitetsforening",
        "Tromsø Sanitetsforening",
    ]
    # The Tromsø branch does not cooperate with the Oslo centre.
    response = as_user(world.staff).post(
        reverse("participants:create"), _valid_post(world, branch=third_branch.pk)
    )
    assert _errors(response) == {
        "branch": [
            "Lokalforeningen har ingen samarbeidsavtale med krisesenteret. "
            "Velg en lokalforening fra listen."
        ]
    }
    assert Referral.objects.count() == 0


def test_create_saves_a_draft_and_goes_to_it(world: World, as_user: Any) -> None:
    response = as_user(world.staff).post(reverse("participants:create"), _valid_post(world))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("participants:detail", args=[referral.pk])
    assert (referral.status, referral.first_name, referral.centre, referral.branch) == (
        Status.DRAFT,
        SECRET_NAME,
        world.centre,
        world.branch,
    )
    assert referral.contact_value == "91234567"
    assert referral.excluded_areas == ["1806", "030102"]
    assert referral.district_id == "030101"
    assert referral.consent_text == ConsentText.current()
    assert referral.consent_scope == ["matching", "questionnaires"]
    assert referral.safety_assessed_by == world.staff
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="referral.create")
    assert SECRET_NAME not in str(event.changes)


def test_create_to_branch_without_cooperation_by_tampering(world: World, as_user: Any) -> None:
    before = _counts()
    response = as_user(world.staff).post(
        reverse("participants:create"), _valid_post(world, branch=world.other_branch.pk)
    )
    assert response.status_code == 200
    assert _errors(response) == {
        "branch": ["Velg en lokalforening med samarbeidsavtale fra listen."]
    }
    assert _counts() == before


def test_create_for_other_centre_by_tampering(world: World, as_user: Any) -> None:
    response = as_user(world.staff).post(
        reverse("participants:create"), _valid_post(world, centre=world.other_centre.pk)
    )
    assert "centre" in _errors(response)
    assert Referral.objects.count() == 0


BAD_INPUT = [
    ({"first_name": "  "}, "first_name"),
    ({"birth_year": str(timezone.localdate().year - 17)}, "birth_year"),
    ({"birth_year": "1800"}, "birth_year"),
    ({"birth_year": "abc"}, "birth_year"),
    ({"municipality": "9999"}, "municipality"),
    ({"district": ""}, "district"),
    ({"municipality": "1806", "district": "030101"}, "district"),
    ({"modes": []}, "modes"),
    ({"modes": ["teleport"]}, "modes"),
    ({"languages": ["xx"]}, "languages"),
    ({"preferred_age_min": "60", "preferred_age_max": "40"}, "preferred_age_max"),
    ({"preferred_age_min": "20"}, "preferred_age_min"),
    ({"preferred_age_max": "95"}, "preferred_age_max"),
    ({"children_count": "-1"}, "children_count"),
    ({"contact_channel": "phone", "contact_value": ""}, "contact_value"),
    ({"contact_channel": "phone", "contact_value": "12ab"}, "contact_value"),
    ({"contact_channel": "email", "contact_value": "ikke-epost"}, "contact_value"),
    ({"contact_channel": "via_centre", "contact_value": "91234567"}, "contact_value"),
    ({"contact_channel": "pigeon"}, "contact_channel"),
    ({"excluded_areas": ["Storgata 1"]}, "excluded_areas"),
    ({"safety_assessed_by": "999999"}, "safety_assessed_by"),
    ({"safety_assessed_on": "2099-01-01"}, "safety_assessed_on"),
    ({"safety_assessed_on": "i går"}, "safety_assessed_on"),
    ({"consent_given_on": "2099-01-01"}, "consent_given_on"),
    ({"consent_scope": ["questionnaires"]}, "consent_scope"),
    ({"consent_given_on": ""}, "consent_given_on"),
    ({"consent_version": "0"}, "consent_given_on"),
    ({"notes": "x" * 2001}, "notes"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_INPUT)
def test_create_with_bad_input_writes_nothing(
    world: World, as_user: Any, changes: dict[str, Any], field: str
) -> None:
    before = _counts()
    response = as_user(world.staff).post(
        reverse("participants:create"), _valid_post(world, **changes)
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert list(errors) == [field], errors
    assert _counts() == before


def test_assessor_of_another_centre_is_refused(world: World, as_user: Any) -> None:
    response = as_user(world.staff).post(
        reverse("participants:create"), _valid_post(world, safety_assessed_by=world.other_staff.pk)
    )
    assert list(_errors(response)) == ["safety_assessed_by"]


def test_draft_may_leave_clearance_and_consent_open(world: World, as_user: Any) -> None:
    response = as_user(world.staff).post(
        reverse("participants:create"),
        _valid_post(world, safety_assessed_on="", consent_given_on="", consent_scope=[]),
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.has_safety_clearance, referral.has_consent) == (False, False)
    assert referral.consent_text is None


@pytest.mark.parametrize("who", ["leader", "coordinator", "volunteer"])
def test_create_is_refused_to_other_roles(world: World, as_user: Any, who: str) -> None:
    client = as_user(getattr(world, who))
    assert client.get(reverse("participants:create")).status_code == 403
    assert client.post(reverse("participants:create"), _valid_post(world)).status_code == 403
    assert Referral.objects.count() == 0


# --- detail -----------------------------------------------------------------------------------


def test_centre_sees_the_detail_and_it_is_logged(world: World, as_user: Any) -> None:
    referral = _referral(world, "draft", notes="Hun liker katter")
    response = as_user(world.staff).get(reverse("participants:detail", args=[referral.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert SECRET_NAME in body
    assert "Hun liker katter" in body
    assert SECRET_NAME not in body.split("</title>")[0]
    access = AccessEvent.objects.get()
    assert (access.user, access.role, access.organisation, access.object_id) == (
        world.staff,
        Role.CRISIS_STAFF,
        world.centre,
        str(referral.pk),
    )
    assert response.context["can_submit"] is True
    assert response.context["missing"] == []


def test_detail_of_incomplete_draft_lists_what_is_missing(world: World, as_user: Any) -> None:
    referral = _referral(world, "draft", safety_assessed_on=None)
    response = as_user(world.staff).get(reverse("participants:detail", args=[referral.pk]))
    assert len(response.context["missing"]) == 1
    assert "sikkerhetsvurderingen" in response.content.decode()


def test_leader_sees_the_detail_and_it_is_logged(world: World, as_user: Any) -> None:
    referral = _referral(world, "submitted")
    response = as_user(world.leader).get(reverse("participants:detail", args=[referral.pk]))
    assert response.status_code == 200
    assert SECRET_NAME in response.content.decode()
    access = AccessEvent.objects.get()
    assert (access.role, access.organisation) == (Role.GROUP_LEADER, world.branch)
    assert (response.context["can_accept"], response.context["can_edit"]) == (True, False)


@pytest.mark.parametrize("who", ["other_staff", "other_leader", "coordinator", "volunteer"])
def test_detail_is_404_outside_scope(world: World, as_user: Any, who: str) -> None:
    referral = _referral(world, "accepted")
    response = as_user(getattr(world, who)).get(reverse("participants:detail", args=[referral.pk]))
    assert response.status_code == 404
    assert SECRET_NAME not in response.content.decode()
    assert AccessEvent.objects.count() == 0


def test_leader_gets_404_for_a_draft(world: World, as_user: Any) -> None:
    referral = _referral(world, "draft")
    response = as_user(world.leader).get(reverse("participants:detail", args=[referral.pk]))
    assert response.status_code == 404
    assert SECRET_NAME not in response.content.decode()


def test_missing_referral_is_404(world: World, as_user: Any) -> None:
    assert (
        as_user(world.staff).get(reverse("participants:detail", args=[999999])).status_code == 404
    )


# --- edit -------------------------------------------------------------------------------------


def test_edit_shows_current_values_and_saves(world: World, as_user: Any) -> None:
    referral = _referral(world, "draft", children_count=4)
    client = as_user(world.staff)
    url = reverse("participants:edit", args=[referral.pk])
    form = client.get(url).context["form"]
    assert (form.initial["children_count"], form.initial["first_name"]) == (4, SECRET_NAME)
    response = client.post(url, _valid_post(world, first_name="Nytt"))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.first_name, referral.municipality_id) == ("Nytt", "0301")
    assert SECRET_NAME not in str(AuditEvent.objects.get(action="referral.update").changes)


def test_edit_keeps_the_consent_text_she_agreed_to(world: World, as_user: Any) -> None:
    referral = _referral(world, "draft")
    old_text = referral.consent_text
    ConsentText.objects.create(version=2, text="Ny tekst", published_on=datetime.date(2026, 1, 2))
    data = _valid_post(
        world, consent_given_on=referral.consent_given_on.isoformat(), consent_version="2"
    )
    as_user(world.staff).post(reverse("participants:edit", args=[referral.pk]), data)
    referral.refresh_from_db()
    assert referral.consent_text == old_text


def test_edit_of_sent_referral_is_refused_with_a_message(world: World, as_user: Any) -> None:
    referral = _referral(world, "submitted")
    before = _counts()
    response = as_user(world.staff).post(
        reverse("participants:edit", args=[referral.pk]),
        _valid_post(world, first_name="Nytt"),
        follow=True,
    )
    assert "Bare utkast kan endres" in response.content.decode()
    referral.refresh_from_db()
    assert referral.first_name == SECRET_NAME
    assert _counts() == before


@pytest.mark.parametrize("who", ["other_staff", "leader", "other_leader"])
def test_edit_is_404_for_others(world: World, as_user: Any, who: str) -> None:
    referral = _referral(world, "draft")
    response = as_user(getattr(world, who)).post(
        reverse("participants:edit", args=[referral.pk]), _valid_post(world)
    )
    assert response.status_code == 404
    assert SECRET_NAME not in response.content.decode()


# --- submit -----------------------------------------------------------------------------------


def test_submit_sends_and_says_so(world: World, as_user: Any) -> None:
    referral = _referral(world, "draft")
    response = as_user(world.staff).post(
        reverse("participants:submit", args=[referral.pk]), follow=True
    )
    assert "Henvisningen er sendt til lokalforeningen." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert [message.to for message in mail.outbox] == [[world.leader.email]]
    assert SECRET_NAME not in mail.outbox[0].body + mail.outbox[0].subject


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"safety_assessed_on": None}, "sikkerhetsvurderingen er ikke registrert"),
        ({"consent_given_on": None}, "samtykket er ikke registrert"),
        ({"consent_withdrawn_at": timezone.now()}, "hun har trukket samtykket"),
    ],
)
def test_submit_refusals_show_what_is_missing(
    world: World, as_user: Any, fields: dict[str, Any], message: str
) -> None:
    referral = _referral(world, "draft", **fields)
    before = _counts()
    response = as_user(world.staff).post(
        reverse("participants:submit", args=[referral.pk]), follow=True
    )
    assert message in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT
    assert _counts() == before
    assert mail.outbox == []


def test_submit_without_cooperation_is_refused(world: World, as_user: Any) -> None:
    referral = _referral(world, "draft")
    from ressursvenn.organisations.models import Cooperation

    Cooperation.objects.all().delete()
    response = as_user(world.staff).post(
        reverse("participants:submit", args=[referral.pk]), follow=True
    )
    assert "ingen samarbeidsavtale" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT


def test_submit_of_a_stale_page_is_refused(world: World, as_user: Any) -> None:
    referral = _referral(world, "submitted")
    before = _counts()
    response = as_user(world.staff).post(
        reverse("participants:submit", args=[referral.pk]), follow=True
    )
    assert "Henvisningen er allerede sendt." in response.content.decode()
    assert _counts() == before


def test_submit_by_leader_of_branch_inactive_sends_no_mail(world: World, as_user: Any) -> None:
    Organisation.objects.filter(pk=world.branch.pk).update(is_active=False)
    referral = _referral(world, "draft")
    as_user(world.staff).post(reverse("participants:submit", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT
    assert mail.outbox == []


# --- accept / decline -------------------------------------------------------------------------


def test_leader_accepts(world: World, as_user: Any) -> None:
    referral = _referral(world, "submitted", waiting_since=None)
    response = as_user(world.leader).post(
        reverse("participants:accept", args=[referral.pk]), follow=True
    )
    # Straight on to her candidates (issue 8, item 10), with the success message there.
    assert response.redirect_chain == [(reverse("matching:candidates", args=[referral.pk]), 302)]
    assert response.status_code == 200
    assert "Hun står nå på ventelisten." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.waiting_since is not None


def test_double_accept_shows_a_message_and_changes_nothing(world: World, as_user: Any) -> None:
    referral = _referral(world, "submitted")
    client = as_user(world.leader)
    client.post(reverse("participants:accept", args=[referral.pk]))
    referral.refresh_from_db()
    before = (referral.waiting_since, _counts())
    response = client.post(reverse("participants:accept", args=[referral.pk]), follow=True)
    assert response.redirect_chain == [(reverse("participants:detail", args=[referral.pk]), 302)]
    assert "kan ikke tas imot nå" in response.content.decode()
    referral.refresh_from_db()
    assert (referral.waiting_since, _counts()) == before


def test_centre_cannot_accept(world: World, as_user: Any) -> None:
    referral = _referral(world, "submitted")
    assert (
        as_user(world.staff).post(reverse("participants:accept", args=[referral.pk])).status_code
        == 403
    )
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_other_leader_gets_404_on_accept(world: World, as_user: Any) -> None:
    referral = _referral(world, "submitted")
    response = as_user(world.other_leader).post(reverse("participants:accept", args=[referral.pk]))
    assert response.status_code == 404
    assert SECRET_NAME not in response.content.decode()


def test_leader_declines_with_a_reason(world: World, as_user: Any) -> None:
    referral = _referral(world, "submitted")
    client = as_user(world.leader)
    url = reverse("participants:decline", args=[referral.pk])
    response = client.post(url, {"reason": ""})
    assert _errors(response) == {"reason": ["Skriv en begrunnelse."]}
    response = client.post(url, {"reason": "Ingen ledige ressursvenner"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.status_reason) == (
        Status.DECLINED,
        "Ingen ledige ressursvenner",
    )
    # The centre sees the reason on the detail.
    detail = as_user(world.staff).get(reverse("participants:detail", args=[referral.pk]))
    assert "Ingen ledige ressursvenner" in detail.content.decode()


def test_decline_of_a_stale_page_is_refused(world: World, as_user: Any) -> None:
    referral = _referral(world, "withdrawn")
    before = _counts()
    response = as_user(world.leader).post(
        reverse("participants:decline", args=[referral.pk]), {"reason": "x"}, follow=True
    )
    assert "kan ikke avvises nå" in response.content.decode()
    assert _counts() == before


# --- withdraw / consent -----------------------------------------------------------------------


def test_centre_withdraws_with_a_reason(world: World, as_user: Any) -> None:
    referral = _referral(world, "accepted")
    client = as_user(world.staff)
    url = reverse("participants:withdraw", args=[referral.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Flyttet til en annen by"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN


def test_leader_cannot_withdraw(world: World, as_user: Any) -> None:
    referral = _referral(world, "accepted")
    response = as_user(world.leader).post(
        reverse("participants:withdraw", args=[referral.pk]), {"reason": "x"}
    )
    assert response.status_code == 403


def test_consent_withdrawal_needs_confirmation(world: World, as_user: Any) -> None:
    referral = _referral(world, "accepted")
    client = as_user(world.staff)
    url = reverse("participants:withdraw_consent", args=[referral.pk])
    response = client.post(url, {})
    assert _errors(response) == {"confirm": ["Kryss av for å bekrefte."]}
    referral.refresh_from_db()
    assert referral.consent_withdrawn_at is None
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "All behandling er stoppet." in response.content.decode()
    referral.refresh_from_db()
    assert (referral.status, referral.status_reason) == (Status.WITHDRAWN, "samtykke trukket")
    assert list(Referral.objects.waiting()) == []
    # Twice: a clear message, nothing changed.
    before = (referral.consent_withdrawn_at, _counts())
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "allerede registrert" in response.content.decode()
    referral.refresh_from_db()
    assert (referral.consent_withdrawn_at, _counts()) == before


@pytest.mark.parametrize("who", ["other_staff", "other_leader"])
def test_consent_withdrawal_is_404_for_others(world: World, as_user: Any, who: str) -> None:
    referral = _referral(world, "accepted")
    response = as_user(getattr(world, who)).post(
        reverse("participants:withdraw_consent", args=[referral.pk]), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert SECRET_NAME not in response.content.decode()
    referral.refresh_from_db()
    assert referral.consent_withdrawn_at is None


# --- exclusions -------------------------------------------------------------------------------


def test_leader_excludes_volunteers_of_her_branch(world: World, as_user: Any) -> None:
    referral = _referral(world, "accepted")
    vera = world.volunteer.volunteer  # type: ignore[attr-defined]
    client = as_user(world.leader)
    url = reverse("participants:exclusions", args=[referral.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["volunteers"].queryset) == [vera]
    assert client.post(url, {"volunteers": [vera.pk]}).status_code == 302
    assert list(referral.excluded_volunteers.all()) == [vera]
    detail = client.get(reverse("participants:detail", args=[referral.pk]))
    assert vera.full_name in detail.content.decode()


def test_excluding_a_foreign_volunteer_by_tampering_is_a_form_error(
    world: World, as_user: Any
) -> None:
    referral = _referral(world, "accepted")
    other = world.other_volunteer.volunteer  # type: ignore[attr-defined]
    before = _counts()
    response = as_user(world.leader).post(
        reverse("participants:exclusions", args=[referral.pk]), {"volunteers": [other.pk]}
    )
    assert list(_errors(response)) == ["volunteers"]
    assert _counts() == before
    assert other.full_name not in response.content.decode()


def test_centre_does_not_see_excluded_volunteers(world: World, as_user: Any) -> None:
    vera = world.volunteer.volunteer  # type: ignore[attr-defined]
    referral = _referral(world, "accepted", excluded_volunteers=[vera])
    response = as_user(world.staff).get(reverse("participants:detail", args=[referral.pk]))
    assert vera.full_name not in response.content.decode()
    assert (
        as_user(world.staff).get(reverse("participants:exclusions", args=[referral.pk])).status_code
        == 403
    )


# --- the new-referral form (issue 8, item 15) ------------------------------------------------


def test_full_name_shows_the_confirmation_box_and_saves_nothing(world: World, as_user: Any) -> None:
    client = as_user(world.staff)
    blank = client.get(reverse("participants:create")).content.decode()
    assert "Ja, dette er bare fornavnet" not in blank
    assert "<summary>Flere språk</summary>" in blank
    before = _counts()
    response = client.post(
        reverse("participants:create"), _valid_post(world, first_name="Solveig Hansen")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert _errors(response) == {"first_name": [str(FULL_NAME_MESSAGE)]}
    assert 'name="first_name_confirmed"' in html
    assert "Ja, dette er bare fornavnet" in html
    assert _counts() == before

    response = client.post(
        reverse("participants:create"),
        _valid_post(world, first_name="Solveig Hansen", first_name_confirmed="on"),
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.first_name == "Solveig Hansen"
