"""What changes between two versions of a form, for people and for the answers already given.

Two readings of the same pair of definitions (JSON Schema draft 2020-12 + layout, one format):

- :func:`diff_formularios` — the human-readable difference shown to editors and unit heads:
  fields added, removed and changed (with their Spanish and Basque labels), steps and fieldsets,
  validation rules, and each change marked when it may break answers already given.
- :func:`roturas` — what a new version breaks in one set of answers (a citizen's draft):
  answers to fields the new version no longer has, answers the new version no longer accepts,
  and new required answers without a default. :func:`migrar_datos` moves such answers aside.

Pure functions of the definitions and the data: no database, no HTTP.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

# --- Pointers ---------------------------------------------------------------------------------


def _parts(pointer: str) -> list[str]:
    return [p for p in pointer.strip("/").split("/") if p != ""]


def _pointer(path) -> str:
    return "".join(f"/{p}" for p in path)


def subschema(schema: Mapping, pointer: str) -> dict | None:
    """The subschema of a data pointer; array indices (or ``*``) step into ``items``."""
    node: Any = schema
    for part in _parts(pointer):
        if not isinstance(node, Mapping):
            return None
        if node.get("type") == "array" and isinstance(node.get("items"), Mapping):
            node = node["items"]
            if part.isdigit() or part == "*":
                continue
        node = (node.get("properties") or {}).get(part)
    return node if isinstance(node, dict) else None


def _get(data: Any, pointer: str) -> Any:
    node = data
    for part in _parts(pointer):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def _remove(data: Any, pointer: str) -> None:
    keys = _parts(pointer)
    node = data
    for part in keys[:-1]:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return
    if isinstance(node, dict):
        node.pop(keys[-1], None)
    elif isinstance(node, list) and keys[-1].isdigit() and int(keys[-1]) < len(node):
        node[int(keys[-1])] = None


# --- Fields of a schema -------------------------------------------------------------------------


@dataclass(frozen=True)
class Campo:
    pointer: str  # inside repeatable groups: /miembros/*/nombre
    schema: dict
    required: bool  # required in its parent object

    @property
    def label_es(self) -> str:
        return str(self.schema.get("title") or _parts(self.pointer)[-1].replace("_", " "))

    @property
    def label_eu(self) -> str:
        return str(self.schema.get("x-title-eu") or self.label_es)


def campos(schema: Mapping) -> dict[str, Campo]:
    """Every answerable field of a schema by pointer (objects are walked into; a repeatable
    group is one field and its item's properties are fields under ``/<group>/*``)."""
    out: dict[str, Campo] = {}

    def walk(node: Mapping, prefix: str) -> None:
        required = set(node.get("required") or [])
        for name, sub in (node.get("properties") or {}).items():
            if not isinstance(sub, dict):
                continue
            ptr = f"{prefix}/{name}"
            if sub.get("type") == "object" and sub.get("properties"):
                walk(sub, ptr)
                continue
            out[ptr] = Campo(ptr, sub, name in required)
            items = sub.get("items")
            if sub.get("type") == "array" and isinstance(items, dict) and items.get("properties"):
                walk(items, f"{ptr}/*")

    walk(schema, "")
    return out


def label(schema: Mapping, pointer: str, lang: str = "es") -> str:
    node = subschema(schema, pointer) or {}
    es = str(node.get("title") or (_parts(pointer) or [""])[-1].replace("_", " "))
    return str(node.get("x-title-eu") or es) if lang == "eu" else es


# --- The human-readable difference --------------------------------------------------------------

_MIN_KEYWORDS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
_MAX_KEYWORDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")
_RULE_KEYWORDS = (
    "pattern",
    "format",
    "x-format",
    "x-date",
    "const",
    "multipleOf",
    "contentMediaType",
    "uniqueItems",
)
_INFO_KEYWORDS = ("default", "x-prefill", "x-block", "x-widget", "x-unit")


@dataclass(frozen=True)
class Cambio:
    """One change, in words: what (label es/eu or an id), the details, and whether it may break
    answers already given (a citizen's draft in progress)."""

    pointer: str
    label_es: str
    label_eu: str
    detalles: tuple[str, ...] = ()
    incompatible: bool = False

    def label(self, lang: str) -> str:
        return self.label_eu if lang == "eu" else self.label_es


@dataclass
class DiffFormularios:
    campos_nuevos: list[Cambio] = field(default_factory=list)
    campos_retirados: list[Cambio] = field(default_factory=list)
    campos_modificados: list[Cambio] = field(default_factory=list)
    estructura: list[Cambio] = field(default_factory=list)  # steps and fieldsets
    reglas: list[Cambio] = field(default_factory=list)  # form-level validation
    json_schema: list[str] = field(default_factory=list)  # unified diff lines
    json_layout: list[str] = field(default_factory=list)

    @property
    def vacio(self) -> bool:
        return not (self.json_schema or self.json_layout)

    @property
    def incompatibles(self) -> list[Cambio]:
        return [
            c
            for group in (
                self.campos_nuevos,
                self.campos_retirados,
                self.campos_modificados,
                self.reglas,
            )
            for c in group
            if c.incompatible
        ]


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return f"«{value}»"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _enum_changes(old: Mapping, new: Mapping, what: str) -> tuple[list[str], bool]:
    lines: list[str] = []
    before, after = old.get("enum"), new.get("enum")
    if before == after:
        return lines, False
    if before is None or after is None:
        text = (
            _("%(que)s: ahora con una lista cerrada de valores") % {"que": what}
            if after is not None
            else _("%(que)s: ya no tiene una lista cerrada de valores") % {"que": what}
        )
        return [text], after is not None
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    if added:
        lines.append(
            _("%(que)s: valores añadidos %(valores)s")
            % {"que": what, "valores": ", ".join(_fmt(v) for v in added)}
        )
    if removed:
        lines.append(
            _("%(que)s: valores retirados %(valores)s")
            % {"que": what, "valores": ", ".join(_fmt(v) for v in removed)}
        )
    if not added and not removed:
        lines.append(_("%(que)s: cambia el orden de los valores") % {"que": what})
    return lines, bool(removed)


def _field_changes(old: Campo, new: Campo) -> tuple[list[str], bool]:
    a, b = old.schema, new.schema
    lines: list[str] = []
    breaking = False
    if a.get("title") != b.get("title"):
        lines.append(
            _("Etiqueta en castellano: %(antes)s → %(despues)s")
            % {"antes": _fmt(a.get("title", "")), "despues": _fmt(b.get("title", ""))}
        )
    if a.get("x-title-eu") != b.get("x-title-eu"):
        lines.append(
            _("Etiqueta en euskera: %(antes)s → %(despues)s")
            % {"antes": _fmt(a.get("x-title-eu", "")), "despues": _fmt(b.get("x-title-eu", ""))}
        )
    if (a.get("description"), a.get("x-description-eu")) != (
        b.get("description"),
        b.get("x-description-eu"),
    ):
        lines.append(_("Cambia el texto de ayuda"))
    if old.required != new.required:
        if new.required:
            no_default = "default" not in b
            lines.append(
                _("Pasa a ser obligatorio")
                if no_default
                else _("Pasa a ser obligatorio (con valor por defecto)")
            )
            breaking = breaking or no_default
        else:
            lines.append(_("Deja de ser obligatorio"))
    if a.get("type") != b.get("type"):
        lines.append(
            _("Tipo de dato: %(antes)s → %(despues)s")
            % {"antes": _fmt(a.get("type")), "despues": _fmt(b.get("type"))}
        )
        breaking = True
    enum_lines, enum_breaks = _enum_changes(a, b, _("Opciones"))
    lines += enum_lines
    breaking = breaking or enum_breaks
    items_a, items_b = a.get("items"), b.get("items")
    if isinstance(items_a, dict) and isinstance(items_b, dict):
        enum_lines, enum_breaks = _enum_changes(items_a, items_b, _("Opciones"))
        lines += enum_lines
        breaking = breaking or enum_breaks
    for kw in _MIN_KEYWORDS + _MAX_KEYWORDS + _RULE_KEYWORDS:
        if a.get(kw) == b.get(kw):
            continue
        lines.append(
            _("Validación «%(regla)s»: %(antes)s → %(despues)s")
            % {
                "regla": kw,
                "antes": _fmt(a[kw]) if kw in a else "—",
                "despues": _fmt(b[kw]) if kw in b else "—",
            }
        )
        if kw not in b:
            continue  # a check removed accepts more
        if kw in _MIN_KEYWORDS:
            breaking = breaking or kw not in a or _gt(b[kw], a[kw])
        elif kw in _MAX_KEYWORDS:
            breaking = breaking or kw not in a or _gt(a[kw], b[kw])
        else:
            breaking = True
    for kw in _INFO_KEYWORDS:
        if a.get(kw) != b.get(kw):
            lines.append(
                _("«%(clave)s»: %(antes)s → %(despues)s")
                % {
                    "clave": kw,
                    "antes": _fmt(a[kw]) if kw in a else "—",
                    "despues": _fmt(b[kw]) if kw in b else "—",
                }
            )
    return lines, breaking


def _gt(x: Any, y: Any) -> bool:
    try:
        return bool(x > y)
    except TypeError:
        return True


def _rule_key(rule: Any) -> str:
    return json.dumps(rule, sort_keys=True, ensure_ascii=False)


def _rule_label(rule: Any) -> str:
    if isinstance(rule, Mapping) and "rule" in rule:
        fields = [rule.get(k) for k in ("field", "other") if rule.get(k)]
        message = rule.get("message_es") or ""
        text = f"{rule['rule']} ({', '.join(map(str, fields))})"
        return f"{text}: {message}" if message else text
    if isinstance(rule, Mapping) and "if" in rule:
        then = (rule.get("then") or {}).get("required") or []
        return _("Obligatorio si se cumple una condición: %(campos)s") % {
            "campos": ", ".join(map(str, then)) or "—"
        }
    return _rule_key(rule)


def _form_rules(schema: Mapping) -> dict[str, tuple[str, Any]]:
    rules = {}
    for key in ("x-rules", "allOf"):
        for rule in schema.get(key) or []:
            rules[_rule_key(rule)] = (key, rule)
    return rules


def _layout_changes(old: Mapping, new: Mapping) -> list[Cambio]:
    out: list[Cambio] = []
    steps_a = {s["id"]: s for s in (old or {}).get("steps", [])}
    steps_b = {s["id"]: s for s in (new or {}).get("steps", [])}
    for sid, step in steps_b.items():
        if sid not in steps_a:
            out.append(
                Cambio(
                    sid, step.get("title_es", sid), step.get("title_eu", sid), (_("Paso nuevo"),)
                )
            )
    for sid, step in steps_a.items():
        if sid not in steps_b:
            out.append(
                Cambio(
                    sid, step.get("title_es", sid), step.get("title_eu", sid), (_("Paso retirado"),)
                )
            )
    for sid in steps_a.keys() & steps_b.keys():
        a, b = steps_a[sid], steps_b[sid]
        lines = []
        for key, what in (("title_es", _("Título")), ("title_eu", _("Título en euskera"))):
            if a.get(key) != b.get(key):
                lines.append(
                    _("%(que)s: %(antes)s → %(despues)s")
                    % {"que": what, "antes": _fmt(a.get(key, "")), "despues": _fmt(b.get(key, ""))}
                )
        if a.get("condition") != b.get("condition"):
            lines.append(_("Cambia la condición para mostrar el paso"))
        if lines:
            out.append(Cambio(sid, b.get("title_es", sid), b.get("title_eu", sid), tuple(lines)))
    common = [s for s in steps_a if s in steps_b]
    if common != [s for s in steps_b if s in steps_a]:
        out.append(Cambio("", _("Pasos"), _("Pasos"), (_("Cambia el orden de los pasos"),)))

    def fieldsets(layout: Mapping) -> dict[str, tuple[str, dict]]:
        return {
            fs["id"]: (step["id"], fs)
            for step in (layout or {}).get("steps", [])
            for fs in step.get("fieldsets", [])
        }

    fs_a, fs_b = fieldsets(old), fieldsets(new)
    for fid, (sid, fs) in fs_b.items():
        if fid not in fs_a:
            out.append(
                Cambio(
                    fid,
                    fs.get("legend_es", fid),
                    fs.get("legend_eu", fid),
                    (_("Grupo de campos nuevo en el paso «%(paso)s»") % {"paso": sid},),
                )
            )
    for fid, (sid, fs) in fs_a.items():
        if fid not in fs_b:
            out.append(
                Cambio(
                    fid,
                    fs.get("legend_es", fid),
                    fs.get("legend_eu", fid),
                    (_("Grupo de campos retirado del paso «%(paso)s»") % {"paso": sid},),
                )
            )
    for fid in fs_a.keys() & fs_b.keys():
        (sa, a), (sb, b) = fs_a[fid], fs_b[fid]
        lines = []
        if sa != sb:
            lines.append(
                _("Pasa del paso «%(antes)s» al paso «%(despues)s»") % {"antes": sa, "despues": sb}
            )
        for key, what in (("legend_es", _("Título")), ("legend_eu", _("Título en euskera"))):
            if a.get(key) != b.get(key):
                lines.append(
                    _("%(que)s: %(antes)s → %(despues)s")
                    % {"que": what, "antes": _fmt(a.get(key, "")), "despues": _fmt(b.get(key, ""))}
                )
        if (a.get("help_es"), a.get("help_eu")) != (b.get("help_es"), b.get("help_eu")):
            lines.append(_("Cambia el texto de ayuda"))
        if a.get("condition") != b.get("condition"):
            lines.append(_("Cambia la condición para mostrar el grupo"))
        if a.get("repeat") != b.get("repeat"):
            lines.append(_("Cambia la repetición del grupo"))
        added = [p for p in b.get("fields", []) if p not in a.get("fields", [])]
        removed = [p for p in a.get("fields", []) if p not in b.get("fields", [])]
        if added:
            lines.append(_("Campos que entran: %(campos)s") % {"campos": ", ".join(added)})
        if removed:
            lines.append(_("Campos que salen: %(campos)s") % {"campos": ", ".join(removed)})
        if not added and not removed and a.get("fields") != b.get("fields"):
            lines.append(_("Cambia el orden de los campos"))
        if lines:
            out.append(Cambio(fid, b.get("legend_es", fid), b.get("legend_eu", fid), tuple(lines)))
    return out


def _json_lines(value: Any) -> list[str]:
    return json.dumps(value or {}, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def diff_formularios(
    old_schema: Mapping,
    old_layout: Mapping,
    new_schema: Mapping,
    new_layout: Mapping,
    *,
    old_name: str = "a",
    new_name: str = "b",
) -> DiffFormularios:
    """The difference from one definition to another, in words and as JSON."""
    diff = DiffFormularios()
    fa, fb = campos(old_schema), campos(new_schema)
    for ptr, campo in fb.items():
        if ptr not in fa:
            breaking = campo.required and "default" not in campo.schema
            detail = (
                _("Campo nuevo obligatorio, sin valor por defecto")
                if breaking
                else _("Campo nuevo obligatorio, con valor por defecto")
                if campo.required
                else _("Campo nuevo opcional")
            )
            diff.campos_nuevos.append(
                Cambio(ptr, campo.label_es, campo.label_eu, (detail,), breaking)
            )
    for ptr, campo in fa.items():
        if ptr not in fb:
            diff.campos_retirados.append(
                Cambio(ptr, campo.label_es, campo.label_eu, (_("Campo retirado"),), True)
            )
    for ptr in fa.keys() & fb.keys():
        lines, breaking = _field_changes(fa[ptr], fb[ptr])
        if lines:
            diff.campos_modificados.append(
                Cambio(ptr, fb[ptr].label_es, fb[ptr].label_eu, tuple(lines), breaking)
            )
    for group in (diff.campos_nuevos, diff.campos_retirados, diff.campos_modificados):
        group.sort(key=lambda c: c.pointer)
    ra, rb = _form_rules(old_schema), _form_rules(new_schema)
    for key, (_kw, rule) in rb.items():
        if key not in ra:
            diff.reglas.append(
                Cambio("", _rule_label(rule), _rule_label(rule), (_("Regla nueva"),), True)
            )
    for key, (_kw, rule) in ra.items():
        if key not in rb:
            diff.reglas.append(
                Cambio("", _rule_label(rule), _rule_label(rule), (_("Regla retirada"),))
            )
    if (old_schema.get("title"), old_schema.get("x-title-eu")) != (
        new_schema.get("title"),
        new_schema.get("x-title-eu"),
    ):
        diff.estructura.append(
            Cambio(
                "",
                _("Título del formulario"),
                _("Título del formulario"),
                (
                    _("%(antes)s → %(despues)s")
                    % {
                        "antes": _fmt(old_schema.get("title", "")),
                        "despues": _fmt(new_schema.get("title", "")),
                    },
                ),
            )
        )
    diff.estructura += _layout_changes(old_layout, new_layout)
    diff.json_schema = list(
        difflib.unified_diff(
            _json_lines(old_schema), _json_lines(new_schema), old_name, new_name, lineterm=""
        )
    )
    diff.json_layout = list(
        difflib.unified_diff(
            _json_lines(old_layout), _json_lines(new_layout), old_name, new_name, lineterm=""
        )
    )
    return diff


# --- What a new version breaks in answers already given -----------------------------------------

RETIRADO = "retirado"  # an answer to a field the new version no longer has
NO_VALIDO = "no_valido"  # an answer the new version no longer accepts
OBLIGATORIO = "obligatorio"  # a new required answer, without a default


@dataclass(frozen=True)
class Rotura:
    kind: str
    pointer: str  # of the data (/miembros/0/nombre)
    label_es: str
    label_eu: str
    value: Any = None

    def label(self, lang: str) -> str:
        return self.label_eu if lang == "eu" else self.label_es

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "pointer": self.pointer,
            "label_es": self.label_es,
            "label_eu": self.label_eu,
            "value": self.value,
        }


def _answers(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every answered leaf of the data: (pointer, value). Lists of objects are walked into."""
    if isinstance(data, dict):
        for key, value in data.items():
            ptr = f"{prefix}/{key}"
            if isinstance(value, dict):
                yield from _answers(value, ptr)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for i, item in enumerate(value):
                    yield from _answers(item, f"{ptr}/{i}")
            elif value not in (None, "", [], {}):
                yield ptr, value


def _errors(schema: Mapping, data: Any) -> dict[tuple[str, str], Any]:
    """Validation errors keyed by (data pointer, kind) — a missing required property is keyed
    by its own pointer, so that the same gap in two versions is the same key."""
    out: dict[tuple[str, str], Any] = {}
    for err in Draft202012Validator(schema).iter_errors(data):
        for sub in _leaf_errors(err):
            base = _pointer(sub.absolute_path)
            if sub.validator == "required" and isinstance(sub.instance, dict):
                for prop in sub.validator_value or []:
                    if prop not in sub.instance:
                        out[(f"{base}/{prop}", OBLIGATORIO)] = None
            else:
                out[(base, NO_VALIDO)] = sub.instance
    return out


def _leaf_errors(err):
    if err.context:
        for sub in err.context:
            yield from _leaf_errors(sub)
    else:
        yield err


def con_defaults(data: Any, schema: Mapping) -> Any:
    """A copy of ``data`` with the schema's ``default`` filled in for required properties that
    are missing (top level and inside objects present in the data)."""
    result = copy.deepcopy(data) if isinstance(data, dict) else {}

    def fill(node: dict, sch: Mapping) -> None:
        props = sch.get("properties") or {}
        for name in sch.get("required") or []:
            sub = props.get(name)
            if isinstance(sub, Mapping) and name not in node and "default" in sub:
                node[name] = copy.deepcopy(sub["default"])
        for name, sub in props.items():
            if isinstance(sub, Mapping) and isinstance(node.get(name), dict):
                fill(node[name], sub)

    fill(result, schema)
    return result


def roturas(data: Any, old_schema: Mapping, new_schema: Mapping) -> list[Rotura]:
    """What moving ``data`` (answers given under ``old_schema``) to ``new_schema`` breaks.

    Only what the new version causes: a gap or a wrong answer that was already there under the
    old version is the citizen's pending work, not a break."""
    data = data if isinstance(data, dict) else {}
    found: dict[str, Rotura] = {}
    for ptr, value in _answers(data):
        if subschema(old_schema, ptr) is not None and subschema(new_schema, ptr) is None:
            found[ptr] = Rotura(
                RETIRADO, ptr, label(old_schema, ptr), label(old_schema, ptr, "eu"), value
            )
    before = _errors(old_schema, data)
    after = _errors(new_schema, con_defaults(data, new_schema))
    for ptr, kind in after:
        if (ptr, kind) in before or ptr in found or not ptr:
            continue
        if any(ptr.startswith(r + "/") for r in found):
            continue
        if kind == NO_VALIDO and _get(data, ptr) is None:
            continue  # an error about a whole missing group is reported by its fields
        found[ptr] = Rotura(
            kind,
            ptr,
            label(new_schema, ptr),
            label(new_schema, ptr, "eu"),
            _get(data, ptr) if kind == NO_VALIDO else None,
        )
    return sorted(found.values(), key=lambda r: (r.pointer, r.kind))


def migrar_datos(data: Any, old_schema: Mapping, new_schema: Mapping) -> tuple[dict, list[Rotura]]:
    """The answers as the new version takes them: defaults filled in, and the answers it no
    longer has or no longer accepts moved aside (returned as the list of breaks, each with its
    old value, for the draft to keep and the citizen to see)."""
    breaks = roturas(data, old_schema, new_schema)
    migrated = con_defaults(data, new_schema)
    for rotura in breaks:
        if rotura.kind in (RETIRADO, NO_VALIDO):
            _remove(migrated, rotura.pointer)
    return migrated, breaks


__all__ = [
    "NO_VALIDO",
    "OBLIGATORIO",
    "RETIRADO",
    "Cambio",
    "Campo",
    "DiffFormularios",
    "Rotura",
    "campos",
    "con_defaults",
    "diff_formularios",
    "label",
    "migrar_datos",
    "roturas",
    "subschema",
]
