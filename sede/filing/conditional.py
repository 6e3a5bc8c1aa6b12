"""Fields required only under a condition of the schema (``allOf: [{if, then: {required}}]``),
e.g. "Razón social" only for a legal person. The filing pages say so in the field's label and
filing.js hides the field while it does not apply; without JavaScript it stays visible, marked
"required only if …; otherwise leave it empty". (Read-only over the engine's definition.)"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from .engine import choice_label
from .pointers import parts, subschema


def required_when(schema: dict, pointer: str) -> tuple[str, list] | None:
    """(controlling pointer, values) when ``pointer`` is required only if a sibling field has
    one of those values; None when it is always or never required."""
    keys = parts(pointer)
    if not keys:
        return None
    parent_pointer = "/" + "/".join(keys[:-1]) if len(keys) > 1 else ""
    parent = subschema(schema, parent_pointer) if parent_pointer else schema
    if not isinstance(parent, dict) or keys[-1] in (parent.get("required") or []):
        return None
    controller, values = None, []
    for entry in parent.get("allOf") or []:
        cond = (entry.get("if") or {}).get("properties") or {}
        then = (entry.get("then") or {}).get("required") or []
        if keys[-1] not in then or len(cond) != 1:
            continue
        ((ctrl, rule),) = cond.items()
        if controller not in (None, ctrl):
            return None
        controller = ctrl
        if "const" in rule:
            values.append(rule["const"])
        else:
            values += list(rule.get("enum") or [])
    if controller is None or not values:
        return None
    return f"{parent_pointer}/{controller}", values


def condition_for(definition, spec, lang: str) -> dict | None:
    """What the templates need: the controlling field's HTML name and label, the values
    (worked out once per field and language of a definition)."""
    memo = definition.__dict__.setdefault("_condition_for", {})
    key = (spec.pointer, lang)
    if key not in memo:
        memo[key] = _condition_for(definition, spec, lang)
    return memo[key]


def _condition_for(definition, spec, lang: str) -> dict | None:
    found = required_when(definition.schema, spec.pointer)
    if found is None:
        return None
    ctrl_pointer, values = found
    ctrl = definition.field(ctrl_pointer)
    if ctrl is None:
        return None
    shown = [
        (_("Sí") if v is True else _("No") if v is False else choice_label(ctrl.schema, v, lang))
        for v in values
    ]
    return {
        "field": ctrl.name,
        "values": json.dumps(
            [("true" if v else "false") if isinstance(v, bool) else str(v) for v in values]
        ),
        "label": ctrl.label(lang),
        "shown": " / ".join(shown),
    }
