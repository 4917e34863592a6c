"""Operators' national IDs, company IDs and mobiles are no longer stored in clear.

Each operator's identifier and mobile are sealed with the first of ``PISHKHAN_SEALING_KEYS`` (through
:mod:`pishkhan.common.sealing`, so the keys must be configured when this runs), keyed (the identifier:
the same keyed hash licensing keeps as a licence's holder key) and masked; then the clear columns are
dropped. Reversing unseals them back into clear columns (with the same keys).
"""

from django.db import migrations, models
from django.db.models import Q
from django.utils.crypto import salted_hmac

from pishkhan.common.identifiers import mobile_mask, national_id_mask
from pishkhan.common.sealing import seal, unseal

# Frozen as of this migration: offices.models.OPERATOR_KEY_SALT.
OPERATOR_KEY_SALT = "pishkhan.licensing.holder_key"


def seal_operators(apps, schema_editor):
    Operator = apps.get_model("offices", "Operator")
    for row in Operator.objects.order_by("pk").iterator(chunk_size=1000):
        identifier = row.national_id if row.kind == "person" else row.company_id
        Operator.objects.filter(pk=row.pk).update(
            identifier_key=salted_hmac(
                OPERATOR_KEY_SALT, f"{row.kind}:{identifier}", algorithm="sha256"
            ).hexdigest(),
            identifier_masked=national_id_mask(identifier),
            identifier_sealed=seal(identifier),
            mobile_masked=mobile_mask(row.mobile),
            mobile_sealed=seal(row.mobile),
            national_id="",
            company_id="",
            mobile="",
        )


def unseal_operators(apps, schema_editor):
    Operator = apps.get_model("offices", "Operator")
    for row in Operator.objects.order_by("pk").iterator(chunk_size=1000):
        identifier = unseal(row.identifier_sealed)
        Operator.objects.filter(pk=row.pk).update(
            national_id=identifier if row.kind == "person" else "",
            company_id=identifier if row.kind == "company" else "",
            mobile=unseal(row.mobile_sealed),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0004_unlicensed_backfill"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="operator", name="offices_operator_identified_by_kind"),
        migrations.AddField(
            model_name="operator",
            name="identifier_key",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=64, verbose_name="identifier (keyed hash)"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="operator",
            name="identifier_masked",
            field=models.CharField(
                default="", editable=False, max_length=16, verbose_name="national ID (masked)"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="operator",
            name="identifier_sealed",
            field=models.TextField(default="", editable=False, verbose_name="national ID (sealed)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="operator",
            name="mobile_masked",
            field=models.CharField(default="", editable=False, max_length=11, verbose_name="mobile (masked)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="operator",
            name="mobile_sealed",
            field=models.TextField(default="", editable=False, verbose_name="mobile (sealed)"),
            preserve_default=False,
        ),
        migrations.RunPython(seal_operators, unseal_operators),
        # Blank first, so that reversing adds the column back filled with "" before unsealing into it.
        migrations.AlterField(
            model_name="operator",
            name="mobile",
            field=models.CharField(blank=True, max_length=11, verbose_name="mobile"),
        ),
        migrations.RemoveField(model_name="operator", name="national_id"),
        migrations.RemoveField(model_name="operator", name="company_id"),
        migrations.RemoveField(model_name="operator", name="mobile"),
        migrations.AddConstraint(
            model_name="operator",
            constraint=models.CheckConstraint(
                condition=Q(identifier_key__regex="^[0-9a-f]{64}$"), name="offices_operator_key_shape"
            ),
        ),
        migrations.AddConstraint(
            model_name="operator",
            constraint=models.CheckConstraint(
                condition=Q(identifier_masked__regex="^[0-9]{3}\\*{5,6}[0-9]{2}$"),
                name="offices_operator_identifier_masked",
            ),
        ),
        migrations.AddConstraint(
            model_name="operator",
            constraint=models.CheckConstraint(
                condition=Q(mobile_masked__regex="^09[0-9]{2}\\*\\*\\*[0-9]{4}$"),
                name="offices_operator_mobile_masked",
            ),
        ),
        migrations.AddConstraint(
            model_name="operator",
            constraint=models.CheckConstraint(
                condition=~Q(identifier_sealed="") & ~Q(mobile_sealed=""), name="offices_operator_sealed"
            ),
        ),
    ]
