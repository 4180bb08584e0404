"""The `web` process of the Procfile: gunicorn with gunicorn.conf.py and production settings.

Served in a subprocess on a free 127.0.0.1 port against its own SQLite file: the health
endpoints answer over plain HTTP although every other page is redirected to HTTPS, WhiteNoise
serves hashed, compressed static files with a far-future Cache-Control, and the access log holds
neither the query string nor a token from the path.
"""

from __future__ import annotations

import json
import re
import secrets
import warnings
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.http import HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware

from ressursvenn.tests.served import GUNICORN, ROOT, Browser, environment, gunicorn, manage

TEN_YEARS = 10 * 365 * 24 * 60 * 60

pytestmark = pytest.mark.own_database


def _production_env(tmp_path: Path) -> dict[str, str]:
    return environment(
        tmp_path,
        RESSURSVENN_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        RESSURSVENN_FIELD_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="true",
        STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        WEB_CONCURRENCY="2",
        WEB_THREADS="2",
    )


def test_gunicorn_is_a_pinned_dependency() -> None:
    pinned = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'"gunicorn==[\d.]+"', pinned)
    assert re.search(r'"honcho==[\d.]+"', pinned)
    assert GUNICORN.exists(), "gunicorn is not installed: pip install -e '.[dev]'"


def test_procfile_starts_gunicorn_with_the_config() -> None:
    lines = [
        line
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    processes = dict(line.split(":", 1) for line in lines)
    assert processes["web"].split() == [
        "gunicorn",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        "0.0.0.0:${PORT:-8000}",
    ]
    assert processes["worker"].split() == ["python", "manage.py", "run_worker"]
    assert processes["clock"].split() == ["python", "manage.py", "run_daily_jobs", "--loop"]
    assert processes["release"].strip() == (
        "python manage.py migrate --noinput && python manage.py createcachetable"
    )


def test_development_serves_static_files_without_collectstatic(
    settings: Any, tmp_path: Path
) -> None:
    """No "No directory at: .../staticfiles/" warning (in every test run) when nothing was
    collected: development serves the source folders as they change."""
    settings.STATIC_ROOT = tmp_path / "never-collected"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponse())
    assert middleware.autorefresh
    assert middleware.use_finders


def test_served_by_gunicorn_with_production_settings(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")  # production without REDIS_URL: the database cache
    manage(env, "collectstatic", "--noinput")
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/app.css"]
    assert hashed != "css/app.css"
    query_secret = secrets.token_urlsafe(16)
    path_token = secrets.token_urlsafe(32)

    with gunicorn(env, tmp_path) as served:
        browser = Browser(served.url)
        health = browser.get(f"/healthz?token={query_secret}")
        assert (health.status, health.text) == (200, "ok")
        ready = browser.get("/readyz")
        assert (ready.status, ready.text) == (200, "ok")
        # Every other page goes to HTTPS: the health endpoints are exempt on purpose.
        about = browser.get("/om/")
        assert about.status == 301
        assert about.headers["Location"] == served.url.replace("http:", "https:") + "/om/"

        # Static files as the TLS-terminating proxy asks for them.
        proxied = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
        static = browser.get(f"/static/{hashed}", headers=proxied)
        assert static.status == 200
        cache_control = static.headers["Cache-Control"]
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
        assert max_age >= TEN_YEARS
        assert "immutable" in cache_control
        assert static.headers["Content-Encoding"] == "gzip"
        # The unhashed name is served too, but only for a short while.
        plain = browser.get("/static/css/app.css", headers=proxied)
        assert plain.status == 200
        assert int(re.search(r"max-age=(\d+)", plain.headers["Cache-Control"]).group(1)) < 3600

        browser.get(f"/invitasjon/{path_token}/")

    log = served.log_text()
    access = [line for line in log.splitlines() if '"GET /' in line]
    assert any(re.search(r'"GET /healthz" 200 \d+ \d+ms$', line) for line in access), log
    assert any('"GET /invitasjon/[token]/"' in line for line in access), log
    assert query_secret not in log
    assert path_token not in log
    assert not [line for line in access if "?" in line]
