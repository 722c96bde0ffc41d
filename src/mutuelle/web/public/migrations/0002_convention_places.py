"""The places of the convention (art. 4.1, seed l. 1936-1942). No slot is seeded: the texts fix
neither days nor hours (« La fréquence et les lieux de ces permanences seront définis et ajustés
selon les besoins », l. 1946); staff enter them in the back office. Addresses only where the
texts give them (the Hôtel de Ville: the Ville's address, l. 1780)."""

from django.db import migrations

SOURCE = "Convention de partenariat art. 4.1 (seed 003_51bb29aac179bcf5.txt l. {line})"

PLACES = [
    {
        "name": "Hôtel de Ville de Grenoble",
        "address": "11 boulevard Jean Pain",
        "postcode": "38000",
        "status": "active",
        "source": SOURCE.format(line=1941) + " ; adresse : l. 1780",
        "position": 10,
    },
    {
        "name": "Centre Communal Camille Claudel",
        "address": "",
        "postcode": "",
        "status": "active",
        "source": SOURCE.format(line=1941),
        "position": 20,
    },
    {
        "name": "Maisons des Habitant-es (MDH)",
        "address": "",
        "postcode": "",
        "status": "active",
        "access": "Les maisons concernées sont à préciser par la Mutuelle et la Ville.",
        "source": SOURCE.format(line=1940),
        "position": 30,
    },
    {
        "name": "Cité des aîné-es et des aidant-es",
        "address": "",
        "postcode": "",
        "status": "planned",
        "access": "Création prévue en 2025 selon la convention.",
        "source": SOURCE.format(line=1942),
        "position": 40,
    },
]


def seed(apps, schema_editor):
    Place = apps.get_model("public", "PermanencePlace")
    for p in PLACES:
        if not Place.objects.filter(name=p["name"]).exists():
            Place.objects.create(**p)


def unseed(apps, schema_editor):
    Place = apps.get_model("public", "PermanencePlace")
    Place.objects.filter(name__in=[p["name"] for p in PLACES], slots__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
