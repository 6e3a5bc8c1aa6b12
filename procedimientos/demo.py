"""Demo data: the starter catalogue, the plan's actions and today's snapshot. Idempotent."""

from __future__ import annotations

from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
STARTER_CATALOGUE = DATA / "catalogo.yaml"
PLAN = DATA / "plan.yaml"


def load_demo() -> None:
    from .avance import avance_snapshot_take, plan_import
    from .catalogo_io import import_catalogue, load_file

    import_catalogue(load_file(STARTER_CATALOGUE))
    plan_import(yaml.safe_load(PLAN.read_text(encoding="utf-8")))
    avance_snapshot_take()
