"""Inspection photos are stored sealed (encrypted with the sealing keys); the photos already stored
are sealed in place (``PISHKHAN_SEALING_KEYS`` must be configured when this runs)."""

from django.db import migrations

from pishkhan.common.sealed_storage import files_reseal


def seal_photos(apps, schema_editor):
    files_reseal(apps.get_model("supervision", "InspectionPhoto"), "file")


def unseal_photos(apps, schema_editor):
    files_reseal(apps.get_model("supervision", "InspectionPhoto"), "file", undo=True)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0011_score_weights"),
    ]

    operations = [migrations.RunPython(seal_photos, unseal_photos)]
