"""Rows → the matching engine's plain profiles (DESIGN.md §5).

The engine (``matching/engine``) knows nothing about Django; this module reads volunteers and
referrals in a fixed number of queries and builds its ``VolunteerProfile`` /
``ParticipantProfile``.

Pool of volunteers (``volunteer_profiles``): the **approved** volunteers of the given branches.
Applicants and paused, ended or rejected volunteers are not in the pool at all (they are not
volunteers the group leader can match). Within the pool, ``eligible`` is whether every screening
requirement holds today: ``volunteers.screening.cleared_q`` on the stored
``Volunteer.screening_valid_until`` and the date of birth (two columns of the row, no subquery),
which the screening actions keep equal to the rules of ``volunteers.screening.checklist`` (a
test compares the two over many volunteers and days). At 20,000 volunteers the checklist per
row, or a subquery per requirement, would be too slow.

The candidate page reads the pool through ``volunteer_pool``: the same profiles as an
``engine.VolunteerPool`` kept in this process (``profile_cache``) while a version the database's
triggers keep for each branch is unchanged; only the open matches are counted afresh.

Region for digital matches: ``region_branch_ids(branch)`` is every active branch whose host
municipality lies in the same county as the branch. Volunteers of *other* branches in the region
are offered for **digital** meetings only (their profile keeps only the ``digital`` mode), so
the group leader never sends a woman to meet, in person, a volunteer another branch follows up.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib.crypto import decrypt_json
from ressursvenn.matching import engine, profile_cache
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import Volunteer, age_on

NO_PREFERENCE_MAX_AGE = 120
"""Upper end of a wished age range when only the lower end was given."""

RULE_TEXT: dict[str, Promise] = {
    engine.NOT_ELIGIBLE: _("Ikke godkjent, politiattesten er ikke gyldig, eller har pause"),
    engine.NO_CAPACITY: _("Har ikke plass til flere"),
    engine.EXCLUDED_VOLUNTEER: _("Utelukket for denne kvinnen"),
    engine.EARLIER_PROPOSAL: _("Har hatt et forslag for henne som ble avslått eller avbrutt"),
    engine.CONFLICT_AREA: _("Har oppgitt en konflikt med området hennes"),
    engine.EXCLUDED_AREA: _("Bor i et område krisesenteret har utelukket"),
    engine.REQUIRED_LANGUAGE: _("Snakker ikke språket hun trenger"),
    engine.NO_COMMON_MODE: _("Ingen felles måte å møtes på"),
    engine.TOO_FAR: _("For langt unna for å møtes, og ikke digitalt"),
}
"""``engine.HARD_RULE_TEXT`` as translatable text (a test keeps the bokmål the same)."""


def rule_text(rule: str) -> str:
    """The hard rule's line for people (bokmål or the user's language)."""
    return str(RULE_TEXT.get(rule, engine.HARD_RULE_TEXT.get(rule, rule)))


def weights() -> engine.Weights:
    """The programme's weights: ``settings.MATCHING_WEIGHTS`` (a dict) or the engine's defaults."""
    configured = getattr(settings, "MATCHING_WEIGHTS", None)
    return engine.Weights(**configured) if configured else engine.DEFAULT_WEIGHTS


def _text(expression: Any) -> Cast:
    """A column as text: JSON lists and dates are parsed here, much faster than per field."""
    return Cast(expression, output_field=TextField())


_SETS = ("languages", "interests", "offers", "availability", "modes", "conflict_areas")


def _modes(codes: Iterable[str] | None) -> frozenset[str]:
    """Stored meeting modes; none stated means either way."""
    modes = frozenset(codes or ()) & engine.MODES
    return modes or engine.MODES


def volunteer_profiles(
    branch_ids: Iterable[int],
    *,
    home_branch_id: int | None = None,
    today: datetime.date | None = None,
    volunteers: QuerySet[Volunteer] | None = None,
) -> list[engine.VolunteerProfile]:
    """Profiles of the approved volunteers of ``branch_ids``, in one query for any number.

    ``capacity_left`` = capacity − open matches (proposed, planned, active, paused). When
    ``home_branch_id`` is given, volunteers of other branches keep only the digital mode.
    ``volunteers`` narrows the rows further (e.g. one volunteer, locked, in ``propose_match``).

    Speed (20,000 rows): the rows come from the driver without Django's converters (JSON
    lists and dates as text, parsed once per distinct value), and a profile built from an
    identical row earlier today is reused (``_memo``). ``volunteer_pool`` also keeps them.
    """
    return _profiles(
        list(branch_ids),
        home_branch_id=home_branch_id,
        today=today or timezone.localdate(),
        volunteers=volunteers,
    )


def volunteer_pool(
    branch_ids: Iterable[int],
    *,
    home_branch_id: int | None = None,
    today: datetime.date | None = None,
) -> engine.VolunteerPool:
    """The profiles of ``volunteer_profiles`` (the same ones) as an ``engine.VolunteerPool``
    for ``engine.rank``, in two queries.

    Everything but the free places comes from this process's cache (``profile_cache``) while
    the database's version of these branches is unchanged: then the open matches are counted
    (one query) and ``capacity_left`` = the cached one + the open matches counted when it was
    built − those open now. Else the version and the rows (open matches included) are read.
    """
    today = today or timezone.localdate()
    branch_ids = sorted(set(branch_ids))
    key = (
        "volunteer_pool",
        tuple(branch_ids),
        home_branch_id,
        today.isoformat(),
        settings.VOLUNTEER_MIN_AGE,
    )

    def build() -> tuple[engine.VolunteerPool, dict[int, int]]:
        in_use: dict[int, int] = {}
        profiles = _profiles(branch_ids, home_branch_id=home_branch_id, today=today, in_use=in_use)
        return engine.VolunteerPool(profiles), in_use

    (pool, built_in_use), fresh = profile_cache.cached(
        key, branch_ids, build, size=lambda value: len(value[0])
    )
    if fresh:
        return pool
    in_use = dict(
        Match.objects.filter(
            status__in=Match.OPEN_STATUSES,
            volunteer__branch_id__in=branch_ids,
            volunteer__status=Volunteer.Status.APPROVED,
        )
        .order_by()
        .values("volunteer_id")
        .annotate(n=Count("pk"))
        .values_list("volunteer_id", "n")
    )
    left = {}
    for volunteer_id in built_in_use.keys() | in_use.keys():
        change = built_in_use.get(volunteer_id, 0) - in_use.get(volunteer_id, 0)
        profile = pool.get(volunteer_id)
        if change and profile is not None:
            left[volunteer_id] = profile.capacity_left + change
    return pool.with_capacity_left(left)


def _profiles(
    branch_ids: list[int],
    *,
    home_branch_id: int | None,
    today: datetime.date,
    volunteers: QuerySet[Volunteer] | None = None,
    in_use: dict[int, int] | None = None,
) -> list[engine.VolunteerProfile]:
    """The profiles (``capacity_left`` = capacity − open matches); ``in_use`` is given each
    volunteer's number of open matches, when she has any."""
    iso_today = today.isoformat()
    open_matches = (
        Match.objects.filter(volunteer=OuterRef("pk"), status__in=Match.OPEN_STATUSES)
        .order_by()
        .values("volunteer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        (volunteers if volunteers is not None else Volunteer.objects.all())
        .filter(branch_id__in=branch_ids, status=Volunteer.Status.APPROVED)
        .order_by()
        .annotate(
            open_matches=Coalesce(Subquery(open_matches, output_field=IntegerField()), 0),
            birth=_text("date_of_birth"),
            **{f"{name}_text": _text(name) for name in _SETS},
            cleared=ExpressionWrapper(screening.cleared_q(today), output_field=BooleanField()),
        )
        .values_list(
            "pk",
            "branch_id",
            "birth",
            "municipality_id",
            "district_id",
            "municipality__lat",
            "municipality__lon",
            "max_travel_km",
            "capacity",
            "open_matches",
            *(f"{name}_text" for name in _SETS),
            "cleared",
        )
    )
    memo = _memo(iso_today, home_branch_id)
    profiles = []
    for row in _raw_rows(rows):
        profile = memo.get(row, _MISSING)
        if profile is _MISSING:
            profile = memo[row] = _profile(row, today, home_branch_id)
        if profile is not None:
            profiles.append(profile)
            if in_use is not None and row[9]:
                in_use[row[0]] = row[9]
    return profiles


_MISSING: Any = object()
_MEMO_ROWS = 50_000
_memos: dict[tuple[str, int | None], dict[tuple[Any, ...], engine.VolunteerProfile | None]] = {}


def _memo(
    iso_today: str, home_branch_id: int | None
) -> dict[tuple[Any, ...], engine.VolunteerProfile | None]:
    """Profiles already built from identical rows, today, for this home branch.

    A profile is a pure function of its row (every column it depends on is in the row), the
    day and the home branch, and it is immutable: reusing it is safe and saves most of the
    Python time at 20,000 volunteers. Bounded: emptied when a new day starts or it is full.
    """
    key = (iso_today, home_branch_id)
    memo = _memos.get(key)
    if memo is None or len(memo) > _MEMO_ROWS:
        if len(_memos) > 8 or any(day != iso_today for day, _home in _memos):
            _memos.clear()
        memo = _memos[key] = {}
    return memo


@functools.lru_cache(maxsize=4096)
def _as_set(text: str | None) -> frozenset[str]:
    return frozenset(json.loads(text) if text else ())


@functools.lru_cache(maxsize=4096)
def _decrypted_set(stored: str | None) -> frozenset[str]:
    """An encrypted list column (``conflict_areas``) as the driver returns it, decrypted here:
    the database holds ciphertext only, so no SQL can filter on it."""
    return frozenset(decrypt_json(stored)) if stored else frozenset()


def _profile(
    row: tuple[Any, ...], today: datetime.date, home_branch_id: int | None
) -> engine.VolunteerProfile | None:
    """One volunteer's profile from a row of ``volunteer_profiles`` (None: not offered)."""
    (pk, branch_id, birth, municipality, district, lat, lon, travel, capacity, in_use) = row[:10]
    languages, interests, offers, availability, modes_text, conflicts = row[10:16]
    modes = _modes(_as_set(modes_text))
    if home_branch_id is not None and branch_id != home_branch_id:
        modes = modes & {engine.DIGITAL}
        if not modes:
            return None  # cannot meet digitally: not a candidate outside her own branch
    return engine.VolunteerProfile(
        id=pk,
        age=age_on(datetime.date.fromisoformat(birth[:10]), today),
        municipality=municipality,
        district=district,
        location=(lat, lon) if lat is not None and lon is not None else None,
        languages=_as_set(languages),
        interests=_as_set(interests),
        offers=_as_set(offers),
        availability=_as_set(availability),
        modes=modes,
        max_travel_km=float(travel),
        capacity_left=capacity - in_use,
        conflict_areas=_decrypted_set(conflicts),
        eligible=bool(row[16]),
    )


def _raw_rows(rows: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows as the database driver returns them, without Django's converters per value.

    Every column read here is text, a number or NULL (booleans may come as 0/1), so no
    conversion is needed; skipping it saves a third of the time at 20,000 rows.
    """
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def region_branch_ids(branch: Organisation) -> list[int]:
    """Active branches whose host municipality is in the same county as ``branch`` (one query).

    A branch without a host municipality is a region of its own.
    """
    if branch.municipality_id is None:
        return [branch.pk]
    county = Organisation.objects.filter(pk=branch.pk).values("municipality__county_id")
    ids = list(
        Organisation.objects.branches()
        .active()
        .filter(municipality__county_id=Subquery(county))
        .values_list("pk", flat=True)
    )
    return ids if branch.pk in ids else [branch.pk, *ids]


def participant_profile(
    referral: Referral, *, now: datetime.datetime | None = None
) -> engine.ParticipantProfile:
    """A referral as the engine sees her. Needs ``municipality`` (select_related) and reads the
    ids of her excluded volunteers and of her earlier declined or cancelled matches (prefetched
    by ``referrals_for_matching``, or one query each)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    low, high = referral.preferred_age_min, referral.preferred_age_max
    preferred: tuple[int, int] | None = None
    if low is not None or high is not None:
        preferred = (low or 0, high if high is not None else NO_PREFERENCE_MAX_AGE)
    municipality = referral.municipality
    return engine.ParticipantProfile(
        id=referral.pk,
        age=referral.age(today),
        municipality=referral.municipality_id,
        district=referral.district_id,
        location=(municipality.lat, municipality.lon),
        languages=frozenset(referral.languages or ()),
        required_languages=frozenset(referral.required_languages or ()),
        interests=frozenset(referral.interests or ()),
        needs=frozenset(referral.needs or ()),
        availability=frozenset(referral.availability or ()),
        modes=_modes(referral.modes),
        preferred_age=preferred,
        excluded_areas=frozenset(referral.excluded_areas or ()),
        excluded_volunteers=frozenset(v.pk for v in referral.excluded_volunteers.all()),
        earlier_volunteers=earlier_volunteer_ids(referral),
        waiting_days=referral.waiting_days(now),
    )


EARLIER_MATCHES = "earlier_matches"
"""The attribute ``referrals_for_matching`` prefetches her cancelled matches into."""


def earlier_volunteer_ids(referral: Referral) -> frozenset[int]:
    """Volunteers whose earlier proposal or match for this woman was declined or cancelled
    (a no from the volunteer, a koblingsmøte that led nowhere, or a cancelled match): the
    engine never proposes the pair again."""
    earlier = getattr(referral, EARLIER_MATCHES, None)
    if earlier is None:
        earlier = Match.objects.filter(referral=referral, status=Match.Status.CANCELLED)
    return frozenset(match.volunteer_id for match in earlier)


def referrals_for_matching(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """What ``participant_profile`` reads, fetched in a fixed number of queries."""
    return referrals.select_related("municipality").prefetch_related(
        Prefetch("excluded_volunteers", queryset=Volunteer.objects.only("pk")),
        Prefetch(
            "matches",
            queryset=Match.objects.filter(status=Match.Status.CANCELLED).only(
                "pk", "referral_id", "volunteer_id"
            ),
            to_attr=EARLIER_MATCHES,
        ),
    )
