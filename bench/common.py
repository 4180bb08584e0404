"""What the benchmarks share: Django set-up, the seed_scale data sets (small and national, on
SQLite and PostgreSQL, each built once and reused while its marker is current), a logged-in
client, query counting and p50/p95 timing.

A benchmark calls `setup_django(...)` before it imports anything from Django or the project,
then `ensure_dataset(size)` to build its data set unless it is current.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from ressursvenn.accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 30


def setup_django(database: str, url: str = "") -> Path:
    """Point Django at `var/<database>` (a file of its own per benchmark), or at `url` when
    given (e.g. a PostgreSQL database), and set it up."""
    sys.path.insert(0, str(ROOT))
    path = ROOT / "var" / database
    os.environ["DATABASE_URL"] = url or f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ressursvenn.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "false"

    import django

    django.setup()
    return path


# --- The one data source: `manage.py seed_scale` (with its stress cases and logins) -----------

# The two data sets: small and national (DESIGN.md §9), on SQLite and on PostgreSQL.
SIZES = {"small": 0.01, "national": 1.0}
# Users with a known password and authenticator (seed_scale --logins): the load test's personas.
LOGINS = 40
SEED_OPTIONS = {"stress": True, "logins": LOGINS, "force": True}
# PostgreSQL: a server on this machine (user postgres, trust) unless BENCH_POSTGRES_URL says
# otherwise; "off" skips PostgreSQL. The benchmark owns the databases bench_small, bench_national.
POSTGRES_DEFAULT = "postgres://postgres@127.0.0.1:5432"
MARKER_TABLE = "bench_dataset"


def postgres_server() -> tuple[str, str]:
    """(server URL, "") when PostgreSQL answers, else ("", why it is skipped)."""
    url = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_DEFAULT).strip()
    if not url or url.lower() == "off":
        return "", "BENCH_POSTGRES_URL is off"
    try:
        import psycopg

        with psycopg.connect(server_dsn(url, "postgres"), connect_timeout=3):
            pass
    except Exception as error:  # any failure to connect means: skip, and say why
        return "", f"{_safe(url)} does not answer ({type(error).__name__}: {error})".strip()
    return url, ""


def server_dsn(url: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def _safe(url: str) -> str:
    """The URL without a password, for messages."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 5432}"


def database_url(engine: str, size: str, server: str = "") -> str:
    """The database of one data set: `var/bench_<size>.sqlite3`, or `bench_<size>` on the
    PostgreSQL server (created when absent)."""
    if engine == "sqlite":
        return f"sqlite:///{ROOT / 'var' / f'bench_{size}.sqlite3'}"
    import psycopg

    name = f"bench_{size}"
    with psycopg.connect(server_dsn(server, "postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    return server_dsn(server, name)


def dataset_version(size: str) -> str:
    """A digest of what the data set is made from: the schema (every migration file), the seed
    code and its options, and the field keys it is encrypted with (var/dev-secrets.json: a new
    key could not read the old rows). A change to any of them rebuilds the data set."""
    from django.conf import settings

    digest = hashlib.sha256(f"{SIZES[size]} {sorted(SEED_OPTIONS.items())}".encode())
    digest.update(",".join(settings.RESSURSVENN_FIELD_KEYS).encode())
    sources = [
        *sorted(ROOT.glob("ressursvenn/*/migrations/*.py")),
        ROOT / "ressursvenn/demo/management/commands/seed_scale.py",
        ROOT / "ressursvenn/demo/seed.py",
        ROOT / "ressursvenn/demo/seed_outcomes.py",
        ROOT / "ressursvenn/demo/seed_targets.py",
        ROOT / "ressursvenn/demo/seed_privacy.py",
    ]
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _stored_version() -> str:
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT version FROM {MARKER_TABLE}")  # noqa: S608 - a constant
            row = cursor.fetchone()
    except DatabaseError:
        return ""
    return str(row[0]) if row else ""


def _wipe() -> None:
    """Empty the benchmark's own database (never any other: the URL is one database_url made)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(str(connection.settings_dict["NAME"]))
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")


def ensure_dataset(size: str) -> float:
    """Build the data set of `size` in the configured database unless its marker says it is
    current; returns the seconds spent building (0 when reused)."""
    import io

    from django.core.management import call_command
    from django.db import connection

    version = dataset_version(size)
    if _stored_version() == version:
        return 0.0
    started = time.perf_counter()
    _wipe()
    call_command("migrate", verbosity=0)
    call_command("seed_scale", scale=SIZES[size], stdout=io.StringIO(), **SEED_OPTIONS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (version varchar(64) NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (version) VALUES (%s)", [version])  # noqa: S608
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after the bulk inserts
    return time.perf_counter() - started


def client_for(user: User) -> Client:
    """A test client logged in as `user`, past the second factor."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(call: Callable[[], Any]) -> tuple[float, float, float]:
    """p50 and p95 wall-clock ms, and the median CPU ms of this process (SQLite runs in it,
    so on a shared, busy machine the CPU time is the better estimate of an idle one)."""
    call()  # warm up
    times, cpu = [], []
    for _ in range(ROUNDS):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], statistics.median(cpu)


def count_queries(client: Client, url: str) -> int:
    """SQL queries of one warm GET of `url` (which must answer 200)."""
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    client.get(url)  # warm up
    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)
