"""The appointments' SMS templates (Persian and English, short) and the retention rule of booked
citizens' mobiles. ``seed`` also runs after a test's flush (tests/conftest.py MIGRATION_SEEDS)."""

from django.db import migrations
from django.utils.translation import gettext_noop

# code, placeholders, essential, Persian body, English body
TEMPLATES = [
    ("appointment_booked", "code,office,day,time", False,
     "پیشخوان {office}: نوبت شما {day} ساعت {time}. کد رزرو: {code}",
     "Pishkhan {office}: your appointment {day} at {time}. Booking code: {code}"),
    ("appointment_cancelled", "code,office,day,time", False,
     "پیشخوان {office}: نوبت {code} ({day} ساعت {time}) لغو شد.",
     "Pishkhan {office}: appointment {code} ({day} at {time}) is cancelled."),
    ("appointment_reminder", "code,office,day,time", False,
     "یادآوری پیشخوان {office}: نوبت شما فردا {day} ساعت {time}. کد رزرو: {code}",
     "Reminder, Pishkhan {office}: your appointment tomorrow {day} at {time}. Code: {code}"),
]  # fmt: skip

RULE = {
    "kind": "frontoffice.appointment_mobile",
    "data": gettext_noop("A booked appointment's citizen mobile (sealed)"),
    "purpose_end": gettext_noop("The appointment's slot has passed"),
    "days": 1,
    "action": gettext_noop("Erased; the masked mobile stays"),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, placeholders, essential, fa, en in TEMPLATES:
        for language, body in (("fa", fa), ("en", en)):
            MessageTemplate.objects.get_or_create(
                code=code,
                language=language,
                defaults={"body": body, "placeholders": placeholders, "essential": essential},
            )
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    RetentionRule.objects.get_or_create(kind=RULE["kind"], defaults=RULE)


class Migration(migrations.Migration):
    dependencies = [
        ("frontoffice", "0004_appointments"),
        ("notifications", "0003_one_time_codes"),
        ("privacy", "0002_retention_seed"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
