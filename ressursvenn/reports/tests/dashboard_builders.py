"""Rows the dashboard tests share: a small programme in the first branch (and a little in the
other), with dates inside one year, so every figure has something to count."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ressursvenn.followup.models import (
    Activity,
    CheckIn,
    Closure,
    EventSignup,
    SocialEvent,
)
from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.surveys.models import Answer, Outcome, Response, TimePoint
from ressursvenn.tests import factories

YEAR = 2025
START = datetime.date(YEAR, 1, 1)
END = datetime.date(YEAR, 12, 31)
TODAY = datetime.date(YEAR + 1, 1, 15)


def moment(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def started_match(
    world: Any,
    started_on: datetime.date,
    *,
    branch: Any = None,
    status: str = Match.Status.ACTIVE,
    ended_on: datetime.date | None = None,
    submitted: datetime.date | None = None,
) -> Match:
    """A match of `branch` (default the first) that started on `started_on`, with its held
    koblingsmøte; its referral was sent `submitted` (default 20 days before)."""
    branch = branch or world.branch
    centre = world.centre if branch == world.branch else world.other_centre
    sent = submitted or started_on - datetime.timedelta(days=20)
    referral = factories.referral(
        centre,
        branch,
        status="closed" if ended_on else "matched",
        submitted_at=moment(sent),
        waiting_since=moment(sent),
    )
    volunteer = factories.volunteer(branch, full_name=f"Frivillig {referral.pk}")
    match = factories.match(
        referral,
        volunteer,
        status=status,
        volunteer_answer="yes",
        started_on=started_on,
        planned_end_on=add_months(started_on, 9),
        ended_on=ended_on,
    )
    MatchingMeeting.objects.create(
        match=match,
        starts_at=moment(started_on),
        mode=MatchingMeeting.Mode.CRISIS_CENTRE,
        planned_by=world.leader,
        outcome=MatchingMeeting.Outcome.CONTINUE,
    )
    return match


def close(world: Any, match: Match, ended_on: datetime.date, reason: str) -> Closure:
    Match.objects.filter(pk=match.pk).update(status=Match.Status.CLOSED, ended_on=ended_on)
    return Closure.objects.create(
        match=match,
        reason=reason,
        ended_on=ended_on,
        keep_in_touch=Closure.KeepInTouch.UNKNOWN,
        volunteer_next=Closure.VolunteerNext.AVAILABLE,
        closed_by=world.leader,
    )


def answers(match: Match, time_point: str, day: datetime.date, ucla: Any, osss: Any) -> Response:
    """The woman's submitted answers: UCLA-3 and OSSS-3 item values (None: skipped)."""
    response = Response.objects.create(
        match=match,
        time_point=time_point,
        respondent="participant",
        started_at=moment(day, 10),
        submitted_at=moment(day, 11),
    )
    for instrument, values in (("ucla3", ucla), ("osss3", osss)):
        for number, value in enumerate(values, start=1):
            Answer.objects.create(
                response=response,
                instrument=instrument,
                version=1,
                item=f"{instrument}_{number}",
                value=value,
            )
    return response


def activity(world: Any, match: Match, day: datetime.date, channel: str) -> Activity:
    return Activity.objects.create(
        match=match,
        occurred_on=day,
        kind=Activity.Kind.COFFEE,
        duration_minutes=60,
        channel=channel,
        created_by=world.volunteer,
    )


def programme(world: Any) -> dict[str, Any]:
    """In the first branch, in YEAR: 8 matches started (months 1–8), 3 of them closed (two
    completed after nine months, one for safety), activities in person and digital, check-ins
    on time, late and missing, one social event with attendance, five women's paired answers
    at start and six months, two outcomes. In the other branch: 6 matches started in June."""
    matches = [started_match(world, datetime.date(YEAR - 1, 1, 10))]  # ran into the year
    matches += [started_match(world, datetime.date(YEAR, month, 5)) for month in range(1, 9)]
    close(world, matches[0], datetime.date(YEAR, 2, 1), Closure.Reason.COMPLETED)  # 12 months
    close(world, matches[1], datetime.date(YEAR, 11, 1), Closure.Reason.COMPLETED)  # 10 months
    close(world, matches[2], datetime.date(YEAR, 3, 1), Closure.Reason.SAFETY)  # 1 month
    for match in matches[3:]:
        activity(world, match, datetime.date(YEAR, 9, 1), "in_person")
        activity(world, match, datetime.date(YEAR, 9, 8), "video")
    activity(world, matches[3], datetime.date(YEAR, 9, 15), "phone")
    checkins = [
        (datetime.date(YEAR, 5, 1), CheckIn.Status.HELD, datetime.date(YEAR, 5, 3)),
        (datetime.date(YEAR, 6, 1), CheckIn.Status.HELD, datetime.date(YEAR, 6, 20)),
        (datetime.date(YEAR, 7, 1), CheckIn.Status.PLANNED, None),
        (datetime.date(YEAR, 8, 1), CheckIn.Status.CANCELLED, None),
    ]
    for due_on, status, held_on in checkins:
        CheckIn.objects.create(
            match=matches[4], party="volunteer", due_on=due_on, status=status, held_on=held_on
        )
    event = SocialEvent.objects.create(
        branch=world.branch,
        title="Sommertreff",
        starts_at=moment(datetime.date(YEAR, 6, 20), 18),
        capacity=20,
        audience=SocialEvent.Audience.PAIRS,
        organiser=world.leader,
        place="Parken",
    )
    for match, answer, attended in (
        (matches[3], EventSignup.Answer.PAIR, True),
        (matches[4], EventSignup.Answer.SELF, True),
        (matches[5], EventSignup.Answer.SELF, False),
    ):
        EventSignup.objects.create(
            event=event,
            volunteer=match.volunteer,
            match=match,
            answer=answer,
            places=2 if answer == EventSignup.Answer.PAIR else 1,
            attended=attended,
        )
    # Paired answers: UCLA-3 at start 9, 8, 7, 7, 6 → six months 6, 6, 6, 5, 6 (changes −3,
    # −2, −1, −2, 0: mean −1.6, n 5); OSSS-3 at start 6 → 9, 8, 10, 9, 9. A sixth woman
    # skipped a UCLA item at the start: her OSSS-3 pair (6 → 9) counts, her UCLA-3 does not
    # (OSSS-3: mean +3.0, n 6).
    later = ((2, 2, 2), (2, 2, 2), (2, 2, 2), (1, 2, 2), (2, 2, 2))
    first = ((3, 3, 3), (3, 3, 2), (3, 2, 2), (2, 3, 2), (2, 2, 2))
    support = ((3, 3, 3), (2, 3, 3), (3, 3, 4), (3, 3, 3), (3, 3, 3))
    for match, start, six, osss in zip(matches[1:6], first, later, support, strict=True):
        answers(match, TimePoint.START, match.started_on, start, (2, 2, 2))
        answers(match, TimePoint.SIX_MONTHS, datetime.date(YEAR, 10, 1), six, osss)
    answers(matches[6], TimePoint.START, matches[6].started_on, (None, 2, 2), (2, 2, 2))
    answers(matches[6], TimePoint.SIX_MONTHS, datetime.date(YEAR, 10, 2), (1, 1, 1), (3, 3, 3))
    for match, value in ((matches[1], Outcome.Value.FREE), (matches[3], Outcome.Value.FREE)):
        Outcome.objects.create(
            match=match,
            time_point=TimePoint.SIX_MONTHS,
            value=value,
            recorded_by=world.leader,
            recorded_at=moment(datetime.date(YEAR, 10, 3)),
        )
    # Applications: approved after 10, 20, 30, 40 and 50 days (median 30), one still in
    # screening, one rejected.
    for number, (stage, days) in enumerate(
        (("approved", 10), ("approved", 20), ("approved", 30), ("approved", 40),
         ("approved", 50), ("screening", None), ("rejected", None)),
        start=1,
    ):  # fmt: skip
        applied = datetime.date(YEAR, 3, number)
        factories.volunteer(
            world.branch,
            status=stage,
            cleared=False,
            full_name=f"Søker {number}",
            applied_at=moment(applied),
            approved_on=applied + datetime.timedelta(days=days) if days else None,
        )
    for day in (1, 2):
        factories.referral(
            world.centre,
            world.branch,
            submitted_at=moment(datetime.date(YEAR, 12, day)),
            waiting_since=moment(datetime.date(YEAR, 12, day + 1)),
        )
    others = [
        started_match(world, datetime.date(YEAR, 6, day), branch=world.other_branch)
        for day in range(1, 7)
    ]
    return {"matches": matches, "others": others, "event": event}
