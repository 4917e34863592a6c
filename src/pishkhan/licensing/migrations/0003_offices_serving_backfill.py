"""Tell the office registry, for the licences that exist, whether each office serves citizens.

From now on licensing sets ``Office.serving_hold`` at every change of a licence; this fills it once
for the data already there: an office's licence in force decides, else the last one that ended. No
audit entry is written for it: the licences' own entries already record what decided it.
"""

from collections import defaultdict

from django.db import migrations

# The licence's state → why its office does not serve ("": it serves), frozen as of this migration.
HOLDS = {
    "issued": "not_yet_active",
    "active": "",
    "suspended": "suspended",
    "revoked": "revoked",
    "expired": "expired",
    "surrendered": "surrendered",
}
IN_FORCE = {"issued", "active", "suspended"}
CHUNK = 900


def backfill(apps, schema_editor):
    Licence = apps.get_model("licensing", "Licence")
    Office = apps.get_model("offices", "Office")
    deciding = {}
    rows = Licence.objects.order_by("id").values_list("office_id", "status", "suspended_until", "ended_at")
    for office_id, status, until, ended_at in rows.iterator(chunk_size=2000):
        other = deciding.get(office_id)
        if (
            other is None
            or status in IN_FORCE
            or (other[0] not in IN_FORCE and ended_at is not None and (other[2] is None or ended_at >= other[2]))
        ):
            deciding[office_id] = (status, until, ended_at)
    groups = defaultdict(list)
    for office_id, (status, until, _ended_at) in deciding.items():
        hold = HOLDS[status]
        groups[(hold, until if hold == "suspended" else None)].append(office_id)
    for (hold, until), members in groups.items():
        if not hold:
            continue  # serving is what every office already shows
        for start in range(0, len(members), CHUNK):
            Office.objects.filter(pk__in=members[start : start + CHUNK]).update(
                serving_hold=hold, serving_hold_until=until
            )


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0002_proceedings"),
        ("offices", "0002_office_serving_hold"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
