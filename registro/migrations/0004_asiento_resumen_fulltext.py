"""A GIN index for the admin's full-text search of entry summaries (issue 10), PostgreSQL
only: the index is built from the same expression the search uses
(``bilbao_sede.admin_utils.fulltext_vector``). SQLite keeps no index (demo volume)."""

from django.db import migrations

from bilbao_sede.admin_utils import fulltext_index

create, drop = fulltext_index("registro.Asiento", ["resumen"], name="registro_as_resumen_fts")


class Migration(migrations.Migration):
    dependencies = [("registro", "0003_book_unit_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
