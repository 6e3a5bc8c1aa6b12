"""The validators of ``procedimientos.formularios.validadores`` that JSON Schema does not
judge by itself: ``format`` checks of Spanish identifiers, ``x-date`` (dates relative to
today) and ``x-rules`` (cross-field rules). Compiled once per :class:`Definition`; each
validation only walks the answers that exist.

Where a rule fires: with a step, only rules whose fields are all on that step or on earlier
ones (the answers asked so far), and only errors next to a field of that step are kept; at the
review (no step) every rule fires. A rule that reads a field hidden by a condition (its
fieldset's or its step's) is skipped. Missing answers never break a rule: "required" reports
them. Messages are in the active language: the rule's own ``message_es``/``message_eu``, else
the registry's default.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format

from procedimientos.formularios.validadores import (
    MENSAJES_FECHA,
    RULE_SHAPES,
    VALIDADORES,
    parse_bound,
)

from .formats import FORMATS, format_of
from .pointers import MISSING, get, parts

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STAR = "*"

# What the engine implements, for the test that nothing is offered without it.
STANDARD_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"}
    | {"pattern"}
)


def implements(validador) -> bool:
    if validador.keyword == "format":
        return validador.id in FORMATS
    if validador.keyword == "x-date":
        return True
    if validador.keyword == "x-rules":
        return validador.id in CHECKS
    return validador.keyword in STANDARD_KEYWORDS


# --- Messages -----------------------------------------------------------------------------


def is_basque() -> bool:
    return (translation.get_language() or "es").startswith("eu")


def message(own: Any, default: tuple[str, str], params: dict[str, Any]) -> str:
    """The rule's own message (``message_es``/``message_eu``) or the default, filled in."""
    eu = is_basque()
    text = ""
    if isinstance(own, dict):
        text = own.get("message_eu" if eu else "message_es") or own.get("message_es") or ""
    text = text or default[1 if eu else 0]
    try:
        return text % params
    except (KeyError, ValueError, TypeError):
        return text


def overridden(schema: dict, keyword: str) -> str | None:
    """A field's own message for ``keyword`` (``x-messages``), in the active language."""
    own = (schema.get("x-messages") or {}).get(keyword)
    if not isinstance(own, dict):
        return None
    return own.get("message_eu" if is_basque() else "message_es") or own.get("message_es")


def show_date(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def show_number(value: float) -> str:
    from .engine import amount

    return amount(value)


# --- Values -------------------------------------------------------------------------------


def filled(value: Any) -> bool:
    return value is not MISSING and value not in (None, "", [], False)


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def as_number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def comparable(operands: str, value: Any) -> Any:
    if operands == "date":
        return as_date(value)
    if operands == "number":
        return as_number(value)
    return value.strip() if isinstance(value, str) else value


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "after": lambda a, b: a > b,
    "after-or-equal": lambda a, b: a >= b,
    "before": lambda a, b: a < b,
    "before-or-equal": lambda a, b: a <= b,
    "greater": lambda a, b: a > b,
    "greater-or-equal": lambda a, b: a >= b,
    "less": lambda a, b: a < b,
    "less-or-equal": lambda a, b: a <= b,
    "equals": lambda a, b: a == b,
    "different": lambda a, b: a != b,
}


# --- Compiled rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One ``x-rules`` entry, bound to the object that holds it (``base``: pattern parts,
    ``*`` for the items of an array)."""

    spec: dict
    base: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.spec["rule"]

    @property
    def pointers(self) -> list[str]:
        """Relative pointers it reads."""
        s = self.spec
        out = [s["field"], s["other"]] if RULE_SHAPES[self.name] == "compare" else []
        out += list(s.get("fields") or [])
        if RULE_SHAPES[self.name] == "sum" and s.get("other"):
            out.append(s["other"])
        return out


Check = Callable[["Rules", Rule, str, Callable[[str], Any]], Iterator[tuple[str, str]]]


def _compare(rules: Rules, rule: Rule, prefix: str, value: Callable[[str], Any]):
    validador = VALIDADORES[rule.name]
    a = comparable(validador.operands, value(rule.spec["field"]))
    b = comparable(validador.operands, value(rule.spec["other"]))
    if a in (None, MISSING, "") or b in (None, MISSING, ""):
        return
    try:
        ok = COMPARE[rule.name](a, b)
    except TypeError:  # values of different types: the schema's "type" reports it
        return
    if not ok:
        otro = rules.label(prefix + rule.spec["other"])
        text = message(rule.spec, (validador.message_es, validador.message_eu), {"otro": otro})
        yield prefix + rule.spec["field"], text


def _group(rules: Rules, rule: Rule, prefix: str, value: Callable[[str], Any]):
    validador = VALIDADORES[rule.name]
    fields = list(rule.spec["fields"])
    answered = [p for p in fields if filled(value(p))]
    default = (validador.message_es, validador.message_eu)
    if rule.name == "required-together" and answered and len(answered) < len(fields):
        campo = rules.label(prefix + answered[0])
        for p in fields:
            if p not in answered:
                yield prefix + p, message(rule.spec, default, {"campo": campo})
    elif rule.name == "at-least-one-of" and not answered:
        campos = rules.labels(prefix, fields)
        yield prefix + fields[0], message(rule.spec, default, {"campos": campos})


def _sum(rules: Rules, rule: Rule, prefix: str, value: Callable[[str], Any]):
    validador = VALIDADORES[rule.name]
    fields = list(rule.spec["fields"])
    numbers = [as_number(value(p)) for p in fields]
    present = [n for n in numbers if n is not None]
    if not present:
        return
    limit = rule.spec.get("value")
    if rule.spec.get("other"):
        limit = as_number(value(rule.spec["other"]))
    if limit is None:
        return
    total = sum(present)
    exact = rule.name == "sum-equals"
    ok = abs(total - limit) <= 1e-9 if exact else total <= limit + 1e-9
    if not ok:
        params = {"campos": rules.labels(prefix, fields), "valor": show_number(limit)}
        text = message(rule.spec, (validador.message_es, validador.message_eu), params)
        yield prefix + fields[0], text


CHECKS: dict[str, Check] = {
    **{name: _compare for name in COMPARE},
    "required-together": _group,
    "at-least-one-of": _group,
    "sum-at-most": _sum,
    "sum-equals": _sum,
}


def _pattern(pointer: str) -> tuple[str, ...]:
    return tuple(STAR if p.isdigit() else p for p in parts(pointer))


def _instances(data: Any, pattern: tuple[str, ...], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(concrete pointer, value) of each answer matching ``pattern``."""
    if not pattern:
        yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == STAR:
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _instances(item, rest, f"{prefix}/{i}")
    elif isinstance(data, dict) and head in data:
        yield from _instances(data[head], rest, f"{prefix}/{head}")


class Rules:
    """What a definition asks beyond JSON Schema, compiled once."""

    def __init__(self, definition) -> None:
        self.definition = definition
        self.formats: list[tuple[tuple[str, ...], str, dict]] = []
        self.dates: list[tuple[tuple[str, ...], dict, Any, Any]] = []
        self.rules: list[Rule] = []
        self.step_index: dict[tuple[str, ...], int] = {}
        self.conditions: list[tuple[dict, list[tuple[str, ...]]]] = []
        self._labels: dict[tuple[tuple[str, ...], bool], str] = {}
        self._walk(definition.schema, ())
        for index, step in enumerate(definition.steps):
            step_patterns: list[tuple[str, ...]] = []
            for fs in step.fieldsets:
                base = _pattern(fs.repeat["path"]) + (STAR,) if fs.repeat else ()
                patterns = [base + _pattern(p) for p in fs.spec["fields"]]
                if fs.repeat:
                    patterns.append(_pattern(fs.repeat["path"]))
                for pattern in patterns:
                    self.step_index.setdefault(pattern, index)
                if fs.condition:
                    self.conditions.append((fs.condition, patterns))
                step_patterns += patterns
                # Identifier formats of the fields the layout asks (inside a group: any item).
                first_item = fs.repeat["path"] + "/0" if fs.repeat else ""
                for rel in fs.spec["fields"]:
                    node = definition.field(first_item + rel)
                    fmt = node and format_of(node.key, node.schema)
                    if fmt:
                        self.formats.append((base + _pattern(rel), fmt, node.schema))
            if step.condition:
                self.conditions.append((step.condition, step_patterns))

    def _walk(self, node: Any, path: tuple[str, ...]) -> None:
        if not isinstance(node, dict):
            return
        if isinstance(node.get("x-date"), dict) and path:
            spec = node["x-date"]
            self.dates.append(
                (path, spec, parse_bound(spec.get("min")), parse_bound(spec.get("max")))
            )
        for spec in node.get("x-rules") or []:
            if isinstance(spec, dict) and spec.get("rule") in CHECKS:
                self.rules.append(Rule(spec=spec, base=path))
        for key, child in (node.get("properties") or {}).items():
            self._walk(child, (*path, key))
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            self._walk(node["items"], (*path, STAR))

    # --- labels for the messages ---
    def label(self, pointer: str) -> str:
        key = (_pattern(pointer), is_basque())
        if key not in self._labels:
            spec = self.definition.field(pointer)
            self._labels[key] = spec.label("eu" if key[1] else "es") if spec else pointer
        return self._labels[key]

    def labels(self, prefix: str, pointers: list[str]) -> str:
        return ", ".join(f"«{self.label(prefix + p)}»" for p in pointers)

    # --- validation ---
    def hidden(self, data: Any) -> set[tuple[str, ...]]:
        from .engine import condition_holds

        out: set[tuple[str, ...]] = set()
        for condition, patterns in self.conditions:
            if not condition_holds(condition, data):
                out.update(patterns)
        return out

    def _is_hidden(self, pattern: tuple[str, ...], hidden: set[tuple[str, ...]]) -> bool:
        return any(pattern[: len(h)] == h for h in hidden)

    def _asked_by(self, pattern: tuple[str, ...], step_index: int) -> bool:
        for length in range(len(pattern), 0, -1):
            index = self.step_index.get(pattern[:length])
            if index is not None:
                return index <= step_index
        return True  # not in the layout: nothing to wait for

    def format_errors(self, data: Any) -> Iterator[tuple[str, str]]:
        """(pointer, message) of each identifier that fails its check (NIF, IBAN…)."""
        for pattern, fmt, schema in self.formats:
            check, default = FORMATS[fmt]
            for pointer, value in _instances(data, pattern):
                if isinstance(value, str) and value and not check(value):
                    yield pointer, overridden(schema, "format") or str(default)

    def errors(self, data: Any, *, step=None) -> Iterator[tuple[str, str]]:
        """(pointer, message) of every x-date and x-rules error."""
        if self.dates:
            yield from self._date_errors(data)
        if not self.rules:
            return
        hidden = self.hidden(data)
        current = None
        if step is not None:
            current = next(i for i, s in enumerate(self.definition.steps) if s.id == step.id)
        for rule in self.rules:
            patterns = [rule.base + _pattern(p) for p in rule.pointers]
            if any(self._is_hidden(p, hidden) for p in patterns):
                continue
            if current is not None and not all(self._asked_by(p, current) for p in patterns):
                continue
            for prefix, obj in _instances(data, rule.base):
                if not isinstance(obj, dict):
                    continue

                def value(pointer: str, obj: Any = obj) -> Any:
                    return get(obj, pointer, MISSING)

                yield from CHECKS[rule.name](self, rule, prefix, value)

    def _date_errors(self, data: Any) -> Iterator[tuple[str, str]]:
        today = timezone.localdate()
        for pattern, spec, low, high in self.dates:
            try:
                desde = low(today) if low else None
                hasta = high(today) if high else None
            except (ValueError, OverflowError):
                continue
            for pointer, value in _instances(data, pattern):
                day = as_date(value)
                if day is None:
                    continue
                if (desde is None or day >= desde) and (hasta is None or day <= hasta):
                    continue
                if desde and hasta:
                    default = MENSAJES_FECHA["between"]
                elif desde:
                    default = MENSAJES_FECHA["min-today" if spec.get("min") == "today" else "min"]
                else:
                    default = MENSAJES_FECHA["max-today" if spec.get("max") == "today" else "max"]
                params = {
                    "desde": show_date(desde) if desde else "",
                    "hasta": show_date(hasta) if hasta else "",
                }
                yield pointer, message(spec, default, params)
