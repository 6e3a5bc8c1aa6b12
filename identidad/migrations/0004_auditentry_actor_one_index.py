"""The audit trail's ``actor`` loses its own index: (actor, created_at) serves every look-up
by actor, the PROTECT check included, and each audited action updated both. Only the
``DROP INDEX`` runs (Django's AlterField would also drop and re-validate the foreign key over
the whole trail); instant on a trail of any size."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "identidad_auditentry_actor_id_ef78935f"


class Migration(migrations.Migration):
    dependencies = [("identidad", "0003_merge_0002_audit_sequencer_0002_staff_roles")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="usuario",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f"CREATE INDEX IF NOT EXISTS {INDEX} ON identidad_auditentry (actor_id)",
                ),
            ],
        )
    ]
