"""The programme dashboard: who may see which scope, and the ``Report`` for a period and a scope.

Scopes (``scope_for``): the national coordinator sees the whole country (the default), one
county or one branch; a group leader all her branches together (the default) or one of them.
Anything else (another branch, a county for a group leader, a made-up code) is refused with
``ScopeRefusedError`` (the page answers 403 with a message; nothing is computed).

``build`` asks ``reports/definitions.py`` for every figure and wraps the numbers in the
shapes of ``reports/tables.py``. Below the national level every table goes through
``make_table(national=False)`` (counts 1–4 hidden, plus what protects them), a single count
from 1 to 4 is not shown, and a median, average or share over fewer than ``MIN_PEOPLE``
people or matches is not shown (nor is its n). The breakdown by county or branch is always
suppressed (it is below the national level, whatever the scope), and below the national level
the scope's own counts in it (referrals, women matched, active matches, closures) are shown
exactly as that table's column totals are, so no total on the page gives a hidden cell away.
(The whole-country figures are exact by design: the national coordinator can compare them
with a county's table on another page; see docs/architecture.md.)

Every figure is one query (or a few shared through the ``Span`` cache) whatever the size of
the data, so the page's query count is constant.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ressursvenn.accounts.models import Role
from ressursvenn.organisations.models import County, Organisation
from ressursvenn.reports import definitions
from ressursvenn.reports.definitions import Grid, Span, Stat
from ressursvenn.reports.tables import (
    MIN_PEOPLE,
    SMALL_MARK,
    Figure,
    Report,
    Section,
    Table,
    Target,
    make_table,
)
from ressursvenn.surveys import models as surveys
from ressursvenn.surveys.targets import METRICS

WHOLE_COUNTRY = ""
MINE = ""
COUNTY_PREFIX = "fylke-"
BRANCH_PREFIX = "lokalforening-"
AREA_PREFIXES = (COUNTY_PREFIX, BRANCH_PREFIX)


class ScopeRefusedError(Exception):
    """The user may not see figures for the scope she asked for."""


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``branch_ids`` None is the whole country (only then ``national``).
    ``breakdown``: the rows of the table by area ("county", "branch" or "": none)."""

    code: str
    label: str
    national: bool
    branch_ids: frozenset[int] | None
    breakdown: str


def may_see_national(user: Any) -> bool:
    return bool(user.has_role(Role.NATIONAL_COORDINATOR))


def _led_branches(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.branches().filter(pk__in=user.organisation_ids(Role.GROUP_LEADER))


def area_choices(user: Any) -> list[tuple[Any, Any]]:
    """The scopes the user may choose, for the form's select (option groups for the
    coordinator: the whole country, the counties, the branches)."""
    if may_see_national(user):
        counties = [(f"{COUNTY_PREFIX}{c.code}", c.name) for c in County.objects.order_by("name")]
        branches = [
            (f"{BRANCH_PREFIX}{pk}", name)
            for pk, name in Organisation.objects.branches()
            .order_by("name")
            .values_list("pk", "name")
        ]
        return [
            (WHOLE_COUNTRY, gettext_lazy("Hele landet")),
            (gettext_lazy("Fylker"), counties),
            (gettext_lazy("Lokalforeninger"), branches),
        ]
    led = [
        (f"{BRANCH_PREFIX}{pk}", name)
        for pk, name in _led_branches(user).order_by("name").values_list("pk", "name")
    ]
    if len(led) > 1:
        return [(MINE, gettext_lazy("Alle mine lokalforeninger")), *led]
    return led


def default_area(user: Any) -> str:
    choices = area_choices(user)
    return str(choices[0][0]) if choices else WHOLE_COUNTRY


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def scope_for(user: Any, code: str) -> Scope:
    """The scope ``code`` (see ``area_choices``) if the user may see it; ``ScopeRefusedError``
    otherwise (also for a code that names nothing)."""
    code = (code or "").strip()
    national = may_see_national(user)
    led = set(user.organisation_ids(Role.GROUP_LEADER))
    if code == WHOLE_COUNTRY:
        if national:
            return Scope(code, _("Hele landet"), True, None, "county")
        if not led:
            raise ScopeRefusedError
        names = list(_led_branches(user).order_by("name").values_list("pk", "name"))
        if len(names) == 1:
            return Scope(code, names[0][1], False, frozenset({names[0][0]}), "")
        return Scope(
            code,
            _("Mine lokalforeninger"),
            False,
            frozenset(pk for pk, _name in names),
            "branch",
        )
    if code.startswith(COUNTY_PREFIX) and national:
        county = County.objects.filter(code=code.removeprefix(COUNTY_PREFIX)).first()
        if county is None:
            raise ScopeRefusedError
        ids = frozenset(
            Organisation.objects.branches()
            .filter(municipality__county=county)
            .values_list("pk", flat=True)
        )
        return Scope(code, county.name, False, ids, "branch")
    if code.startswith(BRANCH_PREFIX):
        pk = _number(code.removeprefix(BRANCH_PREFIX))
        if pk is not None and (national or pk in led):
            branch = Organisation.objects.branches().filter(pk=pk).first()
            if branch is not None:
                return Scope(code, branch.name, False, frozenset({pk}), "")
    raise ScopeRefusedError


# --- from numbers to the shapes of tables.py --------------------------------------------------


def _count(n: int, national: bool) -> int | None:
    return n if national or n == 0 or n >= MIN_PEOPLE else None


def _count_figure(code: str, span: Span, national: bool) -> Figure:
    definition = definitions.get(code)
    n = definitions.total(definitions.compute(code, span))
    value = _count(n, national)
    return Figure(
        key=code,
        label=str(definition.label),
        value=value,
        n=None,
        unit=str(definition.unit),
        definition=code,
        mark=SMALL_MARK if value is None else "",
    )


def _stat_figure(code: str, span: Span, national: bool) -> Figure:
    definition = definitions.get(code)
    stat: Stat = definitions.compute(code, span)
    few = not national and stat.n < MIN_PEOPLE
    return Figure(
        key=code,
        label=str(definition.label),
        value=None if few else stat.value,
        n=None if few else stat.n,
        unit=str(definition.unit),
        definition=code,
    )


def _table(code: str, span: Span, national: bool, row_header: str) -> Table:
    definition = definitions.get(code)
    grid: Grid = definitions.compute(code, span)
    return make_table(
        code,
        str(definition.label),
        row_header,
        grid.row_labels(),
        grid.column_labels(),
        [list(row) for row in grid.counts],
        national=national,
        definition=code,
    )


AREA_COLUMNS = ("referrals_received", "women_matched", "active_now", "closures")


def _areas(span: Span, scope: Scope) -> list[tuple[int | str, str, set[int]]]:
    """The rows of the breakdown: (key, name, branch ids) per county or per branch."""
    branches = Organisation.objects.branches()
    if scope.branch_ids is not None:
        branches = branches.filter(pk__in=sorted(scope.branch_ids))
    if scope.breakdown == "county":
        rows: dict[str, tuple[str, set[int]]] = {}
        for pk, code, name in branches.order_by().values_list(
            "pk", "municipality__county_id", "municipality__county__name"
        ):
            key = code or ""
            rows.setdefault(key, (name or _("Uten fylke"), set()))[1].add(pk)
        return sorted(
            ((key, name, ids) for key, (name, ids) in rows.items()), key=lambda row: row[1]
        )
    return [(pk, name, {pk}) for pk, name in branches.order_by("name").values_list("pk", "name")]


def _area_table(span: Span, scope: Scope) -> Table:
    columns = [definitions.compute(code, span) for code in AREA_COLUMNS]
    areas = _areas(span, scope)
    counts = [[sum(column.get(pk, 0) for pk in ids) for column in columns] for _k, _n, ids in areas]
    title = (
        _("Fylke for fylke")
        if scope.breakdown == "county"
        else _("Lokalforening for lokalforening")
    )
    return make_table(
        f"areas_{scope.breakdown}",
        title,
        _("Fylke") if scope.breakdown == "county" else _("Lokalforening"),
        [name for _k, name, _ids in areas],
        [str(definitions.get(code).label) for code in AREA_COLUMNS],
        counts,
        national=False,
        definition="",
    )


def _with_area_totals(figure: Figure, area_table: Table | None, national: bool) -> Figure:
    """Below the national level, a count that is also a column total of the breakdown shows
    exactly what that table shows (hidden there: hidden here)."""
    if national or area_table is None or figure.key not in AREA_COLUMNS:
        return figure
    j = AREA_COLUMNS.index(figure.key)
    shown = area_table.shown.column_totals[j]
    return Figure(
        key=figure.key,
        label=figure.label,
        value=shown,
        n=None,
        unit=figure.unit,
        definition=figure.definition,
        mark="" if shown is not None else area_table.column_total_text(j),
    )


def _targets(
    span: Span, scope: Scope, period: surveys.ReportingPeriod | None, figures: dict[str, Figure]
) -> tuple[Target, ...]:
    """The targets of the chosen period for the scope: national targets for the whole
    country; the sum of the branch targets of the branches in a smaller scope."""
    if period is None:
        return ()
    rows = surveys.Target.objects.filter(period=period)
    if scope.national:
        rows = rows.filter(organisation__isnull=True)
    else:
        rows = rows.filter(organisation_id__in=sorted(scope.branch_ids or ()))
    wanted: dict[str, int] = {}
    for metric, value in rows.values_list("metric", "value"):
        if metric in METRICS:
            wanted[metric] = wanted.get(metric, 0) + value
    result = []
    for metric in METRICS:
        if metric not in wanted:
            continue
        figure = figures.get(metric) or _count_figure(metric, span, scope.national)
        actual = figure.value
        result.append(
            Target(
                metric=metric,
                label=str(METRICS[metric]),
                target=wanted[metric],
                actual=None if actual is None else int(actual),
            )
        )
    return tuple(result)


def matching_period(starts_on: datetime.date, ends_on: datetime.date) -> Any:
    """A reporting period with exactly these dates (its targets are shown), or None."""
    return (
        surveys.ReportingPeriod.objects.filter(starts_on=starts_on, ends_on=ends_on)
        .order_by("name")
        .first()
    )


def build(
    user: Any,
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    scope: Scope | None = None,
    branch_ids: frozenset[int] | set[int] | None = None,
    period: surveys.ReportingPeriod | None = None,
    today: datetime.date | None = None,
) -> Report:
    """The report for the period and the scope (``scope``; or, without it, the branches
    ``branch_ids``; or, without both, the user's default: the whole country for the national
    coordinator, her branches for a group leader). ``ScopeRefusedError`` if the user may not see
    it. The targets are those of ``period`` (or of a period with exactly these dates)."""
    if scope is None:
        scope = _scope_of_branches(user, branch_ids)
    if period is None:
        period = matching_period(starts_on, ends_on)
    national = scope.national
    span = Span(starts_on, ends_on, scope.branch_ids, today=today or timezone.localdate())

    def count(code: str) -> Figure:
        return _count_figure(code, span, national)

    def stat(code: str) -> Figure:
        return _stat_figure(code, span, national)

    def table(code: str, row_header: str) -> Table:
        return _table(code, span, national, row_header)

    area_table = _area_table(span, scope) if scope.breakdown else None
    sections = [
        Section(
            "volunteers",
            _("Ressursvenner"),
            figures=(count("volunteers_approved"), stat("approval_days")),
            tables=(table("volunteers_by_stage", _("Hvor de står nå")),),
        ),
        Section(
            "referrals",
            _("Henvisninger og venteliste"),
            figures=(
                count("referrals_received"),
                count("waiting_now"),
                stat("referral_to_meeting_days"),
            ),
            tables=(table("referrals_by_centre", _("Krisesenter")),),
        ),
        Section(
            "matches",
            _("Koblinger"),
            figures=(
                count("women_matched"),
                count("active_now"),
                count("closures"),
                count("matches_nine_months"),
                stat("nine_months_share"),
            ),
            tables=(
                table("matches_started_by_month", _("Måned")),
                table("matches_now", _("Status")),
                table("closures_by_reason", _("Årsak")),
            ),
        ),
        Section(
            "activities",
            _("Aktiviteter, oppfølging og treff"),
            figures=(
                stat("activities_in_person_per_match_month"),
                stat("activities_digital_per_match_month"),
                stat("checkins_on_time_share"),
                count("social_events"),
                count("event_attendance"),
            ),
            tables=(
                table("activities_by_channel", _("Møteform")),
                table("checkins", _("Oppfølgingssamtaler")),
            ),
        ),
        Section(
            "outcomes",
            _("Ensomhet, sosial støtte og trygghet"),
            figures=(
                stat("ucla3_change_six_months"),
                stat("ucla3_change_closure"),
                stat("osss3_change_six_months"),
                stat("osss3_change_closure"),
            ),
            tables=(table("violence_outcome", _("Situasjon")),),
        ),
    ]
    if area_table is not None:
        sections.append(Section("areas", _("Område for område"), tables=(area_table,)))
    sections = [
        Section(
            s.key,
            s.title,
            figures=tuple(_with_area_totals(f, area_table, national) for f in s.figures),
            tables=s.tables,
        )
        for s in sections
    ]
    figures = {f.key: f for s in sections for f in s.figures}
    return Report(
        starts_on=starts_on,
        ends_on=ends_on,
        scope_label=scope.label,
        national=national,
        targets=_targets(span, scope, period, figures),
        sections=tuple(sections),
        period_name=period.name if period is not None else "",
    )


def _scope_of_branches(user: Any, branch_ids: frozenset[int] | set[int] | None) -> Scope:
    if branch_ids is None:
        return scope_for(user, default_area(user))
    ids = frozenset(branch_ids)
    if len(ids) == 1:
        return scope_for(user, f"{BRANCH_PREFIX}{next(iter(ids))}")
    if not ids:
        raise ScopeRefusedError
    if not may_see_national(user) and not ids <= set(user.organisation_ids(Role.GROUP_LEADER)):
        raise ScopeRefusedError
    found = frozenset(
        Organisation.objects.branches().filter(pk__in=sorted(ids)).values_list("pk", flat=True)
    )
    if found != ids:
        raise ScopeRefusedError
    return Scope("", _("%(count)s lokalforeninger") % {"count": len(ids)}, False, ids, "branch")
