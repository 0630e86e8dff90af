"""PostgreSQL functions of the open-data export (crte/portal/export_sql.py): the same
formatting as the Python rows of crte/portal/exports.py, so that the database writes the
CSV itself (COPY). Nothing on SQLite.

`uuid-ossp` (a trusted extension: the database's owner may create it) gives the UUID v5
of the national schema's projects; where it cannot be created the migration says so and
that one file is written by Python."""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION crte_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN value = '' THEN NULL
        WHEN left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r')
             AND value !~ '^[+-]?[0-9]+([.,][0-9]+)?$' THEN '''' || value
        ELSE value
    END
$$;
CREATE OR REPLACE FUNCTION crte_number(value numeric, places integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT trim_scale(round(value, places))::text
$$;
"""

DROP = "DROP FUNCTION IF EXISTS crte_text(text); DROP FUNCTION IF EXISTS crte_number(numeric, integer);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"')
    except DatabaseError as error:
        log.warning("uuid-ossp indisponible (%s) : projets-territoire.csv sera écrit par Python.", error)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create, drop)]
