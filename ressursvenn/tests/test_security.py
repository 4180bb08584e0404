"""Headers on every kind of page, CSRF, oversized input, templates free of inline code,
and `check --deploy` clean with production-like settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import reverse

from ressursvenn.conftest import World, login

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "ressursvenn" / "templates"


def _assert_strict_headers(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_public_page_headers(client: Client, db: Any) -> None:
    _assert_strict_headers(client.get(reverse("accounts:login")))


def test_authenticated_page_headers(world: World) -> None:
    client = login(Client(), world.leader)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    _assert_strict_headers(response)


def test_error_page_headers(world: World) -> None:
    client = login(Client(), world.leader)
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    _assert_strict_headers(response)
    assert "Fant ikke siden" in response.content.decode()


def test_hsts_over_https(client: Client, db: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_missing_csrf_token_is_refused_in_norwegian(world: World) -> None:
    client = login(Client(enforce_csrf_checks=True), world.leader)
    response = client.post(reverse("accounts:profile"), {"full_name": "Endret", "phone": ""})
    assert response.status_code == 403
    assert "Skjemaet er utløpt" in response.content.decode()
    world.leader.refresh_from_db()
    assert world.leader.full_name != "Endret"


def test_too_many_fields_is_a_clear_400(world: World) -> None:
    client = login(Client(), world.leader)
    data = {f"f{n}": "x" for n in range(600)}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 400
    assert "ingenting er endret" in response.content.decode()


def test_oversized_body_is_a_clear_400(world: World) -> None:
    client = login(Client(), world.leader)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "x" * (2 * 1024 * 1024), "phone": ""}
    )
    assert response.status_code == 400
    world.leader.refresh_from_db()
    assert len(world.leader.full_name) < 1000


INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE.search(line)
    ]
    assert offenders == []


def _manage(command: list[str], **environment: str) -> subprocess.CompletedProcess[str]:
    """`manage.py COMMAND` in a subprocess with production-like settings, overridden by
    `environment`, and no database or test-only variables of this process."""
    env = {
        **os.environ,
        "RESSURSVENN_ENV": "production",
        "SECRET_KEY": Fernet.generate_key().decode() * 2,
        "RESSURSVENN_FIELD_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "ressursvenn.example.no",
        "DEBUG": "false",
        **environment,
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.own_database
@pytest.mark.parametrize("command", [["check", "--deploy", "--fail-level", "WARNING"]])
def test_deploy_check_is_clean_with_production_settings(command: list[str]) -> None:
    result = _manage(command)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


@pytest.mark.own_database
@pytest.mark.parametrize(
    ("environment", "command"),
    [
        ("production", ["check", "--deploy"]),
        ("production", ["check"]),
        ("development", ["check"]),
    ],
)
def test_invalid_field_keys_fail_the_check(environment: str, command: list[str]) -> None:
    result = _manage(command, RESSURSVENN_ENV=environment, RESSURSVENN_FIELD_KEYS="x")
    assert result.returncode != 0
    assert "ressursvenn.E001" in result.stderr
    assert "RESSURSVENN_FIELD_KEYS entry 1 is not a valid Fernet key" in result.stderr


@pytest.mark.own_database
def test_production_refuses_to_start_without_keys() -> None:
    env = {**os.environ, "RESSURSVENN_ENV": "production"}
    for key in ("SECRET_KEY", "RESSURSVENN_FIELD_KEYS", "DATABASE_URL"):
        env.pop(key, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bokmal_is_the_default_whatever_the_browser_says(client: Client, db: Any) -> None:
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nb"' in response.content.decode()
    assert response["Content-Language"] == "nb"


def test_the_language_switch_chooses_english(client: Client, db: Any) -> None:
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/om/"})
    assert switched["Location"] == "/om/"
    response = client.get("/om/")
    assert '<html lang="en"' in response.content.decode()
    assert "About Ressursvenn" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_bokmal(client: Client, db: Any) -> None:
    client.cookies["django_language"] = "xx"
    assert '<html lang="nb"' in client.get("/om/").content.decode()
