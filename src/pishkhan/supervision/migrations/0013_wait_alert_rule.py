"""Seed the rule of long queue waits: an office whose tickets wait far longer than its province's
offices at the same hours (``supervision.rulebook.wait_outliers``). ``seed`` also runs after a
test's flush (tests/conftest.py MIGRATION_SEEDS)."""

from django.db import migrations

RULE = (
    "long_waits",
    "Long queue waits",
    "An office whose queue tickets waited, over the last days, far longer than its province's offices "
    "at the same hours (mean wait above ratio × the province's median), with enough tickets.",
    "warning",
    {"ratio": 2.0, "min_tickets": 50, "min_minutes": 15, "days": 7},
)


def seed(apps, schema_editor):
    code, name, description, severity, thresholds = RULE
    apps.get_model("supervision", "Rule").objects.get_or_create(
        code=code,
        defaults={"name": name, "description": description, "severity": severity, "thresholds": thresholds},
    )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.filter(code=RULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0012_photos_sealed")]

    operations = [migrations.RunPython(seed, unseed)]
