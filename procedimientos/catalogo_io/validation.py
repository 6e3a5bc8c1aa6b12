"""Validation of a catalogue before anything is written: errors name entry and field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

from identidad.models import Unidad
from identidad.validators import validate_dir3

from ..constants import UnidadPlazo
from ..forms_schema import form_definition_errors
from ..models import Materia
from ..tasas import tasa_errors
from .fileformat import FILE_SCHEMA


def _where(data: dict, path: list) -> str:
    """«procedimiento 'aes' (#3), field max_term.value» from a jsonschema error path."""
    if len(path) >= 2 and isinstance(path[1], int):
        section, index = path[0], path[1]
        items = data.get(section) or []
        entry = items[index] if index < len(items) and isinstance(items[index], dict) else {}
        key = {"procedimientos": "code", "materias": "slug", "unidades": "dir3"}.get(section)
        name = entry.get(key, "?") if key else "?"
        label = {"procedimientos": "procedimiento", "materias": "materia", "unidades": "unidad"}
        field = ".".join(str(p) for p in path[2:]) or "(entry)"
        return f"{label.get(section, section)} '{name}' (#{index + 1}), field {field}"
    return "file, field " + (".".join(str(p) for p in path) or "(root)")


def catalogo_validate(*, data: Any) -> list[str]:
    """Structural and cross-reference errors of a catalogue, each naming entry and field."""
    if not isinstance(data, dict):
        return ["file: the catalogue must be a mapping with 'format' and 'procedimientos'"]
    errors = [
        f"{_where(data, list(e.absolute_path))}: {e.message}"
        for e in sorted(
            Draft202012Validator(FILE_SCHEMA).iter_errors(data),
            key=lambda e: [str(p) for p in e.absolute_path],
        )
    ]
    if errors:
        return errors
    materias = {m["slug"] for m in data.get("materias", [])}
    materias |= set(Materia.objects.values_list("slug", flat=True))
    units_in_file = [u["dir3"] for u in data.get("unidades", [])]
    known_units = set(units_in_file) | set(Unidad.objects.values_list("dir3", flat=True))
    seen: set[str] = set()
    for i, unit in enumerate(data.get("unidades", [])):
        where = f"unidad '{unit['dir3']}' (#{i + 1})"
        try:
            validate_dir3(unit["dir3"])
        except ValidationError as exc:
            errors.append(f"{where}, field dir3: {exc.messages[0]}")
        if unit["dir3"] in seen:
            errors.append(f"{where}, field dir3: duplicated in the file")
        seen.add(unit["dir3"])
        parent = unit.get("parent")
        if parent and parent not in seen and not Unidad.objects.filter(dir3=parent).exists():
            errors.append(f"{where}, field parent: unit {parent} must be listed before it")
    codes: set[str] = set()
    for i, entry in enumerate(data["procedimientos"]):
        where = f"procedimiento '{entry['code']}' (#{i + 1})"
        if entry["code"] in codes:
            errors.append(f"{where}, field code: duplicated in the file")
        codes.add(entry["code"])
        if entry["materia"] not in materias:
            errors.append(f"{where}, field materia: unknown subject '{entry['materia']}'")
        if entry["unit"] not in known_units:
            errors.append(f"{where}, field unit: unknown DIR3 code '{entry['unit']}'")
        level = entry.get("digitisation_level", 0)
        if entry.get("target_level", max(level, 3)) < level:
            errors.append(f"{where}, field target_level: lower than digitisation_level")
        term = entry.get("max_term")
        if term and not term.get("exception_basis"):
            months = term["value"] if term["unit"] == UnidadPlazo.MESES else term["value"] / 22
            if months > 6:
                errors.append(
                    f"{where}, field max_term: more than six months needs exception_basis "
                    "(a law that sets it, Ley 39/2015 art. 21.2)"
                )
        for msg in tasa_errors(entry.get("tasa") or {}):  # the bracket order (docs/pagos.md)
            errors.append(f"{where}, field tasa: {msg}")
        if "form" in entry:
            for msg in form_definition_errors(
                entry["form"]["schema"], entry["form"].get("layout") or {}
            ):
                errors.append(f"{where}, field form: {msg}")
    return errors
