"""The per-process cache of the matching pool (``profile_cache``): never stale.

Each test fills the cache with a request to the candidate page (and checks that the next one
is served from it), changes one input of the pool through its real action or a bulk write,
and checks that the very next request, in the same process, shows the change — and equals
what a cold cache gives.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import login
from ressursvenn.matching import adapter, engine, profile_cache
from ressursvenn.matching.actions.proposals import propose_match
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Municipality
from ressursvenn.tests import factories
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.actions.screening import (
    pause_volunteer,
    record_interview,
    record_police_certificate,
    resume_volunteer,
)
from ressursvenn.volunteers.actions.self_service import update_own_profile
from ressursvenn.volunteers.models import PoliceCertificate, SuitabilityInterview, Volunteer

pytestmark = pytest.mark.django_db

POOL_READ = '"volunteers_volunteer"."capacity"'
"""Only the pool's query reads this column."""


def _pool_reads(queries: CaptureQueriesContext) -> int:
    return sum(POOL_READ in query["sql"] for query in queries.captured_queries)


class Page:
    """The candidate page of one referral, as the group leader sees it."""

    def __init__(self, client: Any, referral: Any) -> None:
        self.client = client
        self.url = reverse("matching:candidates", args=[referral.pk])

    def context(self, **params: str) -> Any:
        response = self.client.get(self.url, params)
        assert response.status_code == 200
        return response.context

    def candidates(self, **params: str) -> list[tuple[Any, ...]]:
        return [
            (c.volunteer_id, c.score, c.mode, c.free_places, tuple(r.text for r in c.reasons))
            for c in self.context(**params)["candidates"]
        ]

    def ids(self, **params: str) -> list[int]:
        return [row[0] for row in self.candidates(**params)]

    def excluded(self) -> dict[str, int]:
        return dict(self.context()["excluded"])

    def warm(self, **params: str) -> list[tuple[Any, ...]]:
        """Fill the cache; the next request is served from it (no pool read)."""
        first = self.candidates(**params)
        with CaptureQueriesContext(connection) as queries:
            again = self.candidates(**params)
        assert _pool_reads(queries) == 0
        assert again == first
        return first

    def cold(self, **params: str) -> list[tuple[Any, ...]]:
        """The page with an empty cache."""
        profile_cache.clear()
        return self.candidates(**params)


@pytest.fixture
def vera(world: Any) -> Volunteer:
    """The branch's one approved volunteer; she lives in Bærum, 12 km from the woman."""
    row = world.volunteer.volunteer
    Volunteer.objects.filter(pk=row.pk).update(municipality_id="3201", max_travel_km=25)
    row.refresh_from_db()
    return row


@pytest.fixture
def referral(world: Any) -> Any:
    return factories.referral(world.centre, world.branch, excluded_areas=["030102"])


@pytest.fixture
def page(client: Any, world: Any, vera: Volunteer, referral: Any) -> Page:
    profile_cache.clear()
    login(client, world.leader)
    return Page(client, referral)


def test_an_unchanged_pool_is_served_from_the_cache(page: Page, vera: Volunteer) -> None:
    with CaptureQueriesContext(connection) as first:
        assert page.ids() == [vera.pk]
    with CaptureQueriesContext(connection) as second:
        assert page.ids() == [vera.pk]
    assert (_pool_reads(first), _pool_reads(second)) == (1, 0)
    assert len(second) == len(first)  # the version and the open matches instead of the pool


# --- every column the pool reads, changed by a bulk update (no action, no save()) -------------

TODAY = timezone.localdate()

COLUMN_CHANGES: dict[str, Any] = {
    "branch_id": "other_branch",
    "status": Volunteer.Status.PAUSED,
    "date_of_birth": screening.add_years(TODAY, -20),
    "municipality_id": "1806",
    "district_id": "030102",
    "max_travel_km": 50,
    "capacity": 0,
    "languages": ["en"],
    "interests": ["chess"],
    "offers": [],
    "availability": [],
    "modes": ["digital"],
    "conflict_areas": ["0301"],
    "screening_valid_until": None,
}


def test_every_column_the_pool_reads_is_watched() -> None:
    assert set(COLUMN_CHANGES) | {"id"} == set(profile_cache.VOLUNTEER_COLUMNS)


@pytest.mark.parametrize("column", sorted(COLUMN_CHANGES))
def test_a_bulk_update_of_any_pool_column_shows_on_the_next_request(
    page: Page, world: Any, vera: Volunteer, column: str
) -> None:
    before = page.warm()
    value = COLUMN_CHANGES[column]
    if value == "other_branch":
        value = world.other_branch.pk
    Volunteer.objects.filter(pk=vera.pk).update(**{column: value})
    after = page.candidates()
    assert after != before
    assert page.cold() == after


def test_pool_query_reads_only_watched_columns() -> None:
    """The adapter's query reads no volunteer column the triggers do not watch."""
    rows = Volunteer.objects.filter(pk=0)
    with CaptureQueriesContext(connection) as queries:
        adapter.volunteer_profiles([1], volunteers=rows)
    sql = next(q["sql"] for q in queries.captured_queries if POOL_READ in q["sql"])
    volunteer = f'"{profile_cache.VOLUNTEER_TABLE}".'
    read = {part.split('"')[0] for part in sql.split(volunteer + '"')[1:]}
    municipality = f'"{profile_cache.MUNICIPALITY_TABLE}".'
    positions = {part.split('"')[0] for part in sql.split(municipality + '"')[1:]}
    assert read == set(profile_cache.VOLUNTEER_COLUMNS)
    assert positions <= set(profile_cache.MUNICIPALITY_COLUMNS)


def test_an_unrelated_column_keeps_the_version_and_the_page_is_fresh(
    page: Page, vera: Volunteer
) -> None:
    page.warm()
    version = profile_cache.current_version([vera.branch_id])
    Volunteer.objects.filter(pk=vera.pk).update(full_name="Vilja Ny", phone="+47 400 00 000")
    assert profile_cache.current_version([vera.branch_id]) == version
    assert [c.first_name for c in page.context()["candidates"]] == ["Vilja"]


# --- the real actions ---------------------------------------------------------------------------


def test_pause_and_resume(page: Page, world: Any, vera: Volunteer) -> None:
    page.warm()
    pause_volunteer(vera, by=world.leader, reason="Ferie")
    assert page.ids() == []
    resume_volunteer(vera, by=world.leader)
    assert page.ids() == [vera.pk]


def test_an_unsuitable_interview(page: Page, world: Any, vera: Volunteer) -> None:
    page.warm()
    record_interview(
        vera,
        by=world.leader,
        held_on=TODAY,
        interviewer=world.leader,
        outcome=SuitabilityInterview.Outcome.NOT_SUITABLE,
    )
    assert page.ids() == []
    assert page.excluded() == {adapter.rule_text(engine.NOT_ELIGIBLE): 1}


def test_police_certificate_removed_then_recorded(page: Page, world: Any, vera: Volunteer) -> None:
    page.warm()
    PoliceCertificate.objects.filter(volunteer=vera).delete()
    screening.refresh_valid_until([vera.pk])  # what a bulk writer of checklist rows does
    assert page.ids() == []
    record_police_certificate(
        vera,
        by=world.leader,
        kind=PoliceCertificate.Kind.ORDINARY,
        issued_on=TODAY - datetime.timedelta(days=3),
        seen_on=TODAY,
    )
    assert page.ids() == [vera.pk]


def test_a_certificate_lapses_when_the_day_changes(
    page: Page, vera: Volunteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    PoliceCertificate.objects.filter(volunteer=vera).update(renewal_due_on=TODAY)
    screening.refresh_valid_until([vera.pk])
    page.warm()
    real_localdate = timezone.localdate

    def tomorrow(value: Any = None, timezone: Any = None) -> datetime.date:
        day = real_localdate(value, timezone)
        return day + datetime.timedelta(days=1) if value is None else day

    monkeypatch.setattr(timezone, "localdate", tomorrow)
    assert page.ids() == []


def test_her_own_profile_edit(page: Page, world: Any, vera: Volunteer) -> None:
    before = page.warm()
    update_own_profile(vera, by=world.volunteer, modes=["digital"], interests=["chess"])
    after = page.candidates()
    assert [row[2] for row in after] == ["Digitalt (video eller telefon)"]
    assert after[0][1] < before[0][1]
    assert page.cold() == after


def test_a_required_language_she_adds(client: Any, world: Any, vera: Volunteer) -> None:
    referral = factories.referral(
        world.centre, world.branch, languages=["nb", "ar"], required_languages=["ar"]
    )
    page = Page(login(client, world.leader), referral)
    assert page.warm() == []
    update_own_profile(vera, by=world.volunteer, languages=["nb", "ar"])
    assert page.ids() == [vera.pk]


def test_the_minimum_age_setting(page: Page, vera: Volunteer, settings: Any) -> None:
    page.warm()
    settings.VOLUNTEER_MIN_AGE = 70
    assert page.ids() == []


# --- inputs read afresh: capacity, her earlier matches ------------------------------------------


def test_a_proposal_for_another_woman_takes_her_last_place(
    page: Page, world: Any, vera: Volunteer
) -> None:
    page.warm()
    other = factories.referral(world.centre, world.branch, first_name="Berit")
    match = propose_match(other, vera, by=world.leader)
    assert page.ids() == []
    assert page.excluded() == {adapter.rule_text(engine.NO_CAPACITY): 1}
    Match.objects.filter(pk=match.pk).update(status=Match.Status.CANCELLED)
    assert page.ids() == [vera.pk]


def test_a_place_that_frees_up_after_the_cache_was_filled(
    page: Page, world: Any, vera: Volunteer
) -> None:
    """The cache was built while she had an open match: closing it frees her place."""
    Volunteer.objects.filter(pk=vera.pk).update(capacity=2)
    other = factories.referral(world.centre, world.branch, first_name="Berit")
    match = factories.match(other, vera)
    assert [row[3] for row in page.warm()] == [1]  # one free place shown
    Match.objects.filter(pk=match.pk).update(status=Match.Status.CANCELLED)
    assert [row[3] for row in page.candidates()] == [2]
    factories.match(factories.referral(world.centre, world.branch), vera)
    factories.match(factories.referral(world.centre, world.branch), vera)
    assert page.ids() == []


def test_an_earlier_cancelled_match_of_this_pair(
    page: Page, referral: Any, vera: Volunteer
) -> None:
    page.warm()
    factories.match(referral, vera, status=Match.Status.CANCELLED)
    assert page.ids() == []
    assert page.excluded() == {adapter.rule_text(engine.EARLIER_PROPOSAL): 1}


# --- rows added and removed, other tables ------------------------------------------------------


def test_a_new_volunteer_and_a_bulk_created_one(page: Page, world: Any, vera: Volunteer) -> None:
    page.warm()
    siri = factories.volunteer(world.branch, full_name="Siri Ny")
    assert sorted(page.ids()) == sorted([vera.pk, siri.pk])
    (bulk,) = Volunteer.objects.bulk_create(
        [
            Volunteer(
                branch=world.branch,
                status=Volunteer.Status.APPROVED,
                full_name="Bodil Bulk",
                email="bodil@example.no",
                date_of_birth=screening.add_years(TODAY, -50),
                municipality_id="0301",
                screening_valid_until=TODAY,
            )
        ]
    )
    assert sorted(page.ids()) == sorted([vera.pk, siri.pk, bulk.pk])


def test_a_deleted_volunteer(page: Page, vera: Volunteer) -> None:
    page.warm()
    Volunteer.objects.filter(pk=vera.pk).delete()
    assert page.ids() == []


def test_a_volunteer_moved_in_from_another_branch(page: Page, world: Any, vera: Volunteer) -> None:
    page.warm()
    other = world.other_volunteer.volunteer
    Volunteer.objects.filter(pk=other.pk).update(branch=world.branch)
    assert sorted(page.ids()) == sorted([vera.pk, other.pk])


def test_a_municipality_moved(client: Any, world: Any, vera: Volunteer) -> None:
    """Only in person: Bærum's centre moved 1,000 km away puts her out of reach."""
    referral = factories.referral(world.centre, world.branch, modes=["in_person"])
    page = Page(login(client, world.leader), referral)
    assert [row[0] for row in page.warm()] == [vera.pk]
    Municipality.objects.filter(code="3201").update(lat=69.0)
    assert page.ids() == []
    assert page.excluded() == {adapter.rule_text(engine.TOO_FAR): 1}


def test_the_region_pool_is_cached_apart_and_kept_fresh(
    client: Any, world: Any, vera: Volunteer
) -> None:
    bodo = factories.branch("Bodø Sanitetsforening", "1804")
    frida = factories.volunteer(bodo, full_name="Frida Fjern")
    referral = factories.referral(world.other_centre, world.other_branch)
    page = Page(login(client, world.leader), referral)
    page.client = login(client, world.other_leader)
    nearby = page.warm()
    assert [row[0] for row in page.warm(region="on")] == [r[0] for r in nearby] + [frida.pk]
    Volunteer.objects.filter(pk=frida.pk).update(modes=["in_person"])
    assert page.ids(region="on") == [r[0] for r in nearby]
    assert page.candidates() == nearby


# --- the safety net: triggers, versions ---------------------------------------------------------


def _drop_update_trigger() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER matching_pool_update ON {profile_cache.VOLUNTEER_TABLE}")
        else:
            cursor.execute("DROP TRIGGER matching_pool_update")


def test_without_its_triggers_nothing_is_cached(page: Page, vera: Volunteer) -> None:
    page.warm()
    _drop_update_trigger()
    assert profile_cache.current_version([vera.branch_id]) is None
    with CaptureQueriesContext(connection) as queries:
        page.ids()
    assert _pool_reads(queries) == 1
    Volunteer.objects.filter(pk=vera.pk).update(status=Volunteer.Status.PAUSED)
    assert page.ids() == []
    profile_cache.reinstall_after_migrate()  # what the next migrate does
    assert profile_cache.current_version([vera.branch_id]) is not None
    Volunteer.objects.filter(pk=vera.pk).update(status=Volunteer.Status.APPROVED)
    assert page.warm() != []


def test_triggers_from_an_older_definition_are_not_trusted(vera: Volunteer) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {profile_cache.TABLE} SET token = %s WHERE branch_id = %s",  # noqa: S608
            ["old", profile_cache.MARKER],
        )
    assert profile_cache.current_version([vera.branch_id]) is None
    profile_cache.install(connection)
    assert profile_cache.current_version([vera.branch_id]) is not None


def test_install_gives_every_pool_a_new_version(vera: Volunteer) -> None:
    before = profile_cache.current_version([vera.branch_id])
    profile_cache.install(connection)
    assert profile_cache.current_version([vera.branch_id]) != before


class RollbackError(Exception):
    pass


def test_a_rolled_back_change_leaves_the_version(vera: Volunteer) -> None:
    before = profile_cache.current_version([vera.branch_id])
    inside = []

    def change_then_fail() -> None:
        with transaction.atomic():
            Volunteer.objects.filter(pk=vera.pk).update(capacity=3)
            inside.append(profile_cache.current_version([vera.branch_id]))
            raise RollbackError

    with pytest.raises(RollbackError):
        change_then_fail()
    assert inside != [before]
    assert len(inside) == 1
    assert profile_cache.current_version([vera.branch_id]) == before


def test_a_change_in_one_branch_keeps_the_version_of_another(world: Any, vera: Volunteer) -> None:
    other = world.other_volunteer.volunteer
    before = profile_cache.current_version([other.branch_id])
    Volunteer.objects.filter(pk=vera.pk).update(capacity=3)
    assert profile_cache.current_version([other.branch_id]) == before
    assert profile_cache.current_version([vera.branch_id]) != before
