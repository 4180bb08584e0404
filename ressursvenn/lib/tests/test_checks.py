"""The system checks of lib: field keys must be valid Fernet keys in every environment."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core import checks

from ressursvenn.lib.checks import FIELD_KEYS_ID, check_field_keys


def test_valid_keys_pass(settings: Any) -> None:
    settings.RESSURSVENN_FIELD_KEYS = [Fernet.generate_key().decode() for _ in range(2)]
    assert check_field_keys() == []


@pytest.mark.parametrize(
    "keys",
    [
        ["x"],
        [Fernet.generate_key().decode(), "x"],
        [Fernet.generate_key().decode()[:-2]],  # too short
        ["A" * 44],  # base64, but 33 bytes once decoded
        ["!" * 44],  # not base64
        [],
    ],
    ids=["x", "second-bad", "truncated", "wrong-length", "not-base64", "empty"],
)
def test_bad_keys_are_an_error(settings: Any, keys: list[str]) -> None:
    settings.RESSURSVENN_FIELD_KEYS = keys
    problems = check_field_keys()
    assert [problem.id for problem in problems] == [FIELD_KEYS_ID]
    assert all(problem.level == checks.ERROR for problem in problems)
    for key in keys:  # a key is never echoed into the logs
        assert all(key not in problem.msg for problem in problems if len(key) > 1)


def test_bad_key_message_names_its_position(settings: Any) -> None:
    settings.RESSURSVENN_FIELD_KEYS = [Fernet.generate_key().decode(), "x"]
    assert "entry 2" in check_field_keys()[0].msg


@pytest.mark.parametrize("deploy", [False, True])
def test_the_check_is_registered_for_check_and_deploy(settings: Any, deploy: bool) -> None:
    settings.RESSURSVENN_FIELD_KEYS = ["x"]
    problems = checks.run_checks(include_deployment_checks=deploy, tags=[checks.Tags.security])
    assert FIELD_KEYS_ID in [problem.id for problem in problems]
