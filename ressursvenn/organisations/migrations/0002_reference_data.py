from django.db import migrations

from ressursvenn.organisations import reference


def load(apps, schema_editor):
    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
