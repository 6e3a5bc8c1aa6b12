"""design.md: pagos uses identidad and procedimientos only; sede uses pagos, never the other
way round (pagos names what it pays for by an opaque reference)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = {
    "identidad",
    "calendario",
    "procedimientos",
    "apoderamientos",
    "registro",
    "expedientes",
    "firma",
    "notificaciones",
    "sede",
    "gestion",
    "tablon",
    "pagos",
}
ALLOWED = {"pagos", "identidad", "procedimientos"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_pagos_imports_only_identidad_and_procedimientos():
    wrong = {
        str(path.relative_to(ROOT)): sorted((_imports(path) & OURS) - ALLOWED)
        for path in (ROOT / "pagos").rglob("*.py")
    }
    assert not {k: v for k, v in wrong.items() if v}


def test_procedimientos_does_not_import_pagos():
    users = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "procedimientos").rglob("*.py")
        if "pagos" in _imports(p)
    ]
    assert not users
