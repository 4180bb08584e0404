import datetime

from django.db import migrations

TEXT = """Som ressursvenn får jeg vite ting om kvinnen jeg blir koblet med, om hennes familie og om andre
frivillige. Jeg lover å behandle alt dette fortrolig.

1. Jeg forteller ikke videre noe av det jeg får vite om kvinnen, hennes barn eller familie, hvor hun
   bor eller oppholder seg, eller at hun har hatt kontakt med et krisesenter. Dette gjelder også
   etter at jeg har sluttet som ressursvenn.
2. Jeg snakker bare om kvinnen med gruppelederen min og, når det trengs, med kontaktpersonen på
   krisesenteret. I veiledningsgruppen snakker jeg om erfaringer uten å si noe som kan avsløre hvem
   hun er.
3. Jeg legger ikke ut bilder, steder eller annet om kvinnen eller møtene våre i sosiale medier.
4. Hvis jeg blir bekymret for kvinnens eller barnas sikkerhet, sier jeg fra til gruppelederen med
   en gang. Ved fare ringer jeg 112.
5. Plikten gjelder ikke når loven krever at jeg sier fra, for eksempel avvergeplikten i
   straffeloven § 196.

Jeg har lest og forstått teksten, og jeg har fått spørre om det jeg lurte på."""


def forward(apps, schema_editor):
    DeclarationText = apps.get_model("volunteers", "DeclarationText")
    DeclarationText.objects.get_or_create(
        version=1, defaults={"text": TEXT, "published_on": datetime.date(2026, 1, 1)}
    )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
