"""The audit review page: who may see it, filters, bad input and a constant number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ressursvenn.accounts import actions
from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit import record_access, record_change
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.reports import audit
from ressursvenn.reports.audit import OSLO
from ressursvenn.tests import factories
from ressursvenn.tests.factories import UserFactory, referral

URL = reverse("reports:audit")


def _at(event: Any, when: datetime.datetime) -> None:
    type(event).objects.filter(pk=event.pk).update(at=when)


def _oslo(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=OSLO)


@pytest.fixture
def events(world: World) -> dict[str, Any]:
    """Changes and views by several users, organisations, records and days."""
    a = record_change(
        world.staff,
        by=world.coordinator,
        action="user.invite",
        organisation=world.centre,
        changes={"email": ["•••", "•••"], "is_active": [False, True]},
    )
    b = record_change(
        world.leader,
        by=world.leader,
        action="user.change_password",
        organisation=world.branch,
        changes={"password": ["•••", "•••"]},
    )
    c = record_change(
        world.volunteer, by=world.leader, action="membership.add", organisation=world.other_branch
    )
    _at(a, _oslo(2025, 3, 1))
    _at(b, _oslo(2025, 3, 10))
    _at(c, _oslo(2025, 3, 20))
    v1 = record_access(
        world.volunteer, user=world.leader, role=Role.GROUP_LEADER, organisation=world.branch
    )
    v2 = record_access(
        world.staff, user=world.other_staff, role=Role.CRISIS_STAFF, organisation=world.other_centre
    )
    _at(v1, _oslo(2025, 4, 1))
    _at(v2, _oslo(2025, 4, 2))
    return {"a": a, "b": b, "c": c, "v1": v1, "v2": v2}


def _shown(client: Any, **params: Any) -> set[int]:
    """Ids of the events listed for the given GET parameters (asserted through the rows)."""
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["page"] is not None
    return {event.pk for event in response.context["page"].object_list}


def test_coordinator_sees_changes_and_views(
    world: World, events: dict[str, Any], as_user: Any
) -> None:
    client = as_user(world.coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Invitert" in body  # readable label of user.invite
    assert "Rolle gitt" in body
    assert world.coordinator.full_name in body
    assert "01.03.2025 kl. 12.00.00" in body  # Europe/Oslo
    assert "•••" in body
    assert _shown(client) == {events["a"].pk, events["b"].pk, events["c"].pk}

    response = client.get(URL, {"logg": "innsyn"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Gruppeleder" in body
    assert "Krisesenteransatt" in body
    assert {e.pk for e in response.context["page"].object_list} == {
        events["v1"].pk,
        events["v2"].pk,
    }


def test_viewing_the_audit_page_is_not_a_person_view(
    world: World, events: dict[str, Any], as_user: Any
) -> None:
    client = as_user(world.coordinator)
    before_access, before_audit = AccessEvent.objects.count(), AuditEvent.objects.count()
    client.get(URL)
    client.get(URL, {"logg": "innsyn"})
    assert AccessEvent.objects.count() == before_access
    assert AuditEvent.objects.count() == before_audit


@pytest.mark.parametrize("persona", ["leader", "other_leader", "staff", "other_staff", "volunteer"])
def test_everyone_else_is_refused(
    world: World, events: dict[str, Any], as_user: Any, persona: str
) -> None:
    client = as_user(getattr(world, persona))
    for params in ({}, {"logg": "innsyn"}):
        response = client.get(URL, params)
        assert response.status_code == 403
        assert "Invitert" not in response.content.decode()


def test_post_is_not_allowed(world: World, as_user: Any) -> None:
    assert as_user(world.coordinator).post(URL, {}).status_code == 405


def test_filter_by_user_email(world: World, events: dict[str, Any], as_user: Any) -> None:
    client = as_user(world.coordinator)
    assert _shown(client, email=world.leader.email) == {events["b"].pk, events["c"].pk}
    assert _shown(client, email=f"  {world.coordinator.email.upper()} ") == {events["a"].pk}
    assert _shown(client, logg="innsyn", email=world.other_staff.email) == {events["v2"].pk}
    assert _shown(client, email=world.volunteer.email) == set()  # a user with no changes


def test_unknown_email_gives_a_message_and_no_rows(
    world: World, events: dict[str, Any], as_user: Any
) -> None:
    response = as_user(world.coordinator).get(URL, {"email": "ingen@example.no"})
    assert response.status_code == 200
    message = "Ingen bruker har e-postadressen ingen@example.no. Sjekk at den er skrevet riktig."
    assert response.context["form"].errors["email"] == [message]
    body = response.content.decode()
    assert message in body
    assert 'id="id_email_error"' in body
    assert response.context["rows"] == []
    assert "<table" not in body


def test_the_filters_render_no_list_of_users_or_organisations(
    world: World, events: dict[str, Any], as_user: Any
) -> None:
    body = as_user(world.coordinator).get(URL).content.decode()
    assert body.count("<option") == len(audit.record_type_choices()) + 1  # record types only
    assert '<label class="ds-label" for="id_email">Brukerens e-postadresse</label>' in body
    assert 'aria-describedby="id_email_helptext"' in body
    assert 'aria-describedby="id_organisation_helptext"' in body


def test_filter_by_organisation_name(world: World, events: dict[str, Any], as_user: Any) -> None:
    client = as_user(world.coordinator)
    assert _shown(client, organisation=world.branch.name) == {events["b"].pk}
    assert _shown(client, organisation="oslo  SANITETS") == {events["b"].pk}
    assert _shown(client, organisation=world.national.name) == set()
    assert _shown(client, logg="innsyn", organisation=world.branch.name) == {events["v1"].pk}
    # A part of a name: every organisation it matches, and the page says which.
    response = as_user(world.coordinator).get(URL, {"organisation": "oslo"})
    assert {e.pk for e in response.context["page"].object_list} == {
        events["a"].pk,
        events["b"].pk,
    }
    body = response.content.decode()
    assert (
        "Navnet passer 2 organisasjoner, og hendelsene i alle vises: "
        "Oslo krisesenter, Oslo Sanitetsforening." in body
    )


def test_organisation_names_with_norwegian_letters_ignore_case(world: World, as_user: Any) -> None:
    tromso = factories.branch("Tromsø Sanitetsforening", "5501")
    event = record_change(
        tromso, by=world.coordinator, action="organisation.update", organisation=tromso
    )
    assert _shown(as_user(world.coordinator), organisation="TROMSØ") == {event.pk}


def test_unknown_organisation_gives_a_message_and_no_rows(
    world: World, events: dict[str, Any], as_user: Any
) -> None:
    response = as_user(world.coordinator).get(URL, {"organisation": "Bodø"})
    assert response.status_code == 200
    message = "Ingen organisasjon har et navn som inneholder «Bodø»."
    assert response.context["form"].errors["organisation"] == [message]
    assert message in response.content.decode()
    assert response.context["rows"] == []


def test_filter_by_record(world: World, events: dict[str, Any], as_user: Any) -> None:
    client = as_user(world.coordinator)
    assert _shown(client, object_type="accounts.user") == {
        events["a"].pk,
        events["b"].pk,
        events["c"].pk,
    }
    assert _shown(client, object_type="accounts.user", object_id=str(world.volunteer.pk)) == {
        events["c"].pk
    }
    assert _shown(client, object_id=str(world.staff.pk)) == {events["a"].pk}
    assert _shown(client, object_type="organisations.organisation") == set()
    assert _shown(client, logg="innsyn", object_id=str(world.staff.pk)) == {events["v2"].pk}


def test_filter_by_dates(world: World, events: dict[str, Any], as_user: Any) -> None:
    client = as_user(world.coordinator)
    assert _shown(client, date_from="2025-03-10") == {events["b"].pk, events["c"].pk}
    assert _shown(client, date_to="2025-03-10") == {events["a"].pk, events["b"].pk}
    assert _shown(client, date_from="2025-03-10", date_to="2025-03-10") == {events["b"].pk}
    assert _shown(client, date_from="10.03.2025", date_to="19.03.2025") == {events["b"].pk}
    assert _shown(client, logg="innsyn", date_from="2025-04-02") == {events["v2"].pk}


def test_date_boundaries_are_oslo_days(world: World, events: dict[str, Any], as_user: Any) -> None:
    # 23:30 in Oslo on 10 March is 22:30 UTC the same day; 00:30 on 11 March is 23:30 UTC on 10.
    _at(events["a"], _oslo(2025, 3, 10, 23, 30))
    _at(events["c"], _oslo(2025, 3, 11, 0, 30))
    client = as_user(world.coordinator)
    assert _shown(client, date_from="2025-03-10", date_to="2025-03-10") == {
        events["a"].pk,
        events["b"].pk,
    }
    assert _shown(client, date_from="2025-03-11", date_to="2025-03-11") == {events["c"].pk}


def test_filters_combine(world: World, events: dict[str, Any], as_user: Any) -> None:
    client = as_user(world.coordinator)
    shown = _shown(client, email=world.leader.email, organisation="Narvik", date_from="2025-03-15")
    assert shown == {events["c"].pk}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "i går"}, "date_from", "Skriv en gyldig dato"),
        ({"date_to": "2025-02-30"}, "date_to", "Skriv en gyldig dato"),
        (
            {"date_from": "2025-03-20", "date_to": "2025-03-01"},
            "date_to",
            "kan ikke være før fra-datoen",
        ),
        ({"date_from": "0001-01-01"}, "date_from", "Velg en dato mellom"),
        ({"date_to": "9999-12-31"}, "date_to", "Velg en dato mellom"),
    ],
)
def test_bad_dates_give_a_message_and_no_list(
    world: World,
    events: dict[str, Any],
    as_user: Any,
    params: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = as_user(world.coordinator).get(URL, params)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}_error"' in body
    assert 'aria-invalid="true"' in body
    # The unfiltered list is not shown as if it were filtered.
    assert response.context["page"] is None
    assert "<table" not in body
    assert "Rett feilene i filteret" in body


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"email": "abc"}, "email"),
        ({"email": "ingen@example.no"}, "email"),
        ({"email": "a" * 250 + "@example.no"}, "email"),
        ({"email": "x' OR 1=1 --@example.no"}, "email"),
        ({"organisation": "999999"}, "organisation"),
        ({"organisation": "x" * 151}, "organisation"),
        ({"organisation": "x' OR 1=1 --"}, "organisation"),
        ({"object_type": "auth.nope"}, "object_type"),
        ({"object_id": "1" * 65}, "object_id"),
        ({"object_id": "1\x002"}, "object_id"),
    ],
)
def test_tampered_parameters_give_a_message(
    world: World, events: dict[str, Any], as_user: Any, params: dict[str, str], field: str
) -> None:
    response = as_user(world.coordinator).get(URL, params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["page"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"logg": "alt"},
        {"eldre": "x"},
        {"eldre": "99999999999999999999999.1"},
        {"nyere": "1.-1"},
        {"nyere": "."},
        {"ukjent": "1"},
    ],
)
def test_tampered_log_or_page_is_ignored(
    world: World, events: dict[str, Any], as_user: Any, params: dict[str, str]
) -> None:
    response = as_user(world.coordinator).get(URL, params)
    assert response.status_code == 200
    assert response.context["log"] == "endringer"
    assert len(response.context["rows"]) == 3


def test_pagination_fifty_per_page_by_position(world: World, as_user: Any) -> None:
    for _ in range(51):
        record_change(world.leader, by=world.coordinator, action="user.activate")
    client = as_user(world.coordinator)
    first = client.get(URL, {"email": world.coordinator.email})
    assert len(first.context["rows"]) == 50
    page = first.context["page"]
    assert (page.newer, page.older is not None) == (None, True)
    body = first.content.decode()
    assert "Eldre hendelser" in body
    assert "Nyere hendelser" not in body
    assert "email=" in body  # the filter is kept in the page links
    second = client.get(URL, {"email": world.coordinator.email, "eldre": page.older})
    assert len(second.context["rows"]) == 1
    assert second.context["page"].older is None
    back = client.get(
        URL, {"email": world.coordinator.email, "nyere": second.context["page"].newer}
    )
    assert [row.at for row in back.context["rows"]] == [row.at for row in first.context["rows"]]


def _queries(client: Any, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"logg": "innsyn"},
        {"organisation": "Oslo Sanitetsforening", "date_from": "2020-01-01"},
        {"email": "gro@example.no"},
    ],
)
def test_query_count_is_constant(world: World, as_user: Any, params: dict[str, str]) -> None:
    if "email" in params:
        params = {**params, "email": world.leader.email}
    users = [world.leader, world.staff, world.volunteer, world.other_leader, world.other_staff]
    organisations = [world.branch, world.centre, world.other_branch, world.other_centre]

    def add(count: int) -> None:
        for n in range(count):
            user, organisation = users[n % len(users)], organisations[n % len(organisations)]
            organisation = world.branch if "organisation" in params else organisation
            record_change(
                user,
                by=user,
                action="user.update_profile",
                organisation=organisation,
                changes={"full_name": ["•••", "•••"]},
            )
            record_access(user, user=user, role=Role.GROUP_LEADER, organisation=organisation)

    client = as_user(world.coordinator)
    add(1)
    one = _queries(client, params)
    add(19)
    twenty = _queries(client, params)
    assert one == twenty


# --- Codes, fields, values and times in words (issue 8, item 16) ----------------------------


def _row_texts(response: Any) -> list[str]:
    return [
        " ".join(
            [str(row.action), row.record, *(f"{c.field}: {c.old} → {c.new}" for c in row.changes)]
        )
        for row in response.context["rows"]
    ]


def test_codes_fields_choices_and_ids_are_shown_in_words(world: World, as_user: Any) -> None:
    row = referral(world.centre, world.branch)
    record_change(
        row,
        by=world.staff,
        action=AuditAction.REFERRAL_CREATE,
        organisation=world.centre,
        changes={
            "centre_id": [None, world.centre.pk],
            "municipality_id": [None, "0301"],
            "contact_channel": [None, "sms"],
            "status": ["draft", "submitted"],
            "first_name": ["•••", "•••"],
        },
    )
    response = as_user(world.coordinator).get(URL)
    (text,) = _row_texts(response)
    assert text.startswith("Henvisning opprettet henvisning ")
    assert f"krisesenter: – → {world.centre.name}" in text
    assert "kommune: – → Oslo" in text
    assert "SMS" in text
    assert "sms" not in text.replace("SMS", "")
    assert "•••" in text
    body = response.content.decode()
    assert "referral.create" not in body
    assert "0301" not in body
    # The woman's record is named by type and number only.
    assert f"henvisning {row.pk}" in text


def test_datetimes_and_dates_are_norwegian_and_choices_labelled(world: World, as_user: Any) -> None:
    AuditEvent.objects.create(
        actor=world.leader,
        action=AuditAction.MEETING_PLAN,
        object_type="matching.matchingmeeting",
        object_id="1",
        changes={
            "starts_at": [None, "2026-11-28T09:00:00+00:00"],
            "mode": [None, "public_place"],
            "place": ["•••", "•••"],
        },
    )
    AuditEvent.objects.create(
        actor=world.leader,
        action=AuditAction.VOLUNTEER_SET_APPROVED_ON,
        object_type="volunteers.volunteer",
        object_id=str(world.volunteer.volunteer.pk),
        changes={"approved_on": [None, "2026-11-28"]},
    )
    response = as_user(world.coordinator).get(URL)
    volunteer_text, meeting_text = _row_texts(response)  # newest first
    assert "tidspunkt: – → 28.11.2026 kl. 10.00" in meeting_text  # 09:00 UTC is 10.00 in Oslo
    assert "møteform: – → På et offentlig sted" in meeting_text
    assert meeting_text.startswith("Koblingsmøte planlagt koblingsmøte 1 ")
    assert volunteer_text.endswith("godkjent dato: – → 28.11.2026")
    body = response.content.decode()
    assert "2026-11-28T09:00:00" not in body
    assert "public_place" not in body
    # A volunteer's record is named by type and number, not by her name.
    assert world.volunteer.volunteer.full_name not in volunteer_text


def test_booleans_and_users_in_words(world: World, as_user: Any) -> None:
    record_change(
        world.leader,
        by=world.coordinator,
        action=AuditAction.USER_DEACTIVATE,
        changes={"is_active": [True, False]},
    )
    (text,) = _row_texts(as_user(world.coordinator).get(URL))
    assert text.startswith(f"Bruker deaktivert bruker: {world.leader.full_name}")
    assert text.endswith("ja → nei")


def test_time_elements_have_no_microseconds(world: World, as_user: Any) -> None:
    event = record_change(world.leader, by=world.coordinator, action=AuditAction.USER_ACTIVATE)
    _at(event, datetime.datetime(2026, 11, 28, 9, 0, 5, 123456, tzinfo=datetime.UTC))
    body = as_user(world.coordinator).get(URL).content.decode()
    assert '<time datetime="2026-11-28T10:00:05+01:00">28.11.2026 kl. 10.00.05</time>' in body
    assert ".123456" not in body


def test_unknown_stored_values_fall_back_to_the_stored_text(world: World, as_user: Any) -> None:
    AuditEvent.objects.create(
        actor=None,
        action="old.code",  # written before this enum existed, straight into the table
        object_type="organisations.organisation",
        object_id="999999",
        changes={"municipality_id": [None, "9999"], "kind": [None, "gone"], "removed": [1, 2]},
    )
    (text,) = _row_texts(as_user(world.coordinator).get(URL))
    assert text == "old.code organisasjon 999999 type: – → gone kommune: – → 9999 removed: 1 → 2"


def test_ids_are_named_with_a_constant_number_of_queries(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    organisations = [world.branch, world.centre, world.other_branch, world.other_centre]

    def add(count: int) -> None:
        for n in range(count):
            organisation = organisations[n % len(organisations)]
            record_change(
                organisation,
                by=world.coordinator,
                action=AuditAction.ORGANISATION_UPDATE,
                organisation=organisation,
                changes={"municipality_id": ["1806", "0301"], "kind": [None, "branch"]},
            )
            record_change(
                world.leader,
                by=world.coordinator,
                action=AuditAction.USER_UPDATE_PROFILE,
                changes={"is_active": [False, True]},
            )

    add(1)
    one = _queries(client, {})
    add(19)
    twenty = _queries(client, {})
    assert one == twenty
    body = client.get(URL).content.decode()
    assert "kommune: Narvik → Oslo" in body


# --- New roles that see women's data are flagged (issue 8, item 1) --------------------------


def test_new_roles_with_access_to_womens_data_are_flagged(world: World, as_user: Any) -> None:
    newcomer: Any = UserFactory(full_name="Nina Nykommer")
    actions.add_membership(
        newcomer, by=world.coordinator, organisation=world.branch, role=Role.GROUP_LEADER
    )
    actions.add_membership(
        newcomer, by=world.coordinator, organisation=world.national, role=Role.NATIONAL_COORDINATOR
    )
    response = as_user(world.coordinator).get(URL)
    panel = response.context["new_access"]
    assert [row.record for row in panel] == [
        f"rolle: Nina Nykommer: Gruppeleder, {world.branch.name}"
    ]
    assert panel[0].who == world.coordinator.full_name
    flagged = [row.grants_access for row in response.context["rows"]]
    assert flagged == [False, True]  # newest first: the coordinator role is not flagged
    body = response.content.decode()
    assert "Nye roller med tilgang til kvinners opplysninger" in body
    assert body.count("Gir tilgang til kvinners opplysninger") == 1


def test_old_grants_leave_the_panel_but_stay_flagged_in_the_log(world: World, as_user: Any) -> None:
    newcomer: Any = UserFactory()
    membership = actions.add_membership(
        newcomer, by=world.coordinator, organisation=world.centre, role=Role.CRISIS_STAFF
    )
    event = AuditEvent.objects.get(action="membership.add", object_id=str(membership.pk))
    _at(event, datetime.datetime.now(tz=OSLO) - datetime.timedelta(days=31))
    response = as_user(world.coordinator).get(URL)
    assert response.context["new_access"] == []
    assert "Ingen slike roller er gitt de siste 30 dagene." in response.content.decode()
    assert [row.grants_access for row in response.context["rows"]] == [True]
    assert Membership.objects.get(pk=membership.pk).is_active
