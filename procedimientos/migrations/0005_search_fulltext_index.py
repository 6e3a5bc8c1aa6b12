"""On PostgreSQL, a GIN index over the full-text vector of ``search_text`` in the Spanish and
Basque configurations (the expression ``procedimientos.search.fts_vector`` compiles to), so
the stemmed search uses an index. Nothing runs on SQLite (no full-text search there)."""

from django.db import migrations

EXPRESSION = (
    "(to_tsvector('spanish'::regconfig, COALESCE(search_text, '')) || "
    "to_tsvector('basque'::regconfig, COALESCE(search_text, '')))"
)


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS procedimiento_search_fts "
        f"ON procedimientos_procedimiento USING gin ({EXPRESSION})"
    )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS procedimiento_search_fts")


class Migration(migrations.Migration):
    dependencies = [("procedimientos", "0004_accionplan_status")]

    operations = [migrations.RunPython(_create, _drop)]
