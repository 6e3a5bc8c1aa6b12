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

from .campos import field_schema
from .estructura import (
    add_field,
    add_fieldset,
    add_step,
    delete,
    edit_field,
    edit_fieldset,
    edit_step,
    insert_block,
    move,
    pick_title,
)
from .lectura import (
    KINDS,
    NUMERIC_KEYWORDS,
    SCHEMA_URI,
    STRING_KEYWORDS,
    TEXT_MAX,
    Campo,
    Def,
    EdicionInvalida,
    check,
    empty,
    family,
    field_pointers,
    kind_of,
    node_at,
    outline,
    parent_of,
    parts,
    required_if,
    steps,
    validators_on,
)
from .reglas import (
    remove_validator,
    set_condition,
    set_prefill,
    set_required_if,
    set_validator,
    typed_values,
)

__all__ = [
    "KINDS",
    "NUMERIC_KEYWORDS",
    "SCHEMA_URI",
    "STRING_KEYWORDS",
    "TEXT_MAX",
    "Campo",
    "Def",
    "EdicionInvalida",
    "add_field",
    "add_fieldset",
    "add_step",
    "check",
    "delete",
    "edit_field",
    "edit_fieldset",
    "edit_step",
    "empty",
    "family",
    "field_pointers",
    "field_schema",
    "insert_block",
    "kind_of",
    "move",
    "node_at",
    "outline",
    "parent_of",
    "parts",
    "pick_title",
    "remove_validator",
    "required_if",
    "set_condition",
    "set_prefill",
    "set_required_if",
    "set_validator",
    "steps",
    "typed_values",
    "validators_on",
]
