"""/healthz and /readyz: ok / not ok only, /healthz without the database, no HTTPS redirect."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from ressursvenn.conftest import World, login

HEALTH = "/healthz"
READY = "/readyz"


def _broken_database() -> Any:
    """Every new cursor of the default connection fails as when the server is gone."""
    return mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused on 10.0.0.5")
    )


@pytest.mark.parametrize("path", [HEALTH, READY])
def test_answers_ok(client: Client, db: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]


def test_healthz_touches_no_database(
    client: Client, db: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0), _broken_database():
        response = client.get(HEALTH)
    assert (response.status_code, response.content) == (200, b"ok")


def test_readyz_is_not_ok_when_the_database_fails(client: Client, db: Any) -> None:
    with _broken_database():
        response = client.get(READY)
    assert response.status_code == 503
    assert response.content == b"not ok"


def test_readyz_is_not_ok_when_the_cache_fails(client: Client, db: Any) -> None:
    with mock.patch("ressursvenn.lib.health.cache") as cache:
        cache.set.side_effect = ConnectionError("redis://:secret@10.0.0.6:6379")
        response = client.get(READY)
    assert (response.status_code, response.content) == (503, b"not ok")


def test_readyz_is_not_ok_when_the_cache_loses_the_value(client: Client, db: Any) -> None:
    with mock.patch("ressursvenn.lib.health.cache") as cache:
        cache.get.return_value = None
        response = client.get(READY)
    assert (response.status_code, response.content) == (503, b"not ok")


def test_failure_reveals_no_detail(client: Client, db: Any) -> None:
    with _broken_database():
        response = client.get(READY)
    body = response.content.decode()
    assert body == "not ok"
    for header in ("Server", "X-Powered-By", "X-Version"):
        assert header not in response


@pytest.mark.parametrize("path", [HEALTH, READY])
def test_exempt_from_the_https_redirect(db: Any, settings: Any, path: str) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get(path).status_code == 200
    # Every other page is still redirected to HTTPS.
    redirected = client.get("/om/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/om/"


@pytest.mark.parametrize("path", [HEALTH, READY])
def test_a_signed_in_user_without_second_factor_gets_ok(world: World, path: str) -> None:
    client = login(Client(), world.leader, verified=False)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", [HEALTH, READY])
def test_only_get_and_head(client: Client, db: Any, path: str) -> None:
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_readyz_logs_the_age_of_an_old_queued_e_mail(
    client: Client, db: Any, settings: Any, caplog: Any
) -> None:
    from django.utils import timezone
    from mailer.models import Message

    settings.EMAIL_BACKEND = "ressursvenn.lib.mailqueue.QueueBackend"
    settings.MAIL_QUEUE_WARN_SECONDS = 600
    from ressursvenn.lib.mail import send_discreet

    send_discreet("nora@example.no", "new_role", {})
    assert client.get(READY).content == b"ok"
    assert [r.message for r in caplog.records if "queued" in r.message] == []
    Message.objects.update(when_added=timezone.now() - datetime.timedelta(seconds=900))
    response = client.get(READY)
    # A stopped worker does not take the web process out of the pool: it is logged.
    assert (response.status_code, response.content) == (200, b"ok")
    warnings = [r.getMessage() for r in caplog.records if "queued" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith("readyz: the oldest queued e-mail has waited 90")


def test_readyz_is_not_ok_when_the_queue_table_fails(client: Client, db: Any) -> None:
    with mock.patch(
        "ressursvenn.lib.mailqueue.oldest_queued_age", side_effect=OperationalError("gone")
    ):
        response = client.get(READY)
    assert (response.status_code, response.content) == (503, b"not ok")
