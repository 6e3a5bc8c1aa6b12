"""The form builder's edit operations (issue 16): pure functions over the one form format.

Each operation takes a form definition — ``(schema, layout)``, the JSON Schema draft 2020-12
and the layout of ``procedimientos.forms_schema`` — plus its arguments, and returns a NEW pair
(the inputs are never changed). A request the operation cannot honour raises
:class:`EdicionInvalida` with plain es/eu messages; :func:`check` then judges the result with
``form_definition_errors`` (the same judge as the catalogue import and the admin), so nothing
invalid reaches the database (``services.formulario_builder_apply``).

Targets name the layout's pieces: ``"step:<step>"``, ``"fieldset:<step>/<fieldset>"`` and
``"field:<step>/<fieldset><pointer>"`` (the field pointer as the layout writes it, e.g.
``field:solicitud/datos/asunto``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..forms_schema import form_definition_errors
from . import bloques, prefill, validadores

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


def _family(kind: str) -> set[str]:
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


# --- Helpers of the operations -----------------------------------------------------------------


def _copy(schema: dict, layout: dict) -> Def:
    schema = copy.deepcopy(schema) if schema else empty()[0]
    layout = copy.deepcopy(layout) if layout else {}
    schema.setdefault("properties", {})
    return schema, layout


def _text(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise EdicionInvalida(_("Escriba %(que)s.") % {"que": label})
    return value


def _unique_id(title: str, taken: Iterable[str], fallback: str) -> str:
    base = slugify(title)[:40].strip("-") or fallback
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _step(layout: dict, step_id: str) -> dict:
    for step in steps(layout):
        if step["id"] == step_id:
            return step
    raise EdicionInvalida(_("El paso «%(paso)s» no existe.") % {"paso": step_id})


def _fieldset(layout: dict, ref: str) -> tuple[dict, dict]:
    step_id, _sep, fs_id = ref.partition("/")
    step = _step(layout, step_id)
    for fs in step["fieldsets"]:
        if fs["id"] == fs_id:
            return step, fs
    raise EdicionInvalida(_("El apartado «%(apartado)s» no existe.") % {"apartado": fs_id})


def _split_field(ref: str) -> tuple[str, str]:
    """``"solicitud/datos/asunto"`` → (``"solicitud/datos"``, ``"/asunto"``)."""
    bits = ref.split("/")
    if len(bits) < 3:
        raise EdicionInvalida(_("No se encuentra ese campo."))
    return "/".join(bits[:2]), "/" + "/".join(bits[2:])


def _all_fieldset_ids(layout: dict) -> list[str]:
    return [fs["id"] for s in steps(layout) for fs in s["fieldsets"]]


def _check_key(schema: dict, key: str) -> str:
    key = (key or "").strip()
    if not KEY_RE.match(key):
        raise EdicionInvalida(
            _(
                "El nombre interno «%(clave)s» no vale: use minúsculas sin acentos, cifras y «_», "
                "empezando por una letra (por ejemplo «fecha_inicio»)."
            )
            % {"clave": key}
        )
    if key in schema.get("properties", {}):
        raise EdicionInvalida(
            _("Ya hay un campo con el nombre interno «%(clave)s».") % {"clave": key}
        )
    return key


def _options(options: Sequence[tuple[str, str, str]]) -> tuple[list, list, list]:
    values, es, eu = [], [], []
    for value, title_es, title_eu in options:
        value = value.strip()
        if not value:
            continue
        if value in values:
            raise EdicionInvalida(_("La opción «%(valor)s» está repetida.") % {"valor": value})
        if not title_es.strip() or not title_eu.strip():
            raise EdicionInvalida(
                _("La opción «%(valor)s» necesita su texto en castellano y en euskera.")
                % {"valor": value}
            )
        values.append(value)
        es.append(title_es.strip())
        eu.append(title_eu.strip())
    if len(values) < 2:
        raise EdicionInvalida(_("Una lista de opciones necesita al menos dos opciones."))
    return values, es, eu


def _labels(node: dict, campo: Campo) -> None:
    node["title"] = _text(campo.title_es, _("la etiqueta en castellano"))
    node["x-title-eu"] = _text(campo.title_eu, _("la etiqueta en euskera"))
    for key, value in (("description", campo.help_es), ("x-description-eu", campo.help_eu)):
        if value and value.strip():
            node[key] = value.strip()
        else:
            node.pop(key, None)


def field_schema(campo: Campo) -> dict:
    """The property schema of a new field of one of the engine's kinds."""
    kind = campo.kind
    node: dict[str, Any]
    if kind == "text":
        length = campo.max_length or 200
        if length > TEXT_MAX:
            raise EdicionInvalida(
                _("Un texto corto admite como mucho %(n)s caracteres; elija «Texto largo».")
                % {"n": TEXT_MAX}
            )
        node = {"type": "string", "maxLength": length}
    elif kind == "textarea":
        node = {"type": "string", "maxLength": max(campo.max_length or 4000, TEXT_MAX + 1)}
    elif kind in ("number", "integer", "boolean"):
        node = {"type": kind}
    elif kind == "date":
        node = {"type": "string", "format": "date"}
    elif kind == "email":
        node = {"type": "string", "format": "email", "maxLength": 254}
    elif kind in ("choice", "multichoice"):
        values, es, eu = _options(campo.options)
        choice = {"type": "string", "enum": values, "x-enum-titles": es, "x-enum-titles-eu": eu}
        node = (
            choice if kind == "choice" else {"type": "array", "items": choice, "uniqueItems": True}
        )
    elif kind == "file":
        node = {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tipo", "fichero"],
                "properties": {
                    "tipo": {
                        "type": "string",
                        "title": "Tipo de documento",
                        "x-title-eu": "Agiri mota",
                    },
                    "fichero": {
                        "type": "string",
                        "contentMediaType": "application/pdf",
                        "title": "Fichero",
                        "x-title-eu": "Fitxategia",
                    },
                },
            },
        }
        if campo.required:
            node["minItems"] = 1
    else:
        raise EdicionInvalida(_("Elija el tipo de campo."))
    _labels(node, campo)
    return node


def _add_property(schema: dict, campo: Campo) -> str:
    key = _check_key(schema, campo.key)
    schema["properties"][key] = field_schema(campo)
    if campo.required and campo.kind != "file":
        schema.setdefault("required", []).append(key)
    return key


def _attachments_step(layout: dict, campo: Campo, key: str, after: int) -> None:
    step_ids = [s["id"] for s in steps(layout)]
    new = {
        "id": _unique_id(campo.title_es, step_ids, "documentos"),
        "title_es": campo.title_es.strip(),
        "title_eu": campo.title_eu.strip(),
        "fieldsets": [
            {
                "id": _unique_id(key, _all_fieldset_ids(layout), "documentos"),
                "legend_es": campo.title_es.strip(),
                "legend_eu": campo.title_eu.strip(),
                "fields": ["/tipo", "/fichero"],
                "repeat": {"path": f"/{key}", "min": 1 if campo.required else 0},
            }
        ],
    }
    layout.setdefault("steps", []).insert(after, new)


# --- The operations -----------------------------------------------------------------------------


def add_field(schema: dict, layout: dict, *, fieldset: str, campo: Campo) -> Def:
    """A new field at the end of a fieldset. Documents (``file``) get a step of their own right
    after the fieldset's step: the engine turns the step holding them into the upload page."""
    schema, layout = _copy(schema, layout)
    step, fs = _fieldset(layout, fieldset)
    if fs.get("repeat"):
        raise EdicionInvalida(_("No se pueden añadir campos a un grupo repetible."))
    key = _add_property(schema, campo)
    if campo.kind == "file":
        _attachments_step(layout, campo, key, steps(layout).index(step) + 1)
    else:
        fs["fields"].append(f"/{key}")
    return schema, layout


def _new_fieldset(layout: dict, legend_es: str, legend_eu: str, help_es="", help_eu="") -> dict:
    fs = {
        "id": _unique_id(legend_es, _all_fieldset_ids(layout), "apartado"),
        "legend_es": _text(legend_es, _("el título del apartado en castellano")),
        "legend_eu": _text(legend_eu, _("el título del apartado en euskera")),
        "fields": [],
    }
    if help_es.strip() or help_eu.strip():
        fs["help_es"], fs["help_eu"] = help_es.strip(), help_eu.strip()
    return fs


def add_fieldset(
    schema: dict, layout: dict, *, step: str, legend_es: str, legend_eu: str, campo: Campo
) -> Def:
    """A new fieldset at the end of a step, with its first field (a fieldset is never empty)."""
    schema, layout = _copy(schema, layout)
    target = _step(layout, step)
    fs = _new_fieldset(layout, legend_es, legend_eu)
    if campo.kind == "file":
        raise EdicionInvalida(
            _("Los documentos adjuntos se añaden como campo: tendrán su propio paso.")
        )
    fs["fields"].append(f"/{_add_property(schema, campo)}")
    target["fieldsets"].append(fs)
    return schema, layout


def add_step(
    schema: dict,
    layout: dict,
    *,
    title_es: str,
    title_eu: str,
    legend_es: str,
    legend_eu: str,
    campo: Campo,
) -> Def:
    """A new last step, with its first fieldset and field."""
    schema, layout = _copy(schema, layout)
    if campo.kind == "file":
        key = _add_property(schema, campo)
        campo = Campo(**{**campo.__dict__, "title_es": title_es, "title_eu": title_eu})
        _attachments_step(layout, campo, key, len(steps(layout)))
        return schema, layout
    new = {
        "id": _unique_id(title_es, [s["id"] for s in steps(layout)], "paso"),
        "title_es": _text(title_es, _("el título del paso en castellano")),
        "title_eu": _text(title_eu, _("el título del paso en euskera")),
        "fieldsets": [_new_fieldset(layout, legend_es, legend_eu)],
    }
    new["fieldsets"][0]["fields"].append(f"/{_add_property(schema, campo)}")
    layout.setdefault("steps", []).append(new)
    return schema, layout


def insert_block(
    schema: dict,
    layout: dict,
    *,
    block_id: str,
    key: str,
    step: str = "",
    title_es: str = "",
    title_eu: str = "",
) -> Def:
    """A block of ``bloques`` under property ``key``: its fieldset goes at the end of ``step``,
    or of a new last step titled ``title_es``/``title_eu`` when no step is named."""
    schema, layout = _copy(schema, layout)
    if block_id not in bloques.BLOQUES:
        raise EdicionInvalida(_("Elija un bloque."))
    key = _check_key(schema, key)
    prop, required, fieldset = bloques.expand(block_id, key)
    fieldset["id"] = _unique_id(fieldset["id"], _all_fieldset_ids(layout), "bloque")
    schema["properties"][key] = prop
    for name in required:
        schema.setdefault("required", []).append(name)
    if step:
        _step(layout, step)["fieldsets"].append(fieldset)
    else:
        layout.setdefault("steps", []).append(
            {
                "id": _unique_id(title_es, [s["id"] for s in steps(layout)], "paso"),
                "title_es": _text(title_es, _("el título del paso en castellano")),
                "title_eu": _text(title_eu, _("el título del paso en euskera")),
                "fieldsets": [fieldset],
            }
        )
    return schema, layout


def _siblings(kind: str, ref: str, layout: dict) -> tuple[list, int]:
    if kind == "step":
        items = layout.get("steps") or []
        return items, next((i for i, s in enumerate(items) if s["id"] == ref), -1)
    if kind == "fieldset":
        step, fs = _fieldset(layout, ref)
        return step["fieldsets"], step["fieldsets"].index(fs)
    fs_ref, pointer = _split_field(ref)
    _s, fs = _fieldset(layout, fs_ref)
    fields = fs["fields"]
    return fields, fields.index(pointer) if pointer in fields else -1


def _target(target: str) -> tuple[str, str]:
    kind, _sep, ref = (target or "").partition(":")
    if kind not in ("step", "fieldset", "field") or not ref:
        raise EdicionInvalida(_("No se encuentra el elemento que quiere cambiar."))
    return kind, ref


def move(schema: dict, layout: dict, *, target: str, direction: str) -> Def:
    """Move a step, fieldset or field one place up or down among its siblings."""
    schema, layout = _copy(schema, layout)
    kind, ref = _target(target)
    items, index = _siblings(kind, ref, layout)
    if index < 0:
        raise EdicionInvalida(_("No se encuentra el elemento que quiere mover."))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    return schema, layout


def _uses(schema: dict, layout: dict, pointer: str) -> list[str]:
    """What depends on the field at ``pointer``: conditions and required-if rules."""
    found = []
    for step in steps(layout):
        holders = [(step, pick_title(step))] + [(fs, pick_title(fs)) for fs in step["fieldsets"]]
        for holder, title in holders:
            if (holder.get("condition") or {}).get("field") == pointer:
                found.append(title)
    for other in field_pointers(layout):
        if other == pointer:
            continue
        try:
            rule = required_if(schema, other)
        except EdicionInvalida:
            continue
        if rule and rule[0] == pointer:
            found.append((node_at(schema, other) or {}).get("title", other))
    return found


def pick_title(item: dict) -> str:
    return item.get("title_es") or item.get("legend_es") or item.get("id", "")


def _drop_property(schema: dict, layout: dict, pointer: str) -> None:
    """Remove a property no fieldset shows any more (and its required and required-if rules);
    an object left without properties goes too."""
    if pointer in field_pointers(layout, repeats=True):
        return  # another fieldset still shows it
    used = _uses(schema, layout, pointer)
    if used:
        raise EdicionInvalida(
            _(
                "No se puede quitar el campo %(campo)s: de él depende «%(donde)s». Quite antes "
                "esa condición."
            )
            % {"campo": pointer, "donde": "», «".join(used)}
        )
    parent, key = parent_of(schema, pointer)
    del parent["properties"][key]
    if key in (parent.get("required") or []):
        parent["required"].remove(key)
        if not parent["required"]:
            del parent["required"]
    kept = []
    for entry in parent.get("allOf") or []:
        then = (entry.get("then") or {}).get("required") or []
        if key in then:
            then.remove(key)
        if then and key not in ((entry.get("if") or {}).get("properties") or {}):
            kept.append(entry)
    if "allOf" in parent:
        if kept:
            parent["allOf"] = kept
        else:
            del parent["allOf"]
    keys = parts(pointer)
    if len(keys) > 1 and not parent["properties"] and parent is not schema:
        holder = "/" + "/".join(keys[:-1])
        if node_at(schema, holder) is parent:
            _drop_property(schema, layout, holder)


def delete(schema: dict, layout: dict, *, target: str) -> Def:
    """Delete a step, a fieldset or a field (with what only it used). A fieldset left empty
    goes, and a step left without fieldsets; a form without steps has no layout."""
    schema, layout = _copy(schema, layout)
    kind, ref = _target(target)
    if kind == "step":
        step = _step(layout, ref)
        layout["steps"].remove(step)
        for fs in step["fieldsets"]:
            _drop_fieldset_fields(schema, layout, fs)
    elif kind == "fieldset":
        step, fs = _fieldset(layout, ref)
        step["fieldsets"].remove(fs)
        _drop_fieldset_fields(schema, layout, fs)
    else:
        fs_ref, pointer = _split_field(ref)
        step, fs = _fieldset(layout, fs_ref)
        if pointer not in fs["fields"]:
            raise EdicionInvalida(_("No se encuentra ese campo."))
        if fs.get("repeat"):
            raise EdicionInvalida(
                _("Los campos de un grupo repetible no se quitan uno a uno: quite el apartado.")
            )
        fs["fields"].remove(pointer)
        _drop_property(schema, layout, pointer)
    for step in list(steps(layout)):
        step["fieldsets"] = [fs for fs in step["fieldsets"] if fs["fields"]]
        if not step["fieldsets"]:
            layout["steps"].remove(step)
    if not steps(layout):
        layout = {}
    return schema, layout


def _drop_fieldset_fields(schema: dict, layout: dict, fs: dict) -> None:
    if fs.get("repeat"):
        _drop_property(schema, layout, fs["repeat"]["path"])
        return
    for pointer in fs["fields"]:
        _drop_property(schema, layout, pointer)


def edit_step(schema: dict, layout: dict, *, step: str, title_es: str, title_eu: str) -> Def:
    schema, layout = _copy(schema, layout)
    target = _step(layout, step)
    target["title_es"] = _text(title_es, _("el título del paso en castellano"))
    target["title_eu"] = _text(title_eu, _("el título del paso en euskera"))
    return schema, layout


def edit_fieldset(
    schema: dict,
    layout: dict,
    *,
    fieldset: str,
    legend_es: str,
    legend_eu: str,
    help_es: str = "",
    help_eu: str = "",
) -> Def:
    schema, layout = _copy(schema, layout)
    _s, fs = _fieldset(layout, fieldset)
    fs["legend_es"] = _text(legend_es, _("el título del apartado en castellano"))
    fs["legend_eu"] = _text(legend_eu, _("el título del apartado en euskera"))
    for key, value in (("help_es", help_es), ("help_eu", help_eu)):
        if value.strip():
            fs[key] = value.strip()
        else:
            fs.pop(key, None)
    return schema, layout


def edit_field(
    schema: dict,
    layout: dict,
    *,
    pointer: str,
    title_es: str,
    title_eu: str,
    help_es: str = "",
    help_eu: str = "",
    required: bool = False,
    options: Sequence[tuple[str, str, str]] | None = None,
    max_length: int | None = None,
) -> Def:
    """Labels, help texts, whether it is required, its options and length."""
    schema, layout = _copy(schema, layout)
    node = node_at(schema, pointer)
    if node is None:
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    kind = kind_of(node)
    _labels(
        node,
        Campo(
            key="",
            kind=kind,
            title_es=title_es,
            title_eu=title_eu,
            help_es=help_es,
            help_eu=help_eu,
        ),
    )
    if options is not None and kind in ("choice", "multichoice"):
        values, es, eu = _options(options)
        target = node if kind == "choice" else node["items"]
        target.update({"enum": values, "x-enum-titles": es, "x-enum-titles-eu": eu})
    if max_length and kind in ("text", "textarea"):
        if kind == "text" and max_length > TEXT_MAX:
            raise EdicionInvalida(
                _("Un texto corto admite como mucho %(n)s caracteres.") % {"n": TEXT_MAX}
            )
        if kind == "textarea" and max_length <= TEXT_MAX:
            raise EdicionInvalida(
                _("Un texto largo admite más de %(n)s caracteres.") % {"n": TEXT_MAX}
            )
        node["maxLength"] = max_length
    parent, key = parent_of(schema, pointer)
    listed = parent.setdefault("required", [])
    if required and key not in listed:
        if required_if(schema, pointer):
            raise EdicionInvalida(
                _("Este campo ya es obligatorio solo en un caso: quite antes esa regla.")
            )
        listed.append(key)
    elif not required and key in listed:
        listed.remove(key)
    if not listed:
        del parent["required"]
    return schema, layout


def typed_values(node: dict, raw: Iterable[str]) -> list:
    """The values an editor typed, as the controlling field stores them."""
    out: list = []
    kind = kind_of(node)
    for text in raw:
        text = text.strip()
        if not text:
            continue
        if kind == "boolean":
            low = text.lower()
            if low in ("true", "sí", "si", "bai", "1"):
                out.append(True)
            elif low in ("false", "no", "ez", "0"):
                out.append(False)
            else:
                raise EdicionInvalida(
                    _("Para un campo Sí/No escriba «sí» o «no» (no «%(valor)s»).") % {"valor": text}
                )
        elif kind in ("number", "integer"):
            try:
                number = float(text.replace(",", "."))
            except ValueError as exc:
                raise EdicionInvalida(_("«%(valor)s» no es un número.") % {"valor": text}) from exc
            out.append(int(number) if kind == "integer" or number.is_integer() else number)
        else:
            allowed = node.get("enum") or (node.get("items") or {}).get("enum")
            if allowed and text not in allowed:
                raise EdicionInvalida(
                    _("«%(valor)s» no es una de las opciones (%(opciones)s).")
                    % {"valor": text, "opciones": ", ".join(map(str, allowed))}
                )
            out.append(text)
    if not out:
        raise EdicionInvalida(_("Escriba el valor o los valores que activan la condición."))
    return out


def set_condition(
    schema: dict, layout: dict, *, target: str, field: str = "", values: Iterable[str] = ()
) -> Def:
    """Show a step or fieldset only when ``field`` has one of ``values``; no field: always."""
    schema, layout = _copy(schema, layout)
    kind, ref = _target(target)
    if kind == "field":
        raise EdicionInvalida(_("Las condiciones se ponen a pasos y apartados."))
    holder = _step(layout, ref) if kind == "step" else _fieldset(layout, ref)[1]
    if not field:
        holder.pop("condition", None)
        return schema, layout
    node = node_at(schema, field)
    if node is None or field not in field_pointers(layout):
        raise EdicionInvalida(_("Elija el campo del que depende."))
    own = (
        holder["fields"]
        if kind == "fieldset"
        else [p for fs in holder["fieldsets"] for p in fs["fields"]]
    )
    if field in own:
        raise EdicionInvalida(_("Un apartado no puede depender de uno de sus propios campos."))
    typed = typed_values(node, values)
    holder["condition"] = (
        {"field": field, "equals": typed[0]} if len(typed) == 1 else {"field": field, "in": typed}
    )
    return schema, layout


def set_required_if(
    schema: dict, layout: dict, *, pointer: str, field: str = "", values: Iterable[str] = ()
) -> Def:
    """Make ``pointer`` required only when ``field`` (a field of the same group) has one of
    ``values`` (``allOf: [{if, then: {required}}]``); no field: drop the rule."""
    schema, layout = _copy(schema, layout)
    parent, key = parent_of(schema, pointer)
    kept = []
    for entry in parent.get("allOf") or []:
        then = (entry.get("then") or {}).get("required") or []
        if key in then:
            then.remove(key)
        if then:
            kept.append(entry)
    if kept:
        parent["allOf"] = kept
    else:
        parent.pop("allOf", None)
    if not field:
        return schema, layout
    ctrl_parent, ctrl_key = parent_of(schema, field)
    if ctrl_parent is not parent or ctrl_key == key:
        raise EdicionInvalida(
            _("La regla solo puede depender de otro campo del mismo grupo de datos.")
        )
    typed = typed_values(parent["properties"][ctrl_key], values)
    rule = {"const": typed[0]} if len(typed) == 1 else {"enum": typed}
    if key in (parent.get("required") or []):
        parent["required"].remove(key)
        if not parent["required"]:
            del parent["required"]
    parent.setdefault("allOf", []).append(
        {
            "if": {"properties": {ctrl_key: rule}, "required": [ctrl_key]},
            "then": {"required": [key]},
        }
    )
    return schema, layout


def _param(name: str, value: str) -> Any:
    value = value.strip()
    if name in NUMERIC_KEYWORDS:
        try:
            number = float(value.replace(",", "."))
        except ValueError as exc:
            raise EdicionInvalida(_("«%(valor)s» no es un número.") % {"valor": value}) from exc
        return int(number) if number.is_integer() else number
    if name in STRING_KEYWORDS:
        try:
            re.compile(value)
        except re.error as exc:
            raise EdicionInvalida(
                _("El patrón «%(valor)s» no es una expresión regular válida.") % {"valor": value}
            ) from exc
    return value


def set_validator(
    schema: dict,
    layout: dict,
    *,
    validator: str,
    pointer: str = "",
    params: dict[str, str] | None = None,
) -> Def:
    """Write a registered validator where the one format says (its ``keyword``): on the
    field at ``pointer``, or — ``x-rules`` — in the form's cross-field rules."""
    schema, layout = _copy(schema, layout)
    v = validadores.VALIDADORES.get(validator)
    if v is None:
        raise EdicionInvalida(_("Elija una validación."))
    params = {k: (params or {}).get(k, "").strip() for k in v.params}
    missing = [k for k, value in params.items() if not value and v.keyword != "x-date"]
    if missing:
        raise EdicionInvalida(
            _("Falta el dato «%(dato)s» de la validación.") % {"dato": ", ".join(missing)}
        )
    if v.keyword == "x-rules" or not v.kinds:
        entry: dict[str, Any] = {"rule": v.id, **params}
        if v.message_es:
            entry["message_es"], entry["message_eu"] = v.message_es, v.message_eu
        schema.setdefault("x-rules", []).append(entry)
        return schema, layout
    node = node_at(schema, pointer)
    if node is None:
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    if not _family(kind_of(node)) & set(v.kinds):
        raise EdicionInvalida(
            _("La validación «%(v)s» no se aplica a un campo de tipo «%(tipo)s».")
            % {"v": v.label_es, "tipo": KINDS.get(kind_of(node), kind_of(node))}
        )
    if v.keyword in ("format", "x-format"):
        node[v.keyword] = params.get("format") or v.id
    elif v.keyword == "x-date":
        value = {k: val for k, val in params.items() if val}
        if not value:
            raise EdicionInvalida(_("Indique al menos un límite de fecha."))
        node["x-date"] = value
    elif not params:
        node[v.keyword] = True
    else:
        for name, value in params.items():
            keyword = name if name in NUMERIC_KEYWORDS | STRING_KEYWORDS else v.keyword
            node[keyword] = _param(keyword, value)
    return schema, layout


def remove_validator(schema: dict, layout: dict, *, validator: str, pointer: str = "") -> Def:
    schema, layout = _copy(schema, layout)
    v = validadores.VALIDADORES.get(validator)
    if v is None:
        raise EdicionInvalida(_("Elija una validación."))
    if v.keyword == "x-rules" or not v.kinds:
        rules = [r for r in schema.get("x-rules", []) if r.get("rule") != v.id]
        if rules:
            schema["x-rules"] = rules
        else:
            schema.pop("x-rules", None)
        return schema, layout
    node = node_at(schema, pointer)
    if node is None:
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    keywords = {
        (p if p in NUMERIC_KEYWORDS | STRING_KEYWORDS else v.keyword) for p in v.params
    } or {v.keyword}
    for keyword in keywords:
        node.pop(keyword, None)
    return schema, layout


def set_prefill(
    schema: dict,
    layout: dict,
    *,
    pointer: str,
    source: str = "",
    key: str = "",
    editable: bool = True,
) -> Def:
    """Name the prefill source of a field (``x-prefill``); no source: no prefill."""
    schema, layout = _copy(schema, layout)
    node = node_at(schema, pointer)
    if node is None:
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    if not source:
        node.pop("x-prefill", None)
        return schema, layout
    fuente = prefill.FUENTES.get(source)
    if fuente is None:
        raise EdicionInvalida(_("Elija de dónde se toma el dato."))
    if key not in fuente.keys():  # noqa: SIM118 - a Fuente is not a mapping
        raise EdicionInvalida(
            _("«%(fuente)s» no da el dato «%(dato)s».") % {"fuente": fuente.label_es, "dato": key}
        )
    node["x-prefill"] = {"source": source, "key": key, "editable": bool(editable)}
    return schema, layout
