"""The definition check of the validators written into a form (``x-date``, ``x-rules``,
``x-messages``): a malformed one is refused before publication with a readable message
(``procedimientos.forms_schema.form_definition_errors`` calls :func:`validator_errors`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .validadores import PARAM_TYPES, RULE_SHAPES, VALIDADORES, kind_of, parse_bound

POINTER = re.compile(r"^(/[A-Za-z0-9_]+)+$")
MESSAGES = ("message_es", "message_eu")


def _resolve(node: Mapping, pointer: str) -> dict | None:
    """The property ``pointer`` designates inside the object ``node`` (never into an array:
    a rule compares the fields of one object)."""
    current: Any = node
    for part in pointer.strip("/").split("/"):
        if not isinstance(current, dict) or current.get("type") == "array":
            return None
        current = (current.get("properties") or {}).get(part)
    return current if isinstance(current, dict) else None


def _messages(entry: Mapping, where: str) -> Iterator[str]:
    given = [k for k in MESSAGES if k in entry]
    for key in given:
        if not isinstance(entry[key], str) or not entry[key].strip():
            yield f"{where}: {key} must be a non-empty text"
    if len(given) == 1:
        yield f"{where}: give the message in both languages (message_es and message_eu)"


def _date_errors(node: Mapping, where: str) -> Iterator[str]:
    spec = node["x-date"]
    if not isinstance(spec, dict):
        yield f"{where}: x-date must be an object with min and/or max"
        return
    if kind_of(node) != "date":
        yield f'{where}: x-date applies to dates only (a string with "format": "date")'
    unknown = sorted(set(spec) - {"min", "max", *MESSAGES})
    if unknown:
        yield f"{where}: x-date does not know {', '.join(unknown)}"
    if "min" not in spec and "max" not in spec:
        yield f"{where}: x-date needs min or max"
    bounds = {}
    for key in ("min", "max"):
        if key in spec:
            bounds[key] = parse_bound(spec[key])
            if bounds[key] is None:
                yield (
                    f'{where}: x-date {key} {spec[key]!r} is not a date bound (use "today", '
                    'an ISO-8601 duration such as "-P18Y" or "P1Y", or a date YYYY-MM-DD)'
                )
    low, high = bounds.get("min"), bounds.get("max")
    if low and high:
        today = dt.date(2026, 1, 1)
        try:
            if low(today) > high(today):
                yield f"{where}: x-date min is after max: no date would be accepted"
        except (ValueError, OverflowError):
            yield f"{where}: x-date bounds are out of the calendar"
    yield from _messages(spec, f"{where} x-date")


def _pointer_errors(node: Mapping, entry: Mapping, key: str, where: str) -> Iterator[str]:
    value = entry.get(key)
    if PARAM_TYPES[key] == "pointers" and (not isinstance(value, list) or len(value) < 2):
        yield f"{where}: {key} must list at least two fields"
        return
    pointers: list = value if isinstance(value, list) else [value]
    for pointer in pointers:
        if not isinstance(pointer, str) or not POINTER.match(pointer):
            yield f"{where}: {key} {pointer!r} is not a pointer such as /fecha_fin"
        elif _resolve(node, pointer) is None:
            yield f"{where}: {key} {pointer} is not in the schema"


def _rule_errors(node: Mapping, entry: Any, where: str) -> Iterator[str]:
    if not isinstance(entry, dict):
        yield f"{where}: a rule is an object with a rule name and its fields"
        return
    name = entry.get("rule")
    validador = VALIDADORES.get(name) if isinstance(name, str) else None
    if validador is None or validador.keyword != "x-rules":
        known = ", ".join(sorted(RULE_SHAPES))
        yield f"{where}: unknown rule {name!r} (known: {known})"
        return
    where = f"{where} ({validador.id})"
    shape = RULE_SHAPES[validador.id]
    unknown = sorted(set(entry) - {"rule", *validador.params, *MESSAGES})
    if unknown:
        yield f"{where}: does not know {', '.join(unknown)}"
    required = {"compare": ("field", "other"), "group": ("fields",), "sum": ("fields",)}[shape]
    missing = [k for k in required if k not in entry]
    if missing:
        yield f"{where}: needs {', '.join(missing)}"
        return
    if shape == "sum" and ("value" in entry) == ("other" in entry):
        yield f"{where}: give either value (a number) or other (a field), not both"
    if "value" in entry and (
        not isinstance(entry["value"], int | float) or isinstance(entry["value"], bool)
    ):
        yield f"{where}: value must be a number"
    found = [
        e
        for k in validador.params
        if k in entry and k != "value"
        for e in _pointer_errors(node, entry, k, where)
    ]
    yield from found
    yield from _messages(entry, where)
    if found:
        return
    pointers = [entry[k] for k in ("field", "other") if k in entry] + list(entry.get("fields", []))
    if shape == "compare" and entry["field"] == entry["other"]:
        yield f"{where}: field and other are the same field"
    kinds = {p: kind_of(_resolve(node, p) or {}) for p in pointers}
    wanted = validador.operands
    if wanted in ("date", "number"):
        wrong = [p for p, k in kinds.items() if k != wanted]
        if wrong:
            article = "a date" if wanted == "date" else "a number"
            yield f"{where}: {', '.join(wrong)} is not {article}; this rule compares {wanted}s"
    elif shape == "compare" and kinds[entry["field"]] != kinds[entry["other"]]:
        yield (
            f"{where}: {entry['field']} ({kinds[entry['field']]}) and {entry['other']} "
            f"({kinds[entry['other']]}) are of different types"
        )


def validator_errors(schema: Mapping) -> list[str]:
    """Every malformed ``x-date``, ``x-rules`` or ``x-messages`` of a form schema."""
    return list(_walk(schema, ""))


def _walk(node: Any, path: str) -> Iterator[str]:
    if not isinstance(node, dict):
        return
    where = f"schema {path or '/'}"
    if "x-date" in node:
        yield from _date_errors(node, where)
    if "x-messages" in node:
        own = node["x-messages"]
        if not isinstance(own, dict) or not all(isinstance(v, dict) for v in own.values()):
            yield f'{where}: x-messages maps a keyword to {{"message_es": …, "message_eu": …}}'
        else:
            for keyword, entry in own.items():
                yield from _messages(entry, f"{where} x-messages {keyword}")
    if "x-rules" in node:
        rules = node["x-rules"]
        if node.get("type") != "object":
            yield f"{where}: x-rules belong to an object (the form or a group's items)"
        elif not isinstance(rules, list):
            yield f"{where}: x-rules must be a list of rules"
        else:
            for i, entry in enumerate(rules):
                yield from _rule_errors(node, entry, f"{where} x-rules[{i}]")
    for key, child in (node.get("properties") or {}).items():
        yield from _walk(child, f"{path}/{key}")
    if isinstance(node.get("items"), dict):
        yield from _walk(node["items"], f"{path}/*")
