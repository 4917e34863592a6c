"""The score's components and their first weights; the regulator edits them on the weights page.

Weights are relative (an office's score is the weighted mean of its components' points). A count
loses ``per_unit`` points of the component's 100 per unit, at most ``cap``: an upheld complaint costs
a fifth, an overcharged transaction a tenth, an alert (weighted by its severity) a twentieth.
"""

from django.db import migrations

# component, weight, method, points lost per unit, cap: frozen as of this migration.
WEIGHTS = [
    ("complaints_upheld", 25, "penalty", 20.0, 100.0),
    ("inspections", 20, "percent", 0.0, 100.0),
    ("alerts", 15, "penalty", 5.0, 100.0),
    ("availability", 20, "share", 0.0, 100.0),
    ("overcharges", 20, "penalty", 10.0, 100.0),
    ("ratings", 10, "stars", 0.0, 100.0),
]


def seed(apps, schema_editor):
    ScoreWeight = apps.get_model("supervision", "ScoreWeight")
    for component, weight, method, per_unit, cap in WEIGHTS:
        ScoreWeight.objects.get_or_create(
            component=component,
            defaults={
                "weight": weight,
                "method": method,
                "per_unit": per_unit,
                "cap": cap,
                "updated_by": "migration",
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "ScoreWeight").objects.filter(updated_by="migration").delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0010_scores")]

    operations = [migrations.RunPython(seed, unseed)]
