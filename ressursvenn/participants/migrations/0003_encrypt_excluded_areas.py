"""Encrypt the areas the woman must avoid (issue 8, item 3).

The column becomes text holding ``enc1:`` + Fernet of the JSON list; existing rows are
encrypted in place, and the reverse decrypts them back to plain JSON.
"""

from typing import Any

from django.db import migrations

import ressursvenn.lib.crypto


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("participants", "Referral")
    ressursvenn.lib.crypto.encrypt_json_column(schema_editor, model, "excluded_areas")


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("participants", "Referral")
    ressursvenn.lib.crypto.decrypt_json_column(schema_editor, model, "excluded_areas")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0002_consent_text_v1"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="excluded_areas",
            field=ressursvenn.lib.crypto.EncryptedJSONField(
                blank=True,
                default=list,
                help_text="Kommune- og bydelsnumre. Aldri adresser eller opplysninger om voldsutøver.",
                verbose_name="områder å unngå",
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
