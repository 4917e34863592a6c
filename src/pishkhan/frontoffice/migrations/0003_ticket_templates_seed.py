"""The queue's SMS template, Persian and English. ``seed`` also runs after a test's flush
(tests/conftest.py MIGRATION_SEEDS)."""

from django.db import migrations

# code, placeholders, essential, Persian body, English body
TEMPLATES = [
    ("ticket_turn_near", "number,office", False,
     "پیشخوان {office}: نوبت {number} نزدیک است؛ سه نوبت یا کمتر پیش از شماست.",
     "Pishkhan {office}: ticket {number}: three tickets or fewer before you."),
]  # fmt: skip


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, placeholders, essential, fa, en in TEMPLATES:
        for language, body in (("fa", fa), ("en", en)):
            MessageTemplate.objects.get_or_create(
                code=code,
                language=language,
                defaults={"body": body, "placeholders": placeholders, "essential": essential},
            )


class Migration(migrations.Migration):
    dependencies = [("frontoffice", "0002_tickets"), ("notifications", "0002_templates_seed")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
