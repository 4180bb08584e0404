"""Who is invited to a branch's social events, and how full an event is (queries only).

Invitations are not rows: a volunteer is invited to an event of her branch when she is an
approved volunteer there and, for an event for active pairs, has an active (or ending) match
in that branch. A volunteer who has answered keeps seeing the event even if that changes.
Used by the event pages, the task list ("events to answer") and the volunteer's start page.
Counts are what everyone but the organisers sees: nobody else learns who signed up.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from ressursvenn.followup.models import EventSignup, SocialEvent
from ressursvenn.matching.models import Match
from ressursvenn.volunteers.models import Volunteer

# Matches whose pair is invited to events for active pairs (a paused match is not).
PAIR_STATUSES = (Match.Status.ACTIVE, Match.Status.ENDING)
PLACES = {
    EventSignup.Answer.SELF: 1,
    EventSignup.Answer.PAIR: 2,
    EventSignup.Answer.NO: 0,
}


def pair_matches(volunteer: Volunteer, branch_id: int) -> QuerySet[Match]:
    """The volunteer's matches in the branch that may come to an event as a pair."""
    return Match.objects.filter(
        volunteer=volunteer, branch_id=branch_id, status__in=PAIR_STATUSES
    ).order_by("started_on", "pk")


def invited_volunteers(event: SocialEvent) -> QuerySet[Volunteer]:
    """Every volunteer invited to `event` (with a user account that can sign in)."""
    volunteers = Volunteer.objects.filter(
        branch_id=event.branch_id,
        status=Volunteer.Status.APPROVED,
        user__isnull=False,
        user__is_active=True,
    )
    if event.audience == SocialEvent.Audience.PAIRS:
        with_pair = Match.objects.filter(branch_id=event.branch_id, status__in=PAIR_STATUSES)
        volunteers = volunteers.filter(pk__in=with_pair.values("volunteer_id"))
    return volunteers.order_by("pk")


def _audiences(volunteer: Volunteer) -> list[str]:
    """The audiences of her branch's events she is invited to (one query)."""
    if volunteer.status != Volunteer.Status.APPROVED:
        return []
    if pair_matches(volunteer, volunteer.branch_id).exists():
        return [SocialEvent.Audience.PAIRS, SocialEvent.Audience.VOLUNTEERS]
    return [SocialEvent.Audience.VOLUNTEERS]


def is_invited(volunteer: Volunteer, event: SocialEvent) -> bool:
    return event.branch_id == volunteer.branch_id and event.audience in _audiences(volunteer)


def with_counts(events: QuerySet[SocialEvent]) -> QuerySet[SocialEvent]:
    """Annotate `taken` (places signed up for), `free` and `coming` (sign-ups that take a
    place), as subqueries (so other joins of the queryset do not change them)."""
    coming = EventSignup.objects.filter(event=OuterRef("pk"), places__gt=0).order_by()
    taken = Coalesce(
        Subquery(
            coming.values("event").annotate(total=Sum("places")).values("total")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    number = Coalesce(
        Subquery(
            coming.values("event").annotate(number=Count("pk")).values("number")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    return events.annotate(taken=taken, coming=number).annotate(
        free=Greatest(F("capacity") - F("taken"), 0)
    )


def counts(event: SocialEvent) -> dict[str, int]:
    """Places taken and free, and the number of sign-ups that come (one query)."""
    totals = EventSignup.objects.filter(event=event, places__gt=0).aggregate(
        taken=Coalesce(Sum("places"), 0), coming=Count("pk")
    )
    taken = int(totals["taken"])
    return {
        "taken": taken,
        "free": max(0, event.capacity - taken),
        "coming": int(totals["coming"]),
    }


def _start_after(today: datetime.date | None) -> datetime.datetime:
    """Events starting after this moment are upcoming: now, or the start of `today` when
    that lies ahead (`send_reminders --today`)."""
    now = timezone.now()
    if today is None:
        return now
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return max(now, midnight)


def for_volunteer(volunteer: Volunteer, *, today: datetime.date | None = None) -> Any:
    """Upcoming, not cancelled events of her branch she is invited to or has answered, soonest
    first, each with her own answer as `my_answer` ("" when she has not answered)."""
    mine = EventSignup.objects.filter(event=OuterRef("pk"), volunteer=volunteer)
    return (
        SocialEvent.objects.filter(
            branch_id=volunteer.branch_id,
            cancelled_at__isnull=True,
            starts_at__gt=_start_after(today),
        )
        .filter(
            Q(audience__in=_audiences(volunteer))
            | Q(pk__in=EventSignup.objects.filter(volunteer=volunteer).values("event_id"))
        )
        .annotate(my_answer=Coalesce(Subquery(mine.values("answer")[:1]), Value("")))
        .order_by("starts_at", "pk")
    )


def open_invitations(volunteer: Volunteer, today: datetime.date | None = None) -> Any:
    """Events she is invited to and has not answered yet (the task "events to answer")."""
    return for_volunteer(volunteer, today=today).filter(my_answer="")


def signup_of(volunteer: Volunteer | None, event: SocialEvent) -> EventSignup | None:
    if volunteer is None:
        return None
    return EventSignup.objects.filter(event=event, volunteer=volunteer).first()
