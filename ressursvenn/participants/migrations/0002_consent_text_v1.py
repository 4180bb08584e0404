import datetime

from django.db import migrations

TEXT = """Krisesenteret har spurt om du vil ha en ressursvenn: en frivillig kvinne fra
Sanitetskvinnene som kan være en støtte for deg i 9 til 12 måneder.

Når du sier ja, sender krisesenteret dette til gruppelederen i den lokale sanitetsforeningen:
navnet du vil kalles, fødselsåret ditt, kommunen eller bydelen du bor i, språk, interesser, hva du
ønsker hjelp til, når du kan møtes, og hvordan det er trygt å kontakte deg. Krisesenteret kan også
oppgi områder ressursvennen ikke skal komme fra, for din sikkerhet. Adressen din og opplysninger om
den som har utsatt deg for vold blir aldri registrert.

Gruppelederen bruker opplysningene til å finne en ressursvenn som passer for deg. Ressursvennen
får bare vite det hun trenger: først fornavnet ditt, aldersgruppe, område og interesser, og etter
det første møtet de kontaktmåtene du har sagt ja til.

Du kan når som helst trekke samtykket ved å si fra til krisesenteret. Da stopper all behandling,
og opplysningene dine blir slettet etter fristen i retningslinjene. Du kan også be om å få se
opplysningene som er registrert om deg."""


def forward(apps, schema_editor):
    ConsentText = apps.get_model("participants", "ConsentText")
    ConsentText.objects.get_or_create(
        version=1, defaults={"text": TEXT, "published_on": datetime.date(2026, 1, 1)}
    )


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
