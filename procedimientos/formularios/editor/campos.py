"""Helpers of the edit operations: look-ups by target, ids, keys, labels, field schemas."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from .lectura import KEY_RE, TEXT_MAX, Campo, Def, EdicionInvalida, empty, steps


def _copy(schema: dict, layout: dict) -> Def:
    schema = copy.deepcopy(schema) if schema else empty()[0]
    layout = copy.deepcopy(layout) if layout else {}
    schema.setdefault("properties", {})
    return schema, layout


def _text(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise EdicionInvalida(_("Escriba %(que)s.") % {"que": label})
    return value


def _unique_id(title: str, taken: Iterable[str], fallback: str) -> str:
    base = slugify(title)[:40].strip("-") or fallback
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _step(layout: dict, step_id: str) -> dict:
    for step in steps(layout):
        if step["id"] == step_id:
            return step
    raise EdicionInvalida(_("El paso «%(paso)s» no existe.") % {"paso": step_id})


def _fieldset(layout: dict, ref: str) -> tuple[dict, dict]:
    step_id, _sep, fs_id = ref.partition("/")
    step = _step(layout, step_id)
    for fs in step["fieldsets"]:
        if fs["id"] == fs_id:
            return step, fs
    raise EdicionInvalida(_("El apartado «%(apartado)s» no existe.") % {"apartado": fs_id})


def _split_field(ref: str) -> tuple[str, str]:
    """``"solicitud/datos/asunto"`` → (``"solicitud/datos"``, ``"/asunto"``)."""
    bits = ref.split("/")
    if len(bits) < 3:
        raise EdicionInvalida(_("No se encuentra ese campo."))
    return "/".join(bits[:2]), "/" + "/".join(bits[2:])


def _all_fieldset_ids(layout: dict) -> list[str]:
    return [fs["id"] for s in steps(layout) for fs in s["fieldsets"]]


def _check_key(schema: dict, key: str) -> str:
    key = (key or "").strip()
    if not KEY_RE.match(key):
        raise EdicionInvalida(
            _(
                "El nombre interno «%(clave)s» no vale: use minúsculas sin acentos, cifras y «_», "
                "empezando por una letra (por ejemplo «fecha_inicio»)."
            )
            % {"clave": key}
        )
    if key in schema.get("properties", {}):
        raise EdicionInvalida(
            _("Ya hay un campo con el nombre interno «%(clave)s».") % {"clave": key}
        )
    return key


def _options(options: Sequence[tuple[str, str, str]]) -> tuple[list, list, list]:
    values, es, eu = [], [], []
    for value, title_es, title_eu in options:
        value = value.strip()
        if not value:
            continue
        if value in values:
            raise EdicionInvalida(_("La opción «%(valor)s» está repetida.") % {"valor": value})
        if not title_es.strip() or not title_eu.strip():
            raise EdicionInvalida(
                _("La opción «%(valor)s» necesita su texto en castellano y en euskera.")
                % {"valor": value}
            )
        values.append(value)
        es.append(title_es.strip())
        eu.append(title_eu.strip())
    if len(values) < 2:
        raise EdicionInvalida(_("Una lista de opciones necesita al menos dos opciones."))
    return values, es, eu


def _labels(node: dict, campo: Campo) -> None:
    node["title"] = _text(campo.title_es, _("la etiqueta en castellano"))
    node["x-title-eu"] = _text(campo.title_eu, _("la etiqueta en euskera"))
    for key, value in (("description", campo.help_es), ("x-description-eu", campo.help_eu)):
        if value and value.strip():
            node[key] = value.strip()
        else:
            node.pop(key, None)


def field_schema(campo: Campo) -> dict:
    """The property schema of a new field of one of the engine's kinds."""
    kind = campo.kind
    node: dict[str, Any]
    if kind == "text":
        length = campo.max_length or 200
        if length > TEXT_MAX:
            raise EdicionInvalida(
                _("Un texto corto admite como mucho %(n)s caracteres; elija «Texto largo».")
                % {"n": TEXT_MAX}
            )
        node = {"type": "string", "maxLength": length}
    elif kind == "textarea":
        node = {"type": "string", "maxLength": max(campo.max_length or 4000, TEXT_MAX + 1)}
    elif kind in ("number", "integer", "boolean"):
        node = {"type": kind}
    elif kind == "date":
        node = {"type": "string", "format": "date"}
    elif kind == "email":
        node = {"type": "string", "format": "email", "maxLength": 254}
    elif kind in ("choice", "multichoice"):
        values, es, eu = _options(campo.options)
        choice = {"type": "string", "enum": values, "x-enum-titles": es, "x-enum-titles-eu": eu}
        node = (
            choice if kind == "choice" else {"type": "array", "items": choice, "uniqueItems": True}
        )
    elif kind == "file":
        node = {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tipo", "fichero"],
                "properties": {
                    "tipo": {
                        "type": "string",
                        "title": "Tipo de documento",
                        "x-title-eu": "Agiri mota",
                    },
                    "fichero": {
                        "type": "string",
                        "contentMediaType": "application/pdf",
                        "title": "Fichero",
                        "x-title-eu": "Fitxategia",
                    },
                },
            },
        }
        if campo.required:
            node["minItems"] = 1
    else:
        raise EdicionInvalida(_("Elija el tipo de campo."))
    _labels(node, campo)
    return node


def _add_property(schema: dict, campo: Campo) -> str:
    key = _check_key(schema, campo.key)
    schema["properties"][key] = field_schema(campo)
    if campo.required and campo.kind != "file":
        schema.setdefault("required", []).append(key)
    return key


def _attachments_step(layout: dict, campo: Campo, key: str, after: int) -> None:
    step_ids = [s["id"] for s in steps(layout)]
    new = {
        "id": _unique_id(campo.title_es, step_ids, "documentos"),
        "title_es": campo.title_es.strip(),
        "title_eu": campo.title_eu.strip(),
        "fieldsets": [
            {
                "id": _unique_id(key, _all_fieldset_ids(layout), "documentos"),
                "legend_es": campo.title_es.strip(),
                "legend_eu": campo.title_eu.strip(),
                "fields": ["/tipo", "/fichero"],
                "repeat": {"path": f"/{key}", "min": 1 if campo.required else 0},
            }
        ],
    }
    layout.setdefault("steps", []).insert(after, new)


def _new_fieldset(layout: dict, legend_es: str, legend_eu: str, help_es="", help_eu="") -> dict:
    fs = {
        "id": _unique_id(legend_es, _all_fieldset_ids(layout), "apartado"),
        "legend_es": _text(legend_es, _("el título del apartado en castellano")),
        "legend_eu": _text(legend_eu, _("el título del apartado en euskera")),
        "fields": [],
    }
    if help_es.strip() or help_eu.strip():
        fs["help_es"], fs["help_eu"] = help_es.strip(), help_eu.strip()
    return fs


def _target(target: str) -> tuple[str, str]:
    kind, _sep, ref = (target or "").partition(":")
    if kind not in ("step", "fieldset", "field") or not ref:
        raise EdicionInvalida(_("No se encuentra el elemento que quiere cambiar."))
    return kind, ref
