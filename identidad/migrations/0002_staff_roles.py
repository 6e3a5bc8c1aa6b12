"""The staff roles as groups (identidad.roles); their permissions are set after migrate."""

from django.db import migrations

ROLES = [
    "registro_oficina",
    "registro_jefatura",
    "tramitador",
    "jefatura_unidad",
    "habilitado",
    "editor_catalogo",
    "administrador",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("identidad", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
