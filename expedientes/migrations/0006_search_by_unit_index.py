"""The tray's word search at 10⁶ case files (issue 11): one GIN index over (unit, trigrams
of the search text), so a clerk's search reads the matches in the units in scope only, not
every match in the council and then the unit. A multicolumn GIN index serves any subset of
its columns: it replaces the trigram-only index (the heads who see every unit use it
without the unit). ``btree_gin`` is a trusted contrib extension (PostgreSQL ≥ 13)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS expedientes_search_unidad_trgm ON "
            "expedientes_expediente USING gin (unidad_id, search_text gin_trgm_ops)"
        )
        schema_editor.execute("DROP INDEX IF EXISTS expedientes_search_trgm")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS expedientes_search_trgm "
            "ON expedientes_expediente USING gin (search_text gin_trgm_ops)"
        )
        schema_editor.execute("DROP INDEX IF EXISTS expedientes_search_unidad_trgm")


class Migration(migrations.Migration):
    dependencies = [("expedientes", "0005_actuacion_apertura_after_commit")]

    operations = [migrations.RunPython(forwards, backwards)]
