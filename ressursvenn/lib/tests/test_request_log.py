"""Request logs: one JSON line per request, and no personal data in any log stream.

Canary values — a woman's name, a note, a token in the path and one in the query string, an
exception whose message quotes the name — go through real pages; every record every logger
writes (at DEBUG, through the production handler's formatter and filter) is searched for them.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from ressursvenn.conftest import World, login
from ressursvenn.lib.request_log import JsonFormatter, RedactFilter, redact_path
from ressursvenn.matching.tests.access_meetings import build_match
from ressursvenn.tests import factories

NAME = "Zelmira" + secrets.token_hex(3)
NOTE = "kanarifugl-notat-" + secrets.token_hex(6)
PATH_TOKEN = secrets.token_urlsafe(24)
QUERY_TOKEN = secrets.token_urlsafe(12)


def boom(request: HttpRequest, token: str) -> HttpResponse:
    raise ValueError(f"could not save {NAME} ({NOTE})")


urlpatterns = [
    path("boom/<str:token>/", boom),
    path("", include("ressursvenn.urls")),
]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything every logger writes, as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactFilter())
    root = logging.getLogger()
    request_logger = logging.getLogger("ressursvenn.request")
    levels = (root.level, request_logger.level)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    request_logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        request_logger.setLevel(levels[1])


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def requests(stream: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in lines(stream) if line["logger"] == "ressursvenn.request"]


def test_one_json_line_per_request_with_the_agreed_fields(
    world: World, captured: io.StringIO
) -> None:
    client = login(Client(), world.leader)
    response = client.get(f"/kobling/?side=2&token={QUERY_TOKEN}", HTTP_X_REQUEST_ID="lb-1234abcd")
    logged = requests(captured)
    assert len(logged) == 1
    line = logged[0]
    assert set(line) == {
        "timestamp",
        "level",
        "logger",
        "message",
        "request_id",
        "user_id",
        "role",
        "method",
        "path",
        "status",
        "duration_ms",
    }
    assert (line["request_id"], line["user_id"], line["role"]) == (
        "lb-1234abcd",
        world.leader.pk,
        "group_leader",
    )
    assert (line["method"], line["path"], line["status"]) == ("GET", "/kobling/", 200)
    assert response["X-Request-ID"] == "lb-1234abcd"
    assert world.leader.email not in captured.getvalue()


@pytest.mark.django_db
def test_a_request_id_that_does_not_look_like_one_is_replaced(
    client: Client, captured: io.StringIO
) -> None:
    response = client.get("/om/", HTTP_X_REQUEST_ID="<script>")
    line = requests(captured)[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert (line["user_id"], line["role"]) == (None, None)


def test_no_canary_reaches_any_log(world: World, captured: io.StringIO, settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    referral = factories.referral(world.centre, world.branch, first_name=NAME)
    match = build_match(world)
    leader = login(Client(raise_request_exception=False), world.leader)
    staff = login(Client(raise_request_exception=False), world.staff)

    assert leader.get(f"/henvisninger/{referral.pk}/").status_code == 200
    assert staff.get(f"/henvisninger/{referral.pk}/").status_code == 200
    cancelled = leader.post(
        f"/kobling/koblinger/{match.pk}/avbryt/", {"cancel-reason": NOTE}, follow=True
    )
    assert cancelled.status_code == 200
    assert Client().get(f"/invitasjon/{PATH_TOKEN}/?t={QUERY_TOKEN}").status_code == 410
    assert Client().get(f"/logg-inn/?next=/x/{QUERY_TOKEN}").status_code == 200
    assert leader.get(f"/boom/{PATH_TOKEN}/?q={QUERY_TOKEN}").status_code == 500

    text = captured.getvalue()
    for canary in (NAME, NOTE, PATH_TOKEN, QUERY_TOKEN, world.leader.email, world.staff.email):
        assert canary not in text, f"{canary!r} reached a log"
    # The error is there, with its stack and type, and the path's token replaced.
    errors = [line for line in lines(captured) if line["level"] == "ERROR"]
    assert [line["logger"] for line in errors] == ["django.request"]
    assert errors[0]["message"] == "Internal Server Error: /boom/[token]/"
    assert "in boom" in errors[0]["exc_info"]
    assert errors[0]["exc_info"].endswith("builtins.ValueError: [message withheld]")
    assert [line["status"] for line in requests(captured)][-1] == 500


@pytest.mark.parametrize(
    ("given", "logged"),
    [
        ("/invitasjon/" + "a" * 32 + "/", "/invitasjon/[token]/"),
        ("/passord/nytt/MQ/" + "c" * 13 + "-" + "d" * 32 + "/", "/passord/nytt/MQ/[token]/"),
        ("/kobling/koblinger/12/", "/kobling/koblinger/12/"),
        (
            "/frivillige/screening/oppfolgingssamtaler/",
            "/frivillige/screening/oppfolgingssamtaler/",
        ),
    ],
)
def test_token_like_segments_are_replaced(given: str, logged: str) -> None:
    assert redact_path(given) == logged
