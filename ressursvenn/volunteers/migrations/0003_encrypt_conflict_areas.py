"""Encrypt the volunteer's declared conflict areas (issue 8, item 3).

The column becomes text holding ``enc1:`` + Fernet of the JSON list; existing rows are
encrypted in place, and the reverse decrypts them back to plain JSON.
"""

from typing import Any

from django.db import migrations

import ressursvenn.lib.crypto


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("volunteers", "Volunteer")
    ressursvenn.lib.crypto.encrypt_json_column(schema_editor, model, "conflict_areas")


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("volunteers", "Volunteer")
    ressursvenn.lib.crypto.decrypt_json_column(schema_editor, model, "conflict_areas")


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0002_declaration_text_v1"),
    ]

    operations = [
        migrations.AlterField(
            model_name="volunteer",
            name="conflict_areas",
            field=ressursvenn.lib.crypto.EncryptedJSONField(
                blank=True,
                default=list,
                help_text="Kommune- eller bydelsnumre der hun ikke bør bli koblet (hun kjenner mange).",
                verbose_name="områder med interessekonflikt",
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
