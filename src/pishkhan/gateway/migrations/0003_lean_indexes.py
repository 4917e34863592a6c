"""The outbox's idempotency key unique by a constraint: PostgreSQL's pattern-matching copy of its
index, never used, is no longer written with every submission."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0001_initial'),
        ('gateway', '0002_sealed_payload_and_secret'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboundrequest',
            name='idempotency_key',
            field=models.CharField(max_length=64, verbose_name='idempotency key'),
        ),
        migrations.AddConstraint(
            model_name='outboundrequest',
            constraint=models.UniqueConstraint(fields=('idempotency_key',), name='gateway_outbound_key_unique'),
        ),
    ]
