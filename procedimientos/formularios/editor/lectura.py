"""Reading a form definition, and judging it in plain words (``check``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...forms_schema import form_definition_errors
from .. import validadores

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEXT_MAX = 250  # beyond this the engine renders a textarea

KINDS: dict[str, Any] = {
    "text": gettext_lazy("Texto corto"),
    "textarea": gettext_lazy("Texto largo"),
    "number": gettext_lazy("Número (con decimales)"),
    "integer": gettext_lazy("Número entero"),
    "date": gettext_lazy("Fecha"),
    "email": gettext_lazy("Correo electrónico"),
    "choice": gettext_lazy("Elegir una opción"),
    "multichoice": gettext_lazy("Elegir varias opciones"),
    "boolean": gettext_lazy("Sí / No (casilla)"),
    "file": gettext_lazy("Documentos adjuntos"),
}
# JSON Schema keywords a validator's parameter may name directly.
NUMERIC_KEYWORDS = {
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
}
STRING_KEYWORDS = {"pattern"}

Def = tuple[dict[str, Any], dict[str, Any]]


class EdicionInvalida(Exception):  # noqa: N818 - domain name
    """An edit the builder refuses; ``messages`` are plain es/eu sentences."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = [str(m) for m in messages]


@dataclass
class Campo:
    """A field as the editor asks for it."""

    key: str
    kind: str
    title_es: str
    title_eu: str
    help_es: str = ""
    help_eu: str = ""
    required: bool = False
    options: Sequence[tuple[str, str, str]] = field(default_factory=tuple)  # value, es, eu
    max_length: int | None = None


# --- Reading a definition -------------------------------------------------------------------


def empty() -> Def:
    """A form with nothing in it yet (valid: no layout means no steps to show)."""
    return {"$schema": SCHEMA_URI, "type": "object", "properties": {}}, {}


def parts(pointer: str) -> list[str]:
    return [p for p in pointer.strip("/").split("/") if p]


def node_at(schema: dict, pointer: str) -> dict | None:
    """The property schema at a data pointer (through arrays' items)."""
    node: Any = schema
    for part in parts(pointer):
        if not isinstance(node, dict):
            return None
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
        node = (node.get("properties") or {}).get(part)
    return node if isinstance(node, dict) else None


def parent_of(schema: dict, pointer: str) -> tuple[dict, str]:
    """(the object schema holding the property, the property's key)."""
    keys = parts(pointer)
    parent = schema if len(keys) == 1 else node_at(schema, "/" + "/".join(keys[:-1]))
    if parent is not None and parent.get("type") == "array":
        parent = parent.get("items")
    if not isinstance(parent, dict) or keys[-1] not in (parent.get("properties") or {}):
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    return parent, keys[-1]


def kind_of(node: dict) -> str:
    """The field's kind, as the citizen engine will render it (sede.filing.engine)."""
    t = node.get("type")
    if "contentMediaType" in node or (
        t == "array" and "contentMediaType" in str(node.get("items", {}))
    ):
        return "file"
    if t == "boolean":
        return "boolean"
    if t == "array":
        return "multichoice"
    if "enum" in node:
        return "choice"
    if t in ("number", "integer"):
        return t
    if node.get("format") in ("date", "email"):
        return node["format"]
    if (node.get("maxLength") or 0) > TEXT_MAX:
        return "textarea"
    return "text"


def family(kind: str) -> set[str]:
    return {
        "text": {"text", "string"},
        "textarea": {"textarea", "string"},
        "email": {"email", "string"},
        "date": {"date"},
        "number": {"number"},
        "integer": {"integer", "number"},
        "choice": {"choice", "string"},
        "multichoice": {"multichoice", "array"},
        "boolean": {"boolean"},
        "file": {"file"},
    }.get(kind, {kind})


def _fieldset_base(fs: dict) -> str:
    return fs["repeat"]["path"] if fs.get("repeat") else ""


def steps(layout: dict) -> list[dict]:
    return list((layout or {}).get("steps") or [])


def field_pointers(layout: dict, *, repeats: bool = False) -> list[str]:
    """Absolute pointers of the fields the layout shows (outside repeatable groups unless
    ``repeats``), in order."""
    out: list[str] = []
    for step in steps(layout):
        for fs in step["fieldsets"]:
            if fs.get("repeat") and not repeats:
                continue
            out.extend(_fieldset_base(fs) + p for p in fs["fields"])
    return out


def validators_on(node: dict) -> list[str]:
    """The ids of the registered validators written into a property."""
    found = []
    for v in validadores.VALIDADORES.values():
        if v.keyword == "x-rules" or not v.kinds:
            continue
        if v.keyword in ("format", "x-format"):
            if node.get(v.keyword) == v.id:
                found.append(v.id)
        elif v.keyword == "x-date" or not v.params:
            if v.keyword in node:
                found.append(v.id)
        elif all(
            (p if p in NUMERIC_KEYWORDS | STRING_KEYWORDS else v.keyword) in node for p in v.params
        ):
            found.append(v.id)
    return found


def required_if(schema: dict, pointer: str) -> tuple[str, list] | None:
    """(controlling pointer, values) of a required-if rule on ``pointer``."""
    parent, key = parent_of(schema, pointer)
    for entry in parent.get("allOf") or []:
        cond = (entry.get("if") or {}).get("properties") or {}
        if key in ((entry.get("then") or {}).get("required") or []) and len(cond) == 1:
            ((ctrl, rule),) = cond.items()
            values = [rule["const"]] if "const" in rule else list(rule.get("enum") or [])
            base = "/".join(parts(pointer)[:-1])
            return (f"/{base}/{ctrl}" if base else f"/{ctrl}"), values
    return None


def outline(schema: dict, layout: dict) -> list[dict]:
    """The definition as the builder page lists it: steps → fieldsets → fields."""
    out = []
    for step in steps(layout):
        fieldsets = []
        for fs in step["fieldsets"]:
            base = _fieldset_base(fs)
            fields = []
            for pointer in fs["fields"]:
                absolute = base + pointer
                node = node_at(schema, absolute) or {}
                fields.append(
                    {
                        "target": f"field:{step['id']}/{fs['id']}{pointer}",
                        "pointer": pointer,
                        "absolute": absolute,
                        "key": parts(pointer)[-1],
                        "title_es": node.get("title", ""),
                        "title_eu": node.get("x-title-eu", ""),
                        "help_es": node.get("description", ""),
                        "help_eu": node.get("x-description-eu", ""),
                        "kind": kind_of(node),
                        "kind_label": KINDS.get(kind_of(node), ""),
                        "required": _is_required(schema, absolute),
                        "required_if": None if base else required_if(schema, absolute),
                        "validators": validators_on(node),
                        "prefill": node.get("x-prefill"),
                        "block": node.get("x-block", ""),
                        "editable": not base,
                    }
                )
            fieldsets.append(
                {
                    **fs,
                    "target": f"fieldset:{step['id']}/{fs['id']}",
                    "field_rows": fields,
                }
            )
        out.append({**step, "target": f"step:{step['id']}", "fieldset_rows": fieldsets})
    return out


def _is_required(schema: dict, pointer: str) -> bool:
    try:
        parent, key = parent_of(schema, pointer)
    except EdicionInvalida:
        return False
    return key in (parent.get("required") or [])


# --- Checking ---------------------------------------------------------------------------------

_FIELD_MISSING = re.compile(r"^layout (\S+)/(\S+): field (\S+) is not in the schema$")
_COND_MISSING = re.compile(r"^layout (\S+)/(\S+): condition field (\S+) is not in the schema$")
_REPEAT = re.compile(r"^layout (\S+)/(\S+): repeat.path (\S+) is not an array")


def check(schema: Any, layout: Any) -> list[str]:
    """``form_definition_errors`` in plain words (es/eu); empty when the form is valid."""
    out = []
    for error in form_definition_errors(schema, layout):
        if m := _FIELD_MISSING.match(error):
            out.append(
                _(
                    "El apartado «%(apartado)s» (paso «%(paso)s») muestra el campo %(campo)s, "
                    "que no existe en el formulario."
                )
                % {"paso": m[1], "apartado": m[2], "campo": m[3]}
            )
        elif m := _COND_MISSING.match(error):
            out.append(
                _(
                    "La condición del apartado «%(apartado)s» (paso «%(paso)s») depende del "
                    "campo %(campo)s, que no existe en el formulario."
                )
                % {"paso": m[1], "apartado": m[2], "campo": m[3]}
            )
        elif m := _REPEAT.match(error):
            out.append(
                _(
                    "El grupo repetible del apartado «%(apartado)s» apunta a %(campo)s, que no "
                    "es una lista."
                )
                % {"apartado": m[2], "campo": m[3]}
            )
        elif error.startswith("layout"):
            out.append(
                _(
                    "La disposición en pasos y apartados no es válida (%(detalle)s). Cada paso "
                    "y cada apartado necesitan un título en castellano y en euskera y al menos "
                    "un campo."
                )
                % {"detalle": error}
            )
        else:
            out.append(
                _("El esquema del formulario no es válido (%(detalle)s).") % {"detalle": error}
            )
    return out
