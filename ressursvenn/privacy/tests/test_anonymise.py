"""Anonymising one person (`privacy/anonymise.py`) and the neutral values (`privacy/erase.py`)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from mailer.models import DontSendEntry, Message

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.conftest import World
from ressursvenn.followup.models import Activity, CheckIn, Closure, Concern
from ressursvenn.lib.audit import MASK
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import erase
from ressursvenn.privacy.anonymise import anonymise_person, mask_changes, plan
from ressursvenn.privacy.inventory import INVENTORY, OnErase, title_of
from ressursvenn.privacy.people import VOLUNTEER, WOMAN, rows_of
from ressursvenn.privacy.tests import canary
from ressursvenn.surveys.models import SurveyLink
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _field(model: Any, name: str) -> Any:
    return model._meta.get_field(name)


# --- neutral values ---------------------------------------------------------------------------


def test_every_field_the_inventory_clears_has_a_neutral_value() -> None:
    missing = []
    for label, entry in sorted(INVENTORY.items()):
        if entry.on_erase != OnErase.CLEAR:
            continue
        model = apps.get_model(label)
        for name in entry.erased_fields():
            model_field = _field(model, name)
            current = (
                datetime.date(1987, 6, 15) if "date" in type(model_field).__name__.lower() else 1987
            )
            try:
                erase.neutral(model_field, pk=7, current=current)
            except erase.NoNeutralValueError as error:
                missing.append(str(error))
    assert missing == []


def test_a_field_without_a_neutral_value_is_reported() -> None:
    with pytest.raises(erase.NoNeutralValueError, match=r"followup\.activity\.match"):
        erase.neutral(_field(Activity, "match"))


def test_neutral_values_say_nothing_and_fit_the_column() -> None:
    zone = timezone.get_current_timezone()
    cases: list[tuple[Any, str, int, Any, Any]] = [
        (Volunteer, "email", 7, None, "anonymisert-7@ugyldig.invalid"),
        (User, "email", 8, None, "anonymisert-8@ugyldig.invalid"),
        (Volunteer, "full_name", 7, None, "Anonymisert"),
        (Referral, "first_name", 7, None, "Anonymisert"),
        (Referral, "notes", 7, None, ""),
        (Referral, "contact_value", 7, None, ""),
        (Referral, "district", 7, None, None),
        (Referral, "languages", 7, None, []),
        (Referral, "excluded_areas", 7, None, []),
        (Referral, "contact_channel", 7, None, "via_centre"),
        (Referral, "children_count", 7, None, 0),
        (Referral, "birth_year", 7, 1987, 1980),
        (Volunteer, "date_of_birth", 7, datetime.date(1985, 6, 15), datetime.date(1985, 1, 1)),
        (Volunteer, "max_travel_km", 7, None, 25),
        (Volunteer, "self_declared_woman", 7, None, False),
        (Activity, "kind", 7, None, "other"),
        (Closure, "keep_in_touch", 7, None, "unknown"),
        (Concern, "severity", 7, None, "information"),
        (CheckIn, "rating", 7, None, None),
        (
            Referral,
            "status_changed_at",
            7,
            datetime.datetime(2024, 5, 5, 12, tzinfo=zone),
            datetime.datetime(2024, 1, 1, tzinfo=zone),
        ),
    ]
    got = [erase.neutral(_field(m, n), pk=pk, current=c) for m, n, pk, c, _want in cases]
    assert got == [want for *_rest, want in cases]
    assert [
        erase.depends_on_row(_field(m, n)) for m, n in [(Volunteer, "email"), (Referral, "notes")]
    ] == [True, False]


# --- anonymising a woman ----------------------------------------------------------------------


def _expected(kind: str, person: Any) -> tuple[dict[str, int], dict[str, int]]:
    cleared: dict[str, int] = {}
    deleted: dict[str, int] = {}
    for label, (entry, rows) in rows_of(kind, person).items():
        count = rows.count()
        path = entry.path(kind) or ""
        if kind == WOMAN and entry.only.get(WOMAN) and path.startswith("match__"):
            # Every row of her matches, the volunteer's side too (anonymise.reached).
            count = rows.model._base_manager.filter(**{path: person.pk}).count()
        if not count:
            continue
        if entry.on_erase == OnErase.DELETE:
            deleted[label] = count
        elif entry.erased_fields():
            cleared[label] = count
    return cleared, deleted


def test_the_woman_is_cleared_row_by_row_and_what_means_nothing_without_her_goes(
    world: World, mail_queue: Any
) -> None:
    story = canary.story(world)
    referral = story.referral
    cleared, deleted = _expected(WOMAN, referral)
    assert {"participants.referral", "matching.match", "followup.activity"} <= cleared.keys()
    assert {"surveys.surveylink"} <= deleted.keys()  # (the pair's room went at the closure)
    rows_before = dict(cleared)
    facts = ("status", "started_on", "ended_on", "planned_end_on", "status_changed_at")
    match_before = Match.objects.values(*facts).get(pk=story.match.pk)
    views = AccessEvent.objects.count()
    to_her = [m.pk for m in Message.objects.all() if referral.contact_value in m.to_addresses]
    to_others = sorted(m.pk for m in Message.objects.all() if m.pk not in to_her)
    assert to_her
    assert to_others

    summary = anonymise_person(WOMAN, referral, now=timezone.now())

    assert (summary.cleared, summary.deleted) == (cleared, deleted)
    # The check-ins and closing talks held with the volunteer about her match go with her.
    assert cleared["followup.checkin"] == CheckIn.objects.filter(match=story.match).count()
    assert summary.already is False
    referral.refresh_from_db()
    assert (referral.first_name, referral.contact_value, referral.notes) == ("Anonymisert", "", "")
    assert referral.birth_year % 10 == 0
    assert referral.municipality_id == world.branch.municipality_id
    assert referral.anonymised_at is not None
    assert referral.excluded_volunteers.count() == 0
    # The rows the statistics count are still there, the others are gone.
    assert _expected(WOMAN, referral)[0] == rows_before
    assert SurveyLink.objects.filter(match__referral=referral).count() == 0
    assert Match.objects.values(*facts).get(pk=story.match.pk) == match_before
    assert AccessEvent.objects.count() == views  # her "who viewed my record" stays
    # The audit trail keeps who and when, not the values.
    event = AuditEvent.objects.filter(
        object_type="participants.referral", object_id=str(referral.pk), action="referral.update"
    ).get()
    assert event.changes == {
        "first_name": [MASK, MASK],
        "notes": [MASK, MASK],
        "contact_value": [MASK, MASK],
    }
    assert summary.audit_masked >= 1
    log = LogEntry.objects.get(object_id=str(referral.pk), content_type__model="referral")
    assert (log.object_repr, log.change_message) == ("Anonymisert", "")
    assert sorted(Message.objects.values_list("pk", flat=True)) == to_others
    assert not DontSendEntry.objects.filter(
        to_address__iexact=story.referral.contact_value
    ).exists()


def test_a_second_anonymisation_does_nothing(world: World, mail_queue: Any) -> None:
    story = canary.story(world)
    anonymise_person(WOMAN, story.referral, now=timezone.now())
    before = canary.dump()
    summary = anonymise_person(WOMAN, story.referral, now=timezone.now())
    assert (summary.already, summary.cleared, summary.deleted) == (True, {}, {})
    assert canary.dump() == before


def test_the_plan_counts_each_kind_of_record_in_bokmal(world: World, mail_queue: Any) -> None:
    story = canary.story(world)
    cleared, deleted = _expected(WOMAN, story.referral)
    items = plan(WOMAN, story.referral)
    assert {i.label: i.count for i in items if not i.delete} == cleared
    assert {i.label: i.count for i in items if i.delete} == deleted
    assert [i.name for i in items] == [title_of(i.label) for i in items]
    referral_item = next(i for i in items if i.label == "participants.referral")
    assert "fornavn eller navnet hun vil kalles" in [str(name) for name in referral_item.cleared]


# --- anonymising a volunteer and her account --------------------------------------------------


def _sessions_of(user: User) -> int:
    return sum(
        1 for s in Session.objects.all() if str(s.get_decoded().get(SESSION_KEY)) == str(user.pk)
    )


def test_the_volunteer_goes_with_her_account(world: World, mail_queue: Any) -> None:
    story = canary.story(world, volunteer_next="end")
    user = story.user
    assert _sessions_of(user) == 1
    assert TOTPDevice.objects.filter(user=user).exists()
    first_name = Referral.objects.get(pk=story.referral.pk).first_name

    summary = anonymise_person(VOLUNTEER, story.volunteer, now=timezone.now())

    assert summary.account == "anonymised"
    account = User.objects.get(pk=user.pk)
    assert (account.email, account.full_name, account.phone) == (
        f"anonymisert-{user.pk}@ugyldig.invalid",
        "Anonymisert",
        "",
    )
    assert (account.is_active, account.has_usable_password()) == (False, False)
    assert account.session_stamp != user.session_stamp
    assert _sessions_of(user) == 0
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user, is_active=True).exists()
    assert not AccessAttempt.objects.filter(username__iexact=user.email).exists()
    volunteer = Volunteer.objects.get(pk=story.volunteer.pk)
    assert (volunteer.full_name, volunteer.email, volunteer.anonymised_at is not None) == (
        "Anonymisert",
        f"anonymisert-{volunteer.pk}@ugyldig.invalid",
        True,
    )
    assert volunteer.date_of_birth.timetuple()[1:3] == (1, 1)
    # The woman is not anonymised with her volunteer.
    referral = Referral.objects.get(pk=story.referral.pk)
    assert (referral.first_name, referral.anonymised_at) == (first_name, None)


def test_an_account_also_used_for_work_stays_hers(world: World) -> None:
    user: Any = factories.UserFactory(email="leder.og.venn@example.no", full_name="Lise Leder")
    Membership.objects.create(user=user, organisation=world.branch, role=Role.GROUP_LEADER)
    Membership.objects.create(user=user, organisation=world.branch, role=Role.VOLUNTEER)
    volunteer = factories.volunteer(world.branch, user=user, status="ended")

    summary = anonymise_person(VOLUNTEER, volunteer, now=timezone.now())

    assert summary.account == "kept (staff)"
    account = User.objects.get(pk=user.pk)
    assert (account.email, account.full_name, account.is_active) == (
        "leder.og.venn@example.no",
        "Lise Leder",
        True,
    )
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert dict(Membership.objects.filter(user=user).values_list("role", "is_active")) == {
        Role.GROUP_LEADER: True,
        Role.VOLUNTEER: False,
    }
    volunteer.refresh_from_db()
    assert (volunteer.full_name, volunteer.anonymised_at is not None) == ("Anonymisert", True)


# --- the audit trail --------------------------------------------------------------------------


def test_mask_changes_masks_personal_keys_only_and_keeps_the_shape() -> None:
    personal = {"first_name", "municipality"}
    assert mask_changes(
        {"first_name": ["Amina", "Ami"], "municipality_id": [1, 2], "status": ["a", "b"]},
        personal,
    ) == {"first_name": [MASK, MASK], "municipality_id": [MASK, MASK], "status": ["a", "b"]}
    assert mask_changes({"first_name": "Amina"}, personal) == {"first_name": MASK}
    assert mask_changes({"first_name": [MASK, MASK]}, personal) is None
    assert mask_changes({"status": ["a", "b"]}, personal) is None
    assert mask_changes(["not", "a", "dict"], personal) is None
