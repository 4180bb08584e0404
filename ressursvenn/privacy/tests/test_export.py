"""The export of one person (privacy/export.py): complete by the inventory, hers only, readable.

The data: a woman in an active match with the world's volunteer, with rows of every kind the
match holds (check-ins and closing conversations with both parties, answers of both, an
outcome, a concern, an activity), another woman of the same volunteer (a second match), and the
views of their records.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.followup.models import Activity, CheckIn, ClosingConversation, Concern
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.lib.audit import MASK, record_access
from ressursvenn.lib.models import AccessEvent
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import export, people
from ressursvenn.privacy.inventory import INVENTORY
from ressursvenn.surveys.models import Answer, Outcome, Respondent, Response, TimePoint
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import PoliceCertificate, Volunteer

SECRET_NOTE = "Hun er redd for å møte ham på butikken."
VOLUNTEER_NOTE = "Ressursvennen er sliten denne måneden."


@dataclass
class Data:
    woman: Referral
    match: Match
    volunteer: Volunteer
    other_woman: Referral
    other_match: Match
    rows: dict[str, list[Any]]  # label → the woman's rows made here
    volunteer_rows: dict[str, list[Any]]  # label → the volunteer's own rows made here


def _checkin(match: Match, party: str, notes: str, by: Any) -> CheckIn:
    return CheckIn.objects.create(
        match=match,
        party=party,
        due_on=timezone.localdate(),
        status=CheckIn.Status.HELD,
        held_on=timezone.localdate(),
        mode=CheckIn.Mode.PHONE,
        notes=notes,
        held_by=by,
    )


def _response(match: Match, respondent: str, by: Any) -> Response:
    response = Response.objects.create(
        match=match,
        time_point=TimePoint.START,
        respondent=respondent,
        entered_by=by,
        submitted_at=timezone.now(),
    )
    Answer.objects.create(response=response, instrument="ucla3", version=1, item="1", value=2)
    return response


def _activities(match: Match, user: Any, count: int) -> list[Activity]:
    return [
        Activity.objects.create(
            match=match,
            occurred_on=timezone.localdate() - datetime.timedelta(days=n),
            kind=Activity.Kind.COFFEE,
            duration_minutes=60,
            channel="in_person",
            note=f"Kaffe nr. {n}",
            created_by=user,
        )
        for n in range(count)
    ]


def build(world: World, *, activities: int = 1) -> Data:
    """The woman, her match and every kind of row, and a second woman of the same volunteer."""
    match = active_match(world, first_name="Amina", notes=SECRET_NOTE, excluded_areas=["1806"])
    woman, volunteer = match.referral, match.volunteer
    woman_checkin = _checkin(match, CheckIn.Party.WOMAN, SECRET_NOTE, world.leader)
    volunteer_checkin = _checkin(match, CheckIn.Party.VOLUNTEER, VOLUNTEER_NOTE, world.leader)
    woman_talk = ClosingConversation.objects.create(
        match=match, party="woman", held_on=timezone.localdate(), mode="phone", by=world.leader
    )
    volunteer_talk = ClosingConversation.objects.create(
        match=match, party="volunteer", held_on=timezone.localdate(), mode="phone", by=world.leader
    )
    her_answers = _response(match, Respondent.PARTICIPANT, world.staff)
    volunteer_answers = _response(match, Respondent.VOLUNTEER, world.volunteer)
    outcome = Outcome.objects.create(
        match=match, time_point=TimePoint.SIX_MONTHS, value="free", recorded_by=world.staff
    )
    concern = Concern.objects.create(
        match=match,
        category=Concern.Category.SAFETY,
        severity=Concern.Severity.SOON,
        description="Han har ringt henne igjen.",
        reported_by=world.volunteer,
    )
    done = _activities(match, world.volunteer, activities)
    other_woman = factories.referral(
        world.centre, world.branch, status="matched", contact=world.staff, first_name="Berit"
    )
    other_match = factories.match(other_woman, volunteer, status="active", proposed_by=world.leader)
    _checkin(other_match, CheckIn.Party.WOMAN, "Berits samtale", world.leader)
    _activities(other_match, world.volunteer, 1)
    return Data(
        woman=woman,
        match=match,
        volunteer=volunteer,
        other_woman=other_woman,
        other_match=other_match,
        rows={
            "participants.referral": [woman],
            "matching.match": [match],
            "matching.matchingmeeting": [match.meeting],
            "followup.checkin": [woman_checkin],
            "followup.closingconversation": [woman_talk],
            "followup.concern": [concern],
            "followup.activity": done,
            "surveys.response": [her_answers],
            "surveys.answer": list(her_answers.answers.all()),
            "surveys.outcome": [outcome],
        },
        volunteer_rows={
            "followup.checkin": [volunteer_checkin],
            "followup.closingconversation": [volunteer_talk],
            "surveys.response": [volunteer_answers],
            "surveys.answer": list(volunteer_answers.answers.all()),
            "volunteers.policecertificate": list(
                PoliceCertificate.objects.filter(volunteer=volunteer)
            ),
        },
    )


def _pks(data: dict[str, Any], label: str) -> list[Any]:
    return [row["id"] for row in data["records"].get(label, [])]


def _reaching(kind: str) -> set[str]:
    return {label for label, entry in INVENTORY.items() if entry.path(kind) is not None}


@pytest.fixture
def data(world: World) -> Data:
    return build(world)


# --- completeness ---------------------------------------------------------------------------


def test_inventory_reaches_women_and_volunteers() -> None:
    """The export has something to be complete about (the inventory is filled)."""
    assert "participants.referral" in _reaching(people.WOMAN)
    assert "volunteers.volunteer" in _reaching(people.VOLUNTEER)


def test_every_row_has_exactly_the_inventory_fields(world: World, data: Data) -> None:
    for kind, person in ((people.WOMAN, data.woman), (people.VOLUNTEER, data.volunteer)):
        exported = export.export_person(kind, person)
        wrong = {
            label: sorted(set(row) ^ set(INVENTORY[label].fields))
            for label, rows in exported["records"].items()
            for row in rows
            if set(row) != set(INVENTORY[label].fields)
        }
        assert wrong == {}, kind
        # Every entry that reaches a person of this kind is in the export (maybe empty).
        expected = _reaching(kind) | (_reaching(people.USER) if kind == people.VOLUNTEER else set())
        assert set(exported["records"]) == expected


def test_woman_export_holds_her_rows_and_no_one_elses(world: World, data: Data) -> None:
    exported = export.export_person(people.WOMAN, data.woman)
    for label, rows in data.rows.items():
        assert _pks(exported, label) == sorted(row.pk for row in rows), label
    # None of the volunteer's own rows and none of the other woman's.
    assert data.other_woman.pk not in _pks(exported, "participants.referral")
    assert data.other_match.pk not in _pks(exported, "matching.match")
    for label, rows in data.volunteer_rows.items():
        assert set(_pks(exported, label)) & {row.pk for row in rows} == set(), label
    assert _pks(exported, "volunteers.volunteer") == []
    assert _pks(exported, "accounts.user") == []


def test_volunteer_export_holds_her_rows_and_not_the_womans_own(world: World, data: Data) -> None:
    exported = export.export_person(people.VOLUNTEER, data.volunteer)
    assert _pks(exported, "volunteers.volunteer") == [data.volunteer.pk]
    assert _pks(exported, "accounts.user") == [world.volunteer.pk]
    for label in ("followup.checkin", "followup.closingconversation", "surveys.response"):
        assert _pks(exported, label) == [row.pk for row in data.volunteer_rows[label]], label
    assert _pks(exported, "volunteers.policecertificate") == sorted(
        row.pk for row in data.volunteer_rows["volunteers.policecertificate"]
    )
    # The matches are about both: both of hers are there; the women's records are not.
    assert _pks(exported, "matching.match") == sorted([data.match.pk, data.other_match.pk])
    assert _pks(exported, "participants.referral") == []
    assert _pks(exported, "surveys.outcome") == []


def test_values_decrypted_keys_as_pks_dates_iso(world: World, data: Data) -> None:
    exported = export.export_person(people.WOMAN, data.woman)
    (referral,) = exported["records"]["participants.referral"]
    assert referral["first_name"] == "Amina"
    assert referral["notes"] == SECRET_NOTE
    assert referral["contact_value"] == "+47 912 34 567"
    assert referral["excluded_areas"] == ["1806"]
    assert referral["centre"] == world.centre.pk
    assert referral["consent_given_on"] == data.woman.consent_given_on.isoformat()
    assert referral["created_at"] == timezone.localtime(data.woman.created_at).isoformat()
    (match,) = exported["records"]["matching.match"]
    assert (match["referral"], match["volunteer"]) == (data.woman.pk, data.volunteer.pk)
    assert exported["kind"] == "woman"
    assert exported["record"] == data.woman.pk


def test_credentials_keep_their_key_not_their_value(world: World, data: Data) -> None:
    exported = export.export_person(people.VOLUNTEER, data.volunteer)
    (account,) = exported["records"]["accounts.user"]
    assert account["password"] == MASK
    assert account["session_stamp"] == MASK
    assert account["email"] == world.volunteer.email


def test_json_round_trips(world: World, data: Data) -> None:
    for kind, person in ((people.WOMAN, data.woman), (people.VOLUNTEER, data.volunteer)):
        exported = export.export_person(kind, person)
        assert json.loads(export.export_json(exported).decode("utf-8")) == exported


# --- the access log -------------------------------------------------------------------------


def _viewed(world: World, data: Data) -> None:
    record_access(data.woman, user=world.staff, role=Role.CRISIS_STAFF, organisation=world.centre)
    record_access(data.woman, user=world.leader, role=Role.GROUP_LEADER, organisation=world.branch)
    record_access(data.woman, user=world.volunteer, role=Role.VOLUNTEER, organisation=world.branch)
    record_access(
        data.other_woman, user=world.staff, role=Role.CRISIS_STAFF, organisation=world.centre
    )
    record_access(
        data.volunteer, user=world.leader, role=Role.GROUP_LEADER, organisation=world.branch
    )
    record_access(world.volunteer, user=world.coordinator, role=Role.NATIONAL_COORDINATOR)


def test_access_log_equals_the_views_of_her_record(world: World, data: Data) -> None:
    _viewed(world, data)
    events = AccessEvent.objects.filter(
        object_type="participants.referral", object_id=str(data.woman.pk)
    ).order_by("-at", "-id")
    expected = [
        {
            "at": timezone.localtime(event.at).isoformat(),
            # A view in the volunteer role does not name the volunteer.
            "user": "En ressursvenn" if event.role == Role.VOLUNTEER else event.user.full_name,
            "role": str(Role(event.role).label),
            "organisation": event.organisation.name,
        }
        for event in events
    ]
    assert len(expected) == 3
    assert export.export_person(people.WOMAN, data.woman)["access_log"] == expected
    assert [view.as_json() for view in export.views_of(people.WOMAN, data.woman)] == expected


def test_volunteer_access_log_holds_her_record_and_her_account(world: World, data: Data) -> None:
    _viewed(world, data)
    events = AccessEvent.objects.filter(
        object_type__in=["volunteers.volunteer", "accounts.user"],
        object_id__in=[str(data.volunteer.pk), str(world.volunteer.pk)],
    ).order_by("-at", "-id")
    expected = [
        {
            "at": timezone.localtime(event.at).isoformat(),
            "user": event.user.full_name,
            "role": str(Role(event.role).label),
            "organisation": event.organisation.name if event.organisation else "",
        }
        for event in events
        if (event.object_type, event.object_id)
        in {
            ("volunteers.volunteer", str(data.volunteer.pk)),
            ("accounts.user", str(world.volunteer.pk)),
        }
    ]
    assert [row["user"] for row in expected] == [
        world.coordinator.full_name,
        world.leader.full_name,
    ]
    assert export.export_person(people.VOLUNTEER, data.volunteer)["access_log"] == expected
    assert [
        view.as_json() for view in export.views_of(people.VOLUNTEER, data.volunteer)
    ] == expected


# --- the page in words ----------------------------------------------------------------------


def _text(page: export.PersonPage) -> str:
    parts = []
    for area in page.areas:
        parts.append(area.title)
        for section in area.sections:
            parts.append(section.title)
            for row in section.rows:
                parts.append(row.title)
                parts.extend(f"{field.label}: {field.text}" for field in row.fields)
    return "\n".join(parts)


def test_page_in_words_grouped_by_area(world: World, data: Data) -> None:
    page = export.person_page(people.WOMAN, data.woman)
    assert [area.title for area in page.areas] == [
        "Henvisningen",
        "Koblingen",
        "Oppfølgingen",
        "Spørreskjemaer og resultat",
    ]
    text = _text(page)
    assert "Fornavn eller navnet hun vil kalles: Amina" in text
    assert f"Merknader til gruppelederen: {SECRET_NOTE}" in text
    assert "Telefonnummer eller e-post: +47 912 34 567" in text
    assert "Områder å unngå: Narvik" in text  # by its name, not its number
    assert f"Kontaktperson på krisesenteret: {world.staff.full_name}" in text
    assert f"Lokalforening: {world.branch.name}" in text
    # Norwegian dates, choice labels.
    assert f"{data.woman.consent_given_on:%d.%m.%Y}" in text
    assert "Kaffe og prat" in text
    assert page.title == f"henvisning {data.woman.pk}"


def test_page_names_no_other_person(world: World, data: Data) -> None:
    _viewed(world, data)
    page = export.person_page(people.WOMAN, data.woman)
    text = _text(page) + "\n".join(view.who for view in page.views)
    assert world.volunteer.full_name not in text
    assert data.volunteer.full_name not in text
    assert "Berit" not in text
    assert f"ressursvenn {data.volunteer.pk}" in text  # the match's volunteer by number
    assert "en ressursvenn" in text  # the activity logged by the volunteer's user
    assert VOLUNTEER_NOTE not in text


def test_page_of_a_volunteer(world: World, data: Data) -> None:
    page = export.person_page(people.VOLUNTEER, data.volunteer)
    text = _text(page)
    assert [area.title for area in page.areas][:3] == ["Ressursvennen", "Koblingen", "Oppfølgingen"]
    assert VOLUNTEER_NOTE in text
    assert SECRET_NOTE not in text  # the woman's check-in note is hers
    assert "Amina" not in text
    assert "Berit" not in text
    assert world.volunteer.full_name in text  # her own account names her
    assert "Passord: lagret (vises ikke)" in text


def _queries(callable_: Any) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_queries_do_not_grow_with_her_rows(world: World) -> None:
    one = build(world, activities=1)
    many = build(world, activities=12)
    # A woman who was never matched: none of the match's kinds of row.
    bare = factories.referral(world.centre, world.branch, contact=world.staff)
    for function in (export.export_person, export.person_page, export.views_of):
        counts = [
            _queries(lambda f=function, woman=woman: f(people.WOMAN, woman))
            for woman in (one.woman, many.woman, bare)
        ]
        assert counts == [counts[0]] * 3, function.__name__


def test_refuses_a_person_of_another_kind(world: World, data: Data) -> None:
    with pytest.raises(ValueError, match="No export for 'woman' and Volunteer"):
        export.export_person(people.WOMAN, data.volunteer)
    with pytest.raises(ValueError, match="No export for 'user' and User"):
        export.person_page("user", world.volunteer)
