"""The idempotency key stays unique through the same PostgreSQL constraint
(``registro_asiento_idempotency_key_key``), now declared as a ``UniqueConstraint``, and its
``LIKE``-pattern twin index (``varchar_pattern_ops``, built by Django for ``unique=True``
character fields) is dropped: no query searches keys by pattern, and every registration paid
for updating it (issue 10). State change only but for the ``DROP INDEX``: instant on a table
of any size."""

from django.db import migrations, models


# The name Django gives it (a hash of the table and the column: the same on every install).
LIKE_INDEX = "registro_asiento_idempotency_key_e7b36862_like"


def drop_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # others build no pattern index
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIKE_INDEX}")


def build_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {LIKE_INDEX} "
            "ON registro_asiento (idempotency_key varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("registro", "0010_asiento_resumen_fulltext_buckets")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="asiento",
                    name="idempotency_key",
                    field=models.CharField(
                        max_length=80, null=True, verbose_name="clave de idempotencia"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="asiento",
                    constraint=models.UniqueConstraint(
                        fields=("idempotency_key",), name="registro_asiento_idempotency_key_key"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_like_index, build_like_index)],
        )
    ]
