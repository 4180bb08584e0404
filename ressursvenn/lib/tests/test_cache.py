"""The shared cache: Redis when REDIS_URL is set, the database cache in production otherwise,
never per-process memory in production; and a Redis outage degrades safely."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from ressursvenn.conftest import World
from ressursvenn.lib.checks import CACHE_ID, check_shared_cache
from ressursvenn.tests.served import environment, manage
from ressursvenn.volunteers.actions import application
from ressursvenn.volunteers.tests.test_apply import APPLY, applications, form_data

REDIS = "redis://127.0.0.1:6379/0"
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: every call fails at once


def redis_settings(location: str, prefix: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def prefix() -> str:
    """A key prefix of its own, so parallel test runs on one Redis never share counters."""
    return f"test-{secrets.token_hex(8)}"


def test_production_refuses_a_per_process_cache(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [message.id for message in check_shared_cache()] == [CACHE_ID]


@pytest.mark.parametrize(
    "backend",
    ["django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache"],
)
def test_production_accepts_a_shared_cache(settings: Any, backend: str) -> None:
    settings.PRODUCTION = True
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "x"}}
    assert check_shared_cache() == []


def test_development_may_use_memory(settings: Any) -> None:
    settings.PRODUCTION = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert check_shared_cache() == []


@pytest.mark.own_database
@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "DatabaseCache"),
        ({"REDIS_URL": REDIS}, "RedisCache"),
    ],
    ids=["database", "redis"],
)
def test_production_settings_choose_the_cache(
    tmp_path: Any, env: dict[str, str], backend: str
) -> None:
    """The settings module itself picks Redis with REDIS_URL and the database without it."""
    production = environment(
        tmp_path,
        RESSURSVENN_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        RESSURSVENN_FIELD_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1",
        **env,
    )
    if not env:
        production.pop("REDIS_URL", None)
    output = manage(
        production,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
    )
    assert output.strip().rsplit(".", 1)[-1] == backend


def test_the_limit_holds_across_processes(
    settings: Any, monkeypatch: pytest.MonkeyPatch, prefix: str
) -> None:
    """Two cache clients (as two app processes or machines hold) count together."""
    settings.APPLICATION_RATE_LIMIT = "2/h"
    first = RedisCache(REDIS, {"KEY_PREFIX": prefix})
    second = RedisCache(REDIS, {"KEY_PREFIX": prefix})
    try:
        monkeypatch.setattr(application, "cache", first)
        application.count_application("10.0.0.1")
        monkeypatch.setattr(application, "cache", second)
        assert not application.application_limit_reached("10.0.0.1")
        application.count_application("10.0.0.1")
        monkeypatch.setattr(application, "cache", first)
        assert application.application_limit_reached("10.0.0.1")
        assert not application.application_limit_reached("10.0.0.2")
    finally:
        for key in first._cache.get_client().keys(f"{prefix}:*"):
            first._cache.get_client().delete(key)


def test_a_redis_outage_closes_the_public_form_and_the_site_still_serves(
    client: Client, world: World, settings: Any, prefix: str
) -> None:
    settings.CACHES = redis_settings(CLOSED_PORT, prefix)
    refused = client.post(APPLY, form_data())
    page = client.get("/logg-inn/")
    about = client.get("/om/")
    assert refused.status_code == 429
    assert "For mange søknader på kort tid" in refused.content.decode()
    assert applications().count() == 0
    assert (page.status_code, about.status_code) == (200, 200)
