"""Environment parsing: good values are read, bad ones fail loudly naming the variable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from ressursvenn.lib.env import env_bool, env_choice, env_int, env_list, env_str

NAME = "RESSURSVENN_TEST_VARIABLE"


@pytest.fixture(autouse=True)
def _unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)


def test_str_default_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_str(NAME, "standard") == "standard"
    monkeypatch.setenv(NAME, "verdi")
    assert env_str(NAME, "standard") == "verdi"


def test_str_required_and_missing() -> None:
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_str(NAME)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_bool_values(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, not expected) is expected


def test_bool_default() -> None:
    assert env_bool(NAME, True) is True
    assert env_bool(NAME, False) is False


@pytest.mark.parametrize("value", ["ja", "2", "truee", "y es"])
def test_bad_bool(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_bool(NAME, False)


def test_int_values(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_int(NAME, 7) == 7
    monkeypatch.setenv(NAME, "42")
    assert env_int(NAME, 7, minimum=1) == 42


@pytest.mark.parametrize("value", ["", "tre", "1.5", "0x10"])
def test_bad_int(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be a whole number"):
        env_int(NAME, 1)


def test_int_below_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "0")
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be at least 1"):
        env_int(NAME, 5, minimum=1)


def test_list(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_list(NAME) == []
    assert env_list(NAME, ["a"]) == ["a"]
    monkeypatch.setenv(NAME, " a, b ,,c ")
    assert env_list(NAME) == ["a", "b", "c"]


def test_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_choice(NAME, ("development", "production"), "development") == "development"
    monkeypatch.setenv(NAME, "production")
    assert env_choice(NAME, ("development", "production"), "development") == "production"


@pytest.mark.parametrize("value", ["prod", "", "Production"])
def test_bad_choice(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(NAME, value)
    with pytest.raises(
        ImproperlyConfigured, match=f"{NAME} must be one of development, production"
    ):
        env_choice(NAME, ("development", "production"), "development")
