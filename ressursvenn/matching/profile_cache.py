"""A per-process cache of the matching pool, kept correct by database triggers.

Reading and parsing 20,000 volunteer profiles takes about 200 ms, and they rarely change, so
``adapter.volunteer_pool`` keeps the prepared pool of a set of branches in this process and
reuses it while a **version** read in one small query is unchanged.

The version is kept by the database itself, whoever writes: triggers on
``volunteers_volunteer`` give the branch a new random token in ``matching_pool_version`` in the
same transaction as any insert, delete, or update that changes a column the adapter reads
(``VOLUNTEER_COLUMNS``), for the old and the new branch; a change of a municipality's position
(and on PostgreSQL a TRUNCATE) gives the global row (``GLOBAL``) a new token. Actions, bulk
updates, the import, ``seed_scale``, the admin, data migrations and raw SQL are all covered,
with nothing to remember in the code that writes.

Why this is always correct:

- The version (the tokens of the branches and of the global row) is read *before* the rows.
  Whatever the rows show is at least as new as the version it is stored under, so a newer
  state under an older version at worst costs one extra reload.
- Tokens are random (128 bits), never counters: a rolled-back transaction, a restored backup
  or a test database rebuilt with the same ids can never bring back a version seen earlier.
- The cache is used only when every trigger is present and was installed from the current
  definition (a digest in the row ``MARKER``): on SQLite a later migration that rebuilds the
  volunteer table drops its triggers, so ``install()`` runs again after every ``migrate``
  (``post_migrate``) and gives the global row a new token; until then nothing is cached.
- What changes without a volunteer row changing is not in the cached part: the open matches
  (capacity), the woman's own data and earlier matches are read on every request, and the day
  (ages, whether a certificate is still valid) and the minimum age are part of the key.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

T = TypeVar("T")

TABLE = "matching_pool_version"
GLOBAL = 0
"""The row whose token every version includes (municipality positions, truncation, install)."""
MARKER = -1
"""The row holding the digest of the installed trigger definitions."""

VOLUNTEER_TABLE = "volunteers_volunteer"
VOLUNTEER_COLUMNS = (
    "id",
    "branch_id",
    "status",
    "date_of_birth",
    "municipality_id",
    "district_id",
    "max_travel_km",
    "capacity",
    "languages",
    "interests",
    "offers",
    "availability",
    "modes",
    "conflict_areas",
    "screening_valid_until",
)
"""Every column of the volunteer table the adapter's pool query reads (a test checks it)."""
MUNICIPALITY_TABLE = "organisations_municipality"
MUNICIPALITY_COLUMNS = ("code", "lat", "lon")

MAX_ENTRIES = 32
MAX_VOLUNTEERS = 250_000
"""Bounds of the cache: entries, and volunteers over all entries (about 1 KB each)."""


# --- the triggers ------------------------------------------------------------------------------


def _sqlite_statements() -> list[str]:
    random_hex = "lower(hex(randomblob(16)))"

    def bump(branch: str) -> str:
        return (
            f"INSERT INTO {TABLE} (branch_id, token) VALUES ({branch}, {random_hex}) "  # noqa: S608
            "ON CONFLICT (branch_id) DO UPDATE SET token = excluded.token;"
        )

    columns = ", ".join(VOLUNTEER_COLUMNS)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in VOLUNTEER_COLUMNS)
    moved = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in MUNICIPALITY_COLUMNS)
    return [
        f"CREATE TRIGGER matching_pool_insert AFTER INSERT ON {VOLUNTEER_TABLE} "
        f"BEGIN {bump('NEW.branch_id')} END",
        f"CREATE TRIGGER matching_pool_delete AFTER DELETE ON {VOLUNTEER_TABLE} "
        f"BEGIN {bump('OLD.branch_id')} END",
        f"CREATE TRIGGER matching_pool_update AFTER UPDATE OF {columns} ON {VOLUNTEER_TABLE} "
        f"WHEN {changed} BEGIN {bump('NEW.branch_id')} {bump('OLD.branch_id')} END",
        f"CREATE TRIGGER matching_pool_municipality AFTER UPDATE OF "
        f"{', '.join(MUNICIPALITY_COLUMNS)} ON {MUNICIPALITY_TABLE} "
        f"WHEN {moved} BEGIN {bump(str(GLOBAL))} END",
    ]


SQLITE_TRIGGERS = (
    "matching_pool_insert",
    "matching_pool_delete",
    "matching_pool_update",
    "matching_pool_municipality",
)


def _postgres_statements() -> list[str]:
    columns = ", ".join(VOLUNTEER_COLUMNS)
    upsert = (
        f"INSERT INTO {TABLE} (branch_id, token) "  # noqa: S608 - constants only
        "SELECT b, gen_random_uuid()::text FROM ({rows}) AS changed (b) "
        "WHERE b IS NOT NULL ORDER BY b "
        "ON CONFLICT (branch_id) DO UPDATE SET token = EXCLUDED.token;"
    )
    inserted = upsert.format(rows="SELECT DISTINCT branch_id FROM new_rows")
    deleted = upsert.format(rows="SELECT DISTINCT branch_id FROM old_rows")
    # Rows that differ in a column the adapter reads, before or after (id changes included).
    updated = upsert.format(
        rows=(
            "SELECT DISTINCT branch_id FROM ("  # noqa: S608 - constants only
            f"(SELECT {columns} FROM new_rows EXCEPT SELECT {columns} FROM old_rows) "
            "UNION ALL "
            f"(SELECT {columns} FROM old_rows EXCEPT SELECT {columns} FROM new_rows)) AS d"
        )
    )
    bump_global = (
        f"INSERT INTO {TABLE} (branch_id, token) "  # noqa: S608 - constants only
        f"VALUES ({GLOBAL}, gen_random_uuid()::text) "
        "ON CONFLICT (branch_id) DO UPDATE SET token = EXCLUDED.token;"
    )
    moved = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in MUNICIPALITY_COLUMNS)
    return [
        "CREATE OR REPLACE FUNCTION matching_pool_volunteers() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {inserted} "
        f"ELSIF TG_OP = 'DELETE' THEN {deleted} "
        f"ELSE {updated} END IF; RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION matching_pool_everything() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {bump_global} RETURN NULL; END $$",
        f"CREATE TRIGGER matching_pool_insert AFTER INSERT ON {VOLUNTEER_TABLE} "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION matching_pool_volunteers()",
        f"CREATE TRIGGER matching_pool_delete AFTER DELETE ON {VOLUNTEER_TABLE} "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION matching_pool_volunteers()",
        f"CREATE TRIGGER matching_pool_update AFTER UPDATE ON {VOLUNTEER_TABLE} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION matching_pool_volunteers()",
        f"CREATE TRIGGER matching_pool_truncate AFTER TRUNCATE ON {VOLUNTEER_TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION matching_pool_everything()",
        f"CREATE TRIGGER matching_pool_municipality AFTER UPDATE ON {MUNICIPALITY_TABLE} "
        f"FOR EACH ROW WHEN ({moved}) EXECUTE FUNCTION matching_pool_everything()",
    ]


POSTGRES_TRIGGERS = (
    ("matching_pool_insert", VOLUNTEER_TABLE),
    ("matching_pool_delete", VOLUNTEER_TABLE),
    ("matching_pool_update", VOLUNTEER_TABLE),
    ("matching_pool_truncate", VOLUNTEER_TABLE),
    ("matching_pool_municipality", MUNICIPALITY_TABLE),
)


def _statements(vendor: str) -> list[str]:
    return _postgres_statements() if vendor == "postgresql" else _sqlite_statements()


def _trigger_names(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [name for name, _table in POSTGRES_TRIGGERS]
    return list(SQLITE_TRIGGERS)


def definition_digest(vendor: str) -> str:
    """A digest of the trigger definitions of this code (stored by ``install``)."""
    return hashlib.sha256("\n".join(_statements(vendor)).encode()).hexdigest()[:32]


def _drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in POSTGRES_TRIGGERS]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the version table and (re)create the triggers from the current definitions, then
    give the global row a new token: every cached pool is reloaded. Idempotent; run by the
    migration and after every ``migrate``."""
    vendor = connection.vendor
    key = "bigint" if vendor == "postgresql" else "integer"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            f"(branch_id {key} NOT NULL PRIMARY KEY, token varchar(64) NOT NULL)"
        )
        for statement in [*_drop_statements(vendor), *_statements(vendor)]:
            cursor.execute(statement)
        for branch, token in ((MARKER, definition_digest(vendor)), (GLOBAL, _new_token())):
            cursor.execute(
                f"INSERT INTO {TABLE} (branch_id, token) VALUES (%s, %s) "  # noqa: S608
                "ON CONFLICT (branch_id) DO UPDATE SET token = excluded.token",
                [branch, token],
            )


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers and the version table (the migration's reverse)."""
    with connection.cursor() as cursor:
        for statement in _drop_statements(connection.vendor):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS matching_pool_volunteers()")
            cursor.execute("DROP FUNCTION IF EXISTS matching_pool_everything()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def reinstall_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``post_migrate``: a migration may have rebuilt the volunteer table (SQLite drops its
    triggers then), so install them again (when the tables they watch exist)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if {VOLUNTEER_TABLE, MUNICIPALITY_TABLE} <= tables:
        install(connection)


def _new_token() -> str:
    import secrets

    return secrets.token_hex(16)


# --- the version and the cache -----------------------------------------------------------------


def current_version(branch_ids: Sequence[int], *, using: str = DEFAULT_DB_ALIAS) -> Hashable:
    """The tokens of these branches and of the global row, in one query; None when the
    triggers are not all in place from the current definitions (then nothing may be cached)."""
    connection = connections[using]
    vendor = connection.vendor
    names = _trigger_names(vendor)
    if vendor == "postgresql":
        present = (
            "SELECT -2, count(*)::text FROM pg_trigger "  # noqa: S608 - constants only
            f"WHERE tgname IN ({', '.join(['%s'] * len(names))}) AND tgenabled IN ('O', 'A')"
        )
    else:
        present = (
            "SELECT -2, CAST(count(*) AS TEXT) FROM sqlite_master "  # noqa: S608
            f"WHERE type = 'trigger' AND name IN ({', '.join(['%s'] * len(names))})"
        )
    rows_of = [MARKER, GLOBAL, *branch_ids]
    sql = (
        f"{present} UNION ALL SELECT branch_id, token FROM {TABLE} "  # noqa: S608
        f"WHERE branch_id IN ({', '.join(['%s'] * len(rows_of))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*names, *rows_of])
        rows = dict(cursor.fetchall())
    if rows.get(-2) != str(len(names)) or rows.get(MARKER) != definition_digest(vendor):
        return None
    return tuple(sorted((branch, token) for branch, token in rows.items() if branch >= GLOBAL))


_lock = threading.Lock()
_entries: OrderedDict[Hashable, tuple[Hashable, Any, int]] = OrderedDict()


def cached(
    key: Hashable,
    branch_ids: Sequence[int],
    build: Callable[[], T],
    *,
    size: Callable[[T], int] = lambda value: 1,
    using: str = DEFAULT_DB_ALIAS,
) -> tuple[T, bool]:
    """(``build()``, True), or (what it gave earlier in this process for ``key``, False) if
    the version of ``branch_ids`` has not changed since. ``build`` must read only volunteer
    rows of these branches and municipality positions (what the triggers watch), and what
    else it reads must be read afresh by the caller on a hit; the version is read first."""
    version = current_version(branch_ids, using=using)
    settings_dict = connections[using].settings_dict
    full_key = (using, str(settings_dict["NAME"]), key)
    if version is not None:
        with _lock:
            entry = _entries.get(full_key)
            if entry is not None and entry[0] == version:
                _entries.move_to_end(full_key)
                return entry[1], False
    value = build()
    if version is not None:
        with _lock:
            _entries[full_key] = (version, value, size(value))
            _entries.move_to_end(full_key)
            while len(_entries) > MAX_ENTRIES or (
                len(_entries) > 1 and sum(e[2] for e in _entries.values()) > MAX_VOLUNTEERS
            ):
                _entries.popitem(last=False)
    return value, True


def clear() -> None:
    with _lock:
        _entries.clear()


def _settings_changed(setting: str, **kwargs: Any) -> None:
    """Tests change settings the cached part depends on (the keys of the encrypted fields,
    the database): start afresh."""
    if setting in {"RESSURSVENN_FIELD_KEYS", "DATABASES", "TIME_ZONE", "VOLUNTEER_MIN_AGE"}:
        clear()


setting_changed.connect(_settings_changed)
