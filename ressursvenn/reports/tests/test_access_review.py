"""The findings of the access-log review (reports/access_review.py) against hand-made views."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit import record_access, record_change
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.reports import access_review
from ressursvenn.reports.access_review import Period
from ressursvenn.reports.audit import OSLO
from ressursvenn.tests import factories

PERIOD = Period(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
LONG_AGO = datetime.datetime(2024, 1, 1, tzinfo=OSLO)


def _oslo(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=OSLO)


def _view(
    user: Any, record: Any, at: datetime.datetime, *, role: str = "", organisation: Any = None
) -> AccessEvent:
    event = record_access(record, user=user, role=role, organisation=organisation)
    AccessEvent.objects.filter(pk=event.pk).update(at=at)
    event.refresh_from_db()
    return event


@pytest.fixture
def people(world: World) -> dict[str, Any]:
    """Records to look at; every membership of the world held since long ago."""
    Membership.objects.update(created_at=LONG_AGO)
    return {
        "women": [factories.referral(world.centre, world.branch) for _ in range(3)],
        "volunteer": world.volunteer.volunteer,
    }


def _leader_view(world: World, record: Any, at: datetime.datetime) -> AccessEvent:
    return _view(world.leader, record, at, role=Role.GROUP_LEADER, organisation=world.branch)


# --- the period -----------------------------------------------------------------------------


def test_period_includes_its_first_and_last_day_in_oslo_time(
    world: World, people: dict[str, Any]
) -> None:
    woman = people["women"][0]
    inside = [
        _leader_view(world, woman, _oslo(3, 1, 0, 0)),
        _leader_view(world, woman, _oslo(3, 31, 23, 59)),
    ]
    _leader_view(world, woman, _oslo(2, 28, 23, 59))
    _leader_view(world, woman, _oslo(4, 1, 0, 0))
    assert sorted(access_review.events_in(PERIOD).values_list("pk", flat=True)) == sorted(
        event.pk for event in inside
    )
    assert PERIOD.text == "01.03.2025–31.03.2025"


def test_default_period_is_the_last_30_days() -> None:
    period = Period.last_days(today=datetime.date(2025, 3, 30))
    assert (period.starts_on, period.ends_on) == (
        datetime.date(2025, 3, 1),
        datetime.date(2025, 3, 30),
    )


# --- (a) many records -----------------------------------------------------------------------


def test_users_by_distinct_records_viewed(
    world: World, people: dict[str, Any], monkeypatch: Any
) -> None:
    a, b, c = people["women"]
    for record in (a, b, c, a):
        _leader_view(world, record, _oslo(3, 5))
    for _ in range(3):
        _view(world.staff, a, _oslo(3, 6), role=Role.CRISIS_STAFF, organisation=world.centre)
    _leader_view(world, people["volunteer"], _oslo(4, 2))  # outside the period
    monkeypatch.setattr(access_review, "MANY_RECORDS", 2)
    rows = access_review.many_records(PERIOD)
    assert [(row.name, row.records, row.views, row.flagged) for row in rows] == [
        (world.leader.full_name, 3, 4, True),
        (world.staff.full_name, 1, 3, False),
    ]
    assert access_review.many_records_count(PERIOD) == 1
    assert rows[0].link == (
        "/rapporter/revisjon/?logg=innsyn&email="
        + world.leader.email.replace("@", "%40")
        + "&date_from=2025-03-01&date_to=2025-03-31"
    )
    assert [row.name for row in access_review.many_records(PERIOD, limit=1)] == [
        world.leader.full_name
    ]


def test_the_same_number_in_two_kinds_of_record_are_two_records(
    world: World, people: dict[str, Any]
) -> None:
    woman, volunteer = people["women"][0], people["volunteer"]
    _leader_view(world, woman, _oslo(3, 5))
    _leader_view(world, volunteer, _oslo(3, 5))
    AccessEvent.objects.update(object_id="7")
    (row,) = access_review.many_records(PERIOD)
    assert (row.records, row.views) == (2, 2)


# --- (b) outside her organisations ----------------------------------------------------------


def test_views_outside_the_users_organisations(world: World, people: dict[str, Any]) -> None:
    woman = people["women"][0]
    usual = _leader_view(world, woman, _oslo(3, 5))
    other_branch = _view(
        world.leader, woman, _oslo(3, 6), role=Role.GROUP_LEADER, organisation=world.other_branch
    )
    other_role = _view(
        world.leader, woman, _oslo(3, 7), role=Role.CRISIS_STAFF, organisation=world.branch
    )
    no_organisation = _view(world.staff, woman, _oslo(3, 8), role=Role.CRISIS_STAFF)
    # A role given after the view was not held at the view.
    newcomer = factories.member(world.centre, Role.CRISIS_STAFF, full_name="Nye Nilsen")
    Membership.objects.filter(user=newcomer).update(created_at=_oslo(3, 20))
    before_role = _view(
        newcomer, woman, _oslo(3, 10), role=Role.CRISIS_STAFF, organisation=world.centre
    )
    after_role = _view(
        newcomer, woman, _oslo(3, 21), role=Role.CRISIS_STAFF, organisation=world.centre
    )
    outside = sorted(access_review.outside_events(PERIOD).values_list("pk", flat=True))
    assert outside == sorted([other_branch.pk, other_role.pk, no_organisation.pk, before_role.pk])
    assert usual.pk not in outside
    assert after_role.pk not in outside
    rows = access_review.outside_usual(PERIOD)
    assert sorted((row.name, str(row.role), row.organisation, row.views) for row in rows) == sorted(
        [
            (world.leader.full_name, "Gruppeleder", world.other_branch.name, 1),
            (world.leader.full_name, "Krisesenteransatt", world.branch.name, 1),
            (world.staff.full_name, "Krisesenteransatt", "", 1),
            ("Nye Nilsen", "Krisesenteransatt", world.centre.name, 1),
        ]
    )
    link = next(row.link for row in rows if row.organisation == world.other_branch.name)
    assert "organisation=Narvik+Sanitetsforening" in link
    assert "logg=innsyn" in link


def test_an_ended_role_counts_until_it_ended(world: World, people: dict[str, Any]) -> None:
    woman = people["women"][0]
    membership = Membership.objects.get(user=world.leader)
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    ended = record_change(
        membership,
        by=world.coordinator,
        action=AuditAction.MEMBERSHIP_END,
        changes={"is_active": [True, False]},
    )
    AuditEvent.objects.filter(pk=ended.pk).update(at=_oslo(3, 15))
    while_held = _leader_view(world, woman, _oslo(3, 14))
    after_end = _leader_view(world, woman, _oslo(3, 16))
    assert list(access_review.outside_events(PERIOD).values_list("pk", flat=True)) == [after_end.pk]
    assert while_held.pk != after_end.pk


# --- (c) at night -----------------------------------------------------------------------------


@pytest.mark.parametrize("ranges", [True, False], ids=["night ranges", "hour of each row"])
def test_views_at_night_in_oslo_time(
    world: World, people: dict[str, Any], ranges: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not ranges:  # the way of periods too long for one range a night
        monkeypatch.setattr(access_review, "MAX_NIGHT_RANGES", 0)
    woman = people["women"][0]
    for hour, minute in ((21, 59), (6, 0), (12, 0)):
        _leader_view(world, woman, _oslo(3, 5, hour, minute))
    night = [
        _leader_view(world, woman, _oslo(3, 5, 22, 0)),
        _leader_view(world, woman, _oslo(3, 6, 5, 59)),
        # Summer time (from 30 March): 23.30 in Oslo is 21.30 UTC.
        _leader_view(world, woman, _oslo(3, 30, 23, 30)),
        _view(world.staff, woman, _oslo(3, 31, 2, 0), role=Role.CRISIS_STAFF,
              organisation=world.centre),
    ]  # fmt: skip
    assert sorted(access_review.night_events(PERIOD).values_list("pk", flat=True)) == sorted(
        event.pk for event in night
    )
    rows = access_review.at_night(PERIOD)
    assert [(row.name, row.views, row.records) for row in rows] == [
        (world.leader.full_name, 3, 1),
        (world.staff.full_name, 1, 1),
    ]


def test_views_per_hour(world: World, people: dict[str, Any]) -> None:
    woman = people["women"][0]
    for hour in (0, 0, 9, 23, 13):
        _leader_view(world, woman, _oslo(3, 30, hour, 15))  # summer time
    _leader_view(world, woman, _oslo(3, 3, 9, 15))  # winter time
    hours = access_review.per_hour(PERIOD)
    assert [hour.hour for hour in hours] == list(range(24))
    assert {hour.hour: hour.views for hour in hours if hour.views} == {0: 2, 9: 2, 13: 1, 23: 1}
    assert [hour.hour for hour in hours if hour.night] == [0, 1, 2, 3, 4, 5, 22, 23]


def test_review_adds_up(world: World, people: dict[str, Any]) -> None:
    woman = people["women"][0]
    _leader_view(world, woman, _oslo(3, 5, 23))
    _leader_view(world, woman, _oslo(3, 5, 12))
    _view(world.leader, woman, _oslo(3, 5, 13), role=Role.GROUP_LEADER, organisation=None)
    result = access_review.review(PERIOD)
    assert (result.total, result.night_total, result.outside_total, result.many_flagged) == (
        3,
        1,
        1,
        0,
    )


# --- the chart and the export -----------------------------------------------------------------


def test_hour_chart_draws_each_hour_with_views_and_marks_the_night() -> None:
    hours = [access_review.Hour(hour, 3 if hour in (2, 14) else 0) for hour in range(24)]
    svg = str(access_review.hour_chart(hours))
    assert svg.startswith('<svg class="report-chart"')
    assert 'role="img"' in svg
    bars = [
        line for line in svg.splitlines() if line.startswith("<rect") and 'width="12"' not in line
    ]
    night_bands = [line for line in bars if 'y="0"' in line]
    assert len(night_bands) == 8
    assert len(bars) - len(night_bands) == 2  # one bar per hour with views
    assert "Natt (22.00–06.00)" in svg
    assert "viewBox" not in svg
    assert "style=" not in svg


def test_rows_for_export_oldest_first(world: World, people: dict[str, Any]) -> None:
    woman = people["women"][0]
    late = _leader_view(world, woman, _oslo(3, 6, 9, 30))
    _view(world.staff, people["volunteer"], _oslo(3, 5, 14, 5), role=Role.CRISIS_STAFF)
    rows = list(access_review.rows_for_export(PERIOD))
    assert [
        (row.at_text, row.user, row.role, row.organisation, row.record_type, row.record_id)
        for row in rows
    ] == [
        ("05.03.2025 14:05:00", world.staff.full_name, "Krisesenteransatt", "", "ressursvenn",
         str(people["volunteer"].pk)),
        ("06.03.2025 09:30:00", world.leader.full_name, "Gruppeleder", world.branch.name,
         "henvisning", late.object_id),
    ]  # fmt: skip
