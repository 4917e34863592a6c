"""The opt-out's confirmation codes become one-time codes for any purpose (opt-out, booking, sign-up,
password reset), and their template the generic ``code``."""

from django.db import migrations, models

CODE_TEMPLATE = [
    ("fa", "پیشخوان: کد تأیید شما {code} است. آن را به کسی ندهید."),
    ("en", "Pishkhan: your confirmation code is {code}. Do not give it to anyone."),
]


def seed(apps, schema_editor):
    """The ``code`` template (essential: sent even to opted-out mobiles); ``optout_code`` retires."""
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for language, body in CODE_TEMPLATE:
        MessageTemplate.objects.get_or_create(
            code="code", language=language, defaults={"body": body, "placeholders": "code", "essential": True}
        )
    MessageTemplate.objects.filter(code="optout_code").delete()


def purposes(apps, schema_editor):
    OneTimeCode = apps.get_model("notifications", "OneTimeCode")
    OneTimeCode.objects.filter(opt_in=True).update(purpose="optin")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_templates_seed")]

    operations = [
        migrations.RenameModel("OptOutRequest", "OneTimeCode"),
        migrations.AlterModelOptions(
            name="onetimecode",
            options={"verbose_name": "one-time code", "verbose_name_plural": "one-time codes"},
        ),
        migrations.RenameField("onetimecode", "mobile_key", "subject_key"),
        migrations.AlterField("onetimecode", "subject_key", models.CharField(max_length=64)),
        migrations.AddField(
            "onetimecode", "purpose", models.CharField("purpose", max_length=32, default="optout"), preserve_default=False
        ),
        migrations.RunPython(purposes, migrations.RunPython.noop),
        migrations.RemoveField("onetimecode", "opt_in"),
        migrations.AddIndex(
            "onetimecode",
            models.Index(fields=["purpose", "subject_key", "created_at"], name="code_subject_idx"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
