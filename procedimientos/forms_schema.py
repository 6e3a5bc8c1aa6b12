"""Validation of form definitions: JSON Schema draft 2020-12 plus our layout format.

Layout (documented in docs/catalogo.md)::

    {"steps": [{"id": "solicitante", "title_es": "...", "title_eu": "...",
                "fieldsets": [{"id": "...", "legend_es": "...", "legend_eu": "...",
                               "fields": ["/nombre", "/domicilio/calle"],
                               "condition": {"field": "/tipo", "equals": "juridica"},
                               "repeat": {"path": "/miembros", "min": 0, "max": 10}}]}]}

``fields`` are JSON Pointers into the schema's properties (inside a repeatable group,
relative to the array item). ``condition`` shows the fieldset only when the field has the
value (``equals``) or one of the values (``in``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from .formularios.comprobacion import validator_errors

_TEXT = {"type": "string", "minLength": 1}
_POINTER = {"type": "string", "pattern": "^(/[A-Za-z0-9_]+)+$"}

LAYOUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["steps"],
    "additionalProperties": False,
    "properties": {
        "steps": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "title_es", "title_eu", "fieldsets"],
                "additionalProperties": False,
                "properties": {
                    "id": _TEXT,
                    "title_es": _TEXT,
                    "title_eu": _TEXT,
                    "condition": {"$ref": "#/$defs/condition"},
                    "fieldsets": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["id", "legend_es", "legend_eu", "fields"],
                            "additionalProperties": False,
                            "properties": {
                                "id": _TEXT,
                                "legend_es": _TEXT,
                                "legend_eu": _TEXT,
                                "help_es": {"type": "string"},
                                "help_eu": {"type": "string"},
                                "fields": {"type": "array", "minItems": 1, "items": _POINTER},
                                "condition": {"$ref": "#/$defs/condition"},
                                "repeat": {
                                    "type": "object",
                                    "required": ["path"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "path": _POINTER,
                                        "min": {"type": "integer", "minimum": 0},
                                        "max": {"type": "integer", "minimum": 1},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }
    },
    "$defs": {
        "condition": {
            "type": "object",
            "required": ["field"],
            "additionalProperties": False,
            "properties": {
                "field": _POINTER,
                "equals": {},
                "in": {"type": "array", "minItems": 1},
            },
            "oneOf": [{"required": ["equals"]}, {"required": ["in"]}],
        }
    },
}


def _resolve(schema: dict, pointer: str) -> dict | None:
    """The subschema that a data pointer such as ``/domicilio/calle`` designates."""
    node: dict | None = schema
    for part in pointer.strip("/").split("/"):
        if node is None:
            return None
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
        node = (node.get("properties") or {}).get(part)
    return node


_CHECKED: dict[str, tuple[str, ...]] = {}


def form_definition_errors(schema: Any, layout: Any) -> list[str]:
    """Every problem of a form definition, as readable messages; empty when valid.

    The metaschema check is slow (~0.1 s per schema), so verdicts are memoised per process
    by the definition's canonical JSON (definitions are immutable values).
    """
    try:
        key = hashlib.sha256(
            json.dumps([schema, layout], sort_keys=True, default=str).encode()
        ).hexdigest()
    except (TypeError, ValueError):
        return list(_form_definition_errors(schema, layout))
    if key not in _CHECKED:
        if len(_CHECKED) > 1000:
            _CHECKED.clear()
        _CHECKED[key] = tuple(_form_definition_errors(schema, layout))
    return list(_CHECKED[key])


def _form_definition_errors(schema: Any, layout: Any) -> list[str]:
    errors: list[str] = []
    if not isinstance(schema, dict):
        return ["schema: must be a JSON object"]
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        errors.append("schema.$schema: must be https://json-schema.org/draft/2020-12/schema")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        errors.append(f"schema: {exc.message} (at /{'/'.join(map(str, exc.path))})")
        return errors
    if schema.get("type") != "object":
        errors.append("schema.type: a form is an object")
    errors += validator_errors(schema)
    if not layout:
        return errors
    validator = Draft202012Validator(LAYOUT_SCHEMA)
    layout_errors = sorted(validator.iter_errors(layout), key=lambda e: list(e.path))
    for err in layout_errors:
        errors.append(f"layout/{'/'.join(map(str, err.path))}: {err.message}")
    if layout_errors:
        return errors
    for step in layout["steps"]:
        for fs in step["fieldsets"]:
            base = ""
            if "repeat" in fs:
                target = _resolve(schema, fs["repeat"]["path"])
                if not target or target.get("type") != "array":
                    errors.append(
                        f"layout {step['id']}/{fs['id']}: repeat.path "
                        f"{fs['repeat']['path']} is not an array in the schema"
                    )
                    continue
                base = fs["repeat"]["path"]
            for pointer in fs["fields"]:
                if _resolve(schema, base + pointer) is None:
                    errors.append(
                        f"layout {step['id']}/{fs['id']}: field {pointer} is not in the schema"
                    )
            for holder in (step, fs):
                cond = holder.get("condition")
                if cond and _resolve(schema, cond["field"]) is None:
                    errors.append(
                        f"layout {step['id']}/{fs['id']}: condition field {cond['field']} "
                        "is not in the schema"
                    )
    return errors


def validate_submission(schema: dict, data: Any) -> list[str]:
    """Errors of a submission against a published schema (for the future form engine)."""
    validator = Draft202012Validator(schema)
    return [
        f"/{'/'.join(map(str, e.path))}: {e.message}"
        for e in sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    ]


__all__ = ["LAYOUT_SCHEMA", "ValidationError", "form_definition_errors", "validate_submission"]
