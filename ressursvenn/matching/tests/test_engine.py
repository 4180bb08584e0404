"""Unit tests of the matching engine: hard rules, reasons, scores, rank and assign."""

from __future__ import annotations

from typing import Any

import pytest

from ressursvenn.matching.engine import (
    CONFLICT_AREA,
    DEFAULT_WEIGHTS,
    DIGITAL,
    EARLIER_PROPOSAL,
    EXCLUDED_AREA,
    EXCLUDED_VOLUNTEER,
    FACTORS,
    HARD_RULE_TEXT,
    HARD_RULES,
    IN_PERSON,
    NO_CAPACITY,
    NO_COMMON_MODE,
    NOT_ELIGIBLE,
    REQUIRED_LANGUAGE,
    TOO_FAR,
    ParticipantProfile,
    Proposal,
    VolunteerProfile,
    Weights,
    assign,
    evaluate,
    failing_rule,
    haversine_km,
    rank,
    waiting_bonus,
)
from ressursvenn.matching.engine.labels import join_nb, nb_sort_key
from ressursvenn.matching.engine.scoring import points_of, round_half_up

OSLO = (59.9139, 10.7522)
BAERUM = (59.8898, 10.5236)  # 13 km from Oslo
BERGEN = (60.3913, 5.3221)  # 305 km from Oslo
PLACES = {"0301": OSLO, "3201": BAERUM, "4601": BERGEN}


def make_volunteer(id: int | str = 1, **kw: Any) -> VolunteerProfile:
    municipality = kw.pop("municipality", "0301")
    defaults: dict[str, Any] = {
        "age": 40,
        "location": PLACES.get(municipality),
        "languages": {"nb"},
        "max_travel_km": 20,
    }
    return VolunteerProfile(id=id, municipality=municipality, **{**defaults, **kw})


def make_participant(id: int | str = "p1", **kw: Any) -> ParticipantProfile:
    municipality = kw.pop("municipality", "0301")
    defaults: dict[str, Any] = {"age": 35, "location": PLACES.get(municipality)}
    return ParticipantProfile(id=id, municipality=municipality, **{**defaults, **kw})


def reason_text(suggestion_reasons: tuple[Any, ...], factor: str) -> str:
    return next(str(r.text) for r in suggestion_reasons if r.factor == factor)


def only(participant: ParticipantProfile, volunteer: VolunteerProfile) -> Any:
    found = evaluate(participant, volunteer)
    assert found is not None, failing_rule(participant, volunteer)
    return found


# --- Hard rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("participant", "volunteer", "rule"),
    [
        ({}, {"eligible": False}, NOT_ELIGIBLE),
        ({}, {"capacity_left": 0}, NO_CAPACITY),
        ({}, {"capacity_left": -1}, NO_CAPACITY),
        ({"excluded_volunteers": {1}}, {}, EXCLUDED_VOLUNTEER),
        ({"excluded_volunteers": {"1"}}, {}, EXCLUDED_VOLUNTEER),  # ids compared as strings
        ({}, {"conflict_areas": {"0301"}}, CONFLICT_AREA),
        ({"district": "030105"}, {"conflict_areas": {"030105"}}, CONFLICT_AREA),
        ({"excluded_areas": {"3201"}}, {"municipality": "3201"}, EXCLUDED_AREA),
        ({"excluded_areas": {"030102"}}, {"district": "030102"}, EXCLUDED_AREA),
        ({"required_languages": {"ar"}}, {"languages": {"nb", "so"}}, REQUIRED_LANGUAGE),
        ({"modes": {IN_PERSON}}, {"modes": {DIGITAL}}, NO_COMMON_MODE),
        ({"modes": {DIGITAL}}, {"modes": {IN_PERSON}}, NO_COMMON_MODE),
        ({"modes": set()}, {}, NO_COMMON_MODE),
        ({"modes": {IN_PERSON}}, {"municipality": "4601"}, TOO_FAR),
        ({"modes": {IN_PERSON}}, {"municipality": "3201", "max_travel_km": 10}, TOO_FAR),
        ({"modes": {IN_PERSON}, "location": None}, {}, TOO_FAR),
        ({"modes": {IN_PERSON}}, {"location": None}, TOO_FAR),
        ({}, {"modes": {IN_PERSON}, "municipality": "4601"}, TOO_FAR),
    ],
)
def test_each_hard_rule_excludes(
    participant: dict[str, Any], volunteer: dict[str, Any], rule: str
) -> None:
    p, v = make_participant(**participant), make_volunteer(**volunteer)
    assert failing_rule(p, v) == rule
    ranking = rank(p, [v])
    assert ranking.suggestions == ()
    assert ranking.excluded[rule] == 1
    assert ranking.excluded_total == 1
    assert assign([p], [v]) == []


def test_a_plain_pair_passes_every_rule() -> None:
    p, v = make_participant(), make_volunteer()
    assert failing_rule(p, v) is None
    assert rank(p, [v]).excluded_total == 0


def test_exclusion_counts_use_the_first_failing_rule_and_sum_to_the_excluded() -> None:
    p = make_participant(
        excluded_volunteers={3},
        earlier_volunteers={3, 10},
        excluded_areas={"4601"},
        required_languages={"ar"},
        modes={IN_PERSON},
    )
    volunteers = [
        make_volunteer(1, eligible=False, capacity_left=0),  # not_eligible first
        make_volunteer(2, capacity_left=0, languages={"so"}),  # no_capacity
        make_volunteer(3, conflict_areas={"0301"}),  # excluded_volunteer before conflict
        make_volunteer(4, conflict_areas={"0301"}, municipality="4601"),  # conflict first
        make_volunteer(5, municipality="4601", languages={"nb"}),  # excluded_area first
        make_volunteer(6, languages={"nb"}, modes={DIGITAL}),  # required_language first
        make_volunteer(7, languages={"ar"}, modes={DIGITAL}),  # no_common_mode
        make_volunteer(8, languages={"ar"}, location=None),  # too_far
        make_volunteer(9, languages={"ar"}),  # a candidate
        make_volunteer(10, languages={"ar"}, conflict_areas={"0301"}),  # earlier before conflict
    ]
    ranking = rank(p, volunteers)
    assert list(ranking.excluded) == list(HARD_RULES)
    assert dict(ranking.excluded) == {
        NOT_ELIGIBLE: 1,
        NO_CAPACITY: 1,
        EXCLUDED_VOLUNTEER: 1,
        EARLIER_PROPOSAL: 1,
        CONFLICT_AREA: 1,
        EXCLUDED_AREA: 1,
        REQUIRED_LANGUAGE: 1,
        NO_COMMON_MODE: 1,
        TOO_FAR: 1,
    }
    assert [s.volunteer_id for s in ranking.suggestions] == [9]
    assert ranking.excluded_total + len(ranking.suggestions) == ranking.considered == 10
    assert set(HARD_RULE_TEXT) == set(HARD_RULES)


def test_an_earlier_declined_or_cancelled_pair_is_never_proposed_again() -> None:
    p = make_participant(earlier_volunteers={"1"})
    best, other = make_volunteer(1, interests={"hiking"}), make_volunteer(2)
    assert failing_rule(p, best) == EARLIER_PROPOSAL
    assert failing_rule(p, other) is None
    ranking = rank(p, [best, other])
    assert [s.volunteer_id for s in ranking.suggestions] == [2]
    assert ranking.excluded[EARLIER_PROPOSAL] == 1
    assert [(a.participant_id, a.volunteer_id) for a in assign([p], [best])] == []
    assert HARD_RULE_TEXT[EARLIER_PROPOSAL] == (
        "Har hatt et forslag for henne som ble avslått eller avbrutt"
    )


def test_too_far_in_person_but_both_digital_is_a_digital_pair() -> None:
    p = make_participant()
    v = make_volunteer(municipality="4601")
    s = only(p, v)
    assert s.mode == DIGITAL
    assert s.distance_km is None
    assert reason_text(s.reasons, "distance") == "Kan møtes digitalt (video/telefon)"
    assert next(r.points for r in s.reasons if r.factor == "distance") == 8  # 0.5 x 15, rounded


def test_digital_only_pair_crosses_regions() -> None:
    s = only(make_participant(modes={DIGITAL}), make_volunteer(municipality="4601"))
    assert s.mode == DIGITAL


def test_near_pair_that_can_meet_in_person_is_in_person() -> None:
    s = only(make_participant(), make_volunteer(municipality="3201"))
    assert s.mode == IN_PERSON
    assert s.distance_km == pytest.approx(13.03, abs=0.01)


def test_her_own_municipality_being_excluded_does_not_exclude_volunteers_from_elsewhere() -> None:
    p = make_participant(excluded_areas={"0301"}, modes={IN_PERSON})
    assert only(p, make_volunteer(municipality="3201")).mode == IN_PERSON
    assert failing_rule(p, make_volunteer(municipality="0301")) == EXCLUDED_AREA


def test_distance_within_reach_includes_the_boundary() -> None:
    p = make_participant(modes={IN_PERSON})
    km = haversine_km(OSLO, BAERUM)
    assert failing_rule(p, make_volunteer(municipality="3201", max_travel_km=km)) is None
    assert failing_rule(p, make_volunteer(municipality="3201", max_travel_km=km - 0.01)) == TOO_FAR


def test_zero_travel_distance_allows_the_same_place() -> None:
    s = only(make_participant(modes={IN_PERSON}), make_volunteer(max_travel_km=0))
    assert s.mode == IN_PERSON
    assert next(r.points for r in s.reasons if r.factor == "distance") == 15


# --- Score and reasons ------------------------------------------------------------------------


def test_score_and_reasons_of_a_worked_example() -> None:
    p = make_participant(
        interests={"hiking", "knitting", "reading", "music"},
        needs={"job_search", "housing"},
        preferred_age=(35, 50),
        availability={"evenings", "weekends"},
        languages={"nb", "ar"},
    )
    v = make_volunteer(
        municipality="3201",
        age=55,
        interests={"hiking", "knitting", "cooking"},
        offers={"job_search"},
        availability={"evenings"},
        languages={"nb"},
        max_travel_km=20,
    )
    s = only(p, v)
    # 20*2/4 + 30*1/2 + 10*0.5 + 15*1/2 + 15*(1 - 13.03/20) + 10*1/2 = 47.7 -> 48
    assert s.score == 48
    assert [(r.factor, r.points, r.text) for r in s.reasons] == [
        ("interests", 10, "Begge liker strikking og turgåing"),
        ("needs", 15, "Kan hjelpe med jobbsøking"),
        ("age", 5, "5 år eldre enn ønsket hennes (35–50 år)"),
        ("availability", 8, "Begge kan på kvelder"),
        ("distance", 5, "13 km unna"),
        ("languages", 5, "Snakker også norsk"),
    ]


@pytest.mark.parametrize(
    ("hers", "theirs", "text", "points"),
    [
        ({"hiking", "knitting"}, {"hiking", "knitting"}, "Begge liker strikking og turgåing", 20),
        ({"hiking"}, {"hiking"}, "Begge liker turgåing", 20),
        (
            {"hiking", "knitting", "music"},
            {"hiking", "knitting", "music"},
            "Begge liker musikk, strikking og turgåing",
            20,
        ),
        (
            {"hiking", "knitting", "music", "art", "chess"},
            {"hiking", "knitting", "music", "art", "chess"},
            "Begge liker chess, kunst, musikk og 2 til",
            20,
        ),
        ({"hiking", "music"}, {"cooking"}, "Ingen felles interesser", 0),
        (set(), {"cooking"}, "Ingen felles interesser", 0),
    ],
)
def test_interests_reason(hers: set[str], theirs: set[str], text: str, points: int) -> None:
    s = only(make_participant(interests=hers), make_volunteer(interests=theirs))
    assert reason_text(s.reasons, "interests") == text
    assert s.reasons[0].points == points


@pytest.mark.parametrize(
    ("needs", "offers", "text", "points"),
    [
        (
            {"job_search", "housing"},
            {"job_search", "housing"},
            "Kan hjelpe med bolig og jobbsøking",
            30,
        ),
        ({"job_search", "housing"}, {"housing"}, "Kan hjelpe med bolig", 15),
        (
            {"public_services"},
            {"public_services"},
            "Kan hjelpe med NAV og offentlige tjenester",
            30,
        ),
        ({"sewing"}, {"sewing"}, "Kan hjelpe med sewing", 30),
        ({"finances"}, {"housing"}, "Tilbyr ikke hjelp med det hun har behov for", 0),
        (set(), set(), "Ingen særskilte behov oppgitt", 30),
    ],
)
def test_needs_reason(needs: set[str], offers: set[str], text: str, points: int) -> None:
    s = only(make_participant(needs=needs), make_volunteer(offers=offers))
    assert reason_text(s.reasons, "needs") == text
    assert s.reasons[1].points == points


@pytest.mark.parametrize(
    ("wish", "age", "text", "points"),
    [
        (None, 70, "Ingen ønsker om alder", 10),
        ((35, 50), 35, "Alderen passer ønsket hennes (35–50 år)", 10),
        ((35, 50), 50, "Alderen passer ønsket hennes (35–50 år)", 10),
        ((35, 50), 53, "3 år eldre enn ønsket hennes (35–50 år)", 7),
        ((35, 50), 60, "10 år eldre enn ønsket hennes (35–50 år)", 0),
        ((35, 50), 75, "25 år eldre enn ønsket hennes (35–50 år)", 0),
        ((35, 50), 31, "4 år yngre enn ønsket hennes (35–50 år)", 6),
    ],
)
def test_age_reason(wish: tuple[int, int] | None, age: int, text: str, points: int) -> None:
    s = only(make_participant(preferred_age=wish), make_volunteer(age=age))
    assert reason_text(s.reasons, "age") == text
    assert s.reasons[2].points == points


@pytest.mark.parametrize(
    ("hers", "theirs", "text", "points"),
    [
        ({"evenings"}, {"evenings", "weekends"}, "Begge kan på kvelder", 15),
        (
            {"weekends", "weekday_daytime", "evenings"},
            {"weekends", "weekday_daytime", "evenings"},
            "Begge kan på hverdager på dagtid, kvelder og helger",
            15,
        ),
        ({"evenings", "weekends"}, {"weekends"}, "Begge kan på helger", 8),
        ({"evenings"}, {"weekends"}, "Ingen felles tidspunkter", 0),
        (
            {"mornings", "evenings"},
            {"mornings", "evenings"},
            "Begge kan på kvelder og mornings",
            15,
        ),
        (set(), {"weekends"}, "Ingen tidspunkter oppgitt", 15),
    ],
)
def test_availability_reason(hers: set[str], theirs: set[str], text: str, points: int) -> None:
    s = only(make_participant(availability=hers), make_volunteer(availability=theirs))
    assert reason_text(s.reasons, "availability") == text
    assert s.reasons[3].points == points


@pytest.mark.parametrize(
    ("participant", "volunteer", "text"),
    [
        ({}, {}, "Samme kommune"),
        ({"district": "030101"}, {"district": "030101"}, "Samme bydel"),
        ({"district": "030101"}, {"district": "030102"}, "Samme kommune"),
        ({}, {"municipality": "3201"}, "13 km unna"),
        ({}, {"municipality": "3201", "location": (59.914, 10.753)}, "Under 1 km unna"),
        ({"modes": {DIGITAL}}, {}, "Kan møtes digitalt (video/telefon)"),
    ],
)
def test_distance_reason(participant: dict[str, Any], volunteer: dict[str, Any], text: str) -> None:
    s = only(make_participant(**participant), make_volunteer(**volunteer))
    assert reason_text(s.reasons, "distance") == text


@pytest.mark.parametrize(
    ("participant", "theirs", "text", "points"),
    [
        ({"languages": {"nb", "ar"}}, {"nb", "ar"}, "Snakker også arabisk og norsk", 10),
        ({"languages": {"so", "ti"}}, {"nb", "ti"}, "Snakker også tigrinja", 5),
        ({"languages": {"xx"}}, {"xx"}, "Snakker også xx", 10),
        ({"languages": {"uk"}}, {"nb"}, "Snakker ingen av de andre språkene hennes", 0),
        (
            {"languages": {"ar"}, "required_languages": {"ar"}},
            {"ar"},
            "Snakker arabisk, som hun trenger",
            10,
        ),
        (
            {"languages": {"ar", "en"}, "required_languages": {"ar"}},
            {"ar", "en"},
            "Snakker også engelsk",
            10,
        ),
        ({"languages": set()}, {"nb"}, "Ingen språk oppgitt", 10),
    ],
)
def test_languages_reason(
    participant: dict[str, Any], theirs: set[str], text: str, points: int
) -> None:
    s = only(make_participant(**participant), make_volunteer(languages=theirs))
    assert reason_text(s.reasons, "languages") == text
    assert s.reasons[5].points == points


def test_labels_override_codes() -> None:
    p = make_participant(interests={"chess"})
    s = evaluate(p, make_volunteer(interests={"chess"}), labels={"chess": "sjakk"})
    assert s is not None
    assert reason_text(s.reasons, "interests") == "Begge liker sjakk"


def test_reasons_come_in_factor_order_and_add_up_to_the_score() -> None:
    s = only(make_participant(interests={"a", "b", "c"}), make_volunteer(interests={"a"}))
    assert tuple(r.factor for r in s.reasons) == FACTORS
    assert sum(r.points for r in s.reasons) == s.score


def test_points_use_largest_remainders() -> None:
    assert points_of([6.5, 6.5, 6.5]) == [7, 7, 6]  # 19.5 rounds to 20
    assert points_of([3.4, 3.4, 3.2]) == [4, 3, 3]  # ties go to the earlier factor
    assert round_half_up(72.5) == 73
    assert round_half_up(72.49999999999) == 73  # float error is forgiven


# --- Weights ----------------------------------------------------------------------------------


def test_default_weights_add_up_to_100() -> None:
    assert sum(DEFAULT_WEIGHTS.as_tuple()) == 100
    assert Weights(20, 30, 10, 15, 15, 10) == DEFAULT_WEIGHTS


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_weights_must_be_finite_and_not_negative(bad: float) -> None:
    with pytest.raises(ValueError, match="interests"):
        Weights(interests=bad)


def test_weights_override_changes_scores_and_order() -> None:
    p = make_participant(interests={"hiking"}, needs={"housing"})
    hiker = make_volunteer(1, interests={"hiking"})
    helper = make_volunteer(2, offers={"housing"})
    by_default = rank(p, [hiker, helper])
    assert [s.volunteer_id for s in by_default.suggestions] == [2, 1]
    only_interests = Weights(interests=100, needs=0, age=0, availability=0, distance=0, languages=0)
    ranked = rank(p, [hiker, helper], weights=only_interests)
    assert [(s.volunteer_id, s.score) for s in ranked.suggestions] == [(1, 100), (2, 0)]


def test_weights_above_100_are_clamped() -> None:
    heavy = Weights(interests=100, needs=100, age=100, availability=100, distance=100, languages=0)
    s = evaluate(make_participant(), make_volunteer(), weights=heavy)
    assert s is not None
    assert s.score == 100


# --- rank -------------------------------------------------------------------------------------


def test_rank_orders_by_score_then_id_as_string() -> None:
    p = make_participant(interests={"hiking"})
    volunteers = [
        make_volunteer(9),
        make_volunteer(10),
        make_volunteer("a"),
        make_volunteer(2, interests={"hiking"}),
    ]
    ranking = rank(p, volunteers)
    assert [s.volunteer_id for s in ranking.suggestions] == [2, 10, 9, "a"]
    assert [s.volunteer_id for s in rank(p, reversed(volunteers)).suggestions] == [2, 10, 9, "a"]


@pytest.mark.parametrize(("limit", "expected"), [(0, []), (1, [2]), (3, [2, 10, 11]), (99, None)])
def test_rank_limit(limit: int, expected: list[int] | None) -> None:
    p = make_participant(interests={"hiking"})
    volunteers = [make_volunteer(i) for i in (9, 10, 11)] + [
        make_volunteer(2, interests={"hiking"})
    ]
    ranking = rank(p, volunteers, limit=limit)
    ids = [s.volunteer_id for s in ranking.suggestions]
    assert ids == (expected if expected is not None else [2, 10, 11, 9])
    assert ranking.considered == 4


def test_rank_rejects_a_negative_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        rank(make_participant(), [], limit=-1)


def test_rank_with_no_volunteers() -> None:
    ranking = rank(make_participant(), iter([]))
    assert ranking.suggestions == ()
    assert ranking.excluded_total == 0
    assert dict(ranking.excluded) == dict.fromkeys(HARD_RULES, 0)


# --- Profiles and helpers ---------------------------------------------------------------------


def test_profiles_freeze_their_sets() -> None:
    v = make_volunteer(languages=["nb", "ar"], modes=[IN_PERSON])
    assert v.languages == frozenset({"nb", "ar"})
    assert isinstance(v.modes, frozenset)
    p = make_participant(excluded_volunteers=[1, 2])
    assert p.excluded_volunteers == frozenset({1, 2})


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_volunteer(modes={"telepathy"}),
        lambda: make_participant(modes={"post"}),
        lambda: make_volunteer(max_travel_km=-1),
        lambda: make_participant(preferred_age=(50, 30)),
    ],
)
def test_profiles_reject_nonsense(make: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        make()


def test_haversine() -> None:
    assert haversine_km(OSLO, OSLO) == 0
    assert haversine_km(OSLO, BERGEN) == pytest.approx(305, abs=1)
    assert haversine_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(20015, abs=1)


def test_join_nb_and_sort_key() -> None:
    assert join_nb([]) == ""
    assert join_nb(["a"]) == "a"
    assert join_nb(["a", "b"]) == "a og b"
    assert join_nb(["a", "b", "c", "d"], limit=2) == "a, b og 2 til"
    assert sorted(["å", "ø", "æ", "z"], key=nb_sort_key) == ["z", "æ", "ø", "å"]


# --- assign -----------------------------------------------------------------------------------


def test_assign_with_nobody() -> None:
    assert assign([], []) == []
    assert assign([make_participant()], []) == []
    assert assign([], [make_volunteer()]) == []
    assert assign([make_participant()], [make_volunteer(eligible=False)]) == []


def test_assign_prefers_more_matches_to_a_higher_score() -> None:
    # Greedy would give the star volunteer to the first woman and leave the second unmatched.
    first = make_participant("a", interests={"hiking"}, needs={"housing"})
    second = make_participant("b", modes={IN_PERSON})
    star = make_volunteer(1, interests={"hiking"}, offers={"housing"})
    far = make_volunteer(2, municipality="4601")  # digital only for first, too far for second
    proposals = assign([first, second], [star, far])
    assert [(x.participant_id, x.volunteer_id) for x in proposals] == [("a", 2), ("b", 1)]
    assert proposals[0].mode == DIGITAL
    assert proposals[1].mode == IN_PERSON


def test_assign_maximises_the_total_score() -> None:
    a = make_participant("a", interests={"hiking"}, needs={"housing"})
    b = make_participant("b", interests={"hiking"})
    helper = make_volunteer(1, interests={"hiking"}, offers={"housing"})
    hiker = make_volunteer(2, interests={"hiking"})
    proposals = assign([a, b], [hiker, helper])
    assert [(x.participant_id, x.volunteer_id) for x in proposals] == [("a", 1), ("b", 2)]
    assert [x.score for x in proposals] == [
        only(a, helper).score,
        only(b, hiker).score,
    ]


def test_assign_gives_a_scarce_volunteer_to_the_woman_who_waited_longest() -> None:
    short = make_participant("a", waiting_days=10)
    long = make_participant("b", waiting_days=300)
    assert [x.participant_id for x in assign([short, long], [make_volunteer()])] == ["b"]
    # ... unless the other fits far better than the fairness term is worth.
    better = make_participant("a", waiting_days=10, interests={"hiking"})
    chosen = assign([better, long], [make_volunteer(interests={"hiking"})])
    assert [x.participant_id for x in chosen] == ["a"]


def test_waiting_bonus() -> None:
    assert waiting_bonus(0) == 0
    assert waiting_bonus(-5) == 0
    assert waiting_bonus(365) == 10
    assert waiting_bonus(1000) == 10
    assert waiting_bonus(73, weight=5) == pytest.approx(1)


def test_assign_respects_capacity() -> None:
    women = [make_participant(f"p{i}") for i in range(5)]
    proposals = assign(women, [make_volunteer(1, capacity_left=2), make_volunteer(2)])
    assert len(proposals) == 3
    assert sorted(x.volunteer_id for x in proposals) == [1, 1, 2]
    assert proposals == sorted(proposals, key=lambda x: str(x.participant_id))


def test_assign_never_proposes_an_infeasible_pair() -> None:
    women = [make_participant("a", required_languages={"ar"}), make_participant("b")]
    proposals = assign(women, [make_volunteer(1, languages={"nb"})])
    assert proposals == [Proposal("b", 1, only(women[1], make_volunteer(1)).score, IN_PERSON)]


def test_assign_rejects_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="unique"):
        assign([make_participant("a"), make_participant("a")], [make_volunteer()])
    with pytest.raises(ValueError, match="unique"):
        assign([make_participant()], [make_volunteer(1), make_volunteer("1")])


def test_assign_rejects_a_bad_waiting_weight() -> None:
    with pytest.raises(ValueError, match="waiting_weight"):
        assign([make_participant()], [make_volunteer()], waiting_weight=-1)
