"""Reload the versioned texts the data migrations create, after a transactional flush."""

from __future__ import annotations

import importlib

from django.apps import apps

_MIGRATIONS = (
    "ressursvenn.volunteers.migrations.0002_declaration_text_v1",
    "ressursvenn.participants.migrations.0002_consent_text_v1",
)


def load_texts() -> None:
    """Declaration and consent texts v1 (idempotent), and the reference geography."""
    from ressursvenn.tests import factories

    factories.ensure_reference_data()
    for name in _MIGRATIONS:
        importlib.import_module(name).forward(apps, None)
