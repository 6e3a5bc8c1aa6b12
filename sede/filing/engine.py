"""The form engine: a procedure's published form definition (JSON Schema + layout, see
``procedimientos.forms_schema``) turned into steps, fieldsets and fields, and the citizen's
answers parsed, coerced and validated on the server.

Nothing here knows about HTTP or the database: ``sede.forms`` renders a step as a Django form
and ``sede.filing_views`` drives the flow. Data is the JSON object the schema describes.

Rules the engine adds to the schema (documented in docs/filing.md):

- A fieldset ``condition`` on a field of an earlier step hides the fieldset; on a field of the
  same step (no JavaScript) the fieldset is shown with a note and its answers are dropped when
  the condition does not hold, so stale answers never reach the registry.
- Repeatable groups (``repeat``): "add another" and "remove" are submit buttons; the step is
  saved and shown again with one group more or less.
- Fields whose schema has ``contentMediaType`` are files: the step holding them is the
  attachments step, and the array is filled from the uploaded attachments.
- Spanish identifiers are checked with python-stdnum: by ``format`` (``nif``, ``iban``,
  ``referencia-catastral``, ``matricula``) or, when the definition does not say, by the
  property's name (``nif``, ``nif_*``, ``iban``, ``referencia_catastral``, ``matricula*``).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator, FormatChecker

MISSING = object()

# --- Identifier formats (python-stdnum) ------------------------------------------------

MODERN_PLATE = re.compile(r"^[0-9]{4}[BCDFGHJKLMNPRSTVWXYZ]{3}$")
OLD_PLATE = re.compile(r"^[A-Z]{1,2}[0-9]{4}[A-Z]{0,2}$")


def _compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", str(value)).upper()


def check_nif(value: str) -> bool:
    from stdnum.es import nif

    return nif.is_valid(value)


def check_iban(value: str) -> bool:
    from stdnum import iban

    return iban.is_valid(value)


def check_referencia_catastral(value: str) -> bool:
    from stdnum.es import referenciacatastral

    return referenciacatastral.is_valid(value)


def check_matricula(value: str) -> bool:
    """Spanish number plates: current (0000 BBB, no vowels, Ñ or Q) or provincial (BI-1234-AB)."""
    value = _compact(value)
    return bool(MODERN_PLATE.match(value) or OLD_PLATE.match(value))


FORMATS: dict[str, tuple[Any, Any]] = {
    "nif": (check_nif, gettext_lazy("Escriba un DNI, NIE o NIF válido, con su letra de control.")),
    "iban": (
        check_iban,
        gettext_lazy("Escriba un IBAN válido (ES y 22 cifras); compruebe los dígitos de control."),
    ),
    "referencia-catastral": (
        check_referencia_catastral,
        gettext_lazy(
            "Escriba una referencia catastral válida (20 caracteres); compruebe los dos "
            "caracteres de control del final."
        ),
    ),
    "matricula": (
        check_matricula,
        gettext_lazy("Escriba una matrícula válida, por ejemplo 1234 BCD o BI-1234-AB."),
    ),
}


def format_of(name: str, schema: Mapping) -> str | None:
    declared = schema.get("format") or schema.get("x-format")
    if declared in FORMATS:
        return declared
    if schema.get("type") != "string" or "enum" in schema:
        return None
    if name == "nif" or name.startswith("nif_"):
        return "nif"
    if name == "iban":
        return "iban"
    if name == "referencia_catastral":
        return "referencia-catastral"
    if name.startswith("matricula"):
        return "matricula"
    return None


# --- Labels of common choices (others are shown humanised) ------------------------------

CHOICE_LABELS = {
    "fisica": gettext_lazy("Persona física"),
    "juridica": gettext_lazy("Persona jurídica"),
    "electronica": gettext_lazy("Electrónica, en la sede (recomendada)"),
    "postal": gettext_lazy("En papel, por correo postal"),
}


def choice_label(schema: Mapping, value: Any, lang: str) -> str:
    titles = schema.get("x-enum-titles-eu" if lang == "eu" else "x-enum-titles")
    if isinstance(titles, list | tuple):
        try:
            return str(titles[list(schema.get("enum", [])).index(value)])
        except (ValueError, IndexError):
            pass
    if value in CHOICE_LABELS:
        return str(CHOICE_LABELS[value])
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


# --- Pointers into data ------------------------------------------------------------------


def parts(pointer: str) -> list[str]:
    return [p for p in pointer.strip("/").split("/") if p != ""]


def get(data: Any, pointer: str, default: Any = MISSING) -> Any:
    node = data
    for part in parts(pointer):
        if isinstance(node, list):
            try:
                node = node[int(part)]
            except (ValueError, IndexError):
                return default
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return default
    return node


def put(data: dict, pointer: str, value: Any) -> None:
    """Set ``value`` at ``pointer``, creating objects and list items on the way;
    ``MISSING`` removes the key."""
    keys = parts(pointer)
    node: Any = data
    for i, part in enumerate(keys[:-1]):
        nxt_is_index = keys[i + 1].isdigit()
        if isinstance(node, list):
            idx = int(part)
            while len(node) <= idx:
                node.append({})
            if not isinstance(node[idx], dict | list):
                node[idx] = [] if nxt_is_index else {}
            node = node[idx]
        else:
            if not isinstance(node.get(part), dict | list):
                if value is MISSING:
                    return
                node[part] = [] if nxt_is_index else {}
            node = node[part]
    last = keys[-1]
    if isinstance(node, list):
        idx = int(last)
        while len(node) <= idx:
            node.append({})
        node[idx] = value
    elif value is MISSING:
        node.pop(last, None)
    else:
        node[last] = value


def subschema(schema: Mapping, pointer: str) -> dict | None:
    node: Any = schema
    for part in parts(pointer):
        if node is None:
            return None
        if part.isdigit() and node.get("type") == "array":
            node = node.get("items")
            continue
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
        node = (node.get("properties") or {}).get(part)
    return node


def is_required(schema: Mapping, pointer: str) -> bool:
    keys = parts(pointer)
    parent = subschema(schema, "/" + "/".join(keys[:-1])) if len(keys) > 1 else schema
    return bool(parent) and keys[-1] in (parent.get("required") or [])


# --- The definition ------------------------------------------------------------------------


def pick(obj: Mapping, key: str, lang: str) -> str:
    if lang == "eu" and obj.get(f"{key}_eu"):
        return obj[f"{key}_eu"]
    return obj.get(f"{key}_es") or obj.get(f"{key}_eu") or ""


@dataclass
class FieldSpec:
    pointer: str  # absolute data pointer (inside a group: /miembros/0/nombre)
    key: str  # the property's own name
    schema: dict
    required: bool

    @property
    def name(self) -> str:
        """The HTML name: the pointer with dashes (``miembros-0-nombre``)."""
        return "-".join(parts(self.pointer))

    @property
    def kind(self) -> str:
        s = self.schema
        t = s.get("type")
        if "contentMediaType" in s:
            return "file"
        if t == "boolean":
            return "boolean"
        if t == "array":
            return "multichoice"
        if "enum" in s:
            return "choice"
        if t in ("number", "integer"):
            return t
        if s.get("format") == "date":
            return "date"
        if s.get("format") == "email":
            return "email"
        if (s.get("maxLength") or 0) > 250 or (
            t == "string"
            and "maxLength" not in s
            and any(
                w in self.key for w in ("descripcion", "expone", "solicita", "propuesta", "motivo")
            )
        ):
            return "textarea"
        return "text"

    @property
    def format(self) -> str | None:
        return format_of(self.key, self.schema)

    def label(self, lang: str) -> str:
        if lang == "eu" and self.schema.get("x-title-eu"):
            return self.schema["x-title-eu"]
        return self.schema.get("title") or choice_label({}, self.key, lang)

    def help(self, lang: str) -> str:
        if lang == "eu" and self.schema.get("x-description-eu"):
            return self.schema["x-description-eu"]
        return self.schema.get("description", "")

    def choices(self, lang: str) -> list[tuple[str, str]]:
        source = self.schema.get("items", {}) if self.kind == "multichoice" else self.schema
        return [(str(v), choice_label(source, v, lang)) for v in source.get("enum", [])]


@dataclass
class FieldsetSpec:
    id: str
    spec: dict
    step_id: str

    @property
    def condition(self) -> dict | None:
        return self.spec.get("condition")

    @property
    def repeat(self) -> dict | None:
        return self.spec.get("repeat")

    def legend(self, lang: str) -> str:
        return pick(self.spec, "legend", lang)

    def help(self, lang: str) -> str:
        return pick(self.spec, "help", lang)


@dataclass
class StepSpec:
    id: str
    spec: dict
    fieldsets: list[FieldsetSpec] = field(default_factory=list)

    def title(self, lang: str) -> str:
        return pick(self.spec, "title", lang)

    @property
    def condition(self) -> dict | None:
        return self.spec.get("condition")


def condition_holds(condition: Mapping | None, data: Any) -> bool:
    if not condition:
        return True
    value = get(data, condition["field"], None)
    if "equals" in condition:
        return value == condition["equals"]
    return value in condition.get("in", [])


class Definition:
    """A published form version, ready to render and validate."""

    def __init__(self, schema: dict, layout: dict | None):
        self.schema = schema
        layout = layout or {}
        if not layout.get("steps"):  # no layout: one step with every top-level property
            layout = {
                "steps": [
                    {
                        "id": "datos",
                        "title_es": "Datos",
                        "title_eu": "Datuak",
                        "fieldsets": [
                            {
                                "id": "datos",
                                "legend_es": schema.get("title", "Datos"),
                                "legend_eu": schema.get("x-title-eu", "Datuak"),
                                "fields": [f"/{k}" for k in schema.get("properties", {})],
                            }
                        ],
                    }
                ]
            }
        self.steps = [
            StepSpec(
                id=s["id"],
                spec=s,
                fieldsets=[
                    FieldsetSpec(id=f["id"], spec=f, step_id=s["id"]) for f in s["fieldsets"]
                ],
            )
            for s in layout["steps"]
        ]

    # --- structure ---
    def step(self, step_id: str) -> StepSpec | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def visible_steps(self, data: Any) -> list[StepSpec]:
        return [s for s in self.steps if condition_holds(s.condition, data)]

    def next_step(self, step_id: str, data: Any) -> StepSpec | None:
        ids = [s.id for s in self.visible_steps(data)]
        if step_id in ids and ids.index(step_id) + 1 < len(ids):
            return self.step(ids[ids.index(step_id) + 1])
        return None

    def previous_step(self, step_id: str, data: Any) -> StepSpec | None:
        ids = [s.id for s in self.visible_steps(data)]
        if step_id in ids and ids.index(step_id) > 0:
            return self.step(ids[ids.index(step_id) - 1])
        return None

    def is_attachments_fieldset(self, fs: FieldsetSpec) -> bool:
        base = fs.repeat["path"] if fs.repeat else ""
        return any(
            "contentMediaType" in (subschema(self.schema, base + p) or {})
            for p in fs.spec["fields"]
        )

    def is_attachments_step(self, step: StepSpec) -> bool:
        return any(self.is_attachments_fieldset(fs) for fs in step.fieldsets)

    def field(self, pointer: str) -> FieldSpec | None:
        node = subschema(self.schema, pointer)
        if node is None:
            return None
        return FieldSpec(
            pointer=pointer,
            key=parts(pointer)[-1] if not parts(pointer)[-1].isdigit() else "",
            schema=node,
            required=is_required(self.schema, pointer),
        )

    def fieldset_fields(self, fs: FieldsetSpec) -> list[FieldSpec]:
        return [f for f in (self.field(p) for p in fs.spec["fields"]) if f is not None]

    def group_fields(self, fs: FieldsetSpec, index: int) -> list[FieldSpec]:
        base = f"{fs.repeat['path']}/{index}"
        return [f for f in (self.field(base + p) for p in fs.spec["fields"]) if f is not None]

    def group_count(self, fs: FieldsetSpec, data: Any) -> int:
        items = get(data, fs.repeat["path"], [])
        count = len(items) if isinstance(items, list) else 0
        return max(count, int(fs.repeat.get("min", 0)))

    def fieldset_visible(self, fs: FieldsetSpec, data: Any, *, same_step_ok: bool = True) -> str:
        """'shown', 'hidden' or 'conditional' (depends on a field of the same step)."""
        cond = fs.condition
        if not cond:
            return "shown"
        step = self.step(fs.step_id)
        same_step = any(
            cond["field"] == p
            for other in step.fieldsets
            if other is not fs and not other.repeat
            for p in other.spec["fields"]
        )
        if same_step and same_step_ok:
            return "conditional"
        return "shown" if condition_holds(cond, data) else "hidden"

    def step_pointers(self, step: StepSpec, data: Any) -> list[str]:
        """Every data pointer that belongs to a step (its visible fields, repeat paths)."""
        out: list[str] = []
        for fs in step.fieldsets:
            if fs.repeat:
                out.append(fs.repeat["path"])
            else:
                out.extend(fs.spec["fields"])
        return out

    # --- parsing a POST ---
    def parse_step(
        self, step: StepSpec, post: Mapping, data: dict, *, group_counts: Mapping[str, int]
    ) -> tuple[dict, dict[str, list[str]]]:
        """Read the step's answers from ``post`` (a QueryDict-like with ``getlist``) into a
        copy of ``data``. Returns (new data, coercion errors by pointer)."""
        new = copy.deepcopy(data)
        errors: dict[str, list[str]] = {}
        for fs in step.fieldsets:
            if self.is_attachments_fieldset(fs):
                continue
            if fs.repeat:
                path = fs.repeat["path"]
                count = group_counts.get(path, self.group_count(fs, data))
                items: list[dict] = []
                for i in range(count):
                    item: dict = {}
                    for spec in self.group_fields(fs, i):
                        value, error = coerce(spec, post)
                        if error:
                            errors.setdefault(spec.pointer, []).append(error)
                        if value is not MISSING:
                            item[spec.key] = value
                    items.append(item)
                put(new, path, items)
                continue
            if self.fieldset_visible(fs, new) == "hidden":
                continue
            for spec in self.fieldset_fields(fs):
                value, error = coerce(spec, post)
                if error:
                    errors.setdefault(spec.pointer, []).append(error)
                put(new, spec.pointer, value)
        # Drop the answers of fieldsets whose condition does not hold (now or any more).
        for other in self.steps:
            for fs in other.fieldsets:
                if fs.condition and not condition_holds(fs.condition, new):
                    if fs.repeat:
                        put(new, fs.repeat["path"], MISSING)
                    else:
                        for pointer in fs.spec["fields"]:
                            put(new, pointer, MISSING)
                            errors.pop(pointer, None)
        _prune(new)
        return new, errors

    # --- validation ---
    def validate(self, data: Any, *, step: StepSpec | None = None) -> dict[str, list[str]]:
        """Errors by data pointer (``""`` for the whole form), for one step or all of them."""
        errors: dict[str, list[str]] = {}
        validator = Draft202012Validator(self.schema, format_checker=FormatChecker())
        for err in validator.iter_errors(data):
            for pointer, message in _messages(self, err):
                errors.setdefault(pointer, [])
                if message not in errors[pointer]:
                    errors[pointer].append(message)
        for pointer, fmt in self._format_fields(data):
            value = get(data, pointer, None)
            check, message = FORMATS[fmt]
            if isinstance(value, str) and value and not check(value):
                errors[pointer] = [str(message)]  # the specific message replaces a pattern one
        if step is not None:
            owned = self.step_pointers(step, data)
            errors = {
                p: m
                for p, m in errors.items()
                if any(p == o or p.startswith(o + "/") for o in owned)
            }
        return errors

    def _format_fields(self, data: Any) -> Iterable[tuple[str, str]]:
        for step in self.steps:
            for fs in step.fieldsets:
                if fs.repeat:
                    items = get(data, fs.repeat["path"], [])
                    specs = [
                        s
                        for i in range(len(items) if isinstance(items, list) else 0)
                        for s in self.group_fields(fs, i)
                    ]
                else:
                    specs = self.fieldset_fields(fs)
                for spec in specs:
                    if spec.format:
                        yield spec.pointer, spec.format

    def step_of(self, pointer: str) -> StepSpec | None:
        for step in self.steps:
            for o in self.step_pointers(step, {}):
                if pointer == o or pointer.startswith(o + "/"):
                    return step
        return None

    def prefill(self, identity: Mapping[str, str]) -> dict:
        """Initial data from the identified person (name, NIF, email)."""
        data: dict = {}
        props = self.schema.get("properties", {})
        if "solicitante" in props:
            sol = {
                k: v
                for k, v in identity.items()
                if v and k in props["solicitante"].get("properties", {})
            }
            if sol:
                data["solicitante"] = sol
        if "notificacion" in props and identity.get("email"):
            data["notificacion"] = {"canal": "electronica", "email": identity["email"]}
        return data

    def summary(self, data: Any, lang: str) -> list[dict]:
        """The answers for the review page and the application PDF, step by step."""
        out = []
        for step in self.visible_steps(data):
            if self.is_attachments_step(step):
                continue
            rows: list[dict] = []
            for fs in step.fieldsets:
                if fs.condition and not condition_holds(fs.condition, data):
                    continue
                if fs.repeat:
                    items = get(data, fs.repeat["path"], [])
                    for i in range(len(items) if isinstance(items, list) else 0):
                        values = [
                            (s.label(lang), display(s, get(data, s.pointer, None), lang))
                            for s in self.group_fields(fs, i)
                        ]
                        rows.append({"legend": f"{fs.legend(lang)} {i + 1}", "values": values})
                    continue
                values = [
                    (s.label(lang), display(s, get(data, s.pointer, None), lang))
                    for s in self.fieldset_fields(fs)
                    if get(data, s.pointer, None) not in (None, "", [])
                ]
                if values:
                    rows.append({"legend": fs.legend(lang), "values": values})
            out.append({"step": step, "title": step.title(lang), "fieldsets": rows})
        return out


def display(spec: FieldSpec, value: Any, lang: str) -> str:
    if value in (None, ""):
        return "—"
    if spec.kind == "boolean":
        return _("Sí") if value else _("No")
    if spec.kind == "choice":
        return choice_label(spec.schema, value, lang)
    if spec.kind == "multichoice":
        items = spec.schema.get("items", {})
        return ", ".join(choice_label(items, v, lang) for v in value)
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _prune(node: Any) -> None:
    """Remove empty objects left behind by hidden or cleared fields."""
    if isinstance(node, dict):
        for key in list(node):
            _prune(node[key])
            if node[key] == {}:
                del node[key]
    elif isinstance(node, list):
        for item in node:
            _prune(item)


# --- Coercion of one posted value ------------------------------------------------------


def raw_value(spec: FieldSpec, post: Mapping) -> Any:
    if spec.kind == "multichoice":
        return post.getlist(spec.name) if hasattr(post, "getlist") else post.get(spec.name, [])
    return post.get(spec.name)


def coerce(spec: FieldSpec, post: Mapping) -> tuple[Any, str | None]:
    """(value or MISSING, coercion error). Empty answers are MISSING so that "required"
    reports them."""
    raw = raw_value(spec, post)
    kind = spec.kind
    if kind == "boolean":
        return (str(raw).lower() in ("on", "true", "1", "si", "sí", "yes")), None
    if kind == "multichoice":
        values = [v for v in (raw or []) if v]
        return (values if values else MISSING), None
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if not text:
        return MISSING, None
    if kind in ("number", "integer"):
        number = text.replace(" ", "").replace("€", "")
        if "," in number and "." in number:
            number = number.replace(".", "").replace(",", ".")
        else:
            number = number.replace(",", ".")
        try:
            dec = Decimal(number)
        except InvalidOperation:
            return text, _("Escriba un número, por ejemplo 1250,50.")
        if not dec.is_finite():
            return text, _("Escriba un número, por ejemplo 1250,50.")
        if kind == "integer":
            if dec != dec.to_integral_value():
                return text, _("Escriba un número entero, sin decimales.")
            return int(dec), None
        return (int(dec) if dec == dec.to_integral_value() else float(dec)), None
    if kind == "date":
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date().isoformat(), None  # noqa: DTZ007
            except ValueError:
                continue
        return text, _("Escriba una fecha válida, por ejemplo 31/12/2026.")
    if spec.format in ("nif", "iban", "referencia-catastral", "matricula"):
        return _compact(text), None
    if (
        spec.format is None
        and kind == "text"
        and spec.schema.get("pattern", "").startswith("^[A-Z")
    ):
        return text.upper(), None
    return text, None


# --- jsonschema errors → messages by field ------------------------------------------------


def _pointer(path: Iterable) -> str:
    return "".join(f"/{p}" for p in path)


def _messages(definition: Definition, err) -> list[tuple[str, str]]:
    where = _pointer(err.absolute_path)
    v = err.validator
    if v == "required":
        instance = err.instance if isinstance(err.instance, dict) else {}
        out: list[tuple[str, str]] = []
        for name in err.validator_value:
            if name not in instance:
                out.extend(_required_leaves(definition, f"{where}/{name}"))
        return out
    if v in ("allOf", "anyOf", "oneOf", "if", "then", "else", "not"):
        return []
    spec = definition.field(where) if where else None
    if spec is not None and spec.format and v in ("pattern", "minLength", "maxLength"):
        return [(where, str(FORMATS[spec.format][1]))]
    s = err.schema if isinstance(err.schema, dict) else {}
    n = err.validator_value
    templates = {
        "pattern": lambda: _("El formato no es válido."),
        "minLength": lambda: _("Escriba al menos %(n)s caracteres.") % {"n": n},
        "maxLength": lambda: _("Escriba como máximo %(n)s caracteres.") % {"n": n},
        "minimum": lambda: _("El valor mínimo es %(n)s.") % {"n": n},
        "maximum": lambda: _("El valor máximo es %(n)s.") % {"n": n},
        "exclusiveMinimum": lambda: _("Debe ser mayor que %(n)s.") % {"n": n},
        "exclusiveMaximum": lambda: _("Debe ser menor que %(n)s.") % {"n": n},
        "enum": lambda: _("Elija una de las opciones."),
        "type": lambda: _("El valor no es del tipo esperado."),
        "minItems": lambda: _("Añada al menos %(n)s.") % {"n": n},
        "maxItems": lambda: _("Como máximo %(n)s.") % {"n": n},
        "uniqueItems": lambda: _("No repita la misma opción."),
        "additionalProperties": lambda: _("Hay datos que el formulario no admite."),
    }
    message = templates[v]() if v in templates else None
    if v == "const":
        message = (
            _("Debe marcar esta casilla para continuar.")
            if s.get("const") is True
            else _("El valor no es el esperado.")
        )
    if v == "format":
        message = {
            "email": _("Escriba un correo electrónico válido, por ejemplo nombre@ejemplo.org."),
            "date": _("Escriba una fecha válida, por ejemplo 31/12/2026."),
        }.get(err.validator_value, _("El formato no es válido."))
    if v == "type" and s.get("type") in ("number", "integer"):
        message = _("Escriba un número, por ejemplo 1250,50.")
    return [(where, message or str(err.message))]


def _message_for_required(definition: Definition, pointer: str) -> str:
    spec = definition.field(pointer)
    if spec is not None and spec.kind == "boolean" and spec.schema.get("const") is True:
        return _("Debe marcar esta casilla para continuar.")
    if spec is not None and spec.kind in ("choice", "multichoice"):
        return _("Elija una opción.")
    return _("Este dato es obligatorio.")


def _required_leaves(definition: Definition, pointer: str) -> list[tuple[str, str]]:
    """A missing object is reported on each of its required fields."""
    node = subschema(definition.schema, pointer) or {}
    if node.get("type") == "object" and node.get("required"):
        out: list[tuple[str, str]] = []
        for name in node["required"]:
            out.extend(_required_leaves(definition, f"{pointer}/{name}"))
        return out
    return [(pointer, _message_for_required(definition, pointer))]
