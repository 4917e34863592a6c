"""The regulation's fine table, as data (ADR 0010): for each ground, the measure of the first,
second, third and later offence within the repeat period. Edited afterwards by the regulator
(``supervision.configure``, the admin); this seeds it."""

from django.db import migrations

BASIS = "Regulation on the supervision of Pishkhan offices (CRA), art. {article}"

# ground: [(offence, measure, fine_rials, fine_share_bp, suspension_days, article)]
TABLE = {
    "overcharge": [
        (1, "warning", None, None, None, 12),
        (2, "fine", None, 100, None, 12),
        (3, "suspension", None, None, 30, 12),
        (4, "revocation", None, None, None, 18),
    ],
    "refund_not_made": [
        (1, "fine", 20_000_000, None, None, 13),
        (2, "fine", None, 200, None, 13),
        (3, "suspension", None, None, 15, 13),
        (4, "revocation", None, None, None, 18),
    ],
    "inspection_failure": [
        (1, "warning", None, None, None, 14),
        (2, "fine", 50_000_000, None, None, 14),
        (3, "suspension", None, None, 30, 14),
        (4, "revocation", None, None, None, 18),
    ],
    "complaint_upheld": [
        (1, "warning", None, None, None, 15),
        (2, "fine", 30_000_000, None, None, 15),
        (3, "suspension", None, None, 15, 15),
        (4, "revocation", None, None, None, 18),
    ],
    "alert": [
        (1, "warning", None, None, None, 16),
        (2, "fine", None, 50, None, 16),
        (3, "suspension", None, None, 7, 16),
        (4, "revocation", None, None, None, 18),
    ],
    "other": [
        (1, "warning", None, None, None, 17),
        (2, "fine", 20_000_000, None, None, 17),
        (3, "suspension", None, None, 7, 17),
        (4, "revocation", None, None, None, 18),
    ],
}


def seed(apps, schema_editor):
    FineRule = apps.get_model("supervision", "FineRule")
    FineRule.objects.bulk_create(
        FineRule(
            ground=ground,
            offence=offence,
            measure=measure,
            fine_rials=rials,
            fine_share_bp=share,
            suspension_days=days,
            basis=BASIS.format(article=article),
        )
        for ground, lines in TABLE.items()
        for offence, measure, rials, share, days, article in lines
    )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "FineRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0008_sanctions")]

    operations = [migrations.RunPython(seed, unseed)]
