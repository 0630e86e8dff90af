"""The open-data export is written by Python alone (ADR 0012): the PostgreSQL functions that
formatted it for COPY go. The `uuid-ossp` extension stays (other databases may use it)."""

from django.db import migrations


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS crte_text(text)")
        schema_editor.execute("DROP FUNCTION IF EXISTS crte_number(numeric, integer)")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_export_functions")]
    operations = [migrations.RunPython(drop, migrations.RunPython.noop)]
