"""Demo data: the starter catalogue, the plan's actions and today's snapshot. Idempotent."""

from __future__ import annotations

from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
STARTER_CATALOGUE = DATA / "catalogo.yaml"
PLAN = DATA / "plan.yaml"


def starter_catalogue() -> dict:
    """The starter catalogue with the specific forms built from blocks
    (``procedimientos/data/formularios/``, issue 16) merged in."""
    from .catalogo_io import load_file
    from .formularios.especificos import merge_into

    return merge_into(load_file(STARTER_CATALOGUE))


def load_demo() -> None:
    from .avance import avance_snapshot_take, plan_import
    from .catalogo_io import catalogo_import

    catalogo_import(data=starter_catalogue())
    _catalogue_managers_group()
    plan_import(yaml.safe_load(PLAN.read_text(encoding="utf-8")))
    avance_snapshot_take()


def _catalogue_managers_group() -> None:
    """The group whose members may edit any procedure (issue 3, back office)."""
    from django.contrib.auth.models import Group, Permission

    from .constants import GRUPO_GESTORES_CATALOGO

    group, _ = Group.objects.get_or_create(name=GRUPO_GESTORES_CATALOGO)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="procedimientos",
            codename__in=[
                "gestionar_catalogo",
                "view_procedimiento",
                "change_procedimiento",
                "add_procedimiento",
                "view_formularioversion",
                "change_formularioversion",
                "add_formularioversion",
                "view_accionplan",
                "change_accionplan",
            ],
        )
    )
