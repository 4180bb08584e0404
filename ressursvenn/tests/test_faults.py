"""The production stack and its faults (`make faults`, a stage of `.ci/run`).

gunicorn with 2 workers and the production settings on a PostgreSQL database of its own, Redis,
and a local SMTP sink (aiosmtpd); the worker and the clock as `manage.py` subprocesses. Each test
makes one fault happen for real: the mail relay down, a worker killed while it sends, two
machines running the daily jobs at once, PostgreSQL restarted under load, Redis gone.

Needs the PostgreSQL server on 127.0.0.1:5432 (user postgres, trust) and Redis on
127.0.0.1:6379, as on the CI machine: a missing server fails these tests with a clear message,
it never skips them. Not part of `make test` (they restart PostgreSQL).
"""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from django.conf import settings
from django_otp.oath import totp

from ressursvenn.tests.served import ROOT, Browser, environment, free_port, gunicorn, manage

pytestmark = [pytest.mark.faults, pytest.mark.own_database]

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 13  # a database of its own on the shared server, flushed by these tests
LEADER = "gruppeleder.oslo@demo.ressursvenn.no"
PASSWORD = "Ressursvenn-demo-2026"  # the published demo password (ressursvenn/demo/seed.py)
SECRET_KEY = secrets.token_urlsafe(50)
FIELD_KEYS = Fernet.generate_key().decode()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_PAGE = "Beklager, noe gikk galt"
STATIC_ROOT = Path(f"/tmp/ressursvenn-faults-static-{secrets.token_hex(4)}")  # noqa: S108


def _answers(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def _need_servers() -> None:
    if not _answers((PG_HOST, PG_PORT)):
        pytest.fail(
            "PostgreSQL does not answer on 127.0.0.1:5432: start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`."
        )
    if not _answers(REDIS):
        pytest.fail("Redis does not answer on 127.0.0.1:6379: start redis-server.")


# --- The SMTP sink


@dataclass
class Sink:
    """Accepts every message (250), or holds the next one until released and refuses it."""

    accepted: list[str] = field(default_factory=list)
    hold_next: bool = False
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.hold_next:
            self.hold_next = False
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 4.3.0 Try again later"
        self.accepted.append(envelope.content.decode(errors="replace"))
        return "250 OK"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, Controller]]:
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller
    finally:
        handler.release.set()
        controller.stop()


# --- The stack


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A PostgreSQL database of its own with the demo data, for the whole module."""
    _need_servers()
    name = f"faults_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://postgres@{PG_HOST}:{PG_PORT}/{name}"
    try:
        env = _env(Path("/tmp"), url, smtp_port=1, production=False)  # noqa: S108
        manage(env, "migrate", "--noinput", timeout=600)
        manage(env, "createcachetable")
        manage(env, "seed_demo", "--if-empty", timeout=600)
        manage({**env, "RESSURSVENN_ENV": "production"}, "collectstatic", "--noinput")
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)


def _env(
    tmp_path: Path,
    database: str,
    *,
    smtp_port: int,
    production: bool = True,
    redis: str = f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
) -> dict[str, str]:
    return environment(
        tmp_path,
        RESSURSVENN_ENV="production" if production else "development",
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        RESSURSVENN_FIELD_KEYS=FIELD_KEYS,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on 127.0.0.1, as behind the proxy
        STATIC_ROOT=str(STATIC_ROOT),
        DATABASE_URL=database,
        REDIS_URL=redis,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        MAIL_RETRY_SECONDS="1",
        WORKER_POLL_SECONDS="1",
        WEB_CONCURRENCY="2",
        WEB_THREADS="2",
    )


def _flush_redis() -> None:
    import redis

    redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB).flushdb()


def _sql(database: str, query: str) -> Any:
    with psycopg.connect(database.replace("postgres://", "postgresql://")) as connection:
        row = connection.execute(query).fetchone()  # type: ignore[arg-type]
    return row[0] if row else None


def _csrf(page: str) -> str:
    found = CSRF.search(page)
    assert found, page[:500]
    return found.group(1)


def _code(database: str, email: str) -> str:
    """The persona's current TOTP code, computed as her authenticator app would. A code works
    once (django-otp refuses a step already used): when an earlier test of this module (same
    database) logged her in during the current step, wait for the next one, as she would."""
    with psycopg.connect(database.replace("postgres://", "postgresql://")) as connection:
        row = connection.execute(
            "SELECT d.key, d.step, d.t0, d.digits, d.drift, d.last_t FROM otp_totp_totpdevice d "
            "JOIN accounts_user u ON u.id = d.user_id "
            "WHERE lower(u.email) = %s AND d.confirmed ORDER BY d.id LIMIT 1",
            (email,),
        ).fetchone()
    assert row, email
    key, step, t0, digits, drift, last_t = row
    while (time.time() - t0) // step + drift <= last_t:
        time.sleep(step - (time.time() - t0) % step + 0.1)
    return f"{totp(bytes.fromhex(key), step, t0, digits, drift):0{digits}d}"


def _log_in(browser: Browser, env: dict[str, str], email: str) -> None:
    page = browser.get("/logg-inn/")
    answer = browser.post(
        "/logg-inn/",
        {"csrfmiddlewaretoken": _csrf(page.text), "email": email, "password": PASSWORD},
    )
    assert (answer.status, answer.headers["Location"]) == (302, "/logg-inn/kode/"), answer.text
    code_page = browser.get("/logg-inn/kode/")
    code = _code(env["DATABASE_URL"], email)
    answer = browser.post(
        "/logg-inn/kode/", {"csrfmiddlewaretoken": _csrf(code_page.text), "token": code}
    )
    assert answer.status == 302, answer.text


def _ask_for_reset(browser: Browser, email: str) -> None:
    page = browser.get("/passord/glemt/")
    answer = browser.post(
        "/passord/glemt/", {"csrfmiddlewaretoken": _csrf(page.text), "email": email}
    )
    assert answer.status == 302, answer.text


def _queued(database: str) -> int:
    return int(_sql(database, "SELECT count(*) FROM mailer_message"))


# --- The tests


def test_the_production_stack_serves_logs_in_sends_and_limits(
    database: str, sink: tuple[Sink, Controller], tmp_path: Path
) -> None:
    """gunicorn (2 workers) on PostgreSQL and Redis: the second factor, a page, a static file,
    an e-mail through the queue to the SMTP sink once, the rate limit shared by processes."""
    handler, controller = sink
    env = _env(tmp_path, database, smtp_port=controller.port)
    _flush_redis()
    with gunicorn(env, tmp_path) as served:
        browser = Browser(served.url)
        assert browser.get("/readyz").text == "ok"
        _log_in(browser, env, LEADER)
        start = browser.get("/")
        assert start.status == 200
        assert "Logg ut" in start.text
        assert browser.get("/static/css/app.css").status == 200

        _ask_for_reset(Browser(served.url), LEADER)
        assert _queued(database) == 1
        assert handler.accepted == []
        manage(env, "run_worker", "--once")
        manage(env, "run_worker", "--once")
        assert len(handler.accepted) == 1
        assert f"To: {LEADER}" in handler.accepted[0]
        assert "/passord/" in handler.accepted[0]
        assert _queued(database) == 0

        # The public form's limit is in Redis: used up by another process (this shell), it
        # holds in both gunicorn workers.
        manage(
            env,
            "shell",
            "-c",
            "from django.core.cache import cache\n"
            "from ressursvenn.volunteers.actions import application as a\n"
            "limit, period = a._parse_rate('5/h')\n"
            "cache.set(a._counter_key('127.0.0.1', period), limit, period)\n",
        )
        for _ in range(4):  # a new connection each time: either worker may answer
            public = Browser(served.url)
            form = public.get("/bli-ressursvenn/")
            answer = public.post("/bli-ressursvenn/", {"csrfmiddlewaretoken": _csrf(form.text)})
            assert answer.status == 429


def test_a_relay_that_is_down_loses_nothing_and_the_mail_goes_once_later(
    database: str, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens here yet: the relay is down
    env = _env(tmp_path, database, smtp_port=port)
    with gunicorn(env, tmp_path) as served:
        _ask_for_reset(Browser(served.url), LEADER)  # the action succeeds
    manage(env, "run_worker", "--once")
    assert _queued(database) == 1
    assert _sql(database, "SELECT priority FROM mailer_message") == 4  # deferred
    assert _sql(database, "SELECT log_message FROM mailer_messagelog ORDER BY id DESC") == (
        "ConnectionRefusedError"
    )

    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        time.sleep(1.2)  # MAIL_RETRY_SECONDS=1: the first retry is due
        manage(env, "run_worker", "--once")
        manage(env, "run_worker", "--once")
    finally:
        controller.stop()
    assert len(handler.accepted) == 1
    assert _queued(database) == 0


def test_a_worker_killed_while_it_sends_leaves_the_mail_for_the_next_once(
    database: str, sink: tuple[Sink, Controller], tmp_path: Path
) -> None:
    handler, controller = sink
    env = _env(tmp_path, database, smtp_port=controller.port)
    with gunicorn(env, tmp_path) as served:
        _ask_for_reset(Browser(served.url), LEADER)
    handler.hold_next = True
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert handler.held.wait(30), "the worker never reached the relay"
        worker.send_signal(signal.SIGKILL)  # mid-send: the relay has the data, not yet a 250
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    handler.release.set()
    assert _queued(database) == 1  # the killed worker's transaction rolled back
    manage(env, "run_worker", "--once")
    manage(env, "run_worker", "--once")
    assert len(handler.accepted) == 1
    assert _queued(database) == 0


def test_two_machines_running_the_daily_jobs_at_once_run_them_once(
    database: str, sink: tuple[Sink, Controller], tmp_path: Path
) -> None:
    handler, controller = sink
    env = _env(tmp_path, database, smtp_port=controller.port)
    moment = "2031-01-15 06:30"  # a day no other test runs
    command = [sys.executable, "manage.py", "run_daily_jobs", "--now", moment]
    clocks = [
        subprocess.Popen(  # noqa: S603 - our own manage.py
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [clock.communicate(timeout=600) for clock in clocks]
    assert [clock.returncode for clock in clocks] == [0, 0], outputs
    # Every job ran once, on one of the two machines (which one takes which is a race).
    reports = sorted(line for out, _err in outputs for line in out.splitlines() if line.strip())
    jobs = sorted(settings.DAILY_JOBS)
    assert reports == [f"{job} 2031-01-15: Fullført" for job in jobs], outputs
    runs = "SELECT count(*) FROM lib_jobrun WHERE day = '2031-01-15'"
    assert _sql(database, runs) == len(jobs)
    queued = _queued(database)
    reminders = _sql(database, "SELECT count(*) FROM volunteers_sentreminder")
    notices = _sql(database, "SELECT count(*) FROM followup_notice")
    # A third start the same day finds it done and sends nothing more.
    manage(env, "run_daily_jobs", "--now", "2031-01-15 09:00")
    assert (
        _queued(database),
        _sql(database, "SELECT count(*) FROM volunteers_sentreminder"),
        _sql(database, "SELECT count(*) FROM followup_notice"),
    ) == (queued, reminders, notices)
    assert queued > 0  # the demo data has reminders due on that day
    manage(env, "run_worker", "--once")
    assert len(handler.accepted) == queued


def _pg_cluster() -> list[str]:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    return [versions[-1], "main"]


def test_postgresql_restarted_under_load_the_app_recovers_without_a_restart(
    database: str, sink: tuple[Sink, Controller], tmp_path: Path
) -> None:
    if shutil.which("pg_ctlcluster") is None:
        pytest.fail("pg_ctlcluster is missing: this test restarts the local PostgreSQL server.")
    _handler, controller = sink
    env = _env(tmp_path, database, smtp_port=controller.port)
    answers: list[tuple[int, str]] = []
    stop = threading.Event()

    def load(browser: Browser) -> None:
        while not stop.is_set():
            try:
                page = browser.get("/")
                answers.append((page.status, page.text))
            except OSError as error:  # the connection itself: never expected from gunicorn
                answers.append((0, type(error).__name__))
            time.sleep(0.05)

    with gunicorn(env, tmp_path) as served:
        signed_in = Browser(served.url)
        _log_in(signed_in, env, LEADER)
        users = [Browser(served.url, cookies=dict(signed_in.cookies)) for _ in range(3)]
        threads = [threading.Thread(target=load, args=(browser,)) for browser in users]
        for thread in threads:
            thread.start()
        time.sleep(1)
        subprocess.run(  # noqa: S603
            ["pg_ctlcluster", "--skip-systemctl-redirect", *_pg_cluster(), "restart"],  # noqa: S607
            check=True,
            timeout=120,
        )
        for _ in range(60):
            if _answers((PG_HOST, PG_PORT)):
                break
            time.sleep(0.5)
        time.sleep(2)
        recovered = len(answers)
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(30)
        assert served.process.poll() is None  # gunicorn was not restarted
    after = answers[recovered:]
    assert after, "no request was answered after the restart"
    assert {status for status, _text in after} == {200}
    failed = [(status, text) for status, text in answers if status != 200]
    # During the restart: the Norwegian error page, never a bare connection error.
    assert all(status == 500 and ERROR_PAGE in text for status, text in failed), failed[:3]


def test_without_redis_the_site_serves_and_the_public_form_fails_closed(
    database: str, tmp_path: Path
) -> None:
    env = _env(tmp_path, database, smtp_port=1, redis=f"redis://127.0.0.1:{free_port()}/0")
    with gunicorn(env, tmp_path) as served:
        browser = Browser(served.url)
        assert browser.get("/logg-inn/").status == 200
        assert browser.get("/readyz").status == 503
        form = browser.get("/bli-ressursvenn/")
        assert form.status == 200
        answer = browser.post("/bli-ressursvenn/", {"csrfmiddlewaretoken": _csrf(form.text)})
        assert answer.status == 429
