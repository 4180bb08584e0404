"""`manage.py backup` and `manage.py restore` on the test database (privacy/backup.py).

The round trips run on the database of the stage: SQLite in `make pytest`, PostgreSQL in
.ci/run's second pass (each skips on the other with its reason); the refusals and the daily
job run on both. The restore target is a fresh scratch database: a SQLite file in tmp_path, or
a PostgreSQL database created and dropped here. Targets are read with the raw drivers
(sqlite3, psycopg) and `lib.crypto`, not through the code under test.
"""

from __future__ import annotations

import datetime
import io
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from ressursvenn.lib import crypto, daily
from ressursvenn.privacy import backup
from ressursvenn.tests import factories

SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="restores a SQLite backup into SQLite files: runs in the SQLite stage (make pytest)",
)
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="restores a pg_dump backup into PostgreSQL: runs in .ci/run's PostgreSQL stage",
)
# Committed rows: pg_dump and the SQLite backup API read the database from their own connection.
TRANSACTIONAL = pytest.mark.django_db(transaction=True)


@dataclass
class Target:
    """A scratch database to restore into, and how to read it without the code under test."""

    url: str
    vendor: str
    name: str
    params: dict[str, str]

    def rows(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.vendor == "sqlite":
            link = sqlite3.connect(self.name)
            try:
                return link.execute(query.replace("%s", "?"), params).fetchall()
            finally:
                link.close()
        with psycopg.connect(**self.params, autocommit=True) as pg:
            return pg.execute(query, params).fetchall()

    def counts(self) -> dict[str, int]:
        """Rows in every table of the target (an absent SQLite file has none)."""
        if self.vendor == "sqlite":
            if not Path(self.name).exists():
                return {}
            tables = self.rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence'"
            )
        else:
            tables = self.rows(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        return {
            name: self.rows(f'SELECT count(*) FROM "{name}"')[0][0]  # noqa: S608 (table names)
            for (name,) in tables
        }

    def snapshot(self) -> Any:
        """What "unchanged" is compared on: the file's bytes (SQLite), the row counts (both)."""
        path = Path(self.name)
        data = path.read_bytes() if self.vendor == "sqlite" and path.exists() else None
        return data, self.counts()


def source_counts() -> dict[str, int]:
    """Rows in every table of the test database, through Django's own connection."""
    with connection.cursor() as cursor:
        counts = {}
        for name in connection.introspection.table_names():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    """An empty scratch database of the test database's vendor (no tables)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield Target(f"sqlite:///{path}", "sqlite", str(path), {})
        return
    source = backup.Database.default()
    name = f"rv_restore_{secrets.token_hex(6)}"
    params = {**source.params, "dbname": name}
    admin = {**source.params, "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as pg:
        pg.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    user = quote(params.get("user", ""))
    password = f":{quote(params['password'])}" if params.get("password") else ""
    where = f"{params.get('host', '')}:{params.get('port', '5432')}"
    try:
        yield Target(f"postgres://{user}{password}@{where}/{name}", "postgresql", name, params)
    finally:
        with psycopg.connect(**admin, autocommit=True) as pg:
            pg.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def key(settings: Any) -> str:
    """A backup key of this test's own (newest first)."""
    value = backup.new_key()
    settings.RESSURSVENN_BACKUP_KEYS = [value]
    return value


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 4 KiB, so that even a small dump spans many (the format allows any size)."""
    monkeypatch.setattr(backup, "CHUNK_SIZE", 4096)


def _run(command: str, *args: Any, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def scratch_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own TMPDIR, so that what the code leaves there can be listed."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


@dataclass
class People:
    woman: str
    note: str
    areas: list[str]
    phone: str
    volunteer_name: str
    referral_pk: int
    volunteer_pk: int


def _people() -> People:
    """A woman with an encrypted first name, note and areas to avoid; a volunteer with an
    encrypted phone; their match; users and memberships around them."""
    branch = factories.branch("Oslo Sanitetsforening", "0301")
    centre = factories.crisis_centre("Oslo krisesenter", "0301")
    factories.cooperation(branch, centre)
    woman, note, phone = (f"{kind}-{secrets.token_hex(6)}" for kind in ("WOMAN", "NOTE", "PHONE"))
    volunteer_name = f"Vera Kanari {secrets.token_hex(4)}"
    referral = factories.referral(
        centre, branch, first_name=woman, notes=note, excluded_areas=["1806"]
    )
    volunteer = factories.volunteer(branch, full_name=volunteer_name, phone=phone)
    factories.match(referral, volunteer)
    factories.member(branch, factories.Role.GROUP_LEADER, full_name="Gro Leder")
    return People(woman, note, ["1806"], phone, volunteer_name, referral.pk, volunteer.pk)


def _read_back(target: Target, people: People) -> dict[str, Any]:
    """The encrypted fields of the restored rows, decrypted with the field keys."""
    name, notes, areas = target.rows(
        "SELECT first_name, notes, excluded_areas FROM participants_referral WHERE id = %s",
        (people.referral_pk,),
    )[0]
    (phone,) = target.rows(
        "SELECT phone FROM volunteers_volunteer WHERE id = %s", (people.volunteer_pk,)
    )[0]
    assert all(value.startswith(crypto.PREFIX) for value in (name, notes, areas, phone))
    return {
        "woman": crypto.decrypt(name),
        "note": crypto.decrypt(notes),
        "areas": crypto.decrypt_json(areas),
        "phone": crypto.decrypt(phone),
    }


def _round_trip(tmp_path: Path, target: Target) -> None:
    people = _people()
    expected = source_counts()
    assert expected["participants_referral"] == 1
    path = tmp_path / "ressursvenn.rvbackup"
    out, _ = _run("backup", str(path))
    assert f"{len(expected)} tables" in out

    data = path.read_bytes()
    for plain in (people.volunteer_name, people.woman, people.phone):
        assert plain.encode() not in data

    out, err = _run("restore", str(path), database_url=target.url)
    assert target.counts() == expected
    assert _read_back(target, people) == {
        "woman": people.woman,
        "note": people.note,
        "areas": people.areas,
        "phone": people.phone,
    }
    assert "  participants_referral: 1 rows" in out.splitlines()
    assert err == ""  # same code, same migrations: no warning


@SQLITE_ONLY
@TRANSACTIONAL
def test_sqlite_round_trip_restores_every_row_and_the_encrypted_fields(
    tmp_path: Path, target: Target, key: str
) -> None:
    assert target.vendor == "sqlite"
    _round_trip(tmp_path, target)
    assert Path(target.name).stat().st_mode & 0o777 == 0o600


@POSTGRESQL_ONLY
@TRANSACTIONAL
def test_postgresql_round_trip_restores_every_row_and_the_encrypted_fields(
    tmp_path: Path, target: Target, key: str
) -> None:
    assert target.vendor == "postgresql"
    _round_trip(tmp_path, target)


@TRANSACTIONAL
def test_restore_into_a_migrated_empty_database(tmp_path: Path, target: Target, key: str) -> None:
    """A target migrated but without users and organisations counts as empty (PostgreSQL:
    its tables are dropped and restored in one transaction, --clean)."""
    _run("backup", str(tmp_path / "schema.rvbackup"))
    _run("restore", str(tmp_path / "schema.rvbackup"), database_url=target.url)
    assert target.counts()["accounts_user"] == 0
    people = _people()
    expected = source_counts()
    _run("backup", str(tmp_path / "full.rvbackup"))

    out, _ = _run("restore", str(tmp_path / "full.rvbackup"), database_url=target.url)

    assert "(the target was empty: migrated, no user and no organisation)" in out
    assert target.counts() == expected
    assert _read_back(target, people)["woman"] == people.woman


@TRANSACTIONAL
def test_restore_refuses_a_target_that_is_not_empty(tmp_path: Path, target: Target, key: str):
    _people()
    path = tmp_path / "ressursvenn.rvbackup"
    _run("backup", str(path))
    _run("restore", str(path), database_url=target.url)
    before = target.snapshot()
    assert before[1]["accounts_user"] > 0

    with pytest.raises(CommandError, match="is not empty") as error:
        _run("restore", str(path), database_url=target.url)

    assert "rows in accounts_user" in str(error.value)
    assert target.snapshot() == before
    # The configured database (the test database, with its committed rows) is refused too.
    expected = source_counts()
    with pytest.raises(CommandError, match="is not empty"):
        _run("restore", str(path))
    assert source_counts() == expected


@SQLITE_ONLY
@pytest.mark.django_db
def test_restore_refuses_a_database_of_another_application(tmp_path: Path, key: str) -> None:
    other = tmp_path / "other.sqlite3"
    link = sqlite3.connect(other)
    link.execute("CREATE TABLE invoices (id integer)")
    link.commit()
    link.close()
    before = other.read_bytes()
    path = tmp_path / "x.rvbackup"
    _run("backup", str(path))
    with pytest.raises(CommandError, match="has 1 tables but not accounts_user"):
        _run("restore", str(path), database_url=f"sqlite:///{other}")
    assert other.read_bytes() == before
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CommandError, match="cannot be read: file is not a database"):
        _run("restore", str(path), database_url=f"sqlite:///{garbage}")
    assert garbage.read_bytes() == b"not a database at all" * 100
    with pytest.raises(CommandError, match="is not a file"):
        _run("restore", str(path), database_url=f"sqlite:///{tmp_path}")


def _tamper(data: bytes, how: str) -> bytes:
    header = len(backup.read_header(io.BytesIO(data))[1])
    step = backup.CHUNK_SIZE + backup.TAG_SIZE
    body = data[header:]
    chunks = [body[i : i + step] for i in range(0, len(body), step)]
    assert len(chunks) >= 4, "the dump must span several chunks"

    def flip(position: int) -> bytes:
        changed = bytearray(data)
        changed[position] ^= 0x80
        return bytes(changed)

    middle = header + (len(chunks) // 2) * step + step // 2
    return {
        "header nonce prefix": lambda: flip(17),
        "header created": lambda: flip(30),
        "first chunk": lambda: flip(header + 5),
        "middle chunk": lambda: flip(middle),
        "last byte": lambda: flip(len(data) - 1),
        "last chunk dropped": lambda: data[: header + (len(chunks) - 1) * step],
        "two chunks swapped": lambda: data[:header] + chunks[1] + chunks[0] + b"".join(chunks[2:]),
        "cut in the middle": lambda: data[:middle],
        "bytes appended": lambda: data + b"\x00" * 40,
    }[how]()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "how",
    [
        "header nonce prefix",
        "header created",
        "first chunk",
        "middle chunk",
        "last byte",
        "last chunk dropped",
        "two chunks swapped",
        "cut in the middle",
        "bytes appended",
    ],
)
def test_a_changed_backup_is_refused_and_nothing_is_written(
    tmp_path: Path, target: Target, key: str, small_chunks: None, scratch_tmp: Path, how: str
) -> None:
    path = tmp_path / "ressursvenn.rvbackup"
    _run("backup", str(path))
    path.write_bytes(_tamper(path.read_bytes(), how))
    before = target.snapshot()

    with pytest.raises(CommandError, match="damaged or has been changed"):
        _run("restore", str(path), database_url=target.url)

    assert target.snapshot() == before == (None, {})
    assert list(scratch_tmp.iterdir()) == []  # the decrypted part was removed


@pytest.mark.django_db
def test_another_key_is_refused_and_rotation_keeps_old_backups(
    tmp_path: Path, target: Target, key: str, settings: Any
) -> None:
    path = tmp_path / "old.rvbackup"
    _run("backup", str(path))
    newer = backup.new_key()

    settings.RESSURSVENN_BACKUP_KEYS = [newer]
    with pytest.raises(CommandError, match="not in RESSURSVENN_BACKUP_KEYS"):
        _run("restore", str(path), database_url=target.url)
    assert target.snapshot() == (None, {})

    settings.RESSURSVENN_BACKUP_KEYS = [newer, key]  # rotated: the old key listed after
    _run("restore", str(path), database_url=target.url)
    assert target.counts() == source_counts()
    out, _ = _run("backup", str(tmp_path / "new.rvbackup"))
    assert f"backup key id {backup.key_id(backup.parse_key(newer)).hex()}" in out


@pytest.mark.django_db
def test_the_backup_key_is_not_a_field_key_and_a_field_key_opens_no_backup(
    tmp_path: Path, target: Target, key: str, settings: Any
) -> None:
    field_keys = set(settings.RESSURSVENN_FIELD_KEYS)
    assert field_keys.isdisjoint(settings.RESSURSVENN_BACKUP_KEYS)
    path = tmp_path / "ressursvenn.rvbackup"
    _run("backup", str(path))
    header = backup.inspect_file(path)
    assert header.key_id == backup.key_id(backup.parse_key(key))
    assert header.key_id not in {backup.key_id(backup.parse_key(k)) for k in field_keys}

    # A field key configured as the backup key is refused outright, for backup and restore.
    settings.RESSURSVENN_BACKUP_KEYS = list(settings.RESSURSVENN_FIELD_KEYS)
    with pytest.raises(CommandError, match="holds a field key"):
        _run("restore", str(path), database_url=target.url)
    with pytest.raises(CommandError, match="holds a field key"):
        _run("backup", str(tmp_path / "second.rvbackup"))
    # And the field key cannot decrypt the file.
    with pytest.raises(backup.BackupError, match="not in RESSURSVENN_BACKUP_KEYS"):
        backup.decrypt_file(
            path,
            tmp_path / "plain",
            keys=[backup.parse_key(k) for k in settings.RESSURSVENN_FIELD_KEYS],
        )
    assert target.snapshot() == (None, {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ressursvenn.rvbackup"]


@pytest.mark.django_db
def test_without_a_key_backup_and_restore_refuse(tmp_path: Path, target: Target, settings: Any):
    settings.RESSURSVENN_BACKUP_KEYS = [backup.new_key()]
    path = tmp_path / "ressursvenn.rvbackup"
    _run("backup", str(path))
    settings.RESSURSVENN_BACKUP_KEYS = []
    with pytest.raises(CommandError, match="No backup key: set RESSURSVENN_BACKUP_KEYS"):
        _run("backup", str(tmp_path / "second.rvbackup"))
    with pytest.raises(CommandError, match="No backup key: set RESSURSVENN_BACKUP_KEYS"):
        _run("restore", str(path), database_url=target.url)
    settings.RESSURSVENN_BACKUP_KEYS = ["not-a-key"]
    with pytest.raises(CommandError, match="not a backup key"):
        _run("backup", str(tmp_path / "second.rvbackup"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ressursvenn.rvbackup"]


@pytest.mark.django_db
def test_bad_files_and_addresses_are_refused(tmp_path: Path, target: Target, key: str) -> None:
    empty, other = tmp_path / "empty.rvbackup", tmp_path / "notes.txt"
    empty.write_bytes(b"")
    other.write_bytes(b"just some text, not a backup")
    for path in (empty, other):
        with pytest.raises(CommandError, match="not a Ressursvenn backup file"):
            _run("restore", str(path), database_url=target.url)
    with pytest.raises(CommandError, match="Cannot read"):
        _run("restore", str(tmp_path / "missing.rvbackup"), database_url=target.url)
    with pytest.raises(CommandError, match="must start with sqlite:// or postgres://"):
        _run("restore", str(other), database_url="mysql://root@localhost/x")
    path = tmp_path / "ressursvenn.rvbackup"
    _run("backup", str(path))
    elsewhere = (
        "postgres://nobody@127.0.0.1:1/x"
        if connection.vendor == "sqlite"
        else f"sqlite:///{tmp_path / 'x.sqlite3'}"
    )
    with pytest.raises(CommandError, match="restores only into"):
        _run("restore", str(path), database_url=elsewhere)
    assert target.snapshot() == (None, {})
    with pytest.raises(CommandError, match="does not exist"):
        _run("backup", str(tmp_path / "no" / "such" / "dir.rvbackup"))


@pytest.mark.django_db
def test_a_failed_backup_keeps_the_previous_file(tmp_path: Path, key: str) -> None:
    path = tmp_path / "ressursvenn.rvbackup"
    path.write_bytes(b"yesterday's backup")
    missing = backup.Database(backup.SQLITE, str(tmp_path / "gone.sqlite3"))
    with pytest.raises(backup.BackupError, match="does not exist"):
        backup.make_backup(path, database=missing)
    assert path.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ressursvenn.rvbackup"]


@pytest.mark.django_db
def test_the_backup_file_is_private(tmp_path: Path, key: str, scratch_tmp: Path) -> None:
    path = tmp_path / "ressursvenn.rvbackup"
    _run("backup", str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    assert list(scratch_tmp.iterdir()) == []  # the SQLite copy was removed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ressursvenn.rvbackup", "tmp"]


@pytest.mark.django_db
def test_the_daily_job_writes_the_days_file_and_prunes_old_ones(
    tmp_path: Path, target: Target, key: str, settings: Any
) -> None:
    directory = tmp_path / "backups"
    directory.mkdir()
    settings.BACKUP_DIR = str(directory)
    settings.BACKUP_KEEP_DAYS = 35
    day = datetime.date(2026, 12, 3)
    old = [f"ressursvenn-{day - datetime.timedelta(days=n)}.rvbackup" for n in (36, 90)]
    kept = [
        f"ressursvenn-{day - datetime.timedelta(days=35)}.rvbackup",
        "notes.txt",
        "ressursvenn-latest.rvbackup",
        "ressursvenn-2026-01-01.rvbackup.copy",
    ]
    for name in old + kept:
        (directory / name).write_bytes(b"x")

    daily.run_command("backup", day)  # exactly as run_daily_jobs calls it

    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [*kept, "ressursvenn-2026-12-03.rvbackup"]
    )
    written = directory / "ressursvenn-2026-12-03.rvbackup"
    assert backup.inspect_file(written).vendor == connection.vendor
    _run("restore", str(written), database_url=target.url)
    assert target.counts() == source_counts()

    out, _ = _run("backup", today=day + datetime.timedelta(days=1))
    assert "ressursvenn-2026-12-04.rvbackup" in out


@pytest.mark.django_db
def test_the_daily_job_without_backup_dir_does_nothing(
    tmp_path: Path, key: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.BACKUP_DIR = ""
    monkeypatch.chdir(tmp_path)
    out, err = _run("backup", today=datetime.date(2026, 12, 3))
    assert (out, err) == ("Backups are not configured (BACKUP_DIR is empty): nothing done.\n", "")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_a_bad_day_is_refused(tmp_path: Path, key: str, settings: Any) -> None:
    settings.BACKUP_DIR = str(tmp_path)
    with pytest.raises(
        CommandError, match="argument --today: must be a date as YYYY-MM-DD, not '2026-13-01'"
    ):
        _run("backup", "--today", "2026-13-01")
    assert list(tmp_path.iterdir()) == []


def test_new_key_prints_a_fresh_key() -> None:
    first, _ = _run("backup", new_key=True)
    second, _ = _run("backup", new_key=True)
    assert first != second
    assert len(backup.parse_key(first.strip())) == 32


@SQLITE_ONLY
@TRANSACTIONAL
def test_restore_warns_when_the_backup_is_from_other_code(tmp_path: Path, key: str) -> None:
    """A backup whose migrations differ from the code's: restored, with a warning to migrate
    (older) or to use the version that made it (newer)."""
    _people()
    _run("backup", str(tmp_path / "now.rvbackup"))
    older = tmp_path / "older.sqlite3"
    _run("restore", str(tmp_path / "now.rvbackup"), database_url=f"sqlite:///{older}")
    link = sqlite3.connect(older)
    link.execute(
        "DELETE FROM django_migrations WHERE app = 'matching' AND name = '0002_pool_version'"
    )
    link.execute(
        "INSERT INTO django_migrations (app, name, applied) "
        "VALUES ('lib', '9999_future', '2030-01-01 00:00:00')"
    )
    link.commit()
    link.close()
    source = backup.Database(backup.SQLITE, str(older))
    backup.make_backup(tmp_path / "older.rvbackup", database=source)

    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    out, err = _run("restore", str(tmp_path / "older.rvbackup"), database_url=fresh)

    assert (
        "The backup is from older code: 1 migrations are not applied "
        "(matching.0002_pool_version). Run `manage.py migrate` on it." in err
    )
    assert "it records 1 migrations this code does not have (lib.9999_future)" in err
    assert "participants_referral: 1 rows" in out
