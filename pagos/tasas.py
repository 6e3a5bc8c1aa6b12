"""The fee of a filing, computed from the procedure's rule (``Procedimiento.tasa``, whose
format ``procedimientos.tasas`` defines and checks) and the answers of the form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_MISSING = object()


def _answer(data: Any, pointer: str) -> Any:
    """The answer at a JSON Pointer (``/a/0/b``), or ``_MISSING``."""
    node = data
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _number(value: Any) -> Decimal:
    """A form answer as a number: numbers, numeric strings («1.250,50» too), list lengths."""
    if isinstance(value, bool) or value is _MISSING or value is None:
        return Decimal(0)
    if isinstance(value, list | tuple):
        return Decimal(len(value))
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)


@dataclass(frozen=True)
class Tasa:
    amount_cents: int
    concept_es: str
    concept_eu: str


def tasa_for(procedimiento, data: dict) -> int:
    """The fee to pay online for these answers, in euro cents (0: nothing to pay)."""
    rule: dict = procedimiento.tasa or {}
    if not rule:
        return 0
    unless = rule.get("unless")
    if unless and _answer(data, unless["field"]) == unless["equals"]:
        return 0
    kind = rule.get("rule")
    if kind == "fija":
        cents = int(rule["amount_cents"])
    elif kind == "por_unidad":
        quantity = _number(_answer(data, rule["quantity"]))
        cents = int(quantity * int(rule["unit_cents"]))
    elif kind == "tramos":
        base = _number(_answer(data, rule["base"]))
        cents = 0
        for bracket in rule["brackets"]:
            if bracket["up_to"] is None or base <= Decimal(str(bracket["up_to"])):
                cents = int(bracket["amount_cents"])
                break
    else:  # an unknown rule never reaches here: the catalogue import refuses it
        raise ValueError(f"unknown fee rule {kind!r} in procedure {procedimiento.code}")
    if cents and "min_cents" in rule:
        cents = max(cents, int(rule["min_cents"]))
    if "max_cents" in rule:
        cents = min(cents, int(rule["max_cents"]))
    return max(cents, 0)


def tasa_of(procedimiento, data: dict) -> Tasa | None:
    """The fee with its concept, or None when nothing is to be paid online."""
    cents = tasa_for(procedimiento, data)
    if cents <= 0:
        return None
    rule = procedimiento.tasa
    return Tasa(
        amount_cents=cents,
        concept_es=rule["concept_es"],
        concept_eu=rule.get("concept_eu", ""),
    )
