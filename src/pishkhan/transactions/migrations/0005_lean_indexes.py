"""Fewer indexes for every counter request to write: the transaction table's four that no query used.

The office and service foreign keys lose their own indexes (the composite indexes they lead serve
every look-up, and the PROTECT checks); the tracking code and the citizen key lose PostgreSQL's
pattern-matching ("_like") copies (both are only matched whole). On a large table PostgreSQL
re-checks the two foreign keys here: plan a quiet moment.
"""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0001_initial'),
        ('offices', '0001_initial'),
        ('transactions', '0004_idempotency_on_transaction'),
    ]

    operations = [
        migrations.AlterField(
            model_name='countertransaction',
            name='citizen_key',
            field=models.CharField(editable=False, max_length=64, verbose_name='citizen key'),
        ),
        migrations.AlterField(
            model_name='countertransaction',
            name='office',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='transactions', to='offices.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='countertransaction',
            name='service',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='transactions', to='catalogue.service', verbose_name='service'),
        ),
        migrations.AlterField(
            model_name='countertransaction',
            name='tracking_code',
            field=models.CharField(max_length=12, verbose_name='tracking code'),
        ),
        migrations.AddIndex(
            model_name='countertransaction',
            index=models.Index(fields=['citizen_key'], name='transactions_citizen'),
        ),
        migrations.AddConstraint(
            model_name='countertransaction',
            constraint=models.UniqueConstraint(fields=('tracking_code',), name='transactions_tracking_code_unique'),
        ),
    ]
