"""Edit operations on the rules: conditions, required-if, validators, prefill sources."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from .. import prefill, validadores
from .campos import _copy, _fieldset, _step, _target
from .lectura import (
    KINDS,
    NUMERIC_KEYWORDS,
    STRING_KEYWORDS,
    Def,
    EdicionInvalida,
    family,
    field_pointers,
    kind_of,
    node_at,
    parent_of,
)


def typed_values(node: dict, raw: Iterable[str]) -> list:
    """The values an editor typed, as the controlling field stores them."""
    out: list = []
    kind = kind_of(node)
    for text in raw:
        text = text.strip()
        if not text:
            continue
        if kind == "boolean":
            low = text.lower()
            if low in ("true", "sí", "si", "bai", "1"):
                out.append(True)
            elif low in ("false", "no", "ez", "0"):
                out.append(False)
            else:
                raise EdicionInvalida(
                    _("Para un campo Sí/No escriba «sí» o «no» (no «%(valor)s»).") % {"valor": text}
                )
        elif kind in ("number", "integer"):
            try:
                number = float(text.replace(",", "."))
            except ValueError as exc:
                raise EdicionInvalida(_("«%(valor)s» no es un número.") % {"valor": text}) from exc
            out.append(int(number) if kind == "integer" or number.is_integer() else number)
        else:
            allowed = node.get("enum") or (node.get("items") or {}).get("enum")
            if allowed and text not in allowed:
                raise EdicionInvalida(
                    _("«%(valor)s» no es una de las opciones (%(opciones)s).")
                    % {"valor": text, "opciones": ", ".join(map(str, allowed))}
                )
            out.append(text)
    if not out:
        raise EdicionInvalida(_("Escriba el valor o los valores que activan la condición."))
    return out


def set_condition(
    schema: dict, layout: dict, *, target: str, field: str = "", values: Iterable[str] = ()
) -> Def:
    """Show a step or fieldset only when ``field`` has one of ``values``; no field: always."""
    schema, layout = _copy(schema, layout)
    kind, ref = _target(target)
    if kind == "field":
        raise EdicionInvalida(_("Las condiciones se ponen a pasos y apartados."))
    holder = _step(layout, ref) if kind == "step" else _fieldset(layout, ref)[1]
    if not field:
        holder.pop("condition", None)
        return schema, layout
    node = node_at(schema, field)
    if node is None or field not in field_pointers(layout):
        raise EdicionInvalida(_("Elija el campo del que depende."))
    own = (
        holder["fields"]
        if kind == "fieldset"
        else [p for fs in holder["fieldsets"] for p in fs["fields"]]
    )
    if field in own:
        raise EdicionInvalida(_("Un apartado no puede depender de uno de sus propios campos."))
    typed = typed_values(node, values)
    holder["condition"] = (
        {"field": field, "equals": typed[0]} if len(typed) == 1 else {"field": field, "in": typed}
    )
    return schema, layout


def set_required_if(
    schema: dict, layout: dict, *, pointer: str, field: str = "", values: Iterable[str] = ()
) -> Def:
    """Make ``pointer`` required only when ``field`` (a field of the same group) has one of
    ``values`` (``allOf: [{if, then: {required}}]``); no field: drop the rule."""
    schema, layout = _copy(schema, layout)
    parent, key = parent_of(schema, pointer)
    kept = []
    for entry in parent.get("allOf") or []:
        then = (entry.get("then") or {}).get("required") or []
        if key in then:
            then.remove(key)
        if then:
            kept.append(entry)
    if kept:
        parent["allOf"] = kept
    else:
        parent.pop("allOf", None)
    if not field:
        return schema, layout
    ctrl_parent, ctrl_key = parent_of(schema, field)
    if ctrl_parent is not parent or ctrl_key == key:
        raise EdicionInvalida(
            _("La regla solo puede depender de otro campo del mismo grupo de datos.")
        )
    typed = typed_values(parent["properties"][ctrl_key], values)
    rule = {"const": typed[0]} if len(typed) == 1 else {"enum": typed}
    if key in (parent.get("required") or []):
        parent["required"].remove(key)
        if not parent["required"]:
            del parent["required"]
    parent.setdefault("allOf", []).append(
        {
            "if": {"properties": {ctrl_key: rule}, "required": [ctrl_key]},
            "then": {"required": [key]},
        }
    )
    return schema, layout


def _param(name: str, value: str) -> Any:
    value = value.strip()
    if name in NUMERIC_KEYWORDS:
        try:
            number = float(value.replace(",", "."))
        except ValueError as exc:
            raise EdicionInvalida(_("«%(valor)s» no es un número.") % {"valor": value}) from exc
        return int(number) if number.is_integer() else number
    if name in STRING_KEYWORDS:
        try:
            re.compile(value)
        except re.error as exc:
            raise EdicionInvalida(
                _("El patrón «%(valor)s» no es una expresión regular válida.") % {"valor": value}
            ) from exc
    return value


def set_validator(
    schema: dict,
    layout: dict,
    *,
    validator: str,
    pointer: str = "",
    params: dict[str, str] | None = None,
) -> Def:
    """Write a registered validator where the one format says (its ``keyword``): on the
    field at ``pointer``, or — ``x-rules`` — in the form's cross-field rules."""
    schema, layout = _copy(schema, layout)
    v = validadores.VALIDADORES.get(validator)
    if v is None:
        raise EdicionInvalida(_("Elija una validación."))
    params = {k: (params or {}).get(k, "").strip() for k in v.params}
    missing = [k for k, value in params.items() if not value and v.keyword != "x-date"]
    if missing:
        raise EdicionInvalida(
            _("Falta el dato «%(dato)s» de la validación.") % {"dato": ", ".join(missing)}
        )
    if v.keyword == "x-rules" or not v.kinds:
        entry: dict[str, Any] = {"rule": v.id, **params}
        if v.message_es:
            entry["message_es"], entry["message_eu"] = v.message_es, v.message_eu
        schema.setdefault("x-rules", []).append(entry)
        return schema, layout
    node = node_at(schema, pointer)
    if node is None:
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    if not family(kind_of(node)) & set(v.kinds):
        raise EdicionInvalida(
            _("La validación «%(v)s» no se aplica a un campo de tipo «%(tipo)s».")
            % {"v": v.label_es, "tipo": KINDS.get(kind_of(node), kind_of(node))}
        )
    if v.keyword in ("format", "x-format"):
        node[v.keyword] = params.get("format") or v.id
    elif v.keyword == "x-date":
        value = {k: val for k, val in params.items() if val}
        if not value:
            raise EdicionInvalida(_("Indique al menos un límite de fecha."))
        node["x-date"] = value
    elif not params:
        node[v.keyword] = True
    else:
        for name, raw in params.items():
            keyword = name if name in NUMERIC_KEYWORDS | STRING_KEYWORDS else v.keyword
            node[keyword] = _param(keyword, raw)
    return schema, layout


def remove_validator(schema: dict, layout: dict, *, validator: str, pointer: str = "") -> Def:
    schema, layout = _copy(schema, layout)
    v = validadores.VALIDADORES.get(validator)
    if v is None:
        raise EdicionInvalida(_("Elija una validación."))
    if v.keyword == "x-rules" or not v.kinds:
        rules = [r for r in schema.get("x-rules", []) if r.get("rule") != v.id]
        if rules:
            schema["x-rules"] = rules
        else:
            schema.pop("x-rules", None)
        return schema, layout
    node = node_at(schema, pointer)
    if node is None:
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    keywords = {
        (p if p in NUMERIC_KEYWORDS | STRING_KEYWORDS else v.keyword) for p in v.params
    } or {v.keyword}
    for keyword in keywords:
        node.pop(keyword, None)
    return schema, layout


def set_prefill(
    schema: dict,
    layout: dict,
    *,
    pointer: str,
    source: str = "",
    key: str = "",
    editable: bool = True,
) -> Def:
    """Name the prefill source of a field (``x-prefill``); no source: no prefill."""
    schema, layout = _copy(schema, layout)
    node = node_at(schema, pointer)
    if node is None:
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    if not source:
        node.pop("x-prefill", None)
        return schema, layout
    fuente = prefill.FUENTES.get(source)
    if fuente is None:
        raise EdicionInvalida(_("Elija de dónde se toma el dato."))
    if key not in fuente.keys():  # noqa: SIM118 - a Fuente is not a mapping
        raise EdicionInvalida(
            _("«%(fuente)s» no da el dato «%(dato)s».") % {"fuente": fuente.label_es, "dato": key}
        )
    node["x-prefill"] = {"source": source, "key": key, "editable": bool(editable)}
    return schema, layout
