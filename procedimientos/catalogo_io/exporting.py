"""Export: the whole catalogue as a dict ready for YAML/JSON, in a stable order."""

from __future__ import annotations

from typing import Any

from identidad.models import Unidad

from ..constants import EstadoFormulario
from ..formularios.versiones import historial_exportable
from ..models import Materia, Procedimiento
from .fileformat import FORMAT, GUIDE_FIELDS

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
    if p.tasa:  # the online fee rule (docs/pagos.md); absent when nothing is paid online
        entry["tasa"] = p.tasa
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
        form = published[0]
        entry["form"] = {"version": form.version, "schema": form.schema, "layout": form.layout}
        history = historial_exportable(form)
        if history:
            entry["form"]["history"] = history
    return entry


def catalogo_export(*, include_examples: bool = True) -> dict[str, Any]:
    """The whole catalogue as a dict ready for YAML/JSON (stable order)."""
    procs = (
        Procedimiento.objects.select_related("materia", "unit", "guia")
        .prefetch_related("formularios", "formularios__historial")
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
