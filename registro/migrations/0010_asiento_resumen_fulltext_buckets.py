"""The summaries' full-text GIN index (issue 10) also carries each entry's bucket of 20,000
primary keys (``bilbao_sede.admin_utils.fulltext_vector(bucketed=True)``): the admin's
capped count of a frequent word reads the newest buckets' share of the index instead of
every entry that has the word. Same name, PostgreSQL only (SQLite keeps no index).

Built CONCURRENTLY under a temporary name, then swapped for the old one, so that the
registry keeps registering while a large table is indexed (a plain rebuild would block
every write to it: ~10 s at 10⁶ entries). Hence not atomic; a run interrupted half-way can
simply be run again."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from bilbao_sede.admin_utils import fulltext_vector

NAME = "registro_as_resumen_fts"
BUILDING = "registro_as_resumen_fts_new"


def _swap(apps, schema_editor, *, bucketed: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("registro", "Asiento")
    built = GinIndex(fulltext_vector(["resumen"], bucketed=bucketed), name=BUILDING)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {BUILDING}")  # a failed run's
    schema_editor.add_index(model, built, concurrently=True)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
    schema_editor.execute(f"ALTER INDEX {BUILDING} RENAME TO {NAME}")


def forwards(apps, schema_editor):
    _swap(apps, schema_editor, bucketed=True)


def backwards(apps, schema_editor):
    _swap(apps, schema_editor, bucketed=False)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("registro", "0009_asientodocumento_csv")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
