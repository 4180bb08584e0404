"""Every programme figure, defined once: what it counts (in plain bokmål, for "Om tallene"),
its unit, and the query that computes it for a period and a set of branches.

The dashboard (``reports/dashboard.py``), the exports, the funder report and the start pages
ask here and nowhere else, so a figure means the same on every page. Each ``Definition``
carries its ``compute(span)``; a ``Span`` is the period (first and last day, both included),
the branches (``None``: the whole country) and today's date. The results are plain numbers:

- a *count* figure gives ``{branch id: count}`` (the total is the sum; the breakdown by county
  or branch comes for free);
- a *table* figure gives a ``Grid`` of counts (rows × columns, with labels);
- a *median*, *average* or *share* figure gives a ``Stat`` (the value and how many people or
  matches it is computed over).

Suppression (``reports/suppression.py``, through ``reports/tables.py``) is applied by the
dashboard, never here: these functions return the true numbers. Queries group in SQL where
they can; medians and the questionnaire scores are computed in Python from one query each.
A ``Span`` caches shared rows (the matches running in the period) so that one report does
each query once, whatever the size of the data.

Where the models keep no exact date for a step, the explanation says what is used instead:
matches are counted as *active now* from their current status (no status history is kept),
the waiting list is today's, and a volunteer's application date is when the application
reached the branch (``Volunteer.applied_at``).
"""

from __future__ import annotations

import datetime
import functools
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ressursvenn.followup.models import (
    DIGITAL_CHANNELS,
    Activity,
    Channel,
    CheckIn,
    Closure,
    EventSignup,
    SocialEvent,
)
from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.participants.models import Referral
from ressursvenn.surveys import scales
from ressursvenn.surveys.models import Answer, Outcome, Respondent, TimePoint
from ressursvenn.surveys.targets import METRICS
from ressursvenn.volunteers.models import Volunteer

if TYPE_CHECKING:
    from django.utils.functional import Promise

Kind = Literal["count", "table", "median", "average", "share"]

NINE_MONTHS = 9
CHECKIN_GRACE_DAYS = 7
"""A check-in held at most this many days after its due date counts as on time."""
DAYS_PER_MONTH = 365.25 / 12


@dataclass
class Span:
    """The period (``starts_on``..``ends_on``, both included), the branches (None: all) and
    today. ``cache`` holds rows several figures share, within one report."""

    starts_on: datetime.date
    ends_on: datetime.date
    branch_ids: frozenset[int] | None = None
    today: datetime.date = field(default_factory=timezone.localdate)
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def branches(self, lookup: str = "branch_id") -> Q:
        """The filter on the branch field ``lookup`` (nothing for the whole country)."""
        if self.branch_ids is None:
            return Q()
        return Q(**{f"{lookup}__in": sorted(self.branch_ids)})

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes: the first moment and the moment after the last day."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.starts_on, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return first, after

    def during(self, lookup: str) -> Q:
        """``lookup`` (a datetime field) falls in the period."""
        first, after = self.moments()
        return Q(**{f"{lookup}__gte": first, f"{lookup}__lt": after})

    def on_days(self, lookup: str) -> Q:
        """``lookup`` (a date field) falls in the period."""
        return Q(**{f"{lookup}__gte": self.starts_on, f"{lookup}__lte": self.ends_on})

    @property
    def counted_until(self) -> datetime.date:
        """The last day that has happened: the period's end, or today if that is earlier."""
        return min(self.ends_on, self.today)


@dataclass(frozen=True)
class Grid:
    """A table of true counts: rows × columns, each with its code and label."""

    rows: tuple[tuple[str, Any], ...]
    columns: tuple[tuple[str, Any], ...]
    counts: tuple[tuple[int, ...], ...]

    def row_labels(self) -> list[str]:
        return [str(label) for _code, label in self.rows]

    def column_labels(self) -> list[str]:
        return [str(label) for _code, label in self.columns]


@dataclass(frozen=True)
class Stat:
    """A median, an average or a share (in per cent) over ``n`` people or matches; ``value``
    None when there is nothing to compute it over."""

    value: float | None
    n: int


ByBranch = dict[int, int]


@dataclass(frozen=True)
class Definition:
    code: str
    label: Promise
    explanation: Promise
    unit: Promise
    kind: Kind
    compute: Callable[[Span], Any]

    @property
    def is_count(self) -> bool:
        return self.kind in ("count", "table")


REGISTRY: dict[str, Definition] = {}


def define(
    code: str, label: Promise, explanation: Promise, unit: Promise, kind: Kind
) -> Callable[[Callable[[Span], Any]], Callable[[Span], Any]]:
    """Register the decorated query function as the figure ``code``."""

    def register(compute: Callable[[Span], Any]) -> Callable[[Span], Any]:
        if code in REGISTRY:
            raise ValueError(f"figure {code!r} is defined twice")
        REGISTRY[code] = Definition(code, label, explanation, unit, kind, compute)
        return compute

    return register


def get(code: str) -> Definition:
    return REGISTRY[code]


def compute(code: str, span: Span) -> Any:
    """The figure ``code`` for ``span`` (computed once per span)."""
    key = f"figure:{code}"
    if key not in span.cache:
        span.cache[key] = REGISTRY[code].compute(span)
    return span.cache[key]


def total(by_branch: ByBranch) -> int:
    return sum(by_branch.values())


def _by_branch(rows: Any, lookup: str = "branch_id") -> ByBranch:
    return {
        branch_id: n
        for branch_id, n in rows.order_by().values_list(lookup).annotate(n=Count("pk"))
        if branch_id is not None
    }


def _median(values: list[int]) -> Stat:
    if not values:
        return Stat(None, 0)
    return Stat(float(statistics.median(values)), len(values))


def _share(hits: int, n: int) -> Stat:
    return Stat(round(100 * hits / n, 1) if n else None, n)


def _grid(
    rows: Iterable[tuple[str, Any]],
    columns: Iterable[tuple[str, Any]],
    found: dict[tuple[str, str], int],
) -> Grid:
    rows, columns = tuple(rows), tuple(columns)
    counts = tuple(tuple(found.get((r, c), 0) for c, _label in columns) for r, _label in rows)
    return Grid(rows, columns, counts)


COUNT_COLUMN = (("n", _("Antall")),)


def _column(rows: Iterable[tuple[str, Any]], found: dict[str, int]) -> Grid:
    return _grid(rows, COUNT_COLUMN, {(code, "n"): n for code, n in found.items()})


# --- volunteers --------------------------------------------------------------------------------


@define(
    "volunteers_by_stage",
    _("Nye søkere etter hvor langt de har kommet"),
    _(
        "Alle som søkte om å bli ressursvenn i perioden (datoen søknaden kom inn til "
        "lokalforeningen), fordelt på hvor de står i dag: søknad, under vurdering, godkjent, "
        "pause, avsluttet, avslått eller trukket."
    ),
    _("søkere"),
    "table",
)
def volunteers_by_stage(span: Span) -> Grid:
    found = dict(
        Volunteer.objects.filter(span.branches(), span.during("applied_at"))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return _column(Volunteer.Status.choices, found)


@define(
    "volunteers_approved",
    METRICS["volunteers_approved"],
    _(
        "Ressursvenner som ble godkjent i perioden: godkjenningsdatoen ligger i perioden, "
        "uansett hva som har skjedd med dem siden."
    ),
    _("ressursvenner"),
    "count",
)
def volunteers_approved(span: Span) -> ByBranch:
    found: Counter[int] = Counter()
    for branch_id, _applied, _approved_on, n in _approved(span):
        found[branch_id] += n
    return dict(found)


def _approved(span: Span) -> list[tuple[int, datetime.date, datetime.date, int]]:
    """(branch id, applied on, approved on, how many) of the volunteers approved in the period,
    grouped in SQL (a national year holds tens of thousands of approvals in the benchmark).

    "Applied on" is the day of `applied_at` as stored (UTC): an application sent between
    midnight and 01:00 (02:00 in summer) Norwegian time counts from the day before. Reading
    every timestamp to turn it into Norwegian time cost more than the rest of the dashboard."""
    key = "approved"
    if key not in span.cache:
        span.cache[key] = list(
            Volunteer.objects.filter(span.branches(), span.on_days("approved_on"))
            .annotate(applied_on=Cast("applied_at", DateField()))
            .order_by()
            .values_list("branch_id", "applied_on", "approved_on")
            .annotate(n=Count("pk"))
        )
    result: list[tuple[int, datetime.date, datetime.date, int]] = span.cache[key]
    return result


@define(
    "approval_days",
    _("Tid fra søknad til godkjenning"),
    _(
        "Medianen av antall dager fra søknaden kom inn til ressursvennen ble godkjent, for dem "
        "som ble godkjent i perioden. Halvparten brukte kortere tid, halvparten lengre."
    ),
    _("dager"),
    "median",
)
def approval_days(span: Span) -> Stat:
    days: list[int] = []
    for _branch, applied_on, approved_on, n in _approved(span):
        days.extend([max(0, (approved_on - applied_on).days)] * n)
    return _median(days)


# --- referrals and the waiting list ------------------------------------------------------------


@define(
    "referrals_received",
    METRICS["referrals_received"],
    _(
        "Henvisninger som krisesentrene sendte til lokalforeningen i perioden (datoen "
        "henvisningen ble sendt). Utkast telles ikke."
    ),
    _("henvisninger"),
    "count",
)
def referrals_received(span: Span) -> ByBranch:
    found: Counter[int] = Counter()
    for branch_id, _centre, _name, n in _referrals(span):
        found[branch_id] += n
    return dict(found)


def _referrals(span: Span) -> list[tuple[int, int, str, int]]:
    """(branch id, centre id, centre name, count) of the referrals sent in the period."""
    key = "referrals"
    if key not in span.cache:
        span.cache[key] = list(
            Referral.objects.filter(span.branches(), span.during("submitted_at"))
            .order_by()
            .values_list("branch_id", "centre_id", "centre__name")
            .annotate(n=Count("pk"))
        )
    result: list[tuple[int, int, str, int]] = span.cache[key]
    return result


@define(
    "referrals_by_centre",
    _("Henvisninger fra hvert krisesenter"),
    _(
        "De samme henvisningene som «Nye henvisninger», fordelt på krisesenteret som sendte "
        "dem. Bare krisesentre som har sendt minst én, vises."
    ),
    _("henvisninger"),
    "table",
)
def referrals_by_centre(span: Span) -> Grid:
    names: dict[str, str] = {}
    found: Counter[str] = Counter()
    for _branch, centre_id, name, n in _referrals(span):
        names[str(centre_id)] = name
        found[str(centre_id)] += n
    rows = sorted(names.items(), key=lambda row: row[1])
    return _column(rows, dict(found))


@define(
    "waiting_now",
    _("Kvinner på ventelisten nå"),
    _(
        "Kvinner som er tatt imot av lokalforeningen og venter på en ressursvenn i dag "
        "(samtykket er ikke trukket). Tallet gjelder i dag, ikke perioden."
    ),
    _("kvinner"),
    "count",
)
def waiting_now(span: Span) -> ByBranch:
    return _by_branch(Referral.objects.waiting().filter(span.branches()))


@define(
    "referral_to_meeting_days",
    _("Ventetid fra henvisning til koblingsmøte"),
    _(
        "Medianen av antall dager fra henvisningen ble sendt til koblingsmøtet som ga en "
        "kobling, for koblinger som startet i perioden. Halvparten ventet kortere, "
        "halvparten lengre."
    ),
    _("dager"),
    "median",
)
def referral_to_meeting_days(span: Span) -> Stat:
    waited = ExpressionWrapper(
        F("starts_at") - F("match__referral__submitted_at"), output_field=DurationField()
    )
    rows = (
        MatchingMeeting.objects.filter(
            span.branches("match__branch_id"),
            span.on_days("match__started_on"),
            outcome=MatchingMeeting.Outcome.CONTINUE,
            match__referral__submitted_at__isnull=False,
        )
        .annotate(waited=waited)
        .values_list("waited", flat=True)
    )
    return _median([max(0, waited.days) for waited in rows])


# --- matches -----------------------------------------------------------------------------------


def running_matches(span: Span) -> list[tuple[int, int, datetime.date, datetime.date | None]]:
    """(match id, branch id, started on, ended on) of every match that ran on some day of the
    period: started on or before its last day, not ended before its first. Shared by several
    figures (one query a report)."""
    key = "running_matches"
    if key not in span.cache:
        span.cache[key] = list(
            Match.objects.filter(
                span.branches(),
                Q(ended_on__isnull=True) | Q(ended_on__gte=span.starts_on),
                started_on__isnull=False,
                started_on__lte=span.ends_on,
            )
            .order_by()
            .values_list("pk", "branch_id", "started_on", "ended_on")
        )
    result: list[tuple[int, int, datetime.date, datetime.date | None]] = span.cache[key]
    return result


@define(
    "women_matched",
    METRICS["women_matched"],
    _(
        "Kvinner som fikk en ressursvenn i perioden: koblingsmøtet ble holdt og begge ville "
        "fortsette (koblingen startet) i perioden. En kvinne telles én gang."
    ),
    _("kvinner"),
    "count",
)
def women_matched(span: Span) -> ByBranch:
    return dict(
        Match.objects.filter(span.branches(), span.on_days("started_on"))
        .order_by()
        .values_list("branch_id")
        .annotate(n=Count("referral_id", distinct=True))
    )


def months_of(span: Span) -> list[datetime.date]:
    """The first day of every month the period touches."""
    first = span.starts_on.replace(day=1)
    months = []
    while first <= span.ends_on:
        months.append(first)
        first = add_months(first, 1)
    return months


MONTH_NAMES = (
    _("jan."),
    _("feb."),
    _("mars"),
    _("apr."),
    _("mai"),
    _("juni"),
    _("juli"),
    _("aug."),
    _("sep."),
    _("okt."),
    _("nov."),
    _("des."),
)


def month_label(month: datetime.date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


@define(
    "matches_started_by_month",
    _("Koblinger som startet, måned for måned"),
    _(
        "Koblinger som startet (koblingsmøtet ga en kobling) i hver måned av perioden. Også "
        "koblinger som senere er avsluttet, telles."
    ),
    _("koblinger"),
    "table",
)
def matches_started_by_month(span: Span) -> Grid:
    found: Counter[str] = Counter()
    for _pk, _branch, started_on, _ended in running_matches(span):
        if span.starts_on <= started_on <= span.ends_on:
            found[started_on.replace(day=1).isoformat()] += 1
    rows = [(month.isoformat(), month_label(month)) for month in months_of(span)]
    return _column(rows, dict(found))


@define(
    "matches_now",
    _("Koblinger som pågår nå"),
    _(
        "Koblinger som er aktive, satt på pause eller er i ferd med å avsluttes i dag. Tallet "
        "gjelder i dag, ikke perioden (systemet tar ikke vare på hvilken status en kobling "
        "hadde tidligere)."
    ),
    _("koblinger"),
    "table",
)
def matches_now(span: Span) -> Grid:
    statuses = (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING)
    found = dict(
        Match.objects.filter(span.branches(), status__in=statuses)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return _column([(s.value, s.label) for s in statuses], found)


@define(
    "active_now",
    _("Aktive koblinger nå"),
    _("Koblinger som er aktive i dag (ikke på pause). Tallet gjelder i dag, ikke perioden."),
    _("koblinger"),
    "count",
)
def active_now(span: Span) -> ByBranch:
    return _by_branch(Match.objects.filter(span.branches(), status=Match.Status.ACTIVE))


@define(
    "paused_now",
    _("Koblinger på pause nå"),
    _("Koblinger som er satt på pause i dag. Tallet gjelder i dag, ikke perioden."),
    _("koblinger"),
    "count",
)
def paused_now(span: Span) -> ByBranch:
    return _by_branch(Match.objects.filter(span.branches(), status=Match.Status.PAUSED))


@define(
    "closures_by_reason",
    _("Avsluttede koblinger etter årsak"),
    _(
        "Koblinger som ble avsluttet i perioden (sluttdatoen i avslutningen), fordelt på "
        "årsaken gruppelederen valgte."
    ),
    _("koblinger"),
    "table",
)
def closures_by_reason(span: Span) -> Grid:
    found = dict(
        Closure.objects.filter(span.branches("match__branch_id"), span.on_days("ended_on"))
        .order_by()
        .values_list("reason")
        .annotate(n=Count("pk"))
    )
    return _column(Closure.Reason.choices, found)


@define(
    "closures",
    _("Avsluttede koblinger"),
    _("Koblinger som ble avsluttet i perioden (sluttdatoen i avslutningen), uansett årsak."),
    _("koblinger"),
    "count",
)
def closures(span: Span) -> ByBranch:
    return _by_branch(
        Closure.objects.filter(span.branches("match__branch_id"), span.on_days("ended_on")),
        "match__branch_id",
    )


@functools.lru_cache(maxsize=4096)
def nine_months_day(started_on: datetime.date) -> datetime.date:
    """Nine months after the start, as ``add_months`` counts (remembered: thousands of
    matches share a few hundred start dates)."""
    return add_months(started_on, NINE_MONTHS)


@define(
    "nine_months_share",
    _("Andel som varte minst ni måneder"),
    _(
        "Av koblingene som endte i perioden (avsluttet, eller avbrutt etter at de hadde "
        "startet): hvor mange prosent som varte minst ni måneder fra koblingsmøtet."
    ),
    _("prosent"),
    "share",
)
def nine_months_share(span: Span) -> Stat:
    ended = [
        (started_on, ended_on)
        for _pk, _branch, started_on, ended_on in running_matches(span)
        if ended_on is not None and ended_on <= span.ends_on
    ]
    lasted = sum(1 for started_on, ended_on in ended if ended_on >= nine_months_day(started_on))
    return _share(lasted, len(ended))


@define(
    "matches_nine_months",
    METRICS["matches_nine_months"],
    _(
        "Koblinger som nådde ni måneder i perioden: dagen ni måneder etter koblingsmøtet "
        "ligger i perioden, og koblingen var ikke avsluttet før den dagen."
    ),
    _("koblinger"),
    "count",
)
def matches_nine_months(span: Span) -> ByBranch:
    found: Counter[int] = Counter()
    for _pk, branch_id, started_on, ended_on in running_matches(span):
        day = nine_months_day(started_on)
        if span.starts_on <= day <= span.counted_until and (ended_on is None or ended_on >= day):
            found[branch_id] += 1
    return dict(found)


# --- activities, check-ins and social events ---------------------------------------------------


def _match_months(span: Span) -> tuple[float, int]:
    """The months the matches ran within the period (up to today), and how many matches."""
    months = 0.0
    count = 0
    for _pk, _branch, started_on, ended_on in running_matches(span):
        first = max(started_on, span.starts_on)
        last = min(ended_on or span.counted_until, span.counted_until)
        if last < first:
            continue
        months += ((last - first).days + 1) / DAYS_PER_MONTH
        count += 1
    return months, count


@define(
    "activities_by_channel",
    _("Aktiviteter etter møteform"),
    _(
        "Aktiviteter ressursvennene har registrert med en dato i perioden, fordelt på om de "
        "møttes eller snakket på video, telefon eller med meldinger."
    ),
    _("aktiviteter"),
    "table",
)
def activities_by_channel(span: Span) -> Grid:
    found = dict(
        Activity.objects.filter(span.branches("match__branch_id"), span.on_days("occurred_on"))
        .order_by()
        .values_list("channel")
        .annotate(n=Count("pk"))
    )
    return _column(Channel.choices, found)


def _per_match_month(span: Span, digital: bool) -> Stat:
    grid = compute("activities_by_channel", span)
    count = sum(
        row[0]
        for (code, _label), row in zip(grid.rows, grid.counts, strict=True)
        if (code in DIGITAL_CHANNELS) == digital
    )
    months, matches = _match_months(span)
    if not months:
        return Stat(None, matches)
    return Stat(round(count / months, 1), matches)


PER_MATCH_MONTH = _(
    "Antall aktiviteter med en dato i perioden delt på antall måneder koblingene varte i "
    "perioden (fram til i dag). Med i tellingen er alle koblinger som var i gang en dag i "
    "perioden, også mens de hadde pause."
)


@define(
    "activities_in_person_per_match_month",
    _("Fysiske møter per kobling per måned"),
    PER_MATCH_MONTH,
    _("aktiviteter per måned"),
    "average",
)
def activities_in_person_per_match_month(span: Span) -> Stat:
    return _per_match_month(span, digital=False)


@define(
    "activities_digital_per_match_month",
    _("Digitale møter per kobling per måned"),
    format_lazy("{} {}", _("Video, telefon og meldinger."), PER_MATCH_MONTH),
    _("aktiviteter per måned"),
    "average",
)
def activities_digital_per_match_month(span: Span) -> Stat:
    return _per_match_month(span, digital=True)


CHECKIN_ROWS = (
    ("on_time", _("Holdt i tide")),
    ("late", _("Holdt for sent")),
    ("missing", _("Ikke holdt")),
)


@define(
    "checkins",
    _("Oppfølgingssamtaler med frist i perioden"),
    _(
        "Oppfølgingssamtaler med frist i perioden (fram til i dag): holdt i tide (senest sju "
        "dager etter fristen), holdt senere, eller ikke holdt ennå. Samtaler som falt bort "
        "fordi koblingen ble avsluttet, telles ikke."
    ),
    _("samtaler"),
    "table",
)
def checkins(span: Span) -> Grid:
    rows = CheckIn.objects.filter(
        span.branches("match__branch_id"),
        due_on__gte=span.starts_on,
        due_on__lt=min(span.ends_on + datetime.timedelta(days=1), span.today),
    ).exclude(status=CheckIn.Status.CANCELLED)
    # Grouped by due date and day held (a few thousand pairs nationally, not a row each):
    # comparing the dates in SQL would call a function per row on SQLite.
    grace = datetime.timedelta(days=CHECKIN_GRACE_DAYS)
    found: Counter[str] = Counter()
    for status, due_on, held_on, n in (
        rows.order_by().values_list("status", "due_on", "held_on").annotate(n=Count("pk"))
    ):
        if status == CheckIn.Status.HELD and held_on is not None:
            found["late" if held_on > due_on + grace else "on_time"] += n
        else:
            found["missing"] += n
    return _column(CHECKIN_ROWS, dict(found))


@define(
    "checkins_on_time_share",
    _("Oppfølgingssamtaler holdt i tide"),
    _(
        "Av oppfølgingssamtalene med frist i perioden (fram til i dag): hvor mange prosent som "
        "ble holdt senest sju dager etter fristen."
    ),
    _("prosent"),
    "share",
)
def checkins_on_time_share(span: Span) -> Stat:
    grid = compute("checkins", span)
    counts = {code: row[0] for (code, _label), row in zip(grid.rows, grid.counts, strict=True)}
    return _share(counts.get("on_time", 0), sum(counts.values()))


def _held_events(span: Span) -> Any:
    first, after = span.moments()
    now = timezone.now()
    return SocialEvent.objects.filter(
        span.branches(),
        cancelled_at__isnull=True,
        starts_at__gte=first,
        starts_at__lt=min(after, now),
    )


@define(
    "social_events",
    METRICS["social_events"],
    _("Sosiale treff lokalforeningene holdt i perioden (fram til nå). Avlyste treff telles ikke."),
    _("treff"),
    "count",
)
def social_events(span: Span) -> ByBranch:
    return _by_branch(_held_events(span))


@define(
    "event_attendance",
    _("Deltakere på sosiale treff"),
    _(
        "Hvor mange som møtte på de sosiale treffene i perioden, slik gruppelederen "
        "registrerte oppmøtet: en ressursvenn alene teller én, et par teller to."
    ),
    _("deltakere"),
    "count",
)
def event_attendance(span: Span) -> ByBranch:
    rows = (
        EventSignup.objects.filter(event__in=_held_events(span).values("pk"), attended=True)
        .order_by()
        .values_list("event__branch_id")
        .annotate(n=Sum("places"))
    )
    return {branch_id: int(n or 0) for branch_id, n in rows}


# --- outcomes ----------------------------------------------------------------------------------

SCORES: dict[str, Callable[..., int | None]] = {"ucla3": scales.ucla3, "osss3": scales.osss3}


def _scores(span: Span) -> dict[tuple[int, str, str], int]:
    """{(match id, time point, instrument): total} of the women's submitted answers, for the
    matches with a six-month or closure answer submitted in the period (one query)."""
    key = "scores"
    if key in span.cache:
        result: dict[tuple[int, str, str], int] = span.cache[key]
        return result
    later = Answer.objects.filter(
        span.branches("response__match__branch_id"),
        span.during("response__submitted_at"),
        response__respondent=Respondent.PARTICIPANT,
        response__time_point__in=(TimePoint.SIX_MONTHS, TimePoint.CLOSURE),
    ).values("response__match_id")
    # Added up per response in SQL (a national year holds some 100,000 answers): the scales'
    # totals are plain sums, and scales.total_from_sum turns the sum into the total.
    scores: dict[tuple[int, str, str], int] = {}
    for match_id, time_point, instrument, version, answered, item_sum in (
        Answer.objects.filter(
            response__match_id__in=later,
            response__respondent=Respondent.PARTICIPANT,
            response__submitted_at__isnull=False,
            instrument__in=SCORES,
        )
        .order_by()
        .values_list("response__match_id", "response__time_point", "instrument", "version")
        .annotate(answered=Count("value"), item_sum=Sum("value"))
        .values_list(
            "response__match_id",
            "response__time_point",
            "instrument",
            "version",
            "answered",
            "item_sum",
        )
    ):
        form = scales.INSTRUMENTS.get((instrument, version))
        if form is None:
            continue
        try:
            score = scales.total_from_sum(form, answered, item_sum or 0)
        except ValueError:
            score = None  # a stored value outside the scale: no total
        if score is not None:
            scores[(match_id, time_point, instrument)] = score
    span.cache[key] = scores
    return scores


def _later_in_period(span: Span, time_point: str) -> set[int]:
    """Matches whose answer at ``time_point`` was submitted in the period."""
    key = f"later:{time_point}"
    if key not in span.cache:
        span.cache[key] = set(
            Answer.objects.filter(
                span.branches("response__match__branch_id"),
                span.during("response__submitted_at"),
                response__respondent=Respondent.PARTICIPANT,
                response__time_point=time_point,
            )
            .order_by()
            .values_list("response__match_id", flat=True)
            .distinct()
        )
    result: set[int] = span.cache[key]
    return result


def _change(span: Span, instrument: str, time_point: str) -> Stat:
    scores = _scores(span)
    changes = [
        scores[(match_id, time_point, instrument)] - scores[(match_id, TimePoint.START, instrument)]
        for match_id in _later_in_period(span, time_point)
        if (match_id, time_point, instrument) in scores
        and (match_id, TimePoint.START, instrument) in scores
    ]
    if not changes:
        return Stat(None, 0)
    return Stat(round(statistics.fmean(changes), 1), len(changes))


PAIRED = _(
    "Bare kvinner som har svart på alle tre spørsmålene både ved oppstart og ved det senere "
    "tidspunktet er med (parvise svar); n er hvor mange. Det senere svaret er sendt inn i "
    "perioden."
)


@define(
    "ucla3_change_six_months",
    _("Endring i ensomhet fra oppstart til seks måneder"),
    format_lazy(
        "{} {}",
        _(
            "Gjennomsnittlig endring i poengsum på UCLA-3 (ensomhet, 3–9 poeng, høyere er mer "
            "ensom) fra oppstart til seks måneder. Et negativt tall betyr mindre ensomhet."
        ),
        PAIRED,
    ),
    _("poeng"),
    "average",
)
def ucla3_change_six_months(span: Span) -> Stat:
    return _change(span, "ucla3", TimePoint.SIX_MONTHS)


@define(
    "ucla3_change_closure",
    _("Endring i ensomhet fra oppstart til avslutning"),
    format_lazy(
        "{} {}",
        _(
            "Gjennomsnittlig endring i poengsum på UCLA-3 (ensomhet, 3–9 poeng, høyere er mer "
            "ensom) fra oppstart til avslutning. Et negativt tall betyr mindre ensomhet."
        ),
        PAIRED,
    ),
    _("poeng"),
    "average",
)
def ucla3_change_closure(span: Span) -> Stat:
    return _change(span, "ucla3", TimePoint.CLOSURE)


@define(
    "osss3_change_six_months",
    _("Endring i sosial støtte fra oppstart til seks måneder"),
    format_lazy(
        "{} {}",
        _(
            "Gjennomsnittlig endring i poengsum på OSSS-3 (sosial støtte, 3–14 poeng, høyere er "
            "mer støtte) fra oppstart til seks måneder. Et positivt tall betyr mer støtte."
        ),
        PAIRED,
    ),
    _("poeng"),
    "average",
)
def osss3_change_six_months(span: Span) -> Stat:
    return _change(span, "osss3", TimePoint.SIX_MONTHS)


@define(
    "osss3_change_closure",
    _("Endring i sosial støtte fra oppstart til avslutning"),
    format_lazy(
        "{} {}",
        _(
            "Gjennomsnittlig endring i poengsum på OSSS-3 (sosial støtte, 3–14 poeng, høyere er "
            "mer støtte) fra oppstart til avslutning. Et positivt tall betyr mer støtte."
        ),
        PAIRED,
    ),
    _("poeng"),
    "average",
)
def osss3_change_closure(span: Span) -> Stat:
    return _change(span, "osss3", TimePoint.CLOSURE)


@define(
    "violence_outcome",
    _("Lever kvinnen fri fra voldsutøveren?"),
    _(
        "Svarene krisesenteret eller gruppelederen registrerte i perioden, etter seks måneder "
        "og ved avslutning: lever fri fra voldsutøveren, har flyttet tilbake, eller vet ikke."
    ),
    _("kvinner"),
    "table",
)
def violence_outcome(span: Span) -> Grid:
    found = {
        (value, time_point): n
        for value, time_point, n in Outcome.objects.filter(
            span.branches("match__branch_id"), span.during("recorded_at")
        )
        .order_by()
        .values_list("value", "time_point")
        .annotate(n=Count("pk"))
    }
    columns = [(str(t.value), t.label) for t in Outcome.TIME_POINTS]
    return _grid(Outcome.Value.choices, columns, found)


TARGET_FIGURES = tuple(METRICS)
"""The figures a target can be set for: each code of ``surveys.targets.METRICS`` is a count
figure here."""
