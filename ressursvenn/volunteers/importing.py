"""Read a branch's existing volunteer list from an XLSX or CSV file and check every row.

`read_table()` turns the upload into a header and rows of cells (or raises `ImportFileError`
with a message for the user); `check_rows()` validates each row against the branch and returns
`Row`s with their errors. Nothing here writes to the database.

An XLSX file is a zip of XML files, and a small upload can unpack to gigabytes (one cell of
300 MB of spaces) or to millions of cells. Before openpyxl sees the file, `inspect_xlsx()`
checks the zip's directory and the sheets' XML, streamed:

- every member's declared uncompressed size is at most `MAX_MEMBER_BYTES`, all together at
  most `MAX_UNPACKED_BYTES` (Python's zipfile never unpacks more than the declared size: a
  member that lies about it fails its CRC check and the file is refused as unreadable);
- a member above `RATIO_FLOOR` bytes unpacks at most `MAX_RATIO` times its packed size
  (ordinary spreadsheets pack 5–20 times);
- a sheet has at most `MAX_CELLS_PER_ROW` cell elements in a row, `MAX_CELLS` in all, and no
  row beyond `max_lines()`; the shared-string table at most `MAX_CELLS` strings. The scan
  stops at the first element over a limit.

openpyxl then reads in read-only mode, values only, never past `MAX_COLUMNS` columns and
`max_lines()` rows (so a forged sheet dimension cannot make it invent empty rows), and
`read_table()` refuses a cell longer than `MAX_CELL_CHARS`, naming its row. The limits are
module constants on purpose: they protect the server, not a branch's preference.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ressursvenn.lib.text import clean_text
from ressursvenn.organisations.models import Municipality, Organisation
from ressursvenn.volunteers.models import Volunteer, age_on

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 50
MAX_CELL_CHARS = 1_000
# Limits on the unpacked XLSX (see the module docstring).
MAX_MEMBER_BYTES = 8 * 1024 * 1024
MAX_UNPACKED_BYTES = 24 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 256 * 1024
MAX_CELLS_PER_ROW = 1_000
MAX_CELLS = 300_000
SCAN_CHUNK = 64 * 1024

# Column key → (accepted header spellings, required). Headers compare lower-cased, trimmed.
COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "name": (("navn", "fullt navn"), True),
    "email": (("e-post", "epost", "e-postadresse"), True),
    "phone": (("telefon", "mobil"), False),
    "date_of_birth": (("fødselsdato", "fodselsdato"), True),
    "municipality": (("kommunenummer", "kommunenr"), True),
    "status": (("status",), False),
}
COLUMN_HELP = [
    ("navn", gettext_lazy("Fullt navn. Påkrevd.")),
    ("e-post", gettext_lazy("E-postadresse. Påkrevd, og bare én gang per lokalforening.")),
    ("telefon", gettext_lazy("Valgfritt.")),
    ("fødselsdato", gettext_lazy("Påkrevd, som 31.12.1980 eller 1980-12-31.")),
    ("kommunenummer", gettext_lazy("Fire sifre, som 0301 for Oslo. Påkrevd.")),
    (
        "status",
        gettext_lazy("Valgfritt: «søknad» (standard), «under vurdering» eller «godkjent»."),
    ),
]
# Statuses a file may give, and what they are imported as. An approved volunteer needs the
# checklist facts (certificate, course, declaration, interview) in the system before she can be
# approved again, so "godkjent" is imported as "under vurdering".
STATUS_WORDS = {
    "": Volunteer.Status.APPLIED,
    "søknad": Volunteer.Status.APPLIED,
    "soknad": Volunteer.Status.APPLIED,
    "søker": Volunteer.Status.APPLIED,
    "under vurdering": Volunteer.Status.SCREENING,
    "vurdering": Volunteer.Status.SCREENING,
    "godkjent": Volunteer.Status.SCREENING,
}
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y")


class ImportFileError(Exception):
    """The file cannot be read as a volunteer list; the message is for the user."""


@dataclass
class Row:
    line: int
    cells: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _cell(value: Any, line: int) -> str:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise ImportFileError(
            _("Rad %(row)s har en celle med mer enn %(max)s tegn. Sjekk at det er riktig fil.")
            % {"row": line, "max": MAX_CELL_CHARS}
        )
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def max_lines() -> int:
    """The last sheet row or CSV line read: the row limit with room for blank lines."""
    return 2 * MAX_ROWS + 1


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("Filen har for mange rader. Største tillatte antall er %(rows)s.") % {"rows": MAX_ROWS}
    )


def _unreadable() -> ImportFileError:
    return ImportFileError(_("Regnearket kan ikke leses. Lagre det på nytt som XLSX."))


def _too_large_unpacked() -> ImportFileError:
    return ImportFileError(
        _(
            "Regnearket blir for stort når det pakkes ut (mer enn %(mb)s MB). Lagre bare "
            "listen over ressursvenner i en ny fil, og prøv igjen."
        )
        % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
    )


class _SheetScan:
    """Counts the cell elements of a sheet (or the strings of the shared-string table) while
    expat streams its XML; raises ImportFileError at the first element over a limit."""

    def __init__(self) -> None:
        self.row = 0
        self.cells_in_row = 0
        self.cells = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        if name == "row":
            number = attributes.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            if self.row > max_lines():
                raise _too_many_rows()
            self.cells_in_row = 0
        elif name in ("c", "si"):
            self.cells_in_row += 1
            self.cells += 1
            if name == "c" and self.cells_in_row > MAX_CELLS_PER_ROW:
                raise ImportFileError(
                    _(
                        "Rad %(row)s har for mange celler (høyst %(max)s). Ta bare med "
                        "kolonnene i listen."
                    )
                    % {"row": self.row, "max": MAX_CELLS_PER_ROW}
                )
            if self.cells > MAX_CELLS:
                raise ImportFileError(
                    _("Regnearket har for mange celler (høyst %(max)s).") % {"max": MAX_CELLS}
                )


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    scan = _SheetScan()
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    with archive.open(info) as member:
        while chunk := member.read(SCAN_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def inspect_xlsx(data: bytes) -> None:
    """Refuse an XLSX that unpacks beyond the limits, before openpyxl reads it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable() from None
    with archive:
        members = archive.infolist()
        total = 0
        for info in members:
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_UNPACKED_BYTES:
                raise _too_large_unpacked()
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise _too_large_unpacked()
        for info in members:
            name = info.filename.lower()
            if (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == (
                "xl/sharedstrings.xml"
            ):
                try:
                    _scan(archive, info)
                except (zipfile.BadZipFile, expat.ExpatError, OSError, ValueError):
                    raise _unreadable() from None


def _xlsx_rows(data: bytes) -> Iterable[tuple[Any, ...]]:
    import openpyxl

    inspect_xlsx(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _unreadable() from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise ImportFileError(_("Regnearket har ingen ark."))
    return sheet.iter_rows(max_row=max_lines(), max_col=MAX_COLUMNS, values_only=True)


def _csv_rows(data: bytes) -> Iterable[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("CSV-filen kan ikke leses. Lagre den som CSV (UTF-8)."))
    if "\x00" in text:
        raise ImportFileError(_("Filen må være et regneark i XLSX-format eller en CSV-fil."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def read_table(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """The header (lower-cased) and the non-empty rows of an XLSX or CSV file."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("Filen er for stor. Største tillatte størrelse er %(mb)s MB.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    lower = name.lower()
    raw: Iterable[Any]
    if data.startswith(b"PK\x03\x04"):
        raw = _xlsx_rows(data)
    elif lower.endswith((".csv", ".txt")):
        raw = _csv_rows(data)
    else:
        raise ImportFileError(_("Filen må være et regneark i XLSX-format eller en CSV-fil."))
    header: list[str] | None = None
    rows: list[list[str]] = []
    try:
        for line, values in enumerate(raw, start=1):
            if line > max_lines():
                raise _too_many_rows()
            cells = [_cell(value, line) for value in values[:MAX_COLUMNS]]
            if not any(cells):
                continue
            if header is None:
                header = [cell.lower() for cell in cells]
                continue
            rows.append(cells)
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
    except csv.Error:
        raise ImportFileError(_("CSV-filen kan ikke leses. Lagre den som CSV (UTF-8).")) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _unreadable() from None
    if header is None:
        raise ImportFileError(_("Filen er tom."))
    return header, rows


def map_columns(header: list[str]) -> dict[str, int]:
    """Column key → index in the row; raises ImportFileError for missing or unknown columns."""
    spelling = {name: key for key, (names, _required) in COLUMNS.items() for name in names}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        if not title:
            continue
        key = spelling.get(title)
        if key is None:
            unknown.append(title)
        elif key in positions:
            raise ImportFileError(_("Kolonnen «%(column)s» finnes to ganger.") % {"column": title})
        else:
            positions[key] = index
    missing = [
        names[0] for key, (names, required) in COLUMNS.items() if required and key not in positions
    ]
    problems = []
    if missing:
        problems.append(
            _("Disse kolonnene mangler: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if unknown:
        problems.append(
            _("Disse kolonnene kjenner vi ikke: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    if problems:
        expected = ", ".join(name for name, _help in COLUMN_HELP)
        problems.append(_("Første rad må ha kolonnene %(columns)s.") % {"columns": expected})
        raise ImportFileError(" ".join(problems))
    return positions


def parse_date(text: str) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def check_rows(header: list[str], table: list[list[str]], *, branch: Organisation) -> list[Row]:
    """Every row with its cleaned values and its errors (in bokmål), in file order."""
    positions = map_columns(header)
    rows = []
    for number, cells in enumerate(table, start=2):
        values = {
            key: cells[index] if index < len(cells) else "" for key, index in positions.items()
        }
        rows.append(Row(line=number, cells=values))
    codes = {row.cells["municipality"].zfill(4) for row in rows if row.cells["municipality"]}
    known = set(Municipality.objects.filter(code__in=codes).values_list("code", flat=True))
    emails = {row.cells["email"].lower() for row in rows if row.cells["email"]}
    taken = set(
        Volunteer.objects.filter(branch=branch)
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    seen: set[str] = set()
    today = timezone.localdate()
    for row in rows:
        _check_row(row, known=known, taken=taken, seen=seen, today=today)
    return rows


def _check_row(
    row: Row, *, known: set[str], taken: set[str], seen: set[str], today: datetime.date
) -> None:
    cells, errors = row.cells, row.errors
    name = cells["name"]
    try:
        name = clean_text(name)
    except ValidationError as error:
        errors.extend(error.messages)
    if not name:
        errors.append(_("Navn mangler."))
    elif len(name) > 150:
        errors.append(_("Navnet er for langt (høyst 150 tegn)."))
    email = cells["email"].lower()
    if not email:
        errors.append(_("E-post mangler."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("E-postadressen er ikke gyldig."))
        else:
            if email in seen:
                errors.append(_("E-postadressen står på en rad lenger opp i filen."))
            elif email in taken:
                errors.append(_("E-postadressen finnes allerede i lokalforeningen."))
            seen.add(email)
    phone = cells.get("phone", "")
    if len(phone) > 30 or (phone and not all(c.isdigit() or c in "+ -()" for c in phone)):
        errors.append(_("Telefonnummeret er ikke gyldig."))
    born = parse_date(cells["date_of_birth"]) if cells["date_of_birth"] else None
    if not cells["date_of_birth"]:
        errors.append(_("Fødselsdato mangler."))
    elif born is None:
        errors.append(_("Fødselsdatoen er ikke en gyldig dato (bruk 31.12.1980)."))
    elif born > today:
        errors.append(_("Fødselsdatoen er fram i tid."))
    elif age_on(born, today) < settings.VOLUNTEER_MIN_AGE:
        errors.append(_("Hun er under %(age)s år.") % {"age": settings.VOLUNTEER_MIN_AGE})
    code = cells["municipality"].zfill(4) if cells["municipality"] else ""
    if not code:
        errors.append(_("Kommunenummer mangler."))
    elif code not in known:
        errors.append(_("Ukjent kommunenummer «%(code)s».") % {"code": cells["municipality"]})
    word = cells.get("status", "").lower()
    status = STATUS_WORDS.get(word)
    if status is None:
        errors.append(
            _("Ukjent status «%(status)s». Bruk søknad, under vurdering eller godkjent.")
            % {"status": cells.get("status", "")}
        )
    if born is not None and status is not None and not errors:
        row.values = {
            "full_name": name,
            "email": email,
            "phone": phone,
            "date_of_birth": born.isoformat(),
            "municipality": code,
            "status": str(status),
        }
