"""Seed supervision's rules: each with its severity and its default thresholds (the ranges live in
``supervision.rulebook``; written out here so the migration stays as it was when it ran)."""

from django.db import migrations

RULES = [
    (
        "overcharge",
        "Fee charged above the tariff",
        "A transaction whose fee charged exceeds the tariff in force by more than the tolerance.",
        "critical",
        {"tolerance_rials": 0},
    ),
    (
        "off_hours",
        "Transaction outside opening hours",
        "A transaction recorded outside the office's opening hours (Tehran time), beyond a grace.",
        "warning",
        {"grace_minutes": 15},
    ),
    (
        "abnormal_volume",
        "Abnormal volume",
        "An office's day far above its own history and its county's peers (robust z-scores).",
        "warning",
        {"z_own": 3.5, "z_peers": 3.5, "min_transactions": 30, "history_days": 28},
    ),
    (
        "repeat_citizen",
        "The same citizen many times a day",
        "One citizen served at one office this many times in a day.",
        "warning",
        {"per_day": 5},
    ),
    (
        "undeliverable_service",
        "Service the office may not deliver",
        "A transaction for a service the office may not deliver (it can only come through an import).",
        "critical",
        {},
    ),
    (
        "offline_in_hours",
        "Offline in opening hours",
        "An office offline in its opening hours for longer than the threshold.",
        "warning",
        {"minutes": 60},
    ),
    (
        "licence_not_in_force",
        "Licence not in force",
        "A transaction recorded when the office's licence was not in force.",
        "critical",
        {},
    ),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("supervision", "Rule")
    for code, name, description, severity, thresholds in RULES:
        Rule.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "severity": severity, "thresholds": thresholds},
        )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.filter(code__in=[rule[0] for rule in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0005_alerts")]

    operations = [migrations.RunPython(seed, unseed)]
