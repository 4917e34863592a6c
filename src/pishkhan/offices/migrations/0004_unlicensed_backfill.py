"""Offices of a kind the regulator licenses that never held a licence do not serve citizens.

From now on such an office is registered with ``serving_hold = "unlicensed"`` (and a conversion into
a Pishkhan office sets it), until licensing issues its licence. This marks the offices already there:
of a licensed kind, showing that they serve, and without any licence at all. No audit entry: the
registration's and the licences' own entries record what decided it.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef

# Frozen as of this migration: catalogue.kinds.LICENSED_KINDS.
LICENSED_KINDS = ["pishkhan", "ict"]


def backfill(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    Licence = apps.get_model("licensing", "Licence")
    Office.objects.filter(kind__in=LICENSED_KINDS, serving_hold="").filter(
        ~Exists(Licence.objects.filter(office_id=OuterRef("pk")))
    ).update(serving_hold="unlicensed", serving_hold_until=None)


def restore(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    Office.objects.filter(serving_hold="unlicensed").update(serving_hold="")


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0003_serving_hold_unlicensed"),
        ("licensing", "0003_offices_serving_backfill"),
    ]

    operations = [migrations.RunPython(backfill, restore)]
