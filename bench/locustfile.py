"""Locust personas of `make loadtest` (bench/loadtest.py starts Locust with this file).

Every persona logs in through the real login form and the second factor (a TOTP code computed
from the key seed_scale derives for `--logins` users), then works with a think time between
requests: group leaders on their start page, the waiting list, a candidate page and match
pages; volunteers on their start page logging activities (the form GET, then a POST with its
CSRF token); crisis-centre staff on their referrals. One more user requests the minimal Django
view (/healthz: the middleware stack and a view, no database). Each persona is a distinct
seeded user, so no login throttle trips.

No Django here: loadtest.py writes the personas (e-mail, TOTP key, URLs) to the JSON file in
LOADTEST_PERSONAS, and every request's name and time go to LOADTEST_RESULT when Locust stops.
The app runs with production settings behind no proxy: requests carry X-Forwarded-Proto:
https (as the TLS-terminating proxy would), and the Secure session cookie is sent over the
loopback connection. Pages must answer 200 (no redirect is followed), forms must redirect
where the app goes after success.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PERSONAS: dict[str, Any] = json.loads(Path(os.environ["LOADTEST_PERSONAS"]).read_text())
# Seconds between a persona's requests (LOADTEST_THINK="min-max"): busy staff, not idle readers.
_low, _high = os.environ.get("LOADTEST_THINK", "0.5-2.0").split("-")
THINK = between(float(_low), float(_high))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Every request: (name, response time in ms, failed); written to LOADTEST_RESULT at the end.
SAMPLES: list[tuple[str, float, bool]] = []
FAILURES: dict[str, int] = defaultdict(int)
_next = {role: itertools.count() for role in ("leader", "volunteer", "centre")}


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 with django-otp's defaults: SHA-1, 30-second steps from 0, six digits."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


@events.request.add_listener
def _record(
    request_type: str, name: str, response_time: float, exception: Any = None, **_: Any
) -> None:
    SAMPLES.append((name, response_time, exception is not None))
    if exception is not None:
        FAILURES[f"{name}: {str(exception)[:120]}"] += 1


@events.test_stop.add_listener
def _write(**_: Any) -> None:
    Path(os.environ["LOADTEST_RESULT"]).write_text(
        json.dumps({"samples": SAMPLES, "failures": FAILURES, "ended": time.time()})
    )


class Persona(HttpUser):
    abstract = True
    wait_time = THINK
    role = ""

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = str(self.host).replace("http://", "https://")
        people = PERSONAS[self.role]
        self.me: dict[str, Any] = people[next(_next[self.role]) % len(people)]
        self.login()

    def loopback_cookies(self) -> None:
        """Send the Secure (`__Host-`) session cookie over http://127.0.0.1: TLS ends at the
        proxy the X-Forwarded-Proto header stands in for. (requests copies the session's cookies
        into a jar of its own per request, so a cookie policy would not reach it.)"""
        for cookie in self.client.cookies:
            cookie.secure = False

    def csrf(self, path: str, name: str) -> str:
        """GET `path` and return the form's CSRF token ("" after recording a failure)."""
        self.loopback_cookies()
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            found = CSRF.search(response.text or "")
            if response.status_code != 200 or found is None:
                response.failure(f"HTTP {response.status_code}, no form")
                return ""
            return found.group(1)

    def post(self, path: str, data: dict[str, Any], name: str, then: str) -> bool:
        """POST a form; success is a redirect to the path `then`."""
        headers = {"Origin": self.origin, "Referer": self.origin + path}
        self.loopback_cookies()
        with self.client.post(
            path, data=data, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or urlsplit(location).path != then:
                response.failure(f"HTTP {response.status_code} -> {location!r}")
                return False
            return True

    def login(self) -> None:
        token = self.csrf("/logg-inn/", "login: form")
        data = {
            "csrfmiddlewaretoken": token,
            "email": self.me["email"],
            "password": PERSONAS["password"],
        }
        if not token or not self.post("/logg-inn/", data, "login: password", "/logg-inn/kode/"):
            return
        token = self.csrf("/logg-inn/kode/", "login: code form")
        data = {"csrfmiddlewaretoken": token, "token": totp(self.me["totp"])}
        if token:
            self.post("/logg-inn/kode/", data, "login: code", "/")

    def page(self, path: str, name: str) -> None:
        """GET a page; anything but 200 (a redirect to the login, say) is a failure."""
        self.loopback_cookies()
        with self.client.get(
            path, name=f"{self.role}: {name}", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                location = response.headers.get("Location", "")
                response.failure(f"HTTP {response.status_code} -> {location!r}")


class GroupLeader(Persona):
    fixed_count = 9
    role = "leader"

    @task(3)
    def start_page(self) -> None:
        self.page("/", "start page")

    @task(3)
    def waiting_list(self) -> None:
        self.page("/kobling/", "waiting list")

    @task(2)
    def candidates(self) -> None:
        if self.me["candidates"]:
            self.page(random.choice(self.me["candidates"]), "candidates")

    @task(3)
    def match_page(self) -> None:
        if self.me["matches"]:
            self.page(random.choice(self.me["matches"]), "match page")


class Volunteer(Persona):
    fixed_count = 6
    role = "volunteer"

    @task(3)
    def start_page(self) -> None:
        self.page("/", "start page")

    @task(1)
    def match_page(self) -> None:
        self.page(self.me["match"], "match page")

    @task(2)
    def log_activity(self) -> None:
        path = self.me["activity_new"]
        token = self.csrf(path, "volunteer: activity form")
        if not token:
            return
        data = {
            "csrfmiddlewaretoken": token,
            "occurred_on": datetime.date.today().isoformat(),
            "kind": random.choice(("coffee", "walk", "norwegian")),
            "duration_minutes": "60",
            "channel": "in_person",
            "note": "",
        }
        self.post(path, data, "volunteer: log activity", self.me["match"])


class CrisisStaff(Persona):
    fixed_count = 4
    role = "centre"

    @task(2)
    def start_page(self) -> None:
        self.page("/", "start page")

    @task(3)
    def referral_list(self) -> None:
        self.page("/henvisninger/", "referral list")

    @task(2)
    def referral_page(self) -> None:
        if self.me["referrals"]:
            self.page(random.choice(self.me["referrals"]), "referral page")


class MinimalView(HttpUser):
    """The same think time as the personas, on the minimal Django view."""

    fixed_count = 1
    wait_time = THINK

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="minimal view (/healthz)")
