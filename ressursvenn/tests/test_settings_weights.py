"""Matching weights from the environment (MATCHING_WEIGHTS)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from ressursvenn.settings import _weights


def test_unset_means_the_engine_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATCHING_WEIGHTS", raising=False)
    assert _weights("MATCHING_WEIGHTS") is None


def test_factor_points_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHING_WEIGHTS", "interests=25, needs=35,distance=0")
    assert _weights("MATCHING_WEIGHTS") == {"interests": 25.0, "needs": 35.0, "distance": 0.0}


@pytest.mark.parametrize("value", ["hobbies=10", "needs=abc", "needs=-1", "needs=101", "needs"])
def test_bad_weights_stop_the_start(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MATCHING_WEIGHTS", value)
    with pytest.raises(ImproperlyConfigured):
        _weights("MATCHING_WEIGHTS")
