"""Volunteer import benchmark (issue 8, item 2): peak memory and time of reading the worst
files the import accepts, and of refusing two import bombs.

The files are built here, streamed into a zip by hand (no openpyxl writer, so building stays
quick): one sheet at the row and column limits (5,000 rows x 50 columns), one whose cells are
all at the cell length limit as far as the unpacked size limit allows, and the two bombs of
the bad-input tests (one cell of 300 MB of spaces; 2,000,000 cells in a row). Only
`importing.read_table` runs: it is what reads the upload, before any database query.
Exits 1 if a worst accepted file is refused or a bomb is accepted.
"""

from __future__ import annotations

import io
import random
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

from common import setup_django

setup_django("bench_imports.sqlite3")

from ressursvenn.volunteers import importing  # noqa: E402

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
TAIL = b"</sheetData></worksheet>"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Ark1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def workbook(rows: Callable[[Any], None]) -> bytes:
    """An XLSX file whose one sheet's rows are written, streamed, by `rows(member)`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(HEAD)
            rows(member)
            member.write(TAIL)
    return buffer.getvalue()


def _text(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def _header(member: Any, columns: int) -> None:
    titles = ["navn", "e-post", "fødselsdato", "kommunenummer"]
    titles += [""] * (columns - len(titles))
    member.write(f'<row r="1">{"".join(_text(t) for t in titles)}</row>'.encode())


def widest(member: Any) -> None:
    """5,000 rows x 50 columns, every cell a different number."""
    numbers = random.Random(8)
    _header(member, importing.MAX_COLUMNS)
    for row in range(2, importing.MAX_ROWS + 2):
        cells = "".join(
            f"<c><v>{numbers.randrange(10**9)}</v></c>" for _ in range(importing.MAX_COLUMNS)
        )
        member.write(f'<row r="{row}">{cells}</row>'.encode())


def longest(member: Any) -> None:
    """Cells of MAX_CELL_CHARS random letters, as many rows as fit in an upload (random
    letters pack about 1.5 times)."""
    letters = random.Random(8)
    _header(member, 4)
    per_row = importing.MAX_CELL_CHARS + 40
    rows = min(importing.MAX_ROWS, int(importing.MAX_BYTES * 1.4) // per_row)
    for row in range(2, rows + 2):
        text = "".join(
            letters.choices("abcdefghijklmnopqrstuvwxyzæøå ", k=importing.MAX_CELL_CHARS)
        )
        member.write(f'<row r="{row}">{_text(text)}</row>'.encode())


def huge_cell(member: Any) -> None:
    _header(member, 4)
    member.write(b'<row r="2"><c t="inlineStr"><is><t>')
    for _ in range(300):
        member.write(b" " * (1024 * 1024))
    member.write(b"</t></is></c></row>")


def many_cells(member: Any) -> None:
    _header(member, 4)
    member.write(b'<row r="2">')
    for _ in range(200):
        member.write(b"<c><v>1</v></c>" * 10_000)
    member.write(b"</row>")


def worst_accepted() -> bytes:
    return workbook(widest)


def read(data: bytes) -> str:
    try:
        _header_row, table = importing.read_table("liste.xlsx", data)
    except importing.ImportFileError:
        return "refused"
    return f"read {len(table)} rows"


def measure(data: bytes) -> tuple[str, float, float]:
    """Outcome ("read N rows" or "refused"), CPU seconds (without tracing) and peak MB of
    Python allocations (a second run, traced) of reading `data`."""
    started = time.process_time()
    outcome = read(data)
    seconds = time.process_time() - started
    tracemalloc.start()
    read(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return outcome, seconds, peak / (1024 * 1024)


def main() -> int:
    files = [
        ("worst accepted: 5,000 x 50 cells", widest, True),
        ("worst accepted: longest cells", longest, True),
        ("bomb: 300 MB of spaces in a cell", huge_cell, False),
        ("bomb: 2,000,000 cells in a row", many_cells, False),
    ]
    ok = True
    print(f"{'import file':34} {'file KB':>8} {'outcome':>15} {'cpu s':>7} {'peak MB':>8}")
    for label, rows, accepted in files:
        data = workbook(rows)
        outcome, seconds, peak = measure(data)
        print(f"{label:34} {len(data) // 1024:8d} {outcome:>15} {seconds:7.2f} {peak:8.1f}")
        if (outcome != "refused") != accepted:
            print(f"  !! {label}: expected {'accepted' if accepted else 'refused'}")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
