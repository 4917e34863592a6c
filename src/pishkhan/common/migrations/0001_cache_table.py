"""The default cache's table (settings: "Cache and rate limits"), so that ``migrate`` is all a database
needs. Django's ``createcachetable``, which skips a table that exists."""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop)]
