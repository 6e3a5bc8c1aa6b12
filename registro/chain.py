"""The hash chain of the registry: one place that defines what an asiento's hash covers.

Each asiento's ``hash`` is SHA-256 over the previous asiento's hash (same year and
direction), its number, its instants and a digest of its content (every registered field,
every party and every document's SHA-256). ``manage.py registro_verify`` recomputes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def content_digest(
    *, fields: dict[str, Any], partes: Iterable[dict[str, Any]], documentos: Iterable[dict]
) -> str:
    """Digest of everything registered except the number and the instants."""
    canonical = json.dumps(
        {"f": fields, "p": list(partes), "d": list(documentos)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_hash(
    *, prev_hash: str, numero: str, presented_at: datetime, effective_at: datetime, digest: str
) -> str:
    text = "\n".join((prev_hash, numero, _instant(presented_at), _instant(effective_at), digest))
    return hashlib.sha256(text.encode()).hexdigest()


def asiento_fields(a) -> dict[str, Any]:
    """The hashed scalar fields of an ``Asiento`` (or of the values about to be inserted)."""
    return {
        "year": a.year,
        "direction": a.direction,
        "oficina": a.oficina_id,
        "canal": a.canal,
        "origen": a.unidad_origen_id,
        "destino": a.unidad_destino_id,
        "unidad": a.unidad_id,
        "resumen": a.resumen,
        "expone": a.expone,
        "solicita": a.solicita,
        "procedimiento": a.procedimiento_id,
        "formulario": a.formulario_id,
        "fisica": a.documentacion_fisica,
        "representacion_id": a.representacion_id,
        "representacion": a.representacion,
        "idioma": a.idioma,
        "registrado_por": a.registrado_por_id,
    }


def parte_fields(p) -> dict[str, Any]:
    return {
        "rol": p.rol,
        "orden": p.orden,
        "interesado": p.interesado_id,
        "nif": p.nif,
        "nombre": p.nombre,
    }


def documento_fields(d) -> dict[str, Any]:
    return {
        "orden": d.orden,
        "nombre": d.nombre,
        "mime": d.mime,
        "size": d.size,
        "sha256": d.sha256,
        "tipo": d.tipo_anexo,
        "validez": d.validez,
        "ppi": d.resolution_ppi,
    }


def asiento_digest(asiento, partes, documentos) -> str:
    return content_digest(
        fields=asiento_fields(asiento),
        partes=[parte_fields(p) for p in partes],
        documentos=[documento_fields(d) for d in documentos],
    )
