"""The CSV and XLSX of a report: the same content as the Report, suppression kept, formulas
neutralised, a Norwegian Excel's CSV (BOM, ``;``, decimal comma). Reports built by hand."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from ressursvenn.reports import exports
from ressursvenn.reports.tables import Figure, Report, Section, Target, make_table

MADE_ON = datetime.date(2027, 3, 1)


def _report(*, national: bool, branch: str = "Oslo Sanitetsforening", period: str = "") -> Report:
    closures = make_table(
        "closures",
        "Avsluttede koblinger etter grunn",
        "Grunn",
        ["Planlagt", "Flyttet", "Annet"],
        [branch, "Andre halvår"],
        [[3, 10], [12, 8], [7, 9]],
        national=national,
    )
    return Report(
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        scope_label=branch,
        national=national,
        targets=(Target("women_matched", "Kvinner som har fått en ressursvenn", 50, 15),),
        sections=(
            Section(
                "matches",
                "Koblinger",
                figures=(
                    Figure("ucla", "Endring i ensomhet", -1.26, 7, unit="poeng"),
                    Figure("median_wait", "Ventetid (median)", None, None, unit="dager"),
                ),
                tables=(closures,),
            ),
        ),
        period_name=period,
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads æøå right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx_sheets(data: bytes) -> dict[str, list[list[object]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [
            [value for value in row if value is not None]
            for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in workbook.worksheets
    }


def _trimmed(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


def test_csv_holds_the_header_the_targets_and_every_table_with_suppression() -> None:
    rows = _csv_rows(
        exports.to_csv(_report(national=False, period="Stiftelsen Dam 2027"), made_on=MADE_ON)
    )
    assert rows == [
        ["Ressursvenn – tall for programmet"],
        ["Periode", "Stiftelsen Dam 2027 (01.01.2027–31.12.2027)"],
        ["Omfang", "Oslo Sanitetsforening"],
        ["Laget", "01.03.2027"],
        [
            "Små tall",
            "«<5» betyr 1–4. «x» er skjult for å beskytte små tall. «–» betyr at tallet ikke "
            "vises: for få personer (under 5) eller ingen data.",
        ],
        [],
        ["Mål og resultat"],
        ["Mål for", "Mål", "Resultat"],
        ["Kvinner som har fått en ressursvenn", "50", "15"],
        [],
        ["Koblinger"],
        ["Tall", "Verdi", "Enhet", "Antall (n)"],
        ["Endring i ensomhet", "-1,3", "poeng", "7"],
        ["Ventetid (median)", "–", "dager", ""],
        [],
        ["Avsluttede koblinger etter grunn"],
        ["Grunn", "Oslo Sanitetsforening", "Andre halvår", "I alt"],
        ["Planlagt", "<5", "x", "13"],
        ["Flyttet", "12", "8", "20"],
        ["Annet", "x", "x", "16"],
        ["I alt", "22", "27", "49"],
    ]


def test_national_csv_shows_exact_counts() -> None:
    rows = _csv_rows(exports.to_csv(_report(national=True), made_on=MADE_ON))
    assert rows[4] == ["Små tall", "Tallene for hele landet vises uten skjuling."]
    assert rows[-4:] == [
        ["Planlagt", "3", "10", "13"],
        ["Flyttet", "12", "8", "20"],
        ["Annet", "7", "9", "16"],
        ["I alt", "22", "27", "49"],
    ]


def test_xlsx_has_the_same_content_as_the_csv_one_sheet_per_block() -> None:
    report = _report(national=False, period="Stiftelsen Dam 2027")
    sheets = _xlsx_sheets(exports.to_xlsx(report, made_on=MADE_ON))
    assert list(sheets) == ["Om uttrekket", "Mål og resultat", "Koblinger"]
    assert sheets["Koblinger"] == [
        ["Koblinger"],
        ["Tall", "Verdi", "Enhet", "Antall (n)"],
        ["Endring i ensomhet", -1.3, "poeng", 7],
        ["Ventetid (median)", "–", "dager"],
        [],
        ["Avsluttede koblinger etter grunn"],
        ["Grunn", "Oslo Sanitetsforening", "Andre halvår", "I alt"],
        ["Planlagt", "<5", "x", 13],
        ["Flyttet", 12, 8, 20],
        ["Annet", "x", "x", 16],
        ["I alt", 22, 27, 49],
    ]
    # The CSV holds the sheets' rows one after another (blank lines between the blocks).
    csv_rows = _csv_rows(exports.to_csv(report, made_on=MADE_ON))
    sheet_rows = [
        [exports._csv_value(value) for value in row] for sheet in sheets.values() for row in sheet
    ]
    assert [_trimmed(row) for row in csv_rows if row] == [row for row in sheet_rows if row]


def test_xlsx_headings_are_bold_and_columns_are_wide_enough() -> None:
    workbook = openpyxl.load_workbook(
        io.BytesIO(exports.to_xlsx(_report(national=True), made_on=MADE_ON))
    )
    sheet = workbook["Koblinger"]
    header = [cell for cell in sheet[7] if cell.value is not None]
    assert [cell.value for cell in header] == [
        "Grunn",
        "Oslo Sanitetsforening",
        "Andre halvår",
        "I alt",
    ]
    assert [cell.font.b for cell in header] == [True] * 4
    assert sheet[8][0].font.b is False  # a data row
    assert [cell.font.b for cell in sheet[11] if cell.value is not None] == [True] * 4
    assert sheet.column_dimensions["A"].width == len("Endring i ensomhet") + 2
    assert sheet.column_dimensions["B"].width == len("Oslo Sanitetsforening") + 2


@pytest.mark.parametrize(
    "name",
    ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rRetur"],
)
def test_labels_that_would_run_as_formulas_are_neutralised(name: str) -> None:
    report = _report(national=True, branch=name, period=name)
    rows = _csv_rows(exports.to_csv(report, made_on=MADE_ON))
    assert rows[1] == ["Periode", f"'{name} (01.01.2027–31.12.2027)"]
    assert rows[2] == ["Omfang", f"'{name}"]
    assert rows[-5] == ["Grunn", f"'{name}", "Andre halvår", "I alt"]

    workbook = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(report, made_on=MADE_ON)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert [text for text in texts if text.startswith(exports.FORMULA_STARTS)] == []
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    # XML keeps a carriage return as a line feed; the mark stays in front.
    assert workbook["Om uttrekket"]["B3"].value == f"'{name}".replace("\r", "\n")


def test_a_negative_average_stays_a_number() -> None:
    assert exports.neutralise(-1.3) == -1.3
    assert exports.neutralise("-1") == "'-1"
    assert exports.neutralise("Oslo") == "Oslo"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "expected"),
    [
        ((2027, 1, 1), (2027, 12, 31), "ressursvenn-tall-2027.xlsx"),
        ((2027, 1, 1), (2027, 6, 30), "ressursvenn-tall-2027-01-01-2027-06-30.xlsx"),
        ((2026, 1, 1), (2027, 12, 31), "ressursvenn-tall-2026-01-01-2027-12-31.xlsx"),
    ],
)
def test_file_name_is_neutral(
    starts_on: tuple[int, int, int], ends_on: tuple[int, int, int], expected: str
) -> None:
    report = Report(
        starts_on=datetime.date(*starts_on),
        ends_on=datetime.date(*ends_on),
        scope_label="Oslo Sanitetsforening",
        national=False,
        targets=(),
        sections=(),
        period_name="Stiftelsen Dam",
    )
    assert exports.file_name(report, "xlsx") == expected


def test_sheet_titles_are_valid_and_unique() -> None:
    blocks = [
        exports.Block("Mål/resultat: [2027]?", ()),
        exports.Block("Mål/resultat: [2027]?", ()),
        exports.Block("x" * 40, ()),
        exports.Block("'", ()),
    ]
    assert exports.sheet_titles(blocks) == [
        "Mål resultat 2027",
        "Mål resultat 2027 (2)",
        "x" * 31,
        "Ark",
    ]
