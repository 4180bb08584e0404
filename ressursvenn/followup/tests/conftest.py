"""These tests count the follow-up's own tasks. The questionnaires add theirs through the hook
`followup.tasks.task_providers` (registered by surveys); those are tested in
ressursvenn/surveys/tests/test_tasks.py, so here the hook is empty."""

from __future__ import annotations

from typing import Any

import pytest

from ressursvenn.followup import tasks


@pytest.fixture(autouse=True)
def _only_followup_tasks(monkeypatch: Any) -> None:
    monkeypatch.setattr(tasks, "task_providers", [])
