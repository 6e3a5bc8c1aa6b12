"""The specific forms of the starter catalogue built from blocks (issue 16, item 6).

Each form is data, in ``procedimientos/data/formularios/*.yaml`` (a list of forms per file):
its own steps — fieldsets that are either a block (``block: <id>``, ``key: <property>``) or
plain fields (``fields: {name: <JSON Schema>}``, ``required: [...]``) — form-level required-if
rules (``allOf``), cross-field rules (``x-rules``) and one realistic filled example
(``ejemplo``). :func:`build` adds what every application carries (CAT-4): the applicant and an
optional representative first, then the attachments, the notification channel and the
truthfulness declaration. The result is the one form format (JSON Schema + layout) that
``catalogo_import`` publishes and the citizen engine renders.

:func:`merge_into` puts the forms into a catalogue dict (the starter catalogue in the demo:
``procedimientos.demo.starter_catalogue``), so they travel the same path as the forms written
in ``catalogo.yaml``.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import yaml

from ..constants import NivelDigitalizacion
from .bloques import expand

DIR = Path(__file__).resolve().parent.parent / "data" / "formularios"
SCHEMA_BASE = "https://sede.bilbao.eus/formularios"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _specs() -> tuple[dict, ...]:
    out: list[dict] = []
    for path in sorted(DIR.glob("*.yaml")):
        out.extend(yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or [])  # noqa: S506
    return tuple(out)


def especificos() -> list[dict]:
    """Every specific form's definition as written in the data files (copies)."""
    return copy.deepcopy(list(_specs()))


def codes() -> list[str]:
    return [s["code"] for s in _specs()]


def _add_block(
    schema: dict, fieldsets: list, block: str, key: str, fs_spec: dict | None = None
) -> None:
    fs_spec = fs_spec or {}
    prop, required, fieldset = expand(block, key)
    schema["properties"][key] = prop
    if fs_spec.get("required", True):
        schema["required"].extend(r for r in required if r not in schema["required"])
    for k in ("legend_es", "legend_eu", "help_es", "help_eu", "condition"):
        if k in fs_spec:
            fieldset[k] = fs_spec[k]
    if "id" in fs_spec:
        fieldset["id"] = fs_spec["id"]
    fieldsets.append(fieldset)


def _step(step_id: str, title_es: str, title_eu: str) -> dict:
    return {"id": step_id, "title_es": title_es, "title_eu": title_eu, "fieldsets": []}


def build(spec: dict) -> dict[str, Any]:
    """A form definition ``{"schema", "layout"}`` from its data."""
    code = spec["code"]
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{code}/schema.json",
        "title": spec["title_es"],
        "x-title-eu": spec["title_eu"],
        "type": "object",
        "required": [],
        "properties": {},
        "additionalProperties": False,
    }
    all_of: list[dict] = []
    steps: list[dict] = []

    first = _step("solicitante", "Persona solicitante", "Eskatzailea")
    _add_block(schema, first["fieldsets"], "solicitante", "solicitante")
    if spec.get("representante", True):
        schema["properties"]["actua_por_representante"] = {
            "type": "boolean",
            "default": False,
            "title": "Actúo en representación de otra persona",
            "x-title-eu": "Beste pertsona baten ordez ari naiz",
        }
        first["fieldsets"].append(
            {
                "id": "representacion",
                "legend_es": "Representación",
                "legend_eu": "Ordezkaritza",
                "fields": ["/actua_por_representante"],
            }
        )
        _add_block(
            schema,
            first["fieldsets"],
            "representante",
            "representante",
            {"condition": {"field": "/actua_por_representante", "equals": True}},
        )
        all_of.append(
            {
                "if": {
                    "properties": {"actua_por_representante": {"const": True}},
                    "required": ["actua_por_representante"],
                },
                "then": {"required": ["representante"]},
            }
        )
    steps.append(first)

    for step_spec in spec["steps"]:
        step = _step(step_spec["id"], step_spec["title_es"], step_spec["title_eu"])
        if "condition" in step_spec:
            step["condition"] = step_spec["condition"]
        for fs_spec in step_spec["fieldsets"]:
            if "block" in fs_spec:
                _add_block(schema, step["fieldsets"], fs_spec["block"], fs_spec["key"], fs_spec)
                continue
            fieldset = {
                k: fs_spec[k]
                for k in ("id", "legend_es", "legend_eu", "help_es", "help_eu", "condition")
                if k in fs_spec
            }
            fieldset["fields"] = [f"/{name}" for name in fs_spec["fields"]]
            for name, prop in fs_spec["fields"].items():
                if name in schema["properties"]:
                    raise ValueError(f"{code}: property {name} defined twice")
                schema["properties"][name] = prop
            schema["required"].extend(fs_spec.get("required", []))
            step["fieldsets"].append(fieldset)
        steps.append(step)

    if spec.get("documentos", True):
        docs = _step("documentos", "Documentación", "Agiriak")
        _add_block(schema, docs["fieldsets"], "adjuntos", "documentos")
        steps.append(docs)
    notif = _step("notificacion", "Notificaciones", "Jakinarazpenak")
    _add_block(schema, notif["fieldsets"], "notificacion", "notificacion")
    steps.append(notif)
    schema["properties"]["declaracion"] = {
        "type": "boolean",
        "const": True,
        "title": "Declaro que los datos de esta solicitud son ciertos",
        "x-title-eu": "Eskaera honetako datuak egiazkoak direla adierazten dut",
    }
    schema["required"].append("declaracion")
    steps.append(
        {
            "id": "confirmar",
            "title_es": "Declaración",
            "title_eu": "Adierazpena",
            "fieldsets": [
                {
                    "id": "declaracion",
                    "legend_es": "Declaración",
                    "legend_eu": "Adierazpena",
                    "fields": ["/declaracion"],
                }
            ],
        }
    )
    all_of.extend(spec.get("allOf", []))
    if all_of:
        schema["allOf"] = all_of
    if spec.get("x-rules"):
        schema["x-rules"] = spec["x-rules"]
    return {"schema": schema, "layout": {"steps": steps}}


def ejemplo(spec: dict) -> dict[str, Any]:
    """The form's realistic filled example: its own answers plus an applicant, the channel and
    the declaration (a company for procedures addressed to companies)."""
    data: dict[str, Any] = {
        "solicitante": {
            "tipo_persona": "fisica",
            "nif": "12345678Z",
            "nombre": "Miren",
            "apellido1": "Etxeberria",
            "apellido2": "Goikoetxea",
            "telefono": "944 204 200",
        },
        "notificacion": {"canal": "electronica", "email": "miren@example.org"},
        "declaracion": True,
    }
    if spec.get("documentos", True):
        data["documentos"] = [{"tipo": "Documento de identidad", "fichero": "sha256:" + "0" * 64}]
    data.update(copy.deepcopy(spec.get("ejemplo", {})))
    return _dates(data)


def _dates(node: Any) -> Any:
    """``"@hoy+30"`` / ``"@hoy-3650"`` in an example → that date (days from today), so the
    example stays valid whatever today's date is."""
    if isinstance(node, dict):
        return {k: _dates(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_dates(v) for v in node]
    if isinstance(node, str) and node.startswith("@hoy"):
        from django.utils import timezone

        return (timezone.localdate() + dt.timedelta(days=int(node[4:] or 0))).isoformat()
    return node


def merge_into(catalogue: dict) -> dict:
    """Put the specific forms into a catalogue dict (in place; returned for chaining).

    A procedure that now has its own form is declared at least at level 3 (specific electronic
    form), so the sede offers it online; the derived level (``indicadores.nivel_derivado``) is
    computed from the published form anyway. A procedure that already has a form in the
    catalogue keeps it (a data error here is loud: ValueError)."""
    by_code = {p["code"]: p for p in catalogue.get("procedimientos", [])}
    for spec in _specs():
        entry = by_code.get(spec["code"])
        if entry is None:
            continue
        if "form" in entry:
            raise ValueError(f"{spec['code']}: the catalogue already has a form for it")
        entry["form"] = build(spec)
        level = max(entry.get("digitisation_level", 0), NivelDigitalizacion.FORMULARIO_ESPECIFICO)
        entry["digitisation_level"] = int(level)
        entry["target_level"] = max(entry.get("target_level", level), int(level))
    return catalogue
