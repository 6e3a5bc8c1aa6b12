"""jsonschema errors → messages for the citizen, by field (data pointer)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .formats import FORMATS
from .pointers import pointer_of, subschema
from .reglas import overridden


def error_messages(definition, err) -> list[tuple[str, str]]:
    """(pointer, message) for one jsonschema error; a field's own message for the keyword
    (``x-messages``, see ``procedimientos.formularios.validadores``) wins."""
    found = _error_messages(definition, err)
    if err.validator in ("required", "allOf", "anyOf", "oneOf", "if", "then", "else", "not"):
        return found
    out = []
    for pointer, message in found:
        spec = definition.field(pointer) if pointer else None
        own = None
        if spec is not None:
            keyword = "format" if spec.format and err.validator in FORMAT_MASKED else err.validator
            own = overridden(spec.schema, keyword)
        out.append((pointer, own or message))
    return out


FORMAT_MASKED = ("pattern", "minLength", "maxLength")


def _error_messages(definition, err) -> list[tuple[str, str]]:
    where = pointer_of(err.absolute_path)
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
    if spec is not None and spec.format and v in FORMAT_MASKED:
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


def _message_for_required(definition, pointer: str) -> str:
    spec = definition.field(pointer)
    if spec is not None and spec.kind == "boolean" and spec.schema.get("const") is True:
        return _("Debe marcar esta casilla para continuar.")
    if spec is not None and spec.kind in ("choice", "multichoice"):
        return _("Elija una opción.")
    return _("Este dato es obligatorio.")


def _required_leaves(definition, pointer: str) -> list[tuple[str, str]]:
    """A missing object is reported on each of its required fields."""
    node = subschema(definition.schema, pointer) or {}
    if node.get("type") == "object" and node.get("required"):
        out: list[tuple[str, str]] = []
        for name in node["required"]:
            out.extend(_required_leaves(definition, f"{pointer}/{name}"))
        return out
    return [(pointer, _message_for_required(definition, pointer))]
