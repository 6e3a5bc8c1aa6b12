"""The fee (tasa) a procedure charges online, as catalogue data: its format and its checks.

``Procedimiento.tasa`` is ``{}`` (nothing to pay online) or one rule, with its concept in
both languages (amounts in euro cents, so that no rounding ever happens):

- ``{"rule": "fija", "amount_cents": 4800}``: a fixed amount;
- ``{"rule": "por_unidad", "unit_cents": 4800, "quantity": "/vehiculos"}``: an amount per
  unit × the quantity answered in the form (a number, or the length of a list), optionally
  with ``min_cents`` / ``max_cents``;
- ``{"rule": "tramos", "base": "/presupuesto_ejecucion", "brackets": [{"up_to": 6000,
  "amount_cents": 3000}, ..., {"up_to": null, "amount_cents": 12000}]}``: brackets of a
  number answered in the form (``up_to`` in the answer's unit, inclusive; the last one open).

``unless: {"field": "/domiciliar_tasa", "equals": true}`` waives the online payment when the
answer says the fee is paid another way (direct debit). ``concept_es`` / ``concept_eu`` name
the payment. The computation lives in ``pagos.tasas`` (pagos uses procedimientos, never the
other way round); this module only says what a well-formed rule is.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

_POINTER = {"type": "string", "pattern": r"^(/[^/]+)+$"}
_CENTS = {"type": "integer", "minimum": 0, "maximum": 100_000_000}

TASA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "rule": {"enum": ["fija", "por_unidad", "tramos"]},
        "concept_es": {"type": "string", "minLength": 1, "maxLength": 120},
        "concept_eu": {"type": "string", "maxLength": 120},
        "amount_cents": _CENTS,
        "unit_cents": _CENTS,
        "quantity": _POINTER,
        "base": _POINTER,
        "brackets": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["up_to", "amount_cents"],
                "additionalProperties": False,
                "properties": {"up_to": {"type": ["number", "null"]}, "amount_cents": _CENTS},
            },
        },
        "min_cents": _CENTS,
        "max_cents": _CENTS,
        "unless": {
            "type": "object",
            "required": ["field", "equals"],
            "additionalProperties": False,
            "properties": {"field": _POINTER, "equals": {}},
        },
    },
    # Empty: no online fee. Otherwise a rule, its concept and what the rule needs.
    "if": {"minProperties": 1},
    "then": {
        "required": ["rule", "concept_es"],
        "allOf": [
            {
                "if": {"properties": {"rule": {"const": "fija"}}},
                "then": {"required": ["amount_cents"]},
            },
            {
                "if": {"properties": {"rule": {"const": "por_unidad"}}},
                "then": {"required": ["unit_cents", "quantity"]},
            },
            {
                "if": {"properties": {"rule": {"const": "tramos"}}},
                "then": {"required": ["base", "brackets"]},
            },
        ],
    },
}

_VALIDATOR = Draft202012Validator(TASA_SCHEMA)


def tasa_errors(tasa: Any) -> list[str]:
    """What is wrong with a fee rule (empty list: well formed)."""
    errors = [
        f"{'/'.join(str(p) for p in e.absolute_path) or 'tasa'}: {e.message}"
        for e in _VALIDATOR.iter_errors(tasa)
    ]
    if errors or not tasa or tasa.get("rule") != "tramos":
        return errors
    limits = [b["up_to"] for b in tasa["brackets"]]
    if limits[-1] is not None:
        errors.append("brackets: the last bracket must be open (up_to: null)")
    closed = [x for x in limits if x is not None]
    if None in limits[:-1] or closed != sorted(closed) or len(set(closed)) != len(closed):
        errors.append("brackets: up_to must grow from one bracket to the next")
    return errors
