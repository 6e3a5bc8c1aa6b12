"""On PostgreSQL, a trigram GIN index makes the catalogue's ``LIKE '%term%'`` search use an index.

SQLite has no such index type; there the search scans the (small) table. Nothing runs there.
"""

from django.db import migrations


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS procedimiento_search_trgm "
        "ON procedimientos_procedimiento USING gin (search_text gin_trgm_ops)"
    )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS procedimiento_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("procedimientos", "0001_initial")]

    operations = [migrations.RunPython(_create, _drop)]
