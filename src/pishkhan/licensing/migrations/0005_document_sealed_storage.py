"""Applications' documents are stored sealed (encrypted with the sealing keys); the documents already
stored are sealed in place (``PISHKHAN_SEALING_KEYS`` must be configured when this runs)."""

import pishkhan.common.sealed_storage
import pishkhan.licensing.models
from django.db import migrations, models

from pishkhan.common.sealed_storage import files_reseal


def seal_documents(apps, schema_editor):
    files_reseal(apps.get_model("licensing", "ApplicationDocument"), "file")


def unseal_documents(apps, schema_editor):
    files_reseal(apps.get_model("licensing", "ApplicationDocument"), "file", undo=True)


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0004_proceeding_hearing"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicationdocument",
            name="file",
            field=models.FileField(
                max_length=200,
                storage=pishkhan.common.sealed_storage.sealed_media_storage,
                upload_to=pishkhan.licensing.models.document_upload_to,
                verbose_name="file",
            ),
        ),
        migrations.RunPython(seal_documents, unseal_documents),
    ]
