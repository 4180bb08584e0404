"""The SVG charts are drawn from what a table shows: a hidden count is no bar and its mark,
labels are escaped, every chart has role="img" and a name, and nothing uses a style attribute
(the CSP forbids inline style)."""

from __future__ import annotations

import re

from ressursvenn.reports import charts
from ressursvenn.reports.tables import Target, make_table


def test_bars_draw_shown_counts_and_only_marks_for_hidden_ones() -> None:
    table = make_table(
        "closures_by_reason",
        "Avsluttede koblinger",
        "Årsak",
        ["Fullført", "Sikkerhet", "Annet"],
        ["Antall"],
        [[12], [3], [0]],
        national=False,
    )
    svg = str(charts.chart(table))
    assert svg.startswith('<svg class="report-chart"')
    assert 'role="img"' in svg
    assert 'aria-label="Stolpediagram: Avsluttede koblinger. Tallene står i tabellen under."' in svg
    # Texts right of each label: what the table shows ("x" protects the 3 with the 12).
    values = re.findall(r'text-anchor="end" font-family="inherit">([^<]*)</text>', svg)
    assert [table.cell_text(i, 0) for i in range(3)] == ["x", "<5", "0"]
    assert values == ["x", "&lt;5", "0"]
    assert 'fill="#0062ba"' not in svg  # no bar for a hidden count, none for 0
    assert "style=" not in svg


def test_the_whole_country_draws_every_bar_to_scale() -> None:
    table = make_table(
        "closures_by_reason", "T", "Årsak", ["A", "B"], ["Antall"], [[4], [2]], national=True
    )
    svg = str(charts.chart(table))
    assert re.findall(r'width="([\d.]+%)" height="16" fill="#0062ba"', svg) == [
        "100.00%",
        "50.00%",
    ]


def test_labels_are_escaped() -> None:
    table = make_table(
        "referrals_by_centre",
        "Henvisninger",
        "Krisesenter",
        ['<script>alert("x")</script>'],
        ["Antall"],
        [[7]],
        national=True,
    )
    svg = str(charts.chart(table))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_several_columns_get_a_legend_and_a_bar_each() -> None:
    table = make_table(
        "violence_outcome",
        "Utfall",
        "Situasjon",
        ["Fri", "Tilbake"],
        ["Seks måneder", "Avslutning"],
        [[10, 6], [0, 0]],
        national=True,
    )
    svg = str(charts.chart(table))
    assert ">Seks måneder</text>" in svg
    assert ">Avslutning</text>" in svg
    assert svg.count('fill="#0062ba"') == 2  # the legend and the 10
    assert svg.count('fill="#8a4b00"') == 2  # the legend and the 6


def test_over_time_labels_at_most_six_months_and_each_year_once() -> None:
    months = [f"{name} 2025" for name in ("jan.", "feb.", "mars", "apr.", "mai", "juni")]
    months += [f"{name} 2025" for name in ("juli", "aug.", "sep.", "okt.", "nov.", "des.")]
    table = make_table(
        "matches_started_by_month",
        "Koblinger som startet",
        "Måned",
        months,
        ["Antall"],
        [[n] for n in range(12)],
        national=True,
    )
    svg = str(charts.chart(table))
    assert 'aria-label="Stolpediagram over tid: Koblinger som startet.' in svg
    labels = re.findall(r'fill="#4b5563" text-anchor="middle" font-family="inherit">([^<]*)<', svg)
    assert labels == ["jan.", "2025", "mars", "mai", "juli", "sep.", "nov."]
    assert svg.count('fill="#0062ba"') == 11  # no bar for the 0 in January


def test_the_breakdown_by_area_has_no_chart() -> None:
    table = make_table("areas_county", "Fylke", "Fylke", ["Oslo"], ["A"], [[9]], national=False)
    assert str(charts.chart(table)) == ""


def test_targets_chart_shows_target_and_actual() -> None:
    svg = str(
        charts.targets(
            [
                Target("women_matched", "Kvinner", 50, 25),
                Target("social_events", "Treff", 4, None),
            ]
        )
    )
    assert ">Mål: 50</text>" in svg
    assert ">Nå: 25</text>" in svg
    assert ">Nå: vises ikke</text>" in svg
    assert re.findall(r'width="([\d.]+%)" height="16" fill="#9aa3ad"', svg) == [
        "75.00%",
        "75.00%",
    ]
