"""What the page benchmarks share: their own SQLite file, Django set-up, a logged-in client,
query counting and p50/p95 timing.

A benchmark calls `setup_django("<name>.sqlite3")` before it imports anything from Django or
the project, then `prepare(...)` to migrate and build its data set once.
"""

from __future__ import annotations

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


def prepare(built: Callable[[], bool], build: Callable[[], None], name: str) -> None:
    """Fast password hashing, the schema migrated, and the data set built unless `built()`."""
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    if not built():
        started = time.perf_counter()
        build()
        print(f"built the {name} data set in {time.perf_counter() - started:.1f} s")


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


def measure(client: Client, url: str) -> tuple[int, float, float, float]:
    """Queries, p50 ms, p95 ms and median CPU ms of GET `url`."""
    return (count_queries(client, url), *timed(lambda: client.get(url)))
