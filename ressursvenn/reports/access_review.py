"""Queries of the access-log review: unusual views of people's records in a period.

For the national coordinator (`reports.view_audit`), who sees no record herself but reviews
who looked at them. Three findings, each over the access log (`lib.models.AccessEvent`) of the
period (Oslo days, first and last included), plus the views per hour of the day:

(a) **Many records**: the users who viewed the most distinct records (a record is an
    `object_type` + `object_id`), at most `TOP` of them; a user over `MANY_RECORDS` distinct
    records in the period is flagged.
(b) **Outside her organisations**: a view is outside when the user did not hold, at the moment
    of the view, a membership in *that organisation in that role*: no membership of the user
    with the event's organisation and role that was created at or before the view and is
    either still active or was ended (`membership.end` in the audit trail) at or after the
    view. A view without an organisation is outside too. Memberships are never deleted (an
    ended role is only marked inactive), so a role held once is found; a role ended and given
    again counts as held in between (the trail's order is not replayed). Views are grouped by
    user, organisation and role, most views first.
(c) **At night**: views from `NIGHT_STARTS`:00 to `NIGHT_ENDS`:00 Oslo time, by user.

Every finding is one aggregate query (grouped in SQL), so a page costs the same number of
queries however many events the period holds; the lists are cut at `TOP` rows with the total
said. `hour_chart` draws the views per hour as SVG; `rows_for_export` streams the period's log
for the CSV/XLSX export.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, ExtractHour
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Membership
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.reports.audit import OSLO, VIEWS, day_start, role_label, type_label
from ressursvenn.reports.charts import FONT, SERIES, SUBTLE, TEXT, TRACK

MANY_RECORDS = 50  # distinct records in the period above which a user is flagged
TOP = 20  # rows of each finding on the page
NIGHT_STARTS = 22  # Oslo hour, included
NIGHT_ENDS = 6  # Oslo hour, excluded
DEFAULT_DAYS = 30
NIGHT_HOURS = frozenset([*range(NIGHT_STARTS, 24), *range(0, NIGHT_ENDS)])


@dataclass(frozen=True)
class Period:
    """Oslo days from `starts_on` to `ends_on`, both included."""

    starts_on: datetime.date
    ends_on: datetime.date

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, today: datetime.date | None = None) -> Period:
        """The last `days` days, today included."""
        today = today or timezone.localdate()
        return cls(today - datetime.timedelta(days=days - 1), today)

    @property
    def start(self) -> datetime.datetime:
        return day_start(self.starts_on)

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the period."""
        return day_start(self.ends_on + datetime.timedelta(days=1))

    @property
    def text(self) -> str:
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


def events_in(period: Period) -> models.QuerySet[AccessEvent]:
    return AccessEvent.objects.filter(at__gte=period.start, at__lt=period.end)


def _record_key() -> Concat:
    return Concat("object_type", Value(":"), "object_id", output_field=models.CharField())


def audit_link(
    period: Period, *, email: str = "", organisation: str = "", object_type: str = ""
) -> str:
    """The audit page's access log ("innsyn"), filtered as far as its filters go."""
    params = {
        "logg": VIEWS,
        "email": email,
        "organisation": organisation,
        "object_type": object_type,
        "date_from": period.starts_on.isoformat(),
        "date_to": period.ends_on.isoformat(),
    }
    return f"{reverse('reports:audit')}?{urlencode({k: v for k, v in params.items() if v})}"


# --- (a) many distinct records --------------------------------------------------------------


@dataclass(frozen=True)
class UserViews:
    """One user's views in the period (a row of findings a and c)."""

    user_id: int
    name: str
    email: str
    records: int  # distinct records
    views: int
    link: str
    flagged: bool = False


def _user_rows(queryset: Any, period: Period, *, flag: bool) -> list[UserViews]:
    return [
        UserViews(
            user_id=row["user_id"],
            name=row["user__full_name"] or row["user__email"],
            email=row["user__email"],
            records=row["records"],
            views=row["views"],
            link=audit_link(period, email=row["user__email"]),
            flagged=flag and row["records"] > MANY_RECORDS,
        )
        for row in queryset
    ]


def _by_user(events: Any) -> Any:
    return events.values("user_id", "user__full_name", "user__email").annotate(
        records=Count(_record_key(), distinct=True), views=Count("id")
    )


def many_records(period: Period, limit: int = TOP) -> list[UserViews]:
    """(a) The users with the most distinct records viewed, most first. One query."""
    rows = _by_user(events_in(period)).order_by("-records", "-views", "user__full_name", "user_id")[
        :limit
    ]
    return _user_rows(rows, period, flag=True)


def many_records_count(period: Period) -> int:
    """How many users viewed more than MANY_RECORDS distinct records. One query."""
    return int(_by_user(events_in(period)).filter(records__gt=MANY_RECORDS).count())


# --- (b) outside the user's organisations -----------------------------------------------------


def _held_at_the_view() -> Exists:
    """A membership of the event's user in the event's organisation and role, in force at the
    view (see the module docstring)."""
    ended_after = AuditEvent.objects.filter(
        action=AuditAction.MEMBERSHIP_END,
        object_type="accounts.membership",
        object_id=Cast(OuterRef("pk"), output_field=models.CharField()),
        at__gte=OuterRef(OuterRef("at")),
    )
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("user_id"),
            organisation_id=OuterRef("organisation_id"),
            role=OuterRef("role"),
            created_at__lte=OuterRef("at"),
        ).filter(Q(is_active=True) | Exists(ended_after))
    )


def outside_events(period: Period) -> models.QuerySet[AccessEvent]:
    """(b) The period's views outside the user's organisations (the rule above)."""
    return events_in(period).filter(Q(organisation__isnull=True) | ~_held_at_the_view())


@dataclass(frozen=True)
class Outside:
    user_id: int
    name: str
    role: Any
    organisation: str
    records: int
    views: int
    link: str


def outside_usual(period: Period, limit: int = TOP) -> list[Outside]:
    """(b) grouped by user, organisation and role, most views first. One query."""
    rows = (
        outside_events(period)
        .values("user_id", "user__full_name", "user__email", "role", "organisation__name")
        .annotate(records=Count(_record_key(), distinct=True), views=Count("id"))
        .order_by("-views", "user__full_name", "user_id", "organisation__name", "role")[:limit]
    )
    return [
        Outside(
            user_id=row["user_id"],
            name=row["user__full_name"] or row["user__email"],
            role=role_label(row["role"]),
            organisation=row["organisation__name"] or "",
            records=row["records"],
            views=row["views"],
            link=audit_link(
                period, email=row["user__email"], organisation=row["organisation__name"] or ""
            ),
        )
        for row in rows
    ]


# --- (c) at night -----------------------------------------------------------------------------


def _with_hour(events: Any) -> Any:
    return events.annotate(hour=ExtractHour("at", tzinfo=OSLO))


def _nights(period: Period) -> Q:
    """The nights of the period (Oslo time) as ranges of the stored time: the index on `at`
    finds them, where the Oslo hour of every row would be worked out first (on SQLite by a
    Python function per row). Summer time is in the ranges: each night starts and ends at
    its own Oslo clock times."""
    condition = Q(pk__in=[])
    day = period.starts_on - datetime.timedelta(days=1)  # the night into the first day
    while day <= period.ends_on:
        starts = datetime.datetime.combine(day, datetime.time(NIGHT_STARTS), tzinfo=OSLO)
        next_day = day + datetime.timedelta(days=1)
        ends = datetime.datetime.combine(next_day, datetime.time(NIGHT_ENDS), tzinfo=OSLO)
        condition |= Q(at__gte=max(starts, period.start), at__lt=min(ends, period.end))
        day = next_day
    return condition


# Longer periods ask for the Oslo hour of every row instead (an OR of more nights than this
# would exceed SQLite's limit on the depth of an expression, 1,000).
MAX_NIGHT_RANGES = 400


def night_events(period: Period) -> models.QuerySet[AccessEvent]:
    """(c) The period's views at night (Oslo time)."""
    if (period.ends_on - period.starts_on).days < MAX_NIGHT_RANGES:
        return events_in(period).filter(_nights(period))
    by_hour: models.QuerySet[AccessEvent] = _with_hour(events_in(period)).filter(
        Q(hour__gte=NIGHT_STARTS) | Q(hour__lt=NIGHT_ENDS)
    )
    return by_hour


def at_night(period: Period, limit: int = TOP) -> list[UserViews]:
    """(c) The users with views at night, most views first. One query."""
    rows = _by_user(night_events(period)).order_by(
        "-views", "-records", "user__full_name", "user_id"
    )[:limit]
    return _user_rows(rows, period, flag=False)


# --- views per hour of the day ----------------------------------------------------------------


@dataclass(frozen=True)
class Hour:
    hour: int
    views: int

    @property
    def night(self) -> bool:
        return self.hour in NIGHT_HOURS

    @property
    def label(self) -> str:
        return f"{self.hour:02d}"

    @property
    def span(self) -> str:
        return f"{self.hour:02d}.00–{self.hour:02d}.59"


def per_hour(period: Period) -> list[Hour]:
    """Views per Oslo hour of the day, all 24 hours (0 where none). One query."""
    counts = dict(
        _with_hour(events_in(period))
        .values("hour")
        .annotate(views=Count("id"))
        .values_list("hour", "views")
        .order_by("hour")
    )
    return [Hour(hour, counts.get(hour, 0)) for hour in range(24)]


@dataclass(frozen=True)
class Review:
    period: Period
    total: int
    many: list[UserViews]
    many_flagged: int
    outside: list[Outside]
    outside_total: int
    night: list[UserViews]
    night_total: int
    hours: list[Hour]

    @property
    def many_link(self) -> str:
        return audit_link(self.period)


def review(period: Period) -> Review:
    """Everything the review page shows: six queries whatever the period holds (the total and
    the night total are sums of the hour counts)."""
    hours = per_hour(period)
    return Review(
        period=period,
        total=sum(hour.views for hour in hours),
        many=many_records(period),
        many_flagged=many_records_count(period),
        outside=outside_usual(period),
        outside_total=outside_events(period).count(),
        night=at_night(period),
        night_total=sum(hour.views for hour in hours if hour.night),
        hours=hours,
    )


# --- the chart of views per hour -----------------------------------------------------------------

CHART_HEIGHT = 150
CHART_TOP = 8
HOUR_LABELS_EVERY = 3  # "00", "03" … "21": eight labels fit at 360 px


def hour_chart(hours: list[Hour]) -> SafeString:
    """Vertical bars of the views per hour (drawn like `reports/charts.py`: no script, no
    viewBox, positions across in percent), night hours on a grey band with bars of their own
    colour, and a legend. The table beside it holds the same numbers."""
    largest = max((hour.views for hour in hours), default=0) or 1
    slot = 100 / len(hours)
    base = CHART_TOP + CHART_HEIGHT
    body: list[str] = []
    for hour in hours:
        x = hour.hour * slot
        if hour.night:
            body.append(
                f'<rect x="{_percent(x)}" y="0" width="{_percent(slot)}" height="{base}" '
                f'fill="{TRACK}"/>'
            )
    body.append(f'<line x1="0" y1="{base}" x2="100%" y2="{base}" stroke="{SUBTLE}"/>')
    for hour in hours:
        x = hour.hour * slot
        height = CHART_HEIGHT * hour.views / largest
        if hour.views:
            colour = NIGHT_COLOUR if hour.night else SERIES[0]
            body.append(
                f'<rect x="{_percent(x + slot * 0.15)}" y="{base - height:.1f}" '
                f'width="{_percent(slot * 0.7)}" height="{height:.1f}" fill="{colour}"/>'
            )
        if hour.hour % HOUR_LABELS_EVERY == 0:
            body.append(_label(_percent(x + slot / 2), base + 18, hour.label, anchor="middle"))
    legend = base + 44
    body.append(f'<rect x="0" y="{legend - 12}" width="12" height="12" fill="{NIGHT_COLOUR}"/>')
    body.append(
        _label("18", legend, str(_("Natt (%(start)s–%(end)s)") % NIGHT_TEXT), anchor="start")
    )
    label = _(
        "Stolpediagram: innsyn per time på døgnet, nattetimene markert. Tallene står i tabellen."
    )
    parts = [
        f'<svg class="report-chart" xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'height="{legend + 8}" role="img" aria-label="{escape(str(label))}" focusable="false">',
        *body,
        "</svg>",
    ]
    return mark_safe("\n".join(parts))  # noqa: S308 - every text above is escaped


NIGHT_COLOUR = SERIES[1]
NIGHT_TEXT = {"start": f"{NIGHT_STARTS:02d}.00", "end": f"{NIGHT_ENDS:02d}.00"}


def _percent(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.2f}%"


def _label(x: str, y: float, text: str, *, anchor: str) -> str:
    return (
        f'<text x="{x}" y="{y:g}" font-size="{FONT}" fill="{TEXT}" text-anchor="{anchor}" '
        f'font-family="inherit">{escape(text)}</text>'
    )


# --- the export ---------------------------------------------------------------------------------

EXPORT_CHUNK = 2_000


@dataclass(frozen=True)
class LogRow:
    at: datetime.datetime
    user: str
    role: str
    organisation: str
    record_type: str
    record_id: str

    @property
    def at_text(self) -> str:
        return f"{self.at.astimezone(OSLO):%d.%m.%Y %H:%M:%S}"


def rows_for_export(period: Period) -> Iterator[LogRow]:
    """The period's access log, oldest first, with the user's name and the organisation's:
    one query read in chunks (no model rows, no decryption)."""
    rows = (
        events_in(period)
        .order_by("at", "id")
        .values_list(
            "at",
            "user__full_name",
            "user__email",
            "role",
            "organisation__name",
            "object_type",
            "object_id",
        )
    )
    for at, full_name, email, role, organisation, kind, record in rows.iterator(
        chunk_size=EXPORT_CHUNK
    ):
        yield LogRow(
            at=at,
            user=full_name or email,
            role=str(role_label(role)),
            organisation=organisation or "",
            record_type=str(type_label(kind)),
            record_id=record,
        )
