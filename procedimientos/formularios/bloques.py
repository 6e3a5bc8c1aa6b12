"""Reusable blocks of fields (issue 16): each block is a fragment of the one form format.

``expand(block_id, key)`` returns what inserting the block under property ``key`` adds to a
form: the property's schema (an object whose own properties carry ``x-block``), the keys to add to
the form's ``required``, and a layout fieldset whose ``fields`` point into it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bloque:
    id: str
    label_es: str
    label_eu: str
    schema: dict[str, Any]  # an object schema: {"type": "object", "properties": …, "required": …}
    help_es: str = ""
    help_eu: str = ""
    required: bool = True  # is the block's property required in the form by default
    layout_fields: tuple[str, ...] = field(default_factory=tuple)  # order; default: all


BLOQUES: dict[str, Bloque] = {}


def register(bloque: Bloque) -> Bloque:
    BLOQUES[bloque.id] = bloque
    return bloque


def expand(block_id: str, key: str) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """(property schema, required keys of the form, layout fieldset) for ``key``."""
    bloque = BLOQUES[block_id]
    schema = copy.deepcopy(bloque.schema)
    schema["x-block"] = bloque.id
    for prop in schema.get("properties", {}).values():
        prop.setdefault("x-block", bloque.id)
    names = bloque.layout_fields or tuple(schema.get("properties", {}))
    fieldset = {
        "id": key,
        "legend_es": bloque.label_es,
        "legend_eu": bloque.label_eu,
        "fields": [f"/{key}/{name}" for name in names],
    }
    if bloque.help_es:
        fieldset["help_es"], fieldset["help_eu"] = bloque.help_es, bloque.help_eu
    return schema, ([key] if bloque.required else []), fieldset


register(
    Bloque(
        id="iban",
        label_es="Cuenta bancaria",
        label_eu="Banku-kontua",
        help_es="La cuenta donde quiere recibir el pago; debe estar a su nombre.",
        help_eu="Ordainketa jaso nahi duzun kontua; zure izenean egon behar du.",
        schema={
            "type": "object",
            "title": "Cuenta bancaria",
            "x-title-eu": "Banku-kontua",
            "required": ["iban"],
            "properties": {
                "iban": {
                    "type": "string",
                    "title": "IBAN",
                    "x-title-eu": "IBAN",
                    "format": "iban",
                    "maxLength": 34,
                }
            },
        },
    )
)
