"""The catalogue as data: validate, import (idempotent, all or nothing) and export.

File format (YAML or JSON), documented in docs/catalogo.md::

    format: bilbao-sede-catalogo/1
    materias: [{slug, name_es, name_eu, name_eu_verified, order}]
    unidades: [{dir3, name_es, name_eu, kind, parent, is_example, name_eu_verified,
                sources, notes}]
    procedimientos: [{code, title_es, ..., guide: {...}, form: {schema, layout}}]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from jsonschema import Draft202012Validator

from identidad.constants import NivelGarantia, TipoUnidad
from identidad.models import Unidad
from identidad.validators import validate_dir3

from .constants import (
    Audiencia,
    Canal,
    EfectoSilencio,
    EstadoAdaptacion,
    EstadoFormulario,
    FormaInicio,
    Prioridad,
    TipoEscrito,
    UnidadPlazo,
)
from .forms_schema import form_definition_errors
from .models import Guia, Materia, Procedimiento, UnidadProcedencia
from .services import procedimiento_search_text, signature_required_for

FORMAT = "bilbao-sede-catalogo/1"

# libyaml's loader/dumper when available (ten times faster than pure Python).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

GUIDE_FIELDS = ["what", "who", "requirements", "steps", "terms"]
VERIFIED_KEYS = ["title_es", "title_eu", "unit", "term", "silence"]

_STR = {"type": "string"}
_SOURCE = {
    "type": "object",
    "required": ["url"],
    "additionalProperties": False,
    "properties": {"url": {"type": "string", "minLength": 8}, "note": _STR},
}

FILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "procedimientos"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT},
        "materias": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "name_es"],
                "additionalProperties": False,
                "properties": {
                    "slug": {"type": "string", "pattern": "^[a-z0-9-]{1,50}$"},
                    "name_es": {"type": "string", "minLength": 1, "maxLength": 120},
                    "name_eu": {"type": "string", "maxLength": 120},
                    "name_eu_verified": {"type": "boolean"},
                    "order": {"type": "integer", "minimum": 0},
                },
            },
        },
        "unidades": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["dir3", "name_es", "kind"],
                "additionalProperties": False,
                "properties": {
                    "dir3": {"type": "string"},
                    "name_es": {"type": "string", "minLength": 1, "maxLength": 200},
                    "name_eu": {"type": "string", "maxLength": 200},
                    "kind": {"enum": TipoUnidad.values},
                    "parent": {"type": ["string", "null"]},
                    "is_example": {"type": "boolean"},
                    "active": {"type": "boolean"},
                    "name_eu_verified": {"type": "boolean"},
                    "sources": {"type": "array", "items": _SOURCE},
                    "notes": _STR,
                },
            },
        },
        "procedimientos": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "title_es", "materia", "unit"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z0-9-]{1,60}$"},
                    "sia_code": {"type": "string", "maxLength": 80},
                    "title_es": {"type": "string", "minLength": 1, "maxLength": 250},
                    "title_eu": {"type": "string", "maxLength": 250},
                    "summary_es": _STR,
                    "summary_eu": _STR,
                    "materia": _STR,
                    "audience": {"enum": Audiencia.values},
                    "unit": _STR,
                    "start_mode": {"enum": FormaInicio.values},
                    "filing_kind": {"enum": TipoEscrito.values},
                    "max_term": {
                        "type": "object",
                        "required": ["value", "unit"],
                        "additionalProperties": False,
                        "properties": {
                            "value": {"type": "integer", "minimum": 0, "maximum": 400},
                            "unit": {"enum": UnidadPlazo.values},
                            "exception_basis": _STR,
                        },
                    },
                    "silence_effect": {"enum": EfectoSilencio.values},
                    "signature_required": {"type": "boolean"},
                    "min_identification_level": {"enum": NivelGarantia.values},
                    "channels": {
                        "type": "array",
                        "items": {"enum": Canal.values},
                        "uniqueItems": True,
                    },
                    "required_documents": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name_es"],
                            "additionalProperties": False,
                            "properties": {
                                "name_es": {"type": "string", "minLength": 1},
                                "name_eu": _STR,
                                "mandatory": {"type": "boolean"},
                            },
                        },
                    },
                    "fees": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["concept_es"],
                            "additionalProperties": False,
                            "properties": {
                                "concept_es": {"type": "string", "minLength": 1},
                                "concept_eu": _STR,
                                "amount_eur": {"type": ["number", "null"], "minimum": 0},
                            },
                        },
                    },
                    "legal_basis_es": _STR,
                    "legal_basis_eu": _STR,
                    "digitisation_level": {"type": "integer", "minimum": 0, "maximum": 4},
                    "target_level": {"type": "integer", "minimum": 0, "maximum": 4},
                    "priority": {"enum": Prioridad.values},
                    "adaptation_status": {"enum": EstadoAdaptacion.values},
                    "verified": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {k: {"type": "boolean"} for k in VERIFIED_KEYS},
                    },
                    "source_council": _STR,
                    "sources": {"type": "array", "items": _SOURCE},
                    "notes": _STR,
                    "is_example": {"type": "boolean"},
                    "active": {"type": "boolean"},
                    "guide": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            **{f"{f}_{lang}": _STR for f in GUIDE_FIELDS for lang in ("es", "eu")},
                            "eu_verified": {"type": "boolean"},
                            "faq": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["q_es", "a_es"],
                                    "additionalProperties": False,
                                    "properties": {
                                        k: _STR for k in ("q_es", "a_es", "q_eu", "a_eu")
                                    },
                                },
                            },
                        },
                    },
                    "form": {
                        "type": "object",
                        "required": ["schema"],
                        "additionalProperties": False,
                        "properties": {"schema": {"type": "object"}, "layout": {"type": "object"}},
                    },
                },
            },
        },
    },
}


class CatalogoImportError(Exception):
    """The file is invalid; ``errors`` names each entry and field. Nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


# --- reading ------------------------------------------------------------------------------


def load_file(path: str | Path) -> Any:
    """Parse a YAML or JSON catalogue file (by extension; YAML otherwise)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - safe loader
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise CatalogoImportError([f"{path.name}: cannot be parsed: {exc}"]) from exc


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
        if "form" in entry:
            for msg in form_definition_errors(
                entry["form"]["schema"], entry["form"].get("layout") or {}
            ):
                errors.append(f"{where}, field form: {msg}")
    return errors


# --- writing ------------------------------------------------------------------------------


def _procedure_values(entry: dict, materia: Materia, unit: Unidad) -> dict[str, Any]:
    term = entry.get("max_term") or {"value": 3, "unit": UnidadPlazo.MESES}  # CAT-1 default
    verified = entry.get("verified") or {}
    level = entry.get("digitisation_level", 0)
    filing_kind = entry.get("filing_kind", TipoEscrito.SOLICITUD)
    return {
        "sia_code": entry.get("sia_code", ""),
        "title_es": entry["title_es"],
        "title_eu": entry.get("title_eu", ""),
        "summary_es": entry.get("summary_es", ""),
        "summary_eu": entry.get("summary_eu", ""),
        "materia": materia,
        "audience": entry.get("audience", Audiencia.CIUDADANIA),
        "unit": unit,
        "start_mode": entry.get("start_mode", FormaInicio.SOLICITUD),
        "filing_kind": filing_kind,
        "max_term_value": term["value"],
        "max_term_unit": term["unit"],
        "max_term_exception_basis": term.get("exception_basis", ""),
        "silence_effect": entry.get("silence_effect", EfectoSilencio.ESTIMATORIO),
        "signature_required": entry.get("signature_required", signature_required_for(filing_kind)),
        "min_identification_level": entry.get("min_identification_level", NivelGarantia.SUSTANCIAL),
        "channels": entry.get("channels", []),
        "required_documents": entry.get("required_documents", []),
        "fees": entry.get("fees", []),
        "legal_basis_es": entry.get("legal_basis_es", ""),
        "legal_basis_eu": entry.get("legal_basis_eu", ""),
        "digitisation_level": level,
        "target_level": entry.get("target_level", max(level, 3)),
        "priority": entry.get("priority", Prioridad.NORMAL),
        "adaptation_status": entry.get("adaptation_status", EstadoAdaptacion.PENDIENTE),
        "title_es_verified": verified.get("title_es", False),
        "title_eu_verified": verified.get("title_eu", False),
        "unit_verified": verified.get("unit", False),
        "term_verified": verified.get("term", False),
        "silence_verified": verified.get("silence", False),
        "source_council": entry.get("source_council", ""),
        "sources": entry.get("sources", []),
        "notes": entry.get("notes", ""),
        "is_example": entry.get("is_example", False),
        "active": entry.get("active", True),
    }


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if isinstance(value, Materia | Unidad):
            if getattr(obj, f"{name}_id", None) != value.pk:
                setattr(obj, name, value)
                changed = True
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert(model, lookup: dict, values: dict, stats: dict, label: str):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup)
        _assign(obj, values)
        obj.full_clean()
        obj.save()
        stats[f"{label}_created"] += 1
    elif _assign(obj, values):
        obj.full_clean()
        obj.save()
        stats[f"{label}_updated"] += 1
    return obj


def catalogo_import(
    *, data: Any, progress: Callable[[Iterable], Iterable] | None = None
) -> dict[str, int]:
    """Validate then write the whole catalogue in one transaction; idempotent.

    Raises ``CatalogoImportError`` (nothing written) when any entry is invalid.
    Returns counters: created / updated per kind (an unchanged entry counts nowhere).
    """
    errors = catalogo_validate(data=data)
    if errors:
        raise CatalogoImportError(errors)
    stats: dict[str, int] = {
        f"{k}_{v}": 0
        for k in ("materias", "unidades", "procedimientos", "guias", "formularios")
        for v in ("created", "updated")
    }
    wrap = progress or (lambda items: items)
    try:
        with transaction.atomic():
            _write(data, stats, wrap)
    except ValidationError as exc:
        raise CatalogoImportError([str(m) for m in exc.messages]) from exc
    return stats


def _write(data: dict, stats: dict, wrap) -> None:
    materias = {}
    for m in data.get("materias", []):
        materias[m["slug"]] = _upsert(
            Materia,
            {"slug": m["slug"]},
            {
                "name_es": m["name_es"],
                "name_eu": m.get("name_eu", ""),
                "name_eu_verified": m.get("name_eu_verified", False),
                "order": m.get("order", 0),
            },
            stats,
            "materias",
        )
    units: dict[str, Unidad] = {}
    for u in data.get("unidades", []):
        parent = u.get("parent")
        parent_obj = units.get(parent) or (Unidad.objects.get(dir3=parent) if parent else None)
        unit = Unidad.objects.filter(dir3=u["dir3"]).first()
        values = {
            "name_es": u["name_es"],
            "name_eu": u.get("name_eu", ""),
            "kind": u["kind"],
            "is_example": u.get("is_example", False),
            "active": u.get("active", True),
        }
        created = unit is None
        if created:
            unit = Unidad(dir3=u["dir3"])
        changed = _assign(unit, values)
        if (unit.parent_id if not created else None) != (parent_obj.pk if parent_obj else None):
            unit.parent = parent_obj
            changed = True
        if created or changed:
            unit.full_clean()
            unit.save()
            stats["unidades_created" if created else "unidades_updated"] += 1
        units[u["dir3"]] = unit
        prov = UnidadProcedencia.objects.filter(unidad=unit).first() or UnidadProcedencia(
            unidad=unit
        )
        if (
            _assign(
                prov,
                {
                    "sources": u.get("sources", []),
                    "name_eu_verified": u.get("name_eu_verified", False),
                    "notes": u.get("notes", ""),
                },
            )
            or prov.pk is None
        ):
            prov.save()
    errors: list[str] = []
    for i, entry in enumerate(wrap(data["procedimientos"])):
        where = f"procedimiento '{entry['code']}' (#{i + 1})"
        materia = materias.get(entry["materia"]) or Materia.objects.get(slug=entry["materia"])
        unit = units.get(entry["unit"]) or Unidad.objects.get(dir3=entry["unit"])
        proc = Procedimiento.objects.filter(code=entry["code"]).first()
        created = proc is None
        if created:
            proc = Procedimiento(code=entry["code"])
        changed = _assign(proc, _procedure_values(entry, materia, unit))
        search_text = procedimiento_search_text(proc)
        if proc.search_text != search_text:
            proc.search_text = search_text
            changed = True
        if created or changed:
            try:
                proc.full_clean()
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    errors.extend(f"{where}, field {field}: {m}" for m in msgs)
                continue
            proc.save()
            stats["procedimientos_created" if created else "procedimientos_updated"] += 1
        _write_guide(proc, entry.get("guide"), stats)
        if "form" in entry:
            _write_form(proc, entry["form"], stats)
    if errors:
        raise ValidationError(errors)


def _write_guide(proc: Procedimiento, guide: dict | None, stats: dict) -> None:
    existing = Guia.objects.filter(procedimiento=proc).first()
    if guide is None:
        return
    values = {
        f"{f}_{lang}": guide.get(f"{f}_{lang}", "") for f in GUIDE_FIELDS for lang in ["es", "eu"]
    }
    values["faq"] = guide.get("faq", [])
    values["eu_verified"] = guide.get("eu_verified", False)
    if existing is None:
        Guia.objects.create(procedimiento=proc, **values)
        stats["guias_created"] += 1
    elif _assign(existing, values):
        existing.save()
        stats["guias_updated"] += 1


def _write_form(proc: Procedimiento, form: dict, stats: dict) -> None:
    """Publish the file's form unless the published version already has it (new version)."""
    schema, layout = form["schema"], form.get("layout") or {}
    current = proc.formularios.filter(status=EstadoFormulario.PUBLICADO).first()
    if current is not None and current.schema == schema and current.layout == layout:
        return
    from .services import formulario_create_draft, formulario_publish

    draft = formulario_create_draft(procedimiento=proc, schema=schema, layout=layout)
    formulario_publish(formulario=draft, by=None)
    stats["formularios_created" if current is None else "formularios_updated"] += 1


# --- export -------------------------------------------------------------------------------


def _unit_entry(unit: Unidad) -> dict[str, Any]:
    prov = getattr(unit, "procedencia", None)
    entry: dict[str, Any] = {
        "dir3": unit.dir3,
        "name_es": unit.name_es,
        "name_eu": unit.name_eu,
        "kind": unit.kind,
        "parent": unit.parent.dir3 if unit.parent_id else None,
        "is_example": unit.is_example,
        "active": unit.active,
    }
    entry.update(
        name_eu_verified=prov.name_eu_verified if prov else False,
        sources=prov.sources if prov else [],
        notes=prov.notes if prov else "",
    )
    return entry


def _procedure_entry(p: Procedimiento) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": p.code,
        "sia_code": p.sia_code,
        "title_es": p.title_es,
        "title_eu": p.title_eu,
        "summary_es": p.summary_es,
        "summary_eu": p.summary_eu,
        "materia": p.materia.slug,
        "audience": p.audience,
        "unit": p.unit.dir3,
        "start_mode": p.start_mode,
        "filing_kind": p.filing_kind,
        "max_term": {"value": p.max_term_value, "unit": p.max_term_unit},
        "silence_effect": p.silence_effect,
        "signature_required": p.signature_required,
        "min_identification_level": p.min_identification_level,
        "channels": p.channels,
        "required_documents": p.required_documents,
        "fees": p.fees,
        "legal_basis_es": p.legal_basis_es,
        "legal_basis_eu": p.legal_basis_eu,
        "digitisation_level": p.digitisation_level,
        "target_level": p.target_level,
        "priority": p.priority,
        "adaptation_status": p.adaptation_status,
        "verified": {
            "title_es": p.title_es_verified,
            "title_eu": p.title_eu_verified,
            "unit": p.unit_verified,
            "term": p.term_verified,
            "silence": p.silence_verified,
        },
        "source_council": p.source_council,
        "sources": p.sources,
        "notes": p.notes,
        "is_example": p.is_example,
        "active": p.active,
    }
    if p.max_term_exception_basis:
        entry["max_term"]["exception_basis"] = p.max_term_exception_basis
    guia = getattr(p, "guia", None)
    if guia is not None:
        entry["guide"] = {
            **{
                f"{f}_{lang}": getattr(guia, f"{f}_{lang}")
                for f in GUIDE_FIELDS
                for lang in ("es", "eu")
            },
            "faq": guia.faq,
            "eu_verified": guia.eu_verified,
        }
    published = [f for f in p.formularios.all() if f.status == EstadoFormulario.PUBLICADO]
    if published:
        entry["form"] = {"schema": published[0].schema, "layout": published[0].layout}
    return entry


def catalogo_export(*, include_examples: bool = True) -> dict[str, Any]:
    """The whole catalogue as a dict ready for YAML/JSON (stable order)."""
    procs = (
        Procedimiento.objects.select_related("materia", "unit", "guia")
        .prefetch_related("formularios")
        .order_by("code")
    )
    if not include_examples:
        procs = procs.filter(is_example=False)
    procs = list(procs)
    dir3s: set[str] = set()
    for p in procs:
        unit: Unidad | None = p.unit
        while unit is not None and unit.dir3 not in dir3s:
            dir3s.add(unit.dir3)
            unit = unit.parent
    units = {
        u.dir3: u
        for u in Unidad.objects.filter(dir3__in=dir3s).select_related("parent", "procedencia")
    }
    ordered: list[Unidad] = []

    def visit(u: Unidad) -> None:
        if u in ordered:
            return
        if u.parent_id and u.parent.dir3 in units:
            visit(units[u.parent.dir3])
        ordered.append(u)

    for dir3 in sorted(units):
        visit(units[dir3])
    materia_ids = {p.materia_id for p in procs}
    return {
        "format": FORMAT,
        "materias": [
            {
                "slug": m.slug,
                "name_es": m.name_es,
                "name_eu": m.name_eu,
                "name_eu_verified": m.name_eu_verified,
                "order": m.order,
            }
            for m in Materia.objects.filter(pk__in=materia_ids).order_by("order", "slug")
        ],
        "unidades": [_unit_entry(u) for u in ordered],
        "procedimientos": [_procedure_entry(p) for p in procs],
    }


def dump(data: dict, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
