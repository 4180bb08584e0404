"""Store the day a volunteer's screening stops being valid (issue 10, item 7).

`Volunteer.screening_valid_until` is filled for the existing rows from their checklist rows
with the same function the actions use (`screening.refresh_valid_until`, given the historical
models); the reverse drops the column, so it has nothing to undo.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    from ressursvenn.volunteers import screening

    screening.refresh_all_valid_until(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_organisation_phone"),
        ("volunteers", "0004_volunteer_application_token"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="volunteer",
            name="screening_valid_until",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="alle krav oppfylt til"
            ),
        ),
        migrations.AddIndex(
            model_name="volunteer",
            index=models.Index(
                fields=["branch", "status", "screening_valid_until"], name="volunteer_cleared"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
