"""Import of a branch's volunteer list: parsing, row checks, preview, confirm, refusals."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.tests import factories
from ressursvenn.volunteers import importing
from ressursvenn.volunteers.actions.imports import import_volunteers
from ressursvenn.volunteers.models import Volunteer
from ressursvenn.volunteers.views.imports import SESSION_KEY

TODAY = timezone.localdate()
HEADER = "navn;e-post;telefon;fødselsdato;kommunenummer;status"
GOOD = [
    "Anne Hansen;anne@example.no;+47 912 34 567;14.03.1970;0301;godkjent",
    "Berit Berg;berit@example.no;;1965-01-02;301;",
]
BROKEN = [
    ";uten-navn@example.no;;14.03.1970;0301;",  # no name
    "Cecilie Dato;cecilie@example.no;;31.02.1970;0301;",  # impossible date
    "Dina Kommune;dina@example.no;;14.03.1970;9999;",  # unknown municipality
    "Eva Dobbel;ANNE@example.no;;14.03.1970;0301;",  # duplicate in file
    f"Frida Ung;frida@example.no;;01.01.{TODAY.year - 20};0301;",  # under 25
    "Gro Status;gro@example.no;;14.03.1970;0301;avsluttet",  # status not importable
    "Hanne Epost;ikke-en-adresse;;14.03.1970;0301;",  # bad e-mail
]


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _checked(world: World, data: bytes, name: str = "liste.csv") -> list[importing.Row]:
    header, table = importing.read_table(name, data)
    return importing.check_rows(header, table, branch=world.branch)


# --- parsing and row checks -------------------------------------------------------------------


def test_good_csv_rows_are_valid(world: World) -> None:
    rows = _checked(world, _csv(*GOOD))
    assert [row.errors for row in rows] == [[], []]
    assert rows[0].values == {
        "full_name": "Anne Hansen",
        "email": "anne@example.no",
        "phone": "+47 912 34 567",
        "date_of_birth": "1970-03-14",
        "municipality": "0301",
        "status": "screening",  # "godkjent" is imported as screening
    }
    assert (rows[1].values["municipality"], rows[1].values["status"]) == ("0301", "applied")


def test_every_broken_row_has_its_error(world: World) -> None:
    factories.volunteer(world.branch, status="approved", email="finnes@example.no")
    rows = _checked(world, _csv(*GOOD, *BROKEN, "Ida Finnes;Finnes@example.no;;14.03.1970;0301;"))
    errors = {row.line: row.errors for row in rows}
    assert errors == {
        2: [],
        3: [],
        4: ["Navn mangler."],
        5: ["Fødselsdatoen er ikke en gyldig dato (bruk 31.12.1980)."],
        6: ["Ukjent kommunenummer «9999»."],
        7: ["E-postadressen står på en rad lenger opp i filen."],
        8: ["Hun er under 25 år."],
        9: ["Ukjent status «avsluttet». Bruk søknad, under vurdering eller godkjent."],
        10: ["E-postadressen er ikke gyldig."],
        11: ["E-postadressen finnes allerede i lokalforeningen."],
    }


def test_missing_fields_and_future_birth(world: World) -> None:
    future = (TODAY + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    rows = _checked(world, _csv("Kari;;;;;", f"Liv;liv@example.no;;{future};0301;"))
    assert rows[0].errors == ["E-post mangler.", "Fødselsdato mangler.", "Kommunenummer mangler."]
    assert rows[1].errors == ["Fødselsdatoen er fram i tid."]


def test_xlsx_with_dates_and_numbers(world: World) -> None:
    data = _xlsx(
        [
            ["Navn", "E-post", "Fødselsdato", "Kommunenummer"],
            ["Anne Hansen", "anne@example.no", datetime.datetime(1970, 3, 14), 301],
            [None, None, None, None],
            ["Berit Berg", "berit@example.no", "02.01.1965", "0301"],
        ]
    )
    rows = _checked(world, data, "liste.xlsx")
    assert [(row.line, row.errors) for row in rows] == [(2, []), (3, [])]
    assert rows[0].values["date_of_birth"] == "1970-03-14"
    assert rows[0].values["municipality"] == "0301"


def test_comma_separated_csv(world: World) -> None:
    rows = _checked(
        world,
        _csv(
            "Anne,anne@example.no,14.03.1970,0301", header="navn,e-post,fødselsdato,kommunenummer"
        ),
    )
    assert rows[0].errors == []


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("navn;telefon;fødselsdato", "Disse kolonnene mangler: e-post, kommunenummer."),
        (HEADER + ";notater", "Disse kolonnene kjenner vi ikke: notater."),
        ("navn;navn;e-post;fødselsdato;kommunenummer", "Kolonnen «navn» finnes to ganger."),
    ],
)
def test_wrong_columns_are_refused(world: World, header: str, message: str) -> None:
    with pytest.raises(importing.ImportFileError) as refused:
        _checked(world, _csv(GOOD[0], header=header))
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bilde.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "XLSX-format eller en CSV-fil"),
        ("liste.xlsx", b"PK\x03\x04 not really a zip", "kan ikke leses"),
        ("liste.csv", b"", "Filen er tom"),
        ("liste.csv", b"\n\n;;\n", "Filen er tom"),
        ("liste.csv", b"a" * (importing.MAX_BYTES + 1), "for stor"),
    ],
)
def test_unreadable_files_are_refused(world: World, name: str, data: bytes, message: str) -> None:
    with pytest.raises(importing.ImportFileError, match=message):
        importing.read_table(name, data)


def test_too_many_rows(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    with pytest.raises(importing.ImportFileError, match="for mange rader"):
        importing.read_table("liste.csv", _csv(*GOOD, *GOOD))


def test_latin1_csv_from_excel(world: World) -> None:
    data = "navn;e-post;fødselsdato;kommunenummer\nÅse Ødegård;ase@example.no;14.03.1970;0301\n"
    rows = _checked(world, data.encode("cp1252"))
    assert rows[0].values["full_name"] == "Åse Ødegård"


# --- the action -------------------------------------------------------------------------------


def _values(world: World) -> list[dict[str, Any]]:
    return [row.values for row in _checked(world, _csv(*GOOD))]


def test_import_writes_rows_with_one_audit_event_each(world: World) -> None:
    created = import_volunteers(world.branch, by=world.leader, rows=_values(world))
    assert [(v.full_name, v.status, v.imported, v.self_declared_woman) for v in created] == [
        ("Anne Hansen", "screening", True, True),
        ("Berit Berg", "applied", True, True),
    ]
    assert AuditEvent.objects.filter(action="volunteer.import").count() == 2
    assert AuditEvent.objects.filter(action="volunteer.import_list").count() == 1


def test_import_is_all_or_nothing(world: World) -> None:
    rows = _values(world)
    factories.volunteer(world.branch, status="applied", email="berit@example.no")
    before = (Volunteer.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match="finnes allerede"):
        import_volunteers(world.branch, by=world.leader, rows=rows)
    assert (Volunteer.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("who", ["other_leader", "staff", "coordinator", "volunteer"])
def test_import_refused_for_others(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        import_volunteers(world.branch, by=getattr(world, who), rows=_values(world))
    assert Volunteer.objects.filter(imported=True).count() == 0


# --- the pages --------------------------------------------------------------------------------


def _upload(client: Any, data: bytes, name: str = "liste.csv", **extra: Any) -> Any:
    return client.post(
        reverse("volunteers:import"),
        {"file": SimpleUploadedFile(name, data), "all_women": "on", **extra},
    )


def test_preview_shows_errors_and_writes_nothing(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    before = (Volunteer.objects.count(), AuditEvent.objects.count())
    response = _upload(client, _csv(*GOOD, *BROKEN))
    assert response.status_code == 200
    assert (response.context["valid_count"], response.context["error_count"]) == (2, 7)
    page = response.content.decode()
    assert "Ukjent kommunenummer «9999»." in page
    assert "Importer 2 gyldige rader" in page
    assert (Volunteer.objects.count(), AuditEvent.objects.count()) == before
    stored = client.session[SESSION_KEY]
    assert "anne@example.no" not in str(stored)  # encrypted in the session


def test_confirm_writes_only_valid_rows_and_only_once(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    response = _upload(client, _csv(*GOOD, *BROKEN))
    token = response.context["confirm_form"].initial["token"]
    confirm = reverse("volunteers:import_confirm")
    response = client.post(confirm, {"token": token})
    assert response.status_code == 302
    imported = Volunteer.objects.filter(imported=True, branch=world.branch)
    assert sorted(imported.values_list("email", flat=True)) == [
        "anne@example.no",
        "berit@example.no",
    ]
    events = AuditEvent.objects.count()
    response = client.post(confirm, {"token": token})  # double submit
    assert response.status_code == 302
    assert "ingen import å bekrefte" in [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert (imported.count(), AuditEvent.objects.count()) == (2, events)


def test_confirm_with_a_wrong_token_writes_nothing(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    _upload(client, _csv(*GOOD))
    response = client.post(reverse("volunteers:import_confirm"), {"token": "gjett"})
    assert response.status_code == 302
    assert Volunteer.objects.filter(imported=True).count() == 0
    assert SESSION_KEY in client.session  # the real pending import is still there


def test_wrong_columns_message_on_the_page(world: World, as_user: Any) -> None:
    response = _upload(as_user(world.leader), _csv(GOOD[0], header="name;email;born;town"))
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert "Disse kolonnene mangler" in errors[0]
    assert "preview" not in response.context


def test_women_confirmation_is_required(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    response = client.post(
        reverse("volunteers:import"), {"file": SimpleUploadedFile("l.csv", _csv(*GOOD))}
    )
    assert list(response.context["form"].errors) == ["all_women"]


def test_not_a_spreadsheet_message_on_the_page(world: World, as_user: Any) -> None:
    response = _upload(as_user(world.leader), b"%PDF-1.4 hello", name="liste.pdf")
    assert response.context["form"].errors["file"] == [
        "Filen må være et regneark i XLSX-format eller en CSV-fil."
    ]


def test_leader_of_two_branches_chooses_and_cannot_pick_a_foreign_one(
    world: World, as_user: Any
) -> None:
    from ressursvenn.accounts.models import Membership, Role

    Membership.objects.create(
        user=world.leader, organisation=world.other_branch, role=Role.GROUP_LEADER
    )
    client = as_user(world.leader)
    third = factories.branch("Bodø Sanitetsforening", "1804")
    response = _upload(client, _csv(*GOOD), branch=third.pk)
    assert list(response.context["form"].errors) == ["branch"]
    response = _upload(client, _csv(*GOOD), branch=world.other_branch.pk)
    assert response.context["branch"] == world.other_branch


@pytest.mark.parametrize("who", ["coordinator", "staff", "other_staff", "volunteer"])
def test_import_pages_refused_for_other_roles(world: World, as_user: Any, who: str) -> None:
    client = as_user(getattr(world, who))
    assert client.get(reverse("volunteers:import")).status_code == 403
    assert _upload(client, _csv(*GOOD)).status_code == 403
    assert Volunteer.objects.filter(imported=True).count() == 0


# --- import bombs (issue 8, item 2) -----------------------------------------------------------

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _with_sheet(write_rows: Any) -> bytes:
    """A real workbook whose first sheet's XML is written, streamed and packed, by
    `write_rows(member)`: the file stays small however much the sheet unpacks to."""
    import zipfile

    template = zipfile.ZipFile(io.BytesIO(_xlsx([["navn"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in template.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w", force_zip64=True) as member:
                    member.write(SHEET_HEAD)
                    write_rows(member)
                    member.write(SHEET_TAIL)
            else:
                archive.writestr(info.filename, template.read(info.filename))
    return buffer.getvalue()


def _header_row(member: Any) -> None:
    cells = "".join(
        f'<c t="inlineStr"><is><t>{title}</t></is></c>'
        for title in ("navn", "e-post", "fødselsdato", "kommunenummer")
    )
    member.write(f'<row r="1">{cells}</row>'.encode())


def _one_huge_cell(member: Any) -> None:
    _header_row(member)
    member.write(b'<row r="2"><c t="inlineStr"><is><t>')
    block = b" " * (1024 * 1024)
    for _ in range(300):  # 300 MB of spaces in one cell
        member.write(block)
    member.write(b"</t></is></c></row>")


def _two_million_cells(member: Any) -> None:
    _header_row(member)
    member.write(b'<row r="2">')
    block = b"<c><v>1</v></c>" * 10_000
    for _ in range(200):
        member.write(block)
    member.write(b"</row>")


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {"huge_cell": _with_sheet(_one_huge_cell), "many_cells": _with_sheet(_two_million_cells)}


@pytest.mark.parametrize("bomb", ["huge_cell", "many_cells"])
def test_an_import_bomb_is_refused_quickly_on_the_page(
    world: World, as_user: Any, bombs: dict[str, bytes], bomb: str
) -> None:
    import time

    data = bombs[bomb]
    assert len(data) < importing.MAX_BYTES  # passes the upload size check
    client = as_user(world.leader)
    before = (Volunteer.objects.count(), AuditEvent.objects.count())
    started = time.process_time()
    response = _upload(client, data, name="liste.xlsx")
    assert time.process_time() - started < 2
    assert response.context["form"].errors["file"] == [
        "Regnearket blir for stort når det pakkes ut (mer enn 24 MB). Lagre bare listen over "
        "ressursvenner i en ny fil, og prøv igjen."
    ]
    assert "preview" not in response.context
    assert SESSION_KEY not in client.session
    assert (Volunteer.objects.count(), AuditEvent.objects.count()) == before


def test_a_member_packed_beyond_the_ratio_is_refused() -> None:
    def spaces(member: Any) -> None:
        _header_row(member)
        member.write(
            b'<row r="2"><c t="inlineStr"><is><t>' + b" " * 2_000_000 + b"</t></is></c></row>"
        )

    data = _with_sheet(spaces)  # 2 MB: below the size limits, far beyond the ratio
    with pytest.raises(importing.ImportFileError, match="for stort når det pakkes ut"):
        importing.read_table("liste.xlsx", data)


def test_too_many_cells_in_a_row_stops_the_scan() -> None:
    def wide(member: Any) -> None:
        _header_row(member)
        cells = "".join(f"<c><v>{n}</v></c>" for n in range(importing.MAX_CELLS_PER_ROW + 1))
        member.write(f'<row r="2">{cells}</row>'.encode())

    with pytest.raises(importing.ImportFileError) as refused:
        importing.read_table("liste.xlsx", _with_sheet(wide))
    assert str(refused.value) == (
        "Rad 2 har for mange celler (høyst 1000). Ta bare med kolonnene i listen."
    )


def test_too_many_cells_in_the_sheet(monkeypatch: Any) -> None:
    monkeypatch.setattr(importing, "MAX_CELLS", 10)

    def rows(member: Any) -> None:
        _header_row(member)
        member.write(b'<row r="2"><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c></row>' * 3)

    with pytest.raises(importing.ImportFileError, match=r"for mange celler \(høyst 10\)"):
        importing.read_table("liste.xlsx", _with_sheet(rows))


def test_a_row_far_below_the_limit_is_refused_and_a_forged_dimension_is_ignored(
    world: World,
) -> None:
    def far(member: Any) -> None:
        _header_row(member)
        member.write(b'<row r="1000000"><c><v>1</v></c></row>')

    with pytest.raises(importing.ImportFileError, match="for mange rader"):
        importing.read_table("liste.xlsx", _with_sheet(far))

    def forged(member: Any) -> None:
        # A dimension of a million rows before the data: openpyxl would fill them in.
        member.write(b'<dimension ref="A1:AX1048576"/>')
        _header_row(member)

    header, table = importing.read_table("liste.xlsx", _with_sheet(forged))
    assert (header[:4], table) == (["navn", "e-post", "fødselsdato", "kommunenummer"], [])


@pytest.mark.parametrize("name", ["liste.csv", "liste.xlsx"])
def test_a_too_long_cell_is_refused_naming_its_row(world: World, name: str) -> None:
    long_name = "A" * (importing.MAX_CELL_CHARS + 1)
    if name.endswith(".csv"):
        data = _csv(GOOD[0], f"{long_name};x@example.no;;14.03.1970;0301;")
    else:
        data = _xlsx(
            [
                ["navn", "e-post", "fødselsdato", "kommunenummer"],
                ["Anne Hansen", "anne@example.no", "14.03.1970", "0301"],
                [long_name, "x@example.no", "14.03.1970", "0301"],
            ]
        )
    with pytest.raises(importing.ImportFileError) as refused:
        importing.read_table(name, data)
    assert str(refused.value) == (
        "Rad 3 har en celle med mer enn 1000 tegn. Sjekk at det er riktig fil."
    )


def test_a_full_list_is_accepted(world: World) -> None:
    """5,000 rows of different values pack like an ordinary spreadsheet: no false refusal."""

    def full(member: Any) -> None:
        _header_row(member)
        for n in range(2, importing.MAX_ROWS + 2):
            member.write(
                f'<row r="{n}"><c t="inlineStr"><is><t>Kvinne {n * 7919 % 100003}</t></is></c>'
                f'<c t="inlineStr"><is><t>k{n * 104729 % 1000003}@example.no</t></is></c>'
                f'<c t="inlineStr"><is><t>14.03.1970</t></is></c><c><v>301</v></c></row>'.encode()
            )

    _header, table = importing.read_table("liste.xlsx", _with_sheet(full))
    assert len(table) == importing.MAX_ROWS
    assert table[0][:4] == ["Kvinne 15838", "k209458@example.no", "14.03.1970", "301"]


# --- invisible characters (issue 8, item 4) ---------------------------------------------------


@pytest.mark.parametrize("trick", ["\u202e", "\u200b"])
def test_a_name_with_invisible_characters_is_refused(world: World, trick: str) -> None:
    rows = _checked(world, _csv(f"Anne{trick} Hansen;anne@example.no;;14.03.1970;0301;"))
    assert rows[0].errors == [
        "Teksten inneholder usynlige tegn eller tegn som snur skriveretningen. "
        "Skriv den inn på nytt uten å lime inn fra et annet sted."
    ]
    assert rows[0].values == {}
