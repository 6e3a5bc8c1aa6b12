"""The summaries' full-text GIN index (issue 10) also carries each entry's bucket of 20,000
primary keys (``bilbao_sede.admin_utils.fulltext_vector(bucketed=True)``): the admin's
capped count of a frequent word reads the newest buckets' share of the index instead of
every entry that has the word. Same name, PostgreSQL only (SQLite keeps no index)."""

from django.db import migrations

from bilbao_sede.admin_utils import fulltext_index

NAME = "registro_as_resumen_fts"
create_plain, drop_plain = fulltext_index("registro.Asiento", ["resumen"], name=NAME)
create_bucketed, drop_bucketed = fulltext_index(
    "registro.Asiento", ["resumen"], name=NAME, bucketed=True
)


def forwards(apps, schema_editor):
    drop_plain(apps, schema_editor)
    create_bucketed(apps, schema_editor)


def backwards(apps, schema_editor):
    drop_bucketed(apps, schema_editor)
    create_plain(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registro", "0009_asientodocumento_csv")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
