"""The retention policy's first rules: each kind of personal data, when its purpose ends, how long
it is kept after that, and what then happens to it. The texts are English msgids (shown translated)."""

from django.db import migrations
from django.utils.translation import gettext_noop

RULES = [
    {
        "kind": "transactions.mobile",
        "data": gettext_noop("A counter transaction's citizen mobile (sealed)"),
        "purpose_end": gettext_noop("The citizen is texted the outcome (it is erased then); else the transaction is received"),
        "days": 30,
        "action": gettext_noop("Erased; the masked mobile stays"),
    },
    {
        "kind": "transactions.heartbeats",
        "data": gettext_noop("Heartbeats of offices' terminals"),
        "purpose_end": gettext_noop("The heartbeat is received"),
        "days": 90,
        "action": gettext_noop("Deleted; each office's last sign of life stays"),
    },
    {
        "kind": "supervision.complaint_mobile",
        "data": gettext_noop("A complaint's reply mobile (masked, sealed and keyed)"),
        "purpose_end": gettext_noop("The complaint is closed"),
        "days": 90,
        "action": gettext_noop("Erased; the complaint stays, naming no one"),
    },
    {
        "kind": "licensing.ended_application_documents",
        "data": gettext_noop("Documents of a refused or withdrawn licence application"),
        "purpose_end": gettext_noop("The application is refused or withdrawn"),
        "days": 180,
        "action": gettext_noop("Deleted (files and rows); the application and its decision stay"),
    },
    {
        "kind": "supervision.inspection_photos",
        "data": gettext_noop("Inspection photos"),
        "purpose_end": gettext_noop("The photo is taken (evidence for sanctions and their appeals)"),
        "days": 1826,
        "action": gettext_noop("Deleted (files and rows); the inspection's results stay"),
    },
    {
        "kind": "notifications.sms",
        "data": gettext_noop("Text messages to citizens and holders (number, parameters and text)"),
        "purpose_end": gettext_noop("The message is sent, or given up"),
        "days": 90,
        "action": gettext_noop(
            "Number, parameters and text erased; the message's key stays, so it is never sent again"
        ),
    },
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for rule in RULES:
        RetentionRule.objects.get_or_create(kind=rule["kind"], defaults={**rule, "changed_by": "migration"})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
