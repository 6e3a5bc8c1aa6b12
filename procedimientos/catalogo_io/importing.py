"""Import: validate, then write everything in one transaction; idempotent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from identidad.constants import NivelGarantia
from identidad.models import Unidad

from ..constants import (
    Audiencia,
    EfectoSilencio,
    EstadoAdaptacion,
    EstadoFormulario,
    FormaInicio,
    Prioridad,
    TipoEscrito,
    UnidadPlazo,
)
from ..formularios.versiones import version_import
from ..models import Guia, Materia, Procedimiento, UnidadProcedencia
from ..services import procedimiento_search_text, signature_required_for
from .fileformat import GUIDE_FIELDS, CatalogoImportError
from .validation import catalogo_validate

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
        "tasa": entry.get("tasa", {}),
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
    *,
    data: Any,
    progress: Callable[[Iterable], Iterable] | None = None,
    migrar_borradores: bool = False,
) -> dict[str, int]:
    """Validate then write the whole catalogue in one transaction; idempotent.

    A changed form is published as a new version; if it would break citizens' drafts in
    progress the import is refused (nothing written) unless ``migrar_borradores``.

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
            _write(data, stats, wrap, migrar_borradores)
    except ValidationError as exc:
        raise CatalogoImportError([str(m) for m in exc.messages]) from exc
    return stats


def _write(data: dict, stats: dict, wrap, migrar_borradores: bool = False) -> None:
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
            _write_form(proc, entry["form"], stats, migrar_borradores)
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


def _write_form(proc: Procedimiento, form: dict, stats: dict, migrar_borradores: bool) -> None:
    """Publish the file's form unless the published version already has it (new version,
    numbered as in the file when possible, with the file's review history kept). A form that
    would break citizens' drafts in progress is refused unless ``migrar_borradores``."""
    schema, layout = form["schema"], form.get("layout") or {}
    current = proc.formularios.filter(status=EstadoFormulario.PUBLICADO).first()
    if current is not None and current.schema == schema and current.layout == layout:
        return
    version_import(
        procedimiento=proc,
        schema=schema,
        layout=layout,
        numero=form.get("version"),
        historial=form.get("history"),
        migrar_borradores=migrar_borradores,
    )
    stats["formularios_created" if current is None else "formularios_updated"] += 1
