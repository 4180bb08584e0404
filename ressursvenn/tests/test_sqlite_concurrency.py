"""The embedded default (SQLite) holds concurrent writers: no "database is locked", nothing lost.

A scanner posting forms to the SQLite demo once got HTTP 500s (`OperationalError: database is
locked`). Here 8 clients post at the same moment, 5 times each, a public application and a
failed login (django-axes records it in a transaction that reads before it writes: the case
that fails at once under SQLite's default deferred transactions), to the app served by gunicorn
(2 processes × 4 threads) on its own SQLite file with settings.SQLITE_OPTIONS. Every answer is
the expected one and every row is stored.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

import pytest

from ressursvenn.tests.served import Browser, environment, gunicorn, manage

CLIENTS = 8
APPLICATIONS_EACH = 5
APPLY = "/bli-ressursvenn/"
DONE = "/bli-ressursvenn/takk/"
LOGIN = "/logg-inn/"
WRONG = "Feil e-postadresse eller passord."
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason=(
        "SQLite-only: it serves the app on its own SQLite file whatever the suite's database, "
        "so the SQLite pass of the suite already runs it; PostgreSQL has row locks, not SQLite's "
        "single writer lock"
    ),
)

SETUP = """
from ressursvenn.tests import factories
factories.branch("Narvik Sanitetsforening", "1806")
"""
STORED = """
import json
from axes.models import AccessAttempt
from ressursvenn.volunteers.models import Volunteer
print(json.dumps({
    "applications": sorted(Volunteer.objects.values_list("email", flat=True)),
    "failed_logins": sorted(
        AccessAttempt.objects.filter(failures_since_start=1).values_list("username", flat=True)
    ),
}))
"""


def _application(email: str, token: str) -> dict[str, object]:
    return {
        "csrfmiddlewaretoken": token,
        "full_name": "Anne Hansen",
        "email": email,
        "phone": "912 34 567",
        "date_of_birth": "1980-05-17",
        "municipality": "1806",
        "district": "",
        "self_declared_woman": "on",
        "motivation": "Jeg vil hjelpe.",
        "languages": ["nb"],
        "interests": ["hiking"],
        "offers": ["job_search"],
        "availability": ["evenings"],
        "modes": ["in_person"],
        "max_travel_km": "30",
        "website": "",
    }


def test_concurrent_public_applications_are_all_stored(tmp_path: Path) -> None:
    env = environment(
        tmp_path,
        APPLICATION_RATE_LIMIT="100000/h",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        WEB_CONCURRENCY="2",
        WEB_THREADS="4",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", SETUP)
    expected = sorted(
        f"soker-{client}-{number}@example.no"
        for client in range(CLIENTS)
        for number in range(APPLICATIONS_EACH)
    )
    answers: list[tuple[str, int, str]] = []
    logins: list[tuple[str, int, bool]] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS, timeout=60)

    def client(index: int, url: str) -> None:
        try:
            browser = Browser(url)
            form = browser.get(APPLY)
            assert form.status == 200, form.status
            token = CSRF.search(form.text).group(1)
            start.wait()
            for number in range(APPLICATIONS_EACH):
                email = f"soker-{index}-{number}@example.no"
                answer = browser.post(APPLY, _application(email, token))
                with lock:
                    answers.append((email, answer.status, answer.headers.get("Location", "")))
                login = browser.post(
                    LOGIN, {"csrfmiddlewaretoken": token, "email": email, "password": "feil"}
                )
                with lock:
                    logins.append((email, login.status, WRONG in login.text))
        except Exception as error:  # reported below with the others
            with lock:
                failures.append(f"client {index}: {error!r}")

    with gunicorn(env, tmp_path) as served:
        threads = [
            threading.Thread(target=client, args=(index, served.url), daemon=True)
            for index in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not [thread for thread in threads if thread.is_alive()], "clients still posting"
    log = served.log_text()

    assert failures == []
    errors = [answer for answer in answers if answer[1:] != (302, DONE)]
    assert errors == [], log[-4000:]
    assert [login for login in logins if login[1:] != (200, True)] == [], log[-4000:]
    assert len(answers) == len(logins) == CLIENTS * APPLICATIONS_EACH
    assert "database is locked" not in log
    stored = json.loads(manage(env, "shell", "--no-imports", "-c", STORED))
    assert stored == {"applications": expected, "failed_logins": expected}
