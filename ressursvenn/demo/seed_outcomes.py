"""Demo questionnaires and outcomes for the demo's matches (issue 11).

`seed_outcomes(today, rng)` (called by seed_demo after the follow-up) gives every match that
went ahead (active, paused, ending, closed) what a real year would have: the woman's
questionnaire through a one-time link at the start, after six months and at closure (scores
that improve somewhat on average, now and then a skipped item, one entered on her behalf), the
volunteer's own questionnaire at six months and closure, the outcome question, and one link
handed over and not used yet. `scale_outcomes(today, rng)` does the same for seed_scale's
matches with bulk inserts (no open link, no on-behalf special case).

Deterministic from `rng`. The links' tokens are random bytes from `rng` that are thrown away
(only their hash is stored, as always), so no demo link can be opened. No audit events: the
demo data is not something anyone did.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.surveys import scales, timepoints
from ressursvenn.surveys.models import Answer, Outcome, Response, SurveyLink, TimePoint

SKIP_RATE = 0.04  # an item left out now and then
ANSWER_RATE = {TimePoint.START: 0.85, TimePoint.SIX_MONTHS: 0.75, TimePoint.CLOSURE: 0.7}
VOLUNTEER_RATE = 0.7
OUTCOMES = (
    (Outcome.Value.FREE, 0.86),
    (Outcome.Value.UNKNOWN, 0.11),
    (Outcome.Value.MOVED_BACK, 0.03),
)
STARTED = (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING, Match.Status.CLOSED)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(9, 21), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _token_hash(rng: random.Random, match: Any) -> str:
    """The hash of a random token nobody holds (the match's id keeps it unique when seed_scale
    adds a second data set with the same seed)."""
    token = rng.getrandbits(256).to_bytes(32, "big") + str(match.pk).encode()
    return hashlib.sha256(token).hexdigest()


def _pick(rng: random.Random, low: int, high: int, centre: float) -> int:
    """A value in low..high around `centre` (clipped)."""
    return max(low, min(high, round(rng.gauss(centre, 0.7))))


def _participant_values(rng: random.Random, progress: float) -> dict[str, int | None]:
    """Her answers at `progress` 0 (start) … 1 (closure): less lonely, more support, safer."""
    values: dict[str, int | None] = {}
    personal = rng.gauss(0, 0.4)  # some women start better off than others
    for item in scales.UCLA3.items:
        values[item.code] = _pick(rng, 1, 3, 2.5 - 0.8 * progress - personal)
    values["osss3_1"] = _pick(rng, 1, 4, 1.8 + 1.0 * progress + personal)
    values["osss3_2"] = _pick(rng, 1, 5, 2.6 + 1.0 * progress + personal)
    values["osss3_3"] = _pick(rng, 1, 5, 2.4 + 0.8 * progress + personal)
    values["safety_1"] = _pick(rng, 1, 5, 2.8 + 1.0 * progress + personal)
    values["life_satisfaction_1"] = max(
        0, min(10, round(rng.gauss(4.5 + 2.0 * progress + 2 * personal, 1.5)))
    )
    for code in values:
        if rng.random() < SKIP_RATE:
            values[code] = None
    return values


def _volunteer_values(rng: random.Random) -> dict[str, int | None]:
    return {
        "volunteer_experience_support": _pick(rng, 1, 5, 4.2),
        "volunteer_experience_training": _pick(rng, 1, 5, 3.9),
        "volunteer_experience_recommend": max(0, min(10, round(rng.gauss(8.5, 1.4)))),
    }


def _outcome(rng: random.Random) -> str:
    roll = rng.random()
    for value, share in OUTCOMES:
        if roll < share:
            return value
        roll -= share
    return Outcome.Value.FREE


@dataclass
class _Rows:
    links: list[SurveyLink] = field(default_factory=list)
    responses: list[tuple[Response, dict[str, int | None], int | None]] = field(
        default_factory=list
    )  # (response, values, index of its link or None)
    outcomes: list[Outcome] = field(default_factory=list)


def _time_points(match: Any, today: datetime.date) -> list[tuple[str, datetime.date, float]]:
    """(time point, the day it fell due, progress) for every time point this match reached."""
    found: list[tuple[str, datetime.date, float]] = [(TimePoint.START, match.started_on, 0.0)]
    midway = add_months(match.started_on, int(settings.SURVEY_MIDWAY_MONTHS))
    closed = match.status == Match.Status.CLOSED and match.ended_on is not None
    if midway <= today and (not closed or match.ended_on >= midway):
        found.append((TimePoint.SIX_MONTHS, midway, 0.6))
    if closed:
        found.append((TimePoint.CLOSURE, match.ended_on, 1.0))
    elif match.status == Match.Status.ENDING:
        found.append((TimePoint.CLOSURE, timezone.localdate(match.status_changed_at), 1.0))
    return found


def _build(
    matches: list[Any], today: datetime.date, rng: random.Random, leaders: dict[int, int]
) -> _Rows:
    rows = _Rows()
    days = int(settings.SURVEY_LINK_DAYS)
    for match in matches:
        by_centre = match.referral.contact_id
        volunteer_may = match.referral.contact_channel != Referral.Channel.VIA_CENTRE
        for time_point, due, progress in _time_points(match, today):
            if timepoints.is_open(match, time_point, today):
                # Still open today: not answered yet, so the demo shows the task and the
                # "give her the link" button (and the outcome question still to ask).
                continue
            given = due + datetime.timedelta(days=rng.randint(0, 10))
            if given > today or rng.random() > ANSWER_RATE[TimePoint(time_point)]:
                continue
            answered = min(today, given + datetime.timedelta(days=rng.randint(0, 6)))
            giver = (
                match.volunteer.user_id
                if volunteer_may and match.volunteer.user_id and rng.random() < 0.4
                else by_centre
            )
            created = _at(given, rng)
            submitted = max(created + datetime.timedelta(minutes=5), _at(answered, rng))
            rows.links.append(
                SurveyLink(
                    match=match,
                    time_point=time_point,
                    token_hash=_token_hash(rng, match),
                    delivery=rng.choice(["qr", "qr", "qr", "sms", "email"]),
                    created_by_id=giver,
                    created_at=created,
                    expires_at=created + datetime.timedelta(days=days),
                    device_hash=_token_hash(rng, match),
                    opened_at=submitted - datetime.timedelta(minutes=4),
                    submitted_at=submitted,
                )
            )
            response = Response(
                match=match,
                time_point=time_point,
                respondent="participant",
                language="en" if rng.random() < 0.15 else "nb",
                started_at=submitted - datetime.timedelta(minutes=4),
                submitted_at=submitted,
                step=5,
            )
            rows.responses.append(
                (response, _participant_values(rng, progress), len(rows.links) - 1)
            )
            if time_point == TimePoint.START:
                continue
            if match.volunteer.user_id and rng.random() < VOLUNTEER_RATE:
                own = Response(
                    match=match,
                    time_point=time_point,
                    respondent="volunteer",
                    entered_by_id=match.volunteer.user_id,
                    started_at=submitted,
                    submitted_at=submitted + datetime.timedelta(hours=rng.randint(1, 48)),
                    step=2,
                )
                rows.responses.append((own, _volunteer_values(rng), None))
            recorder = leaders.get(match.branch_id) if rng.random() < 0.5 else None
            rows.outcomes.append(
                Outcome(
                    match=match,
                    time_point=time_point,
                    value=_outcome(rng),
                    recorded_by_id=recorder or by_centre,
                    recorded_at=submitted + datetime.timedelta(days=rng.randint(0, 5)),
                )
            )
    return rows


def _save(rows: _Rows) -> dict[str, int]:
    SurveyLink.objects.bulk_create(rows.links, batch_size=2000)
    for response, _values, link_index in rows.responses:
        if link_index is not None:
            response.link = rows.links[link_index]
    Response.objects.bulk_create([r for r, _v, _l in rows.responses], batch_size=2000)
    answers = []
    for response, values, _link in rows.responses:
        codes = (
            scales.PARTICIPANT_QUESTIONNAIRE
            if response.respondent == "participant"
            else scales.VOLUNTEER_QUESTIONNAIRE
        )
        for code in codes:
            instrument = scales.CURRENT[code]
            for item in instrument.items:
                answers.append(
                    Answer(
                        response=response,
                        instrument=instrument.code,
                        version=instrument.version,
                        item=item.code,
                        value=values.get(item.code),
                    )
                )
    Answer.objects.bulk_create(answers, batch_size=5000)
    Outcome.objects.bulk_create(rows.outcomes, batch_size=2000)
    counted = Counter(r.respondent for r, _v, _l in rows.responses)
    return {
        "survey_links": len(rows.links),
        "participant_responses": counted["participant"],
        "volunteer_responses": counted["volunteer"],
        "answers": len(answers),
        "outcomes": len(rows.outcomes),
    }


def _matches(scope: Q | None = None) -> list[Any]:
    rows = Match.objects.filter(status__in=STARTED, started_on__isnull=False).exclude(
        # a match that has its outcomes already (seed_scale --force adds a second data set)
        Q(survey_links__isnull=False)
        | Q(survey_responses__isnull=False)
        | Q(outcomes__isnull=False)
    )
    if scope is not None:
        rows = rows.filter(scope)
    return list(rows.select_related("referral", "volunteer").distinct().order_by("pk"))


def _leaders() -> dict[int, int]:
    """A group leader per branch (the first by pk)."""
    found: dict[int, int] = {}
    for organisation_id, user_id in (
        Membership.objects.filter(role=Role.GROUP_LEADER)
        .order_by("pk")
        .values_list("organisation_id", "user_id")
    ):
        found.setdefault(organisation_id, user_id)
    return found


def seed_outcomes(today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Questionnaires, links and outcomes for the demo's matches; counts by kind."""
    matches = _matches()
    leaders = _leaders()
    rows = _build(matches, today, rng, leaders)
    # One of the women's answers was typed in by her group leader (she preferred to talk):
    # her link was revoked when the answers were sent in on her behalf.
    for index, (response, values, link_index) in enumerate(rows.responses):
        leader = leaders.get(response.match.branch_id)
        if response.respondent != "participant" or link_index is None or not leader:
            continue
        link = rows.links[link_index]
        link.submitted_at, link.revoked_at = None, response.submitted_at
        link.device_hash, link.opened_at = "", None
        response.on_behalf, response.entered_by_id = True, leader
        rows.responses[index] = (response, values, None)
        break
    counts = _save(rows)
    counts["open_links"] = _open_link(matches, today, rng)
    return counts


def _open_link(matches: list[Any], today: datetime.date, rng: random.Random) -> int:
    """One link handed over two days ago and not opened yet, for a running match whose
    current time point she has not answered."""
    for match in matches:
        if match.status not in timepoints.RUNNING:
            continue
        for time_point in timepoints.PARTICIPANT_TIME_POINTS:
            if not timepoints.is_open(match, time_point, today):
                continue
            if Response.objects.filter(match=match, time_point=time_point).exists():
                continue
            created = _at(today - datetime.timedelta(days=2), rng)
            SurveyLink.objects.create(
                match=match,
                time_point=time_point,
                token_hash=_token_hash(rng, match),
                delivery="qr",
                created_by_id=match.referral.contact_id,
                created_at=created,
                expires_at=created + datetime.timedelta(days=int(settings.SURVEY_LINK_DAYS)),
            )
            return 1
    return 0


def scale_outcomes(today: datetime.date, rng: random.Random) -> dict[str, int]:
    """The same for seed_scale's (thousands of) matches: bulk inserts only."""
    return _save(_build(_matches(), today, rng, _leaders()))
