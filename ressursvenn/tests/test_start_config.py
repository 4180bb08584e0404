"""Bad settings stop every command at start with one clear line (issue 10, bad input): a
malformed DATABASE_URL or REDIS_URL, a delivery backend that cannot work, an unreachable
database. A password in a URL never appears in the message."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ressursvenn.tests.served import ROOT

pytestmark = pytest.mark.own_database

SECRET = "hemmelig-passord-42"


@pytest.mark.parametrize(
    ("variables", "command", "message"),
    [
        (
            {"DATABASE_URL": f"mysql2x://admin:{SECRET}@db/x"},
            "check",
            "DATABASE_URL must be a URL starting with postgres:// or postgresql:// or sqlite:// "
            "(mysql2x:// given).",
        ),
        (
            {"REDIS_URL": f"{SECRET}@cache:6379"},
            "check",
            "REDIS_URL must be a URL starting with redis:// or rediss:// or unix:// "
            "(no scheme given).",
        ),
        (
            {"EMAIL_BACKEND": "ressursvenn.lib.mailqueue.QueueBackend"},
            "check",
            "(ressursvenn.E003) EMAIL_BACKEND names the queue itself",
        ),
        ({"EMAIL_PORT": "25a"}, "check", "EMAIL_PORT must be a whole number, not '25a'."),
        (
            {"ACCOUNT_UNUSED_DAYS": "30", "ACCOUNT_WARNING_DAYS": "30"},
            "check",
            "ACCOUNT_WARNING_DAYS must be less than ACCOUNT_UNUSED_DAYS.",
        ),
        (
            {"DATABASE_URL": f"postgres://postgres:{SECRET}@127.0.0.1:1/ressursvenn"},
            "migrate",
            "(ressursvenn.E004) The database 'default' at 127.0.0.1:1 cannot be reached",
        ),
    ],
)
def test_a_bad_setting_stops_the_start_with_a_clear_message(
    variables: dict[str, str], command: str, message: str
) -> None:
    import os

    env = {**os.environ, **variables}
    env.pop("TEST_DATABASE_NAME", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", command, "--noinput"]
        if command == "migrate"
        else [sys.executable, "manage.py", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output
    assert SECRET not in output
