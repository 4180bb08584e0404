"""Encrypted backups that restore: the file format, SQLite and PostgreSQL dump and restore.

Used by `manage.py backup` and `manage.py restore` (docs/operations.md, "Backups and the
restore drill"). The backup has a key of its own (`settings.RESSURSVENN_BACKUP_KEYS`, newest
first, base64 of 32 random bytes), never a field key: the encrypted fields stay encrypted with
the field keys inside the backup, so a stolen backup file and a stolen key are separate losses.

File format (version 1), all integers big-endian:

    header   magic "RVBACKUP" | version u8 | key id (8) | nonce prefix (7) | chunk size u32 |
             created u64 (Unix seconds) | vendor length u8 | vendor (ASCII)
    chunks   AES-256-GCM of each `chunk size` piece of the dump (the last may be shorter, or
             empty for an empty dump), each `chunk size + 16` bytes but the last

Each chunk is sealed with the nonce `prefix | chunk counter u32 | last-chunk flag u8` and the
whole header as associated data (the STREAM construction): a changed byte anywhere, a dropped,
repeated or reordered chunk, a cut-off or extended file, or a header from another file makes
decryption fail. The key id is a short hash of the key (never the key): restore picks the key
from the listed ones by it, so old backups stay readable while their key stays listed.

The unencrypted dump exists only in a private temporary directory (mode 0700, removed also on
error): the SQLite copy made by the online backup API before encryption, and the decrypted dump
before a restore. A PostgreSQL dump is streamed from `pg_dump` straight into the encryption.
A backup is written to a temporary file next to the target and renamed at the end, so a crash
never leaves half a file under the final name; the file's mode is 0600.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import os
import re
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import dj_database_url
import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

MAGIC = b"RVBACKUP"
VERSION = 1
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
PREFIX_SIZE = 7
KEY_ID_SIZE = 8
MAX_CHUNK_SIZE = 64 * 1024 * 1024
MAX_CHUNKS = 2**32
_FIXED = struct.Struct(f">{len(MAGIC)}sB{KEY_ID_SIZE}s{PREFIX_SIZE}sIQB")

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
VENDORS = {
    "django.db.backends.sqlite3": SQLITE,
    "django.db.backends.postgresql": POSTGRESQL,
}

# Daily files in BACKUP_DIR: only names of this shape are ever pruned.
DAILY_NAME = re.compile(r"ressursvenn-(\d{4}-\d{2}-\d{2})\.rvbackup")
PARTIAL_NAME = re.compile(r"\.ressursvenn-(\d{4}-\d{2}-\d{2})\.rvbackup\..+\.partial")

# The tables whose rows restore prints (model labels; a table missing in the target is skipped).
MAIN_MODELS = (
    "organisations.Organisation",
    "accounts.User",
    "accounts.Membership",
    "volunteers.Volunteer",
    "participants.Referral",
    "matching.Match",
    "followup.Activity",
    "surveys.Response",
    "lib.AuditEvent",
    "lib.AccessEvent",
)
# An empty target: no tables at all, or these tables present and without a row (migrated, unused).
EMPTY_MODELS = ("accounts.User", "organisations.Organisation")

# libpq connection options Django passes through OPTIONS, and their environment variables.
_LIBPQ_ENV = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslpassword": "PGSSLPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


VENDOR_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator."""


# --- Keys


def new_key() -> str:
    """A new backup key: base64 (URL-safe) of 32 random bytes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def parse_key(text: str) -> bytes:
    """The 32 bytes of a key written as base64 (URL-safe or standard alphabet)."""
    try:
        raw = base64.b64decode(text.strip().replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupError(
            "RESSURSVENN_BACKUP_KEYS holds a value that is not a backup key (base64 of 32 "
            "bytes): make one with `manage.py backup --new-key`."
        )
    return raw


def key_id(key: bytes) -> bytes:
    """A short, one-way fingerprint of a key: names the key in the header, never reveals it."""
    return hashlib.sha256(b"ressursvenn backup key id\x00" + key).digest()[:KEY_ID_SIZE]


def backup_keys() -> list[bytes]:
    """The configured backup keys, newest first; refuses none, a malformed one, or a field key."""
    texts = list(settings.RESSURSVENN_BACKUP_KEYS)
    if not texts:
        raise BackupError(
            "No backup key: set RESSURSVENN_BACKUP_KEYS (a key from `manage.py backup "
            "--new-key`; keep it apart from the backups and from the field keys)."
        )
    keys = [parse_key(text) for text in texts]
    field_keys = set()
    for text in settings.RESSURSVENN_FIELD_KEYS:
        with suppress(BackupError):
            field_keys.add(parse_key(text))
    if field_keys.intersection(keys):
        raise BackupError(
            "RESSURSVENN_BACKUP_KEYS holds a field key (RESSURSVENN_FIELD_KEYS): the backup "
            "needs a key of its own (`manage.py backup --new-key`)."
        )
    return keys


# --- File format


@dataclass(frozen=True)
class Header:
    key_id: bytes
    nonce_prefix: bytes
    chunk_size: int
    created: int
    vendor: str

    def encode(self) -> bytes:
        vendor = self.vendor.encode("ascii")
        fixed = _FIXED.pack(
            MAGIC,
            VERSION,
            self.key_id,
            self.nonce_prefix,
            self.chunk_size,
            self.created,
            len(vendor),
        )
        return fixed + vendor

    @property
    def created_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.created, tz=datetime.UTC)


def _damaged() -> BackupError:
    return BackupError(
        "The backup file is damaged or has been changed (or cut off): it is refused, nothing "
        "was restored."
    )


def read_header(source: IO[bytes]) -> tuple[Header, bytes]:
    """The header at the start of `source` and its bytes (the associated data of every chunk)."""
    fixed = _read_full(source, _FIXED.size)
    if len(fixed) < len(MAGIC) or fixed[: len(MAGIC)] != MAGIC:
        raise BackupError("This is not a Ressursvenn backup file.")
    if len(fixed) == len(MAGIC):
        raise _damaged()
    if fixed[len(MAGIC)] != VERSION:
        raise BackupError(
            f"This backup file has format version {fixed[len(MAGIC)]}; this code reads version "
            f"{VERSION} only (restore it with the version of Ressursvenn that made it)."
        )
    if len(fixed) < _FIXED.size:
        raise _damaged()
    _magic, _version, kid, prefix, chunk_size, created, vendor_size = _FIXED.unpack(fixed)
    vendor_bytes = _read_full(source, vendor_size)
    try:
        vendor = vendor_bytes.decode("ascii")
    except UnicodeDecodeError:
        raise _damaged() from None
    if len(vendor_bytes) < vendor_size or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise _damaged()
    header = Header(kid, prefix, chunk_size, created, vendor)
    return header, fixed + vendor_bytes


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= MAX_CHUNKS:
        raise BackupError("The dump is too large for one backup file.")
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _read_full(source: IO[bytes], size: int) -> bytes:
    """Exactly `size` bytes, or fewer only at the end of the stream."""
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def encrypt_stream(
    source: IO[bytes],
    target: IO[bytes],
    *,
    key: bytes,
    vendor: str,
    chunk_size: int | None = None,
    created: int | None = None,
) -> int:
    """Encrypt everything `source` yields into `target` (in chunks of `chunk_size`, default
    CHUNK_SIZE); returns the bytes written."""
    chunk_size = chunk_size or CHUNK_SIZE
    header = Header(
        key_id=key_id(key),
        nonce_prefix=secrets.token_bytes(PREFIX_SIZE),
        chunk_size=chunk_size,
        created=int(time.time()) if created is None else created,
        vendor=vendor,
    )
    associated = header.encode()
    aead = AESGCM(key)
    target.write(associated)
    written = len(associated)
    counter = 0
    current = _read_full(source, chunk_size)
    while True:
        following = _read_full(source, chunk_size) if len(current) == chunk_size else b""
        last = not following
        sealed = aead.encrypt(_nonce(header.nonce_prefix, counter, last), current, associated)
        target.write(sealed)
        written += len(sealed)
        if last:
            return written
        counter += 1
        current = following


def decrypt_stream(source: IO[bytes], target: IO[bytes], *, keys: list[bytes]) -> Header:
    """Decrypt a backup into `target`, checking every chunk and the end of the file.

    On any refusal (BackupError) `target` may hold part of the plaintext: write it only to a
    private temporary place and discard it on error (`decrypt_file` does)."""
    header, associated = read_header(source)
    key = _key_for(header, keys)
    aead = AESGCM(key)
    sealed_size = header.chunk_size + TAG_SIZE
    counter = 0
    current = _read_full(source, sealed_size)
    while True:
        following = _read_full(source, sealed_size) if len(current) == sealed_size else b""
        last = not following
        try:
            plain = aead.decrypt(_nonce(header.nonce_prefix, counter, last), current, associated)
        except InvalidTag:
            raise _damaged() from None
        target.write(plain)
        if last:
            return header
        counter += 1
        current = following


def _key_for(header: Header, keys: list[bytes]) -> bytes:
    for key in keys:
        if secrets.compare_digest(key_id(key), header.key_id):
            return key
    raise BackupError(
        f"This backup was made with a key that is not in RESSURSVENN_BACKUP_KEYS (key id "
        f"{header.key_id.hex()}): list that key (after the newest) to restore it."
    )


def inspect_file(path: Path) -> Header:
    """The header of a backup file (read without a key)."""
    try:
        with path.open("rb") as source:
            return read_header(source)[0]
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror or error}.") from None


def decrypt_file(path: Path, target: Path, *, keys: list[bytes]) -> Header:
    """Decrypt the backup at `path` into `target` (in a private directory); on a refusal the
    partial plaintext is removed before the error is raised."""
    try:
        with path.open("rb") as source, target.open("xb") as plain:
            return decrypt_stream(source, plain, keys=keys)
    except OSError as error:
        target.unlink(missing_ok=True)
        raise BackupError(f"Cannot read {path}: {error.strerror or error}.") from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise


@contextmanager
def private_directory() -> Iterator[Path]:
    """A temporary directory only this user can enter (0700), removed afterwards, also on
    error: the only place an unencrypted dump is ever written."""
    with tempfile.TemporaryDirectory(prefix="ressursvenn-backup-") as name:
        directory = Path(name)
        directory.chmod(0o700)
        yield directory


@contextmanager
def atomic_file(path: Path, *, day: datetime.date | None = None) -> Iterator[IO[bytes]]:
    """A file written under a temporary name next to `path` (mode 0600), renamed to `path`
    only when the block ends without error; removed otherwise."""
    prefix = f".{path.name}." if day is None else f".{daily_name(day)}."
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".partial")
    temporary = Path(name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    with suppress(OSError):  # make the rename durable (not possible on every file system)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


# --- Databases


@dataclass(frozen=True)
class Database:
    """A database to back up or restore into: SQLite (a file) or PostgreSQL (libpq options)."""

    vendor: str
    name: str
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        vendor = VENDORS.get(str(settings_dict.get("ENGINE", "")))
        if vendor is None:
            raise BackupError(
                f"Backups support SQLite and PostgreSQL, not {settings_dict.get('ENGINE')}."
            )
        name = str(settings_dict.get("NAME") or "")
        if vendor == SQLITE:
            if not name or name == ":memory:" or name.startswith("file:"):
                raise BackupError(f"The SQLite database must be a file, not {name!r}.")
            return cls(SQLITE, name)
        params = {"dbname": name}
        for option, key in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
            if settings_dict.get(option):
                params[key] = str(settings_dict[option])
        if settings_dict.get("PORT"):
            params["port"] = str(settings_dict["PORT"])
        for option, value in (settings_dict.get("OPTIONS") or {}).items():
            if option in _LIBPQ_ENV and value not in (None, ""):
                params[option] = str(value)
        return cls(POSTGRESQL, name, params)

    @classmethod
    def from_url(cls, url: str) -> Database:
        if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
            raise BackupError("--database-url must start with sqlite:// or postgres://.")
        try:
            parsed = dj_database_url.parse(url)
        except ValueError as error:
            raise BackupError(f"--database-url is not a database address: {error}") from None
        return cls.from_settings(dict(parsed))

    @classmethod
    def default(cls) -> Database:
        return cls.from_settings(connections["default"].settings_dict)

    def describe(self) -> str:
        """Where the database is, without the password."""
        if self.vendor == SQLITE:
            return f"SQLite {self.name}"
        where = self.params.get("host", "local socket")
        if "port" in self.params:
            where += f":{self.params['port']}"
        return f"PostgreSQL {self.name} on {where}"

    def environment(self) -> dict[str, str]:
        """The environment for pg_dump / pg_restore: the connection (password included) goes
        through PG* variables, never the command line."""
        env = dict(os.environ)
        for option, value in self.params.items():
            env[_LIBPQ_ENV[option]] = value
        return env

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """A DB-API cursor to read this database (sqlite3 read-only, or psycopg)."""
        if self.vendor == SQLITE:
            uri = f"{Path(self.name).resolve().as_uri()}?mode=ro"
            lite = sqlite3.connect(uri, uri=True, timeout=20)
            try:
                yield lite.cursor()
                lite.commit()
            finally:
                lite.close()
        else:
            params: dict[str, Any] = dict(self.params)
            with psycopg.connect(**params, autocommit=True) as pg, pg.cursor() as cursor:
                yield cursor

    def tables(self) -> list[str]:
        with self.cursor() as cursor:
            if self.vendor == SQLITE:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
                )
            else:
                cursor.execute(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
                    "AND n.nspname = current_schema() ORDER BY c.relname"
                )
            return [row[0] for row in cursor.fetchall()]

    def row_counts(self, tables: list[str] | None = None) -> dict[str, int]:
        """Rows per table (every table, or those named that exist)."""
        present = self.tables()
        names = present if tables is None else [name for name in tables if name in present]
        counts: dict[str, int] = {}
        with self.cursor() as cursor:
            for name in names:
                quoted = '"' + name.replace('"', '""') + '"'
                cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608 (quoted name)
                counts[name] = int(cursor.fetchone()[0])
        return counts

    def applied_migrations(self) -> set[tuple[str, str]]:
        with self.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            return {(str(app), str(name)) for app, name in cursor.fetchall()}


def _table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


NO_TABLES = "no tables"
MIGRATED_EMPTY = "migrated, no user and no organisation"


def target_state(database: Database) -> str:
    """NO_TABLES or MIGRATED_EMPTY; refuses (BackupError) a database that is not empty.

    Empty means: no tables at all, or the tables of users (accounts_user) and organisations
    (organisations_organisation) both present and without a row, as `migrate` leaves a new
    database. Every person's row hangs on an organisation, so no data can be lost then."""
    if database.vendor == SQLITE:
        path = Path(database.name)
        if not path.exists() or (path.is_file() and path.stat().st_size == 0):
            return NO_TABLES
        if not path.is_file():
            raise BackupError(f"The target {path} is not a file.")
    tables = _tables_or_error(database)
    if not tables:
        return NO_TABLES
    guards = [_table(label) for label in EMPTY_MODELS]
    missing = [name for name in guards if name not in tables]
    if missing:
        raise BackupError(
            f"The target {database.describe()} is not empty: it has {len(tables)} tables but "
            f"not {', '.join(missing)}. Restore only into an empty database (no tables, or "
            "migrated with no user and no organisation)."
        )
    counts = database.row_counts(guards)
    if any(counts.values()):
        held = ", ".join(f"{counts[name]} rows in {name}" for name in guards)
        raise BackupError(
            f"The target {database.describe()} is not empty ({held}): it is left unchanged. "
            "Restore only into an empty database (no tables, or migrated with no user and no "
            "organisation)."
        )
    return MIGRATED_EMPTY


def _program(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else "")
    if not found:
        raise BackupError(f"{name} is not installed (PostgreSQL client programs are needed).")
    return found


def _stderr_text(handle: IO[bytes]) -> str:
    handle.seek(0)
    text = handle.read().decode(errors="replace").strip()
    return text[-2000:] or "no message"


# --- Backup


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    size: int
    seconds: float
    tables: int
    key_id: str


def make_backup(
    path: Path,
    *,
    database: Database | None = None,
    keys: list[bytes] | None = None,
    day: datetime.date | None = None,
) -> BackupResult:
    """Back up `database` (default: the configured one) into the encrypted file `path` with the
    newest backup key. `day` names the temporary file of a daily backup (for pruning)."""
    database = database or Database.default()
    key = (keys or backup_keys())[0]
    if not path.parent.is_dir():
        raise BackupError(f"The directory {path.parent} does not exist.")
    started = time.monotonic()
    with atomic_file(path, day=day) as target:
        if database.vendor == SQLITE:
            tables = _dump_sqlite(database, target, key)
        else:
            tables = _dump_postgresql(database, target, key)
    return BackupResult(
        path=path,
        vendor=database.vendor,
        size=path.stat().st_size,
        seconds=time.monotonic() - started,
        tables=tables,
        key_id=key_id(key).hex(),
    )


def _dump_sqlite(database: Database, target: IO[bytes], key: bytes) -> int:
    source_path = Path(database.name)
    if not source_path.is_file():
        raise BackupError(f"The database file {source_path} does not exist.")
    with private_directory() as directory:
        copy = directory / "dump.sqlite3"
        source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True, timeout=20)
        try:
            destination = sqlite3.connect(copy)
            try:
                # The online backup API: a consistent snapshot while the site keeps writing.
                source.backup(destination)
                # One self-contained file (the copy would otherwise be in WAL mode).
                destination.execute("PRAGMA journal_mode=DELETE")
                (tables,) = destination.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                ).fetchone()
            finally:
                destination.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"The SQLite backup failed: {error}.") from None
        finally:
            source.close()
        with copy.open("rb") as plain:
            encrypt_stream(plain, target, key=key, vendor=SQLITE)
    return int(tables)


def _dump_postgresql(database: Database, target: IO[bytes], key: bytes) -> int:
    tables = len(_tables_or_error(database))
    command = [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, connection in env)
            command, stdout=subprocess.PIPE, stderr=errors, env=database.environment()
        )
        assert process.stdout is not None
        try:
            encrypt_stream(process.stdout, target, key=key, vendor=POSTGRESQL)
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            raise BackupError(f"pg_dump failed (exit {code}): {_stderr_text(errors)}")
    return tables


def _tables_or_error(database: Database) -> list[str]:
    try:
        return database.tables()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{database.describe()} cannot be read: {error}.") from None
    except psycopg.Error as error:
        # The class only: a driver message may quote the connection string.
        raise BackupError(
            f"Cannot connect to {database.describe()}: {type(error).__name__}."
        ) from None


# --- Restore


@dataclass
class RestoreResult:
    vendor: str
    created: datetime.datetime
    target: str
    state: str
    counts: dict[str, int]
    missing_migrations: list[tuple[str, str]]
    unknown_migrations: list[tuple[str, str]]


def restore_backup(
    path: Path, *, database: Database | None = None, keys: list[bytes] | None = None
) -> RestoreResult:
    """Restore the backup at `path` into `database` (default: the configured one), which must
    be empty (`target_state`). The file is decrypted and checked completely before anything is
    written to the target: a wrong key or a damaged file changes nothing."""
    database = database or Database.default()
    keys = keys or backup_keys()
    header = inspect_file(path)
    _key_for(header, keys)
    if header.vendor != database.vendor:
        made, into = (VENDOR_NAMES.get(v, v) for v in (header.vendor, database.vendor))
        raise BackupError(
            f"This is a backup of a {made} database; it restores only into {made}, and the "
            f"target is {into}."
        )
    state = target_state(database)
    new_file = database.vendor == SQLITE and not Path(database.name).exists()
    with private_directory() as directory:
        plain = directory / "restore.dump"
        decrypt_file(path, plain, keys=keys)
        if database.vendor == SQLITE:
            _check_sqlite(plain)
            if _same_file(database, Database.default()):
                connections["default"].close()  # its open connection knows the old schema
            _restore_sqlite(plain, database)
            if new_file:
                os.chmod(database.name, 0o600)  # personal data: for the owner only
        else:
            _check_archive(plain, database)
            _restore_postgresql(plain, database, clean=state == MIGRATED_EMPTY)
    missing, unknown = migration_differences(database)
    return RestoreResult(
        vendor=database.vendor,
        created=header.created_at,
        target=database.describe(),
        state=state,
        counts=database.row_counts([_table(label) for label in MAIN_MODELS]),
        missing_migrations=missing,
        unknown_migrations=unknown,
    )


def _same_file(one: Database, other: Database) -> bool:
    return one.vendor == other.vendor == SQLITE and (
        Path(one.name).resolve() == Path(other.name).resolve()
    )


def _check_sqlite(plain: Path) -> None:
    with plain.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError("The backup does not hold a SQLite database.")
    link = sqlite3.connect(f"{plain.as_uri()}?mode=ro", uri=True)
    try:
        result = [row[0] for row in link.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The SQLite database in the backup is damaged: {error}.") from None
    finally:
        link.close()
    if result != ["ok"]:
        raise BackupError(
            f"The SQLite database in the backup fails its integrity check: {result[:3]}"
        )


def _restore_sqlite(plain: Path, database: Database) -> None:
    source = sqlite3.connect(f"{plain.as_uri()}?mode=ro", uri=True)
    try:
        try:
            destination = sqlite3.connect(database.name, timeout=20)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"Cannot open the target {database.name}: {error}.") from None
        try:
            source.backup(destination)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"The SQLite restore failed: {error}.") from None
        finally:
            destination.close()
    finally:
        source.close()


def _check_archive(plain: Path, database: Database) -> None:
    with tempfile.TemporaryFile() as errors:
        code = subprocess.call(  # noqa: S603 (fixed arguments)
            [_program("pg_restore"), "--list", str(plain)],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=database.environment(),
        )
        if code != 0:
            raise BackupError(f"The backup does not hold a pg_dump archive: {_stderr_text(errors)}")


def _restore_postgresql(plain: Path, database: Database, *, clean: bool) -> None:
    # One transaction: a failure halfway rolls everything back (--single-transaction implies
    # --exit-on-error, given as well for clarity). A migrated empty target has the tables the
    # dump creates: they are dropped first (--clean --if-exists), inside the same transaction.
    command = [
        _program("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        *(["--clean", "--if-exists"] if clean else []),
        "--dbname",
        _conninfo_dbname(database.name),
        str(plain),
    ]
    with tempfile.TemporaryFile() as errors:
        code = subprocess.call(  # noqa: S603 (fixed arguments, connection in env)
            command, stdout=subprocess.DEVNULL, stderr=errors, env=database.environment()
        )
        if code != 0:
            raise BackupError(
                f"pg_restore failed (exit {code}); the target is unchanged (one transaction): "
                f"{_stderr_text(errors)}"
            )


def _conninfo_dbname(name: str) -> str:
    """`dbname='…'` as a libpq connection string (host, user and password come from PG*)."""
    return "dbname='" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def migration_differences(
    database: Database,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The code's migrations the database has not recorded (the backup is from older code: run
    migrate), and the recorded ones the code does not know (the backup is from newer code)."""
    try:
        applied = database.applied_migrations()
    except Exception:  # no django_migrations table: everything is missing
        applied = set()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    code = loader.disk_migrations
    replaced = {name for migration in code.values() for name in (migration.replaces or [])}
    missing = sorted(
        key
        for key, migration in code.items()
        if key not in applied
        and not (migration.replaces and all(tuple(r) in applied for r in migration.replaces))
    )
    known_apps = {app for app, _name in code}
    unknown = sorted(
        key for key in applied if key not in code and key not in replaced and key[0] in known_apps
    )
    return missing, unknown


# --- Daily backups in BACKUP_DIR


def daily_name(day: datetime.date) -> str:
    return f"ressursvenn-{day.isoformat()}.rvbackup"


def prune(directory: Path, today: datetime.date, keep_days: int) -> list[Path]:
    """Delete the daily backups in `directory` dated more than `keep_days` before `today`, and
    temporary files left by a backup of an earlier day that crashed; any other file is kept."""
    limit = today - datetime.timedelta(days=keep_days)
    removed: list[Path] = []
    for path in sorted(directory.iterdir()):
        daily = DAILY_NAME.fullmatch(path.name)
        partial = PARTIAL_NAME.fullmatch(path.name)
        match = daily or partial
        if match is None or not path.is_file() or path.is_symlink():
            continue
        try:
            day = datetime.date.fromisoformat(match.group(1))
        except ValueError:
            continue
        if (daily and day < limit) or (partial and day < today):
            path.unlink()
            removed.append(path)
    return removed
