"""The catalogue file format: its JSON Schema, reading and writing YAML/JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from identidad.constants import NivelGarantia, TipoUnidad

from ..constants import (
    Audiencia,
    Canal,
    EfectoSilencio,
    EstadoAdaptacion,
    FormaInicio,
    Prioridad,
    TipoEscrito,
    UnidadPlazo,
)
from ..tasas import TASA_SCHEMA

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
                    "tasa": TASA_SCHEMA,
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
                        "properties": {
                            "version": {"type": "integer", "minimum": 1},
                            "schema": {"type": "object"},
                            "layout": {"type": "object"},
                            "history": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["accion", "at"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "accion": {"type": "string"},
                                        "at": {"type": "string"},
                                        "by": {"type": "string"},
                                        "comment": {"type": "string"},
                                    },
                                },
                            },
                        },
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


def dump(data: dict, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
