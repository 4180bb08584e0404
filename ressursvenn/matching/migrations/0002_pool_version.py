"""The version of each branch's matching pool, kept by database triggers (issue 10, item 7).

Creates ``matching_pool_version`` and the triggers on the volunteer and municipality tables
that give a branch a new random token whenever a column the matching adapter reads changes
(``matching/profile_cache.py``). No model: only the adapter's cache reads the table. The same
``install`` runs again after every ``migrate``.
"""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from ressursvenn.matching import profile_cache

    profile_cache.install(schema_editor.connection)


def uninstall(apps: Any, schema_editor: Any) -> None:
    from ressursvenn.matching import profile_cache

    profile_cache.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("organisations", "0003_organisation_phone"),
        ("volunteers", "0005_screening_valid_until"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
