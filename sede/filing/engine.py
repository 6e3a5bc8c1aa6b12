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
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from .coercion import coerce, raw_value
from .formats import (
    CHOICE_LABELS,
    FORMATS,
    check_iban,
    check_matricula,
    check_nif,
    check_referencia_catastral,
    choice_label,
    format_of,
)
from .messages import error_messages
from .pointers import MISSING, get, is_required, parts, put, subschema
from .reglas import Rules

__all__ = [
    "CHOICE_LABELS",
    "FORMATS",
    "MISSING",
    "Definition",
    "FieldSpec",
    "FieldsetSpec",
    "StepSpec",
    "check_iban",
    "check_matricula",
    "check_nif",
    "check_referencia_catastral",
    "choice_label",
    "coerce",
    "condition_holds",
    "display",
    "format_of",
    "get",
    "is_required",
    "parts",
    "put",
    "raw_value",
    "subschema",
]


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

    # Cached: a field's schema is part of a published (immutable) definition.
    @functools.cached_property
    def name(self) -> str:
        """The HTML name: the pointer with dashes (``miembros-0-nombre``)."""
        return "-".join(parts(self.pointer))

    @functools.cached_property
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

    @functools.cached_property
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
    """A published form version, ready to render and validate.

    ``Definition.of(schema, layout)`` shares one instance per distinct definition in the
    process, so what is derived from it (the jsonschema validator, the compiled rules, the
    field specs) is built once, not on every request."""

    _SHARED: dict[str, Definition] = {}
    _SHARED_MAX = 256

    @classmethod
    def of(cls, schema: dict, layout: dict | None) -> Definition:
        key = hashlib.sha1(  # noqa: S324 - a cache key, not a signature
            json.dumps([schema, layout], sort_keys=True, default=str).encode()
        ).hexdigest()
        found = cls._SHARED.get(key)
        if found is None:
            if len(cls._SHARED) >= cls._SHARED_MAX:
                cls._SHARED.clear()
            found = cls._SHARED[key] = cls(copy.deepcopy(schema), copy.deepcopy(layout))
        return found

    def __init__(self, schema: dict, layout: dict | None):
        self.schema = schema
        self._fields: dict[str, FieldSpec | None] = {}
        self._visibility: dict[str, bool] = {}
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
        if pointer not in self._fields:
            self._fields[pointer] = self._field(pointer)
        return self._fields[pointer]

    def _field(self, pointer: str) -> FieldSpec | None:
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
        key = f"{fs.step_id}/{fs.id}"
        if key not in self._visibility:
            step = self.step(fs.step_id)
            self._visibility[key] = any(
                cond["field"] == p
                for other in (step.fieldsets if step else [])
                if other is not fs and not other.repeat
                for p in other.spec["fields"]
            )
        same_step = self._visibility[key]
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
    @functools.cached_property
    def validator(self) -> Draft202012Validator:
        return Draft202012Validator(self.schema, format_checker=FormatChecker())

    @functools.cached_property
    def rules(self) -> Rules:
        """Formats, ``x-date`` and ``x-rules``, compiled once (``sede.filing.reglas``)."""
        return Rules(self)

    @functools.cached_property
    def _owned(self) -> dict[str, tuple[str, ...]]:
        return {s.id: tuple(self.step_pointers(s, {})) for s in self.steps}

    def validate(self, data: Any, *, step: StepSpec | None = None) -> dict[str, list[str]]:
        """Errors by data pointer (``""`` for the whole form), for one step or all of them."""
        errors: dict[str, list[str]] = {}
        for err in self.validator.iter_errors(data):
            for pointer, message in error_messages(self, err):
                errors.setdefault(pointer, [])
                if message not in errors[pointer]:
                    errors[pointer].append(message)
        for pointer, message in self.rules.format_errors(data):
            errors[pointer] = [message]  # the specific message replaces a pattern one
        for pointer, message in self.rules.errors(data, step=step):
            errors.setdefault(pointer, [])
            if message not in errors[pointer]:
                errors[pointer].append(message)
        if step is not None:
            owned = self._owned[step.id]
            errors = {
                p: m
                for p, m in errors.items()
                if any(p == o or p.startswith(o + "/") for o in owned)
            }
        return errors

    def step_of(self, pointer: str) -> StepSpec | None:
        for step in self.steps:
            for o in self.step_pointers(step, {}):
                if pointer == o or pointer.startswith(o + "/"):
                    return step
        return None

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
            day = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return str(value)
        return localised(lang, lambda: date_format(day, "SHORT_DATE_FORMAT"))
    if spec.kind in ("number", "integer") and isinstance(value, int | float):
        return localised(lang, lambda: amount(value, euros=spec.schema.get("x-unit") == "EUR"))
    if spec.schema.get("x-widget") == "unidad":
        from identidad.models import Unidad

        unit = Unidad.objects.filter(dir3=value).first()
        if unit is not None:
            name = unit.name_eu if lang == "eu" and unit.name_eu else unit.name_es
            return name
    return str(value)


def localised(lang: str, render) -> str:
    from django.utils import translation

    with translation.override(lang):
        return render()


def amount(value: float | int, *, euros: bool = False) -> str:
    """1250.5 → «1.250,50» (es and eu), with « €» for amounts in euros."""
    from django.utils.formats import number_format

    decimals = 0 if float(value).is_integer() and not euros else 2
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0€" if euros else text


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
