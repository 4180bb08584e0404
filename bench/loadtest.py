"""`make loadtest` (issue 10 item 8): Locust, headless, against gunicorn with the production
settings (4 workers) on PostgreSQL with the national data set, on 127.0.0.1 only.

1. The national data set on PostgreSQL (bench/common.py `ensure_dataset`, the same one the page
   benchmark uses: built once, reused while current), copied to a database of its own
   (`loadtest_national`, a template copy) so the activities the run logs never reach the
   benchmark's data.
2. The personas (bench/locustfile.py) from the seeded `--logins` users: group leaders of the
   branches with the most active matches, volunteers in an active match, crisis-centre staff.
3. collectstatic and createcachetable with the production settings, then gunicorn (the
   repository's gunicorn.conf.py, WEB_CONCURRENCY=4) on a free 127.0.0.1 port, with a generated
   SECRET_KEY and the field keys the data set was encrypted with (var/dev-secrets.json).
4. Locust, 20 users, LOADTEST_SECONDS (60) seconds. Printed: requests/s, p50/p95/p99, errors
   (every failed request, and any 5xx in the app's log), per request name too, and the ratio of
   the busiest real page's throughput to the minimal view's (/healthz: no database).

Exit status 1 when a target is missed (0 errors, p95 <= 250 ms, ratio >= 0.25); the figures
are printed either way. Logins are reported apart and left out of p95/p99: a person logs in once
a working day, the run compresses 20 logins (with Argon2 password checks) into its first seconds.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from common import (
    ROOT,
    database_url,
    ensure_dataset,
    postgres_server,
    server_dsn,
    setup_django,
)

USERS = 20
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
WORKERS = 4
# Users started per second: 20 logins at once would be 20 Argon2 checks (each ~100 MB and tens of
# ms of CPU) in the same second, which no working day has; two a second ramps up in 10 s.
SPAWN_RATE = 2
TARGET_P95_MS = 250.0
TARGET_RATIO = 0.25
MINIMAL = "minimal view (/healthz)"
COPY = "loadtest_national"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def copy_database(server: str, source_url: str) -> str:
    """A fresh copy of the national data set (CREATE DATABASE … TEMPLATE)."""
    import psycopg

    source = source_url.rsplit("/", 1)[1]
    with psycopg.connect(server_dsn(server, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{COPY}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{COPY}" TEMPLATE "{source}"')
    return server_dsn(server, COPY)


def personas(server: str) -> tuple[dict[str, Any], str]:
    """Build (or reuse) the data set; return the personas and the field keys of the data."""
    url = database_url("postgres", "national", server)
    setup_django("unused.sqlite3", url=url)
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ressursvenn.accounts.models import Role
    from ressursvenn.demo.management.commands.seed_scale import LOGIN_DEVICE, SCALE_PASSWORD
    from ressursvenn.matching.models import Match
    from ressursvenn.participants.models import Referral

    built = ensure_dataset("national")
    if built:
        print(f"built the national data set on PostgreSQL in {built:.0f} s", flush=True)
    found: dict[str, Any] = {
        "password": SCALE_PASSWORD,
        "leader": [],
        "volunteer": [],
        "centre": [],
    }
    devices = TOTPDevice.objects.filter(name=LOGIN_DEVICE).select_related("user").order_by("pk")
    for device in devices:
        user = device.user
        person = {"email": user.email, "totp": device.key}
        roles = set(user.memberships.values_list("role", flat=True))
        if Role.GROUP_LEADER in roles:
            branches = user.organisation_ids(Role.GROUP_LEADER)
            waiting = Referral.objects.waiting().filter(branch__in=branches).order_by("pk")[:5]
            matches = Match.objects.filter(branch__in=branches, status=Match.Status.ACTIVE)
            person["candidates"] = [reverse("matching:candidates", args=[r.pk]) for r in waiting]
            person["matches"] = [
                reverse("matching:match_detail", args=[m.pk]) for m in matches.order_by("pk")[:5]
            ]
            found["leader"].append(person)
        elif Role.VOLUNTEER in roles:
            match = (
                Match.objects.filter(volunteer__user=user, status=Match.Status.ACTIVE)
                .order_by("pk")
                .first()
            )
            if match is None:
                continue
            person["match"] = reverse("matching:match_detail", args=[match.pk])
            person["activity_new"] = reverse("followup:activity_new", args=[match.pk])
            found["volunteer"].append(person)
        elif Role.CRISIS_STAFF in roles:
            centres = user.organisation_ids(Role.CRISIS_STAFF)
            referrals = Referral.objects.filter(centre__in=centres).order_by("-pk")[:5]
            person["referrals"] = [reverse("participants:detail", args=[r.pk]) for r in referrals]
            found["centre"].append(person)
    connection.close()
    for role in ("leader", "volunteer", "centre"):
        assert found[role], f"no {role} with a login: is this a seed_scale --logins data set?"
    return found, ",".join(settings.RESSURSVENN_FIELD_KEYS)


def production_env(database: str, field_keys: str, static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PORT", "REDIS_URL"}}
    env.update(
        RESSURSVENN_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        RESSURSVENN_FIELD_KEYS=field_keys,
        DATABASE_URL=database,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(static_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        WEB_CONCURRENCY=str(WORKERS),
        DJANGO_SETTINGS_MODULE="ressursvenn.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn and config
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    warm_up(port)
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop(process)
            raise SystemExit(f"gunicorn did not answer:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)


def warm_up(port: int) -> None:
    """Let every worker load its URLs, templates and database connection before the clock
    runs: a few rounds of the minimal view and the login page (gunicorn spreads them)."""
    headers = {"X-Forwarded-Proto": "https"}
    for _ in range(4 * WORKERS):
        for path in ("/healthz", "/logg-inn/"):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                answer.read()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (their own process group, started by us)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summarise(result: dict[str, Any], seconds: float, server_errors: int) -> int:
    """Print the figures; return the exit status (1 when a target is missed)."""
    by_name: dict[str, list[float]] = {}
    failed: dict[str, int] = {}
    for name, ms, failure in result["samples"]:
        by_name.setdefault(name, []).append(ms)
        failed[name] = failed.get(name, 0) + int(failure)
    print(
        f"\n{'request':36} {'count':>6} {'fail':>5} {'rps':>6} {'p50':>6} {'p95':>6} "
        f"{'p99':>6} {'mean':>6}"
    )
    for name in sorted(by_name):
        times = by_name[name]
        print(
            f"{name:36} {len(times):6d} {failed[name]:5d} {len(times) / seconds:6.2f} "
            f"{percentile(times, 0.5):6.0f} {percentile(times, 0.95):6.0f} "
            f"{percentile(times, 0.99):6.0f} {statistics.fmean(times):6.1f}"
        )
    work = [
        ms
        for name, times in by_name.items()
        if not name.startswith("login") and name != MINIMAL
        for ms in times
    ]
    errors = sum(failed.values()) + server_errors
    pages = {n: t for n, t in by_name.items() if not n.startswith("login") and n != MINIMAL}
    busiest = max(pages, key=lambda n: len(pages[n]))
    minimal = by_name.get(MINIMAL, [])
    # Throughput per concurrent request is 1 / mean response time (Little's law): what one of
    # the server's request slots can do of each. The minimal view's users and the personas
    # share the server and the think time, so the plain rps of each only mirror the task mix.
    ratio = statistics.fmean(minimal) / statistics.fmean(pages[busiest]) if minimal else 0.0
    p95 = percentile(work, 0.95)
    print(
        f"\nall requests: {sum(len(t) for t in by_name.values()) / seconds:.1f} requests/s over "
        f"{seconds:.0f} s with {USERS} users; pages and forms (without logins and the minimal "
        f"view): {len(work) / seconds:.1f} requests/s, p50 {percentile(work, 0.5):.0f} ms, "
        f"p95 {p95:.0f} ms, p99 {percentile(work, 0.99):.0f} ms"
    )
    print(
        f"errors: {errors} ({sum(failed.values())} failed requests, {server_errors} server "
        "errors in the app's log)"
    )
    for failure, count in sorted(result["failures"].items()):
        print(f"  {count} x {failure}")
    print(
        f"busiest real page: {busiest!r}, {len(pages[busiest]) / seconds:.2f} requests/s, mean "
        f"{statistics.fmean(pages[busiest]):.1f} ms; minimal view {len(minimal) / seconds:.2f} "
        f"requests/s, mean {statistics.fmean(minimal) if minimal else 0:.1f} ms"
    )
    print(
        f"ratio of throughput per concurrent request (1 / mean time), busiest page / minimal "
        f"view: {ratio:.2f}"
    )
    missed = []
    if errors:
        missed.append(f"{errors} errors (target 0)")
    if p95 > TARGET_P95_MS:
        missed.append(f"p95 {p95:.0f} ms (target <= {TARGET_P95_MS:.0f})")
    if ratio < TARGET_RATIO:
        missed.append(f"ratio {ratio:.2f} (target >= {TARGET_RATIO})")
    print("targets: " + ("MISSED: " + "; ".join(missed) if missed else "all met"))
    return 1 if missed else 0


def main() -> int:
    started = time.perf_counter()
    server, why = postgres_server()
    if not server:
        print(f"The load test needs PostgreSQL: {why}.")
        return 1
    found, field_keys = personas(server)
    database = copy_database(server, database_url("postgres", "national", server))
    with tempfile.TemporaryDirectory(prefix="loadtest-") as folder:
        work = Path(folder)
        env = production_env(database, field_keys, work / "static")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput")
        (work / "personas.json").write_text(json.dumps(found))
        port = _free_port()
        log = work / "gunicorn.log"
        process = start_gunicorn(env, port, log)
        print(
            f"gunicorn: {WORKERS} workers on 127.0.0.1:{port} (production settings, PostgreSQL "
            f"{COPY}); Locust: {USERS} users for {SECONDS} s "
            f"({len(found['leader'])} leaders, {len(found['volunteer'])} volunteers, "
            f"{len(found['centre'])} crisis-centre staff with logins)",
            flush=True,
        )
        locust_env = {
            **os.environ,
            "LOADTEST_PERSONAS": str(work / "personas.json"),
            "LOADTEST_RESULT": str(work / "result.json"),
        }
        try:
            subprocess.run(  # noqa: S603 - our own locust and locustfile
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(USERS),
                    "--spawn-rate",
                    str(SPAWN_RATE),
                    "--run-time",
                    f"{SECONDS}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=locust_env,
                check=False,
                stdout=subprocess.DEVNULL,
            )
        finally:
            stop(process)
        app_log = log.read_text(errors="replace")
        # gunicorn's access log: `[time] "GET /path" 500 …`
        server_errors = len(re.findall(r'^\S.*" 5\d\d \d', app_log, flags=re.MULTILINE))
        result = json.loads((work / "result.json").read_text())
        status = summarise(result, float(SECONDS), server_errors)
    one, five, fifteen = os.getloadavg()
    print(
        f"load average (1, 5, 15 min) at the end: {one:.1f} {five:.1f} {fifteen:.1f} on "
        f"{os.cpu_count()} cores"
    )
    print(f"loadtest: {time.perf_counter() - started:.0f} s")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
