"""Staff user management pages: who may reach them, what they show, what bad input does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ressursvenn.accounts import actions
from ressursvenn.accounts.models import Invitation, Membership, Role, User
from ressursvenn.conftest import World, login
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.tests import factories


def _outbox() -> list[Any]:
    """Mail to the invited person: without the colleagues' notice of a new role."""
    return [m for m in mail.outbox if m.subject != "Melding fra Ressursvenn"]


def _leader_membership(world: World) -> Membership:
    return Membership.objects.get(user=world.leader, role=Role.GROUP_LEADER)


def _urls(world: World) -> dict[str, str]:
    pk = world.leader.pk
    return {
        "staff_list": reverse("accounts:staff_list"),
        "staff_invite": reverse("accounts:staff_invite"),
        "staff_detail": reverse("accounts:staff_detail", args=[pk]),
        "membership_add": reverse("accounts:membership_add", args=[pk]),
        "membership_end": reverse(
            "accounts:membership_end", args=[pk, _leader_membership(world).pk]
        ),
        "user_set_active": reverse("accounts:user_set_active", args=[pk]),
        "invitation_resend": reverse("accounts:invitation_resend", args=[pk]),
    }


POST_ONLY = {"membership_end", "user_set_active", "invitation_resend"}
GET_ONLY = {"staff_list", "staff_detail"}


def _counts() -> tuple[int, int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Membership.objects.filter(is_active=True).count(),
        Invitation.objects.count(),
        AuditEvent.objects.count(),
    )


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _invite_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Hanne Hansen",
        "email": "hanne.hansen@example.no",
        "organisation": world.branch.pk,
        "role": Role.GROUP_LEADER.value,
    }
    data.update(overrides)
    return data


# --- who may reach the pages -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(POST_ONLY | GET_ONLY | {"staff_invite", "membership_add"}))
def test_the_coordinator_reaches_every_page(name: str, as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    url = _urls(world)[name]
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code == (302 if name in POST_ONLY else 200)


@pytest.mark.parametrize("who", ["leader", "staff", "volunteer", "other_leader"])
@pytest.mark.parametrize("name", sorted(POST_ONLY | GET_ONLY | {"staff_invite", "membership_add"}))
def test_other_roles_are_refused_and_nothing_changes(name: str, who: str, world: World) -> None:
    client = login(Client(), getattr(world, who))
    url = _urls(world)[name]
    before = _counts()
    response = client.post(url, {"active": "0"}) if name in POST_ONLY else client.get(url)
    assert response.status_code == 403
    assert _counts() == before
    assert AccessEvent.objects.count() == 0
    world.leader.refresh_from_db()
    assert world.leader.is_active


@pytest.mark.parametrize("name", sorted(POST_ONLY | GET_ONLY - {"staff_list"} | {"membership_add"}))
def test_a_missing_user_is_404(name: str, as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    url = _urls(world)[name].replace(f"/brukere/{world.leader.pk}/", "/brukere/999999/")
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(POST_ONLY | GET_ONLY - {"staff_list"} | {"membership_add"}))
def test_a_volunteer_only_user_is_404_for_the_coordinator(
    name: str, as_user: Any, world: World
) -> None:
    client = as_user(world.coordinator)
    url = _urls(world)[name].replace(
        f"/brukere/{world.leader.pk}/", f"/brukere/{world.volunteer.pk}/"
    )
    before = _counts()
    response = client.post(url, {"active": "0"}) if name in POST_ONLY else client.get(url)
    assert response.status_code == 404
    assert _counts() == before
    assert AccessEvent.objects.count() == 0


def test_ending_a_membership_of_another_user_is_404(as_user: Any, world: World) -> None:
    other = Membership.objects.get(user=world.staff)
    url = reverse("accounts:membership_end", args=[world.leader.pk, other.pk])
    before = _counts()
    assert as_user(world.coordinator).post(url).status_code == 404
    assert _counts() == before


def test_ending_a_volunteer_membership_is_404(as_user: Any, world: World) -> None:
    """The coordinator does not see volunteer roles, even of a staff user."""
    volunteer_role = Membership.objects.create(
        user=world.leader, organisation=world.branch, role=Role.VOLUNTEER
    )
    url = reverse("accounts:membership_end", args=[world.leader.pk, volunteer_role.pk])
    assert as_user(world.coordinator).post(url).status_code == 404
    volunteer_role.refresh_from_db()
    assert volunteer_role.is_active


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_endpoints_refuse_get(name: str, as_user: Any, world: World) -> None:
    assert as_user(world.coordinator).get(_urls(world)[name]).status_code == 405


# --- list -----------------------------------------------------------------------------------


def test_list_shows_staff_with_roles_and_status_but_no_volunteers(
    as_user: Any, world: World
) -> None:
    actions.invite_staff(
        by=world.coordinator,
        email="ny@example.no",
        full_name="Ny Person",
        organisation=world.centre,
        role=Role.CRISIS_STAFF,
    )
    world.other_staff.is_active = False
    world.other_staff.save()
    response = as_user(world.coordinator).get(reverse("accounts:staff_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert '<div class="table-wrap" role="region" aria-labelledby="staff-list-table-1"' in html
    assert '<caption id="staff-list-table-1">' in html
    people = {p.full_name: p.status.label for p in response.context["page"]}
    assert people == {
        "Nina Nasjonal": "Aktiv",
        "Gro Leder": "Aktiv",
        "Nora Nord": "Aktiv",
        "Kari Senter": "Aktiv",
        "Siri Senter": "Deaktivert",
        "Ny Person": "Venter på å sette passord",
    }
    assert "Gruppeleder, Oslo Sanitetsforening" in html
    assert "Vera Venn" not in html
    assert "Vilde Venn" not in html


def test_list_status_expired(as_user: Any, world: World) -> None:
    user = actions.invite_staff(
        by=world.coordinator,
        email="ny@example.no",
        full_name="Ny Person",
        organisation=world.centre,
        role=Role.CRISIS_STAFF,
    )
    Invitation.objects.filter(user=user).update(expires_at="2000-01-01T00:00:00Z")
    client = as_user(world.coordinator)
    response = client.get(reverse("accounts:staff_list"), {"status": "expired"})
    assert [(p.full_name, p.status.label) for p in response.context["page"]] == [
        ("Ny Person", "Invitasjonen er utløpt")
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "gro"}, {"Gro Leder"}),
        ({"q": "SENTER"}, {"Kari Senter", "Siri Senter"}),
        ({"role": "crisis_staff"}, {"Kari Senter", "Siri Senter"}),
        ({"role": "national_coordinator"}, {"Nina Nasjonal"}),
        ({"status": "inactive"}, set()),
        ({"status": "active", "role": "group_leader"}, {"Gro Leder", "Nora Nord"}),
    ],
)
def test_list_filters(
    params: dict[str, str], expected: set[str], as_user: Any, world: World
) -> None:
    response = as_user(world.coordinator).get(reverse("accounts:staff_list"), params)
    assert {p.full_name for p in response.context["page"]} == expected


def test_list_filters_by_organisation_and_email(as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    url = reverse("accounts:staff_list")
    by_org = client.get(url, {"organisation": world.other_branch.pk})
    assert {p.full_name for p in by_org.context["page"]} == {"Nora Nord"}
    by_email = client.get(url, {"q": world.staff.email.upper()})
    assert {p.full_name for p in by_email.context["page"]} == {"Kari Senter"}
    # A volunteer's branch lists only its staff, never the volunteer.
    by_branch = client.get(url, {"organisation": world.branch.pk})
    assert {p.full_name for p in by_branch.context["page"]} == {"Gro Leder"}


def test_list_ignores_a_bad_filter_value(as_user: Any, world: World) -> None:
    response = as_user(world.coordinator).get(
        reverse("accounts:staff_list"), {"organisation": "999999", "role": "volunteer"}
    )
    assert response.status_code == 200
    assert len(response.context["page"]) == 5


def test_list_paginates_by_50_and_keeps_filters(as_user: Any, world: World) -> None:
    for _ in range(55):
        factories.member(world.branch, Role.GROUP_LEADER, totp=False)
    client = as_user(world.coordinator)
    first = client.get(reverse("accounts:staff_list"), {"role": "group_leader"})
    assert len(first.context["page"]) == 50
    assert "role=group_leader&amp;side=2" in first.content.decode()
    second = client.get(reverse("accounts:staff_list"), {"role": "group_leader", "side": 2})
    assert len(second.context["page"]) == 57 - 50


def test_list_query_count_does_not_grow(db: Any, django_assert_num_queries: Any) -> None:
    national = factories.national_office()
    branch = factories.branch("Oslo Sanitetsforening", "0301")
    centre = factories.crisis_centre("Oslo krisesenter", "0301")
    coordinator = factories.member(national, Role.NATIONAL_COORDINATOR)
    client = login(Client(), coordinator)
    url = reverse("accounts:staff_list")
    client.get(url)  # the first request of a session does a little more

    with CaptureQueriesContext(connection) as one_user:
        response = client.get(url)
    assert len(response.context["page"]) == 1

    for _ in range(9):
        user = factories.member(centre, Role.CRISIS_STAFF, totp=False)
        Membership.objects.create(user=user, organisation=branch, role=Role.GROUP_LEADER)
    with django_assert_num_queries(len(one_user.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 10


# --- invite ---------------------------------------------------------------------------------


def test_invite_sends_one_discreet_email_and_redirects(as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    response = client.post(reverse("accounts:staff_invite"), _invite_data(world), follow=True)
    assert response.redirect_chain == [(reverse("accounts:staff_list"), 302)]
    assert _messages(response) == ["Invitasjonen er sendt til hanne.hansen@example.no."]
    user = User.objects.get(email="hanne.hansen@example.no")
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("organisation_id", "role", "is_active")) == [
        (world.branch.pk, Role.GROUP_LEADER, True)
    ]
    assert len(_outbox()) == 1
    message = _outbox()[0]
    assert message.to == ["hanne.hansen@example.no"]
    assert message.subject == "Invitasjon til Ressursvenn"
    assert re.search(r"https?://\S+/invitasjon/[\w-]+/", message.body)
    for personal in ("Hanne", "Hansen", world.branch.name, "Gruppeleder", "Nina"):
        assert personal not in message.body
        assert personal not in message.subject


def test_inviting_a_known_address_looks_the_same(as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    new = client.post(reverse("accounts:staff_invite"), _invite_data(world))
    new_messages = _messages(client.get(reverse("accounts:staff_list")))
    known = client.post(
        reverse("accounts:staff_invite"),
        _invite_data(world, email=world.staff.email, full_name="Noe Annet"),
    )
    known_messages = _messages(client.get(reverse("accounts:staff_list")))
    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    assert [m.replace("hanne.hansen@example.no", "X") for m in new_messages] == [
        m.replace(world.staff.email, "X") for m in known_messages
    ]
    world.staff.refresh_from_db()
    assert world.staff.full_name == "Kari Senter"
    assert set(world.staff.memberships.values_list("role", flat=True)) == {
        Role.CRISIS_STAFF,
        Role.GROUP_LEADER,
    }


def test_double_submit_of_an_invite_writes_nothing_more(as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    url = reverse("accounts:staff_invite")
    first = client.post(url, _invite_data(world))
    before = _counts()
    outbox = len(_outbox())
    second = client.post(url, _invite_data(world, email="Hanne.Hansen@Example.no "))
    assert second.status_code == first.status_code == 302
    assert _counts() == before
    assert len(_outbox()) == outbox == 1
    assert User.objects.filter(email__iexact="hanne.hansen@example.no").count() == 1


@pytest.mark.parametrize(
    ("role", "organisation", "message"),
    [
        ("group_leader", "centre", "En gruppeleder må høre til en lokalforening."),
        ("crisis_staff", "branch", "En krisesenteransatt må høre til et krisesenter."),
        ("national_coordinator", "branch", "En nasjonal koordinator må høre til N.K.S. sentralt."),
        ("group_leader", "national", "En gruppeleder må høre til en lokalforening."),
    ],
)
def test_invite_role_must_fit_the_organisation(
    role: str, organisation: str, message: str, as_user: Any, world: World
) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(
        reverse("accounts:staff_invite"),
        _invite_data(world, role=role, organisation=getattr(world, organisation).pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"role": [message]}
    assert message in response.content.decode()
    assert _counts() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "ikke-en-adresse"}, "email"),
        ({"email": ""}, "email"),
        ({"full_name": "   "}, "full_name"),
        ({"role": "volunteer"}, "role"),
        ({"organisation": "999999"}, "organisation"),
    ],
)
def test_invite_bad_input(data: dict[str, str], field: str, as_user: Any, world: World) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(
        reverse("accounts:staff_invite"), _invite_data(world, **data)
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert 'aria-invalid="true"' in response.content.decode()
    assert _counts() == before
    assert mail.outbox == []


def test_invite_email_error_is_clear(as_user: Any, world: World) -> None:
    response = as_user(world.coordinator).post(
        reverse("accounts:staff_invite"), _invite_data(world, email="hanne@")
    )
    assert response.context["form"].errors["email"] == [
        "Skriv en gyldig e-postadresse, for eksempel navn@example.no."
    ]


def test_invite_form_can_start_with_an_organisation(as_user: Any, world: World) -> None:
    response = as_user(world.coordinator).get(
        reverse("accounts:staff_invite"), {"organisation": world.centre.pk}
    )
    assert f'<option value="{world.centre.pk}" selected>' in response.content.decode()


# --- detail ---------------------------------------------------------------------------------


def test_detail_shows_the_person_and_records_one_access_event(as_user: Any, world: World) -> None:
    world.leader.phone = "+47 900 00 000"
    world.leader.save()
    ended = Membership.objects.create(
        user=world.leader, organisation=world.other_branch, role=Role.GROUP_LEADER
    )
    actions.end_membership(ended, by=world.coordinator)
    response = as_user(world.coordinator).get(
        reverse("accounts:staff_detail", args=[world.leader.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for text in ("Gro Leder", world.leader.email, "+47 900 00 000", "Aktiv", "Aldri"):
        assert text in html
    assert [str(m) for m in response.context["active_memberships"]] == [
        "Gruppeleder – Oslo Sanitetsforening"
    ]
    assert [str(m) for m in response.context["ended_memberships"]] == [
        "Gruppeleder – Narvik Sanitetsforening"
    ]
    assert "Gro Leder" not in html.split("<title>")[1].split("</title>")[0]
    events = list(AccessEvent.objects.all())
    assert [(e.user, e.role, e.organisation, e.object_type, e.object_id) for e in events] == [
        (
            world.coordinator,
            Role.NATIONAL_COORDINATOR,
            world.national,
            "accounts.user",
            str(world.leader.pk),
        )
    ]


def test_detail_of_a_pending_user_offers_a_new_invitation(as_user: Any, world: World) -> None:
    user = actions.invite_staff(
        by=world.coordinator,
        email="ny@example.no",
        full_name="Ny Person",
        organisation=world.centre,
        role=Role.CRISIS_STAFF,
    )
    response = as_user(world.coordinator).get(reverse("accounts:staff_detail", args=[user.pk]))
    html = response.content.decode()
    assert "Venter på å sette passord" in html
    assert reverse("accounts:invitation_resend", args=[user.pk]) in html


# --- memberships ----------------------------------------------------------------------------


def test_add_membership(as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("accounts:membership_add", args=[world.leader.pk]),
        {"organisation": world.other_branch.pk, "role": Role.GROUP_LEADER.value},
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("accounts:staff_detail", args=[world.leader.pk]), 302)
    ]
    assert "Rollen Gruppeleder i Narvik Sanitetsforening er lagt til." in _messages(response)
    assert Membership.objects.filter(
        user=world.leader, organisation=world.other_branch, role=Role.GROUP_LEADER, is_active=True
    ).exists()
    assert AuditEvent.objects.filter(action="membership.add").count() == 1
    assert AuditEvent.objects.count() == events + 1


def test_add_membership_role_must_fit(as_user: Any, world: World) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(
        reverse("accounts:membership_add", args=[world.leader.pk]),
        {"organisation": world.branch.pk, "role": Role.CRISIS_STAFF.value},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["En krisesenteransatt må høre til et krisesenter."]
    }
    assert _counts() == before


def test_add_a_membership_the_user_already_has(as_user: Any, world: World) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(
        reverse("accounts:membership_add", args=[world.leader.pk]),
        {"organisation": world.branch.pk, "role": Role.GROUP_LEADER.value},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["Brukeren har allerede denne rollen i denne organisasjonen."]
    }
    assert _counts() == before


def test_end_membership_and_end_it_again(as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    url = _urls(world)["membership_end"]
    response = client.post(url, follow=True)
    assert "Rollen Gruppeleder i Oslo Sanitetsforening er avsluttet." in _messages(response)
    assert not _leader_membership(world).is_active
    assert AuditEvent.objects.filter(action="membership.end").count() == 1
    before = _counts()
    again = client.post(url, follow=True)
    assert again.status_code == 200
    assert _messages(again) == ["Rollen er allerede avsluttet."]
    assert _counts() == before


def test_the_coordinator_cannot_end_her_own_coordinator_role(as_user: Any, world: World) -> None:
    own = Membership.objects.get(user=world.coordinator)
    before = _counts()
    response = as_user(world.coordinator).post(
        reverse("accounts:membership_end", args=[world.coordinator.pk, own.pk]), follow=True
    )
    assert _messages(response) == ["Du kan ikke avslutte din egen rolle som nasjonal koordinator."]
    assert _counts() == before


# --- activation -----------------------------------------------------------------------------


def test_deactivation_ends_the_users_sessions(world: World) -> None:
    target = login(Client(), world.leader)
    assert target.get(reverse("accounts:profile")).status_code == 200
    coordinator = login(Client(), world.coordinator)
    response = coordinator.post(
        reverse("accounts:user_set_active", args=[world.leader.pk]), {"active": "0"}, follow=True
    )
    assert _messages(response) == [
        "Brukeren er deaktivert og logget ut overalt. Ubrukte invitasjonslenker virker ikke lenger."
    ]
    world.leader.refresh_from_db()
    assert not world.leader.is_active
    assert (
        AuditEvent.objects.filter(action="user.deactivate", object_id=str(world.leader.pk)).count()
        == 1
    )
    next_request = target.get(reverse("accounts:profile"))
    assert next_request.status_code == 302
    assert next_request["Location"].startswith(reverse("accounts:login"))


def test_reactivation(as_user: Any, world: World) -> None:
    client = as_user(world.coordinator)
    url = reverse("accounts:user_set_active", args=[world.leader.pk])
    client.post(url, {"active": "0"}, follow=True)
    response = client.post(url, {"active": "1"}, follow=True)
    assert _messages(response) == ["Brukeren er aktiv og kan logge inn."]
    world.leader.refresh_from_db()
    assert world.leader.is_active
    assert AuditEvent.objects.filter(action="user.activate").count() == 1


def test_deactivating_yourself_is_refused(as_user: Any, world: World) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(
        reverse("accounts:user_set_active", args=[world.coordinator.pk]),
        {"active": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert _messages(response) == ["Du kan ikke deaktivere deg selv."]
    world.coordinator.refresh_from_db()
    assert world.coordinator.is_active
    assert _counts() == before


@pytest.mark.parametrize("data", [{}, {"active": "ja"}, {"active": ""}])
def test_set_active_needs_a_clear_choice(data: dict[str, str], as_user: Any, world: World) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(_urls(world)["user_set_active"], data, follow=True)
    assert _messages(response) == ["Velg om brukeren skal aktiveres eller deaktiveres."]
    assert _counts() == before


# --- invitations ----------------------------------------------------------------------------


def test_resend_invitation(as_user: Any, world: World) -> None:
    user = actions.invite_staff(
        by=world.coordinator,
        email="ny@example.no",
        full_name="Ny Person",
        organisation=world.centre,
        role=Role.CRISIS_STAFF,
    )
    first_link = re.search(r"/invitasjon/[^/]+/", _outbox()[0].body)
    assert first_link is not None
    response = as_user(world.coordinator).post(
        reverse("accounts:invitation_resend", args=[user.pk]), follow=True
    )
    assert _messages(response) == [
        "En ny invitasjon er sendt. Tidligere lenker virker ikke lenger."
    ]
    assert len(_outbox()) == 2
    assert _outbox()[1].subject == "Invitasjon til Ressursvenn"
    assert first_link.group(0) not in _outbox()[1].body
    assert Client().get(first_link.group(0)).status_code == 410
    assert [i.is_usable() for i in user.invitations.order_by("pk")] == [False, True]


def test_resend_for_a_user_with_a_password_is_refused(as_user: Any, world: World) -> None:
    before = _counts()
    response = as_user(world.coordinator).post(_urls(world)["invitation_resend"], follow=True)
    assert _messages(response) == [
        "Brukeren har allerede satt passord og kan bruke «Glemt passordet?» på innloggingssiden."
    ]
    assert _counts() == before
    assert mail.outbox == []
