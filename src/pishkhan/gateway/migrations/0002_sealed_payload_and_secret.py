"""Seal outbound payloads and agencies' shared secrets at rest (pishkhan.common.sealing)."""

from django.db import migrations, models

from pishkhan.common.sealing import seal, seal_json, unseal, unseal_json


def seal_existing(apps, schema_editor):
    OutboundRequest = apps.get_model("gateway", "OutboundRequest")
    AgencyCredential = apps.get_model("gateway", "AgencyCredential")
    for request in OutboundRequest.objects.exclude(state="delivered").only("pk", "payload").iterator():
        OutboundRequest.objects.filter(pk=request.pk).update(payload_sealed=seal_json(request.payload))
    for credential in AgencyCredential.objects.only("pk", "secret").iterator():
        AgencyCredential.objects.filter(pk=credential.pk).update(secret_sealed=seal(credential.secret))


def unseal_existing(apps, schema_editor):
    OutboundRequest = apps.get_model("gateway", "OutboundRequest")
    AgencyCredential = apps.get_model("gateway", "AgencyCredential")
    for request in OutboundRequest.objects.only("pk", "payload_sealed").iterator():
        payload = unseal_json(request.payload_sealed) if request.payload_sealed else {}
        OutboundRequest.objects.filter(pk=request.pk).update(payload=payload)
    for credential in AgencyCredential.objects.only("pk", "secret_sealed").iterator():
        AgencyCredential.objects.filter(pk=credential.pk).update(secret=unseal(credential.secret_sealed))


class Migration(migrations.Migration):
    dependencies = [("gateway", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="outboundrequest",
            name="payload_sealed",
            field=models.TextField(blank=True, editable=False, verbose_name="payload (sealed)"),
        ),
        migrations.AddField(
            model_name="agencycredential",
            name="secret_sealed",
            field=models.TextField(default="", editable=False, verbose_name="shared secret (sealed)"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="outboundrequest", name="payload", field=models.JSONField(default=dict)
        ),
        migrations.AlterField(
            model_name="agencycredential", name="secret", field=models.CharField(default="", max_length=128)
        ),
        migrations.RunPython(seal_existing, unseal_existing),
        migrations.RemoveField(model_name="outboundrequest", name="payload"),
        migrations.RemoveField(model_name="agencycredential", name="secret"),
    ]
