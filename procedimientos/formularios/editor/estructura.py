"""Edit operations on the structure: add, insert a block, move, delete, edit texts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from .. import bloques
from .campos import (
    _add_property,
    _all_fieldset_ids,
    _attachments_step,
    _check_key,
    _copy,
    _fieldset,
    _labels,
    _new_fieldset,
    _options,
    _split_field,
    _step,
    _target,
    _text,
    _unique_id,
)
from .lectura import (
    TEXT_MAX,
    Campo,
    Def,
    EdicionInvalida,
    field_pointers,
    kind_of,
    node_at,
    parent_of,
    parts,
    required_if,
    steps,
)


def add_field(schema: dict, layout: dict, *, fieldset: str, campo: Campo) -> Def:
    """A new field at the end of a fieldset. Documents (``file``) get a step of their own right
    after the fieldset's step: the engine turns the step holding them into the upload page."""
    schema, layout = _copy(schema, layout)
    step, fs = _fieldset(layout, fieldset)
    if fs.get("repeat"):
        raise EdicionInvalida(_("No se pueden añadir campos a un grupo repetible."))
    key = _add_property(schema, campo)
    if campo.kind == "file":
        _attachments_step(layout, campo, key, steps(layout).index(step) + 1)
    else:
        fs["fields"].append(f"/{key}")
    return schema, layout


def add_fieldset(
    schema: dict, layout: dict, *, step: str, legend_es: str, legend_eu: str, campo: Campo
) -> Def:
    """A new fieldset at the end of a step, with its first field (a fieldset is never empty)."""
    schema, layout = _copy(schema, layout)
    target = _step(layout, step)
    fs = _new_fieldset(layout, legend_es, legend_eu)
    if campo.kind == "file":
        raise EdicionInvalida(
            _("Los documentos adjuntos se añaden como campo: tendrán su propio paso.")
        )
    fs["fields"].append(f"/{_add_property(schema, campo)}")
    target["fieldsets"].append(fs)
    return schema, layout


def add_step(
    schema: dict,
    layout: dict,
    *,
    title_es: str,
    title_eu: str,
    legend_es: str,
    legend_eu: str,
    campo: Campo,
) -> Def:
    """A new last step, with its first fieldset and field."""
    schema, layout = _copy(schema, layout)
    if campo.kind == "file":
        key = _add_property(schema, campo)
        campo = Campo(**{**campo.__dict__, "title_es": title_es, "title_eu": title_eu})
        _attachments_step(layout, campo, key, len(steps(layout)))
        return schema, layout
    new: dict[str, Any] = {
        "id": _unique_id(title_es, [s["id"] for s in steps(layout)], "paso"),
        "title_es": _text(title_es, _("el título del paso en castellano")),
        "title_eu": _text(title_eu, _("el título del paso en euskera")),
        "fieldsets": [_new_fieldset(layout, legend_es, legend_eu)],
    }
    new["fieldsets"][0]["fields"].append(f"/{_add_property(schema, campo)}")
    layout.setdefault("steps", []).append(new)
    return schema, layout


def insert_block(
    schema: dict,
    layout: dict,
    *,
    block_id: str,
    key: str,
    step: str = "",
    title_es: str = "",
    title_eu: str = "",
) -> Def:
    """A block of ``bloques`` under property ``key``: its fieldset goes at the end of ``step``,
    or of a new last step titled ``title_es``/``title_eu`` when no step is named."""
    schema, layout = _copy(schema, layout)
    if block_id not in bloques.BLOQUES:
        raise EdicionInvalida(_("Elija un bloque."))
    key = _check_key(schema, key)
    prop, required, fieldset = bloques.expand(block_id, key)
    fieldset["id"] = _unique_id(fieldset["id"], _all_fieldset_ids(layout), "bloque")
    schema["properties"][key] = prop
    for name in required:
        schema.setdefault("required", []).append(name)
    if step:
        _step(layout, step)["fieldsets"].append(fieldset)
    else:
        layout.setdefault("steps", []).append(
            {
                "id": _unique_id(title_es, [s["id"] for s in steps(layout)], "paso"),
                "title_es": _text(title_es, _("el título del paso en castellano")),
                "title_eu": _text(title_eu, _("el título del paso en euskera")),
                "fieldsets": [fieldset],
            }
        )
    return schema, layout


def _siblings(kind: str, ref: str, layout: dict) -> tuple[list, int]:
    if kind == "step":
        items = layout.get("steps") or []
        return items, next((i for i, s in enumerate(items) if s["id"] == ref), -1)
    if kind == "fieldset":
        step, fs = _fieldset(layout, ref)
        return step["fieldsets"], step["fieldsets"].index(fs)
    fs_ref, pointer = _split_field(ref)
    _s, fs = _fieldset(layout, fs_ref)
    fields = fs["fields"]
    return fields, fields.index(pointer) if pointer in fields else -1


def move(schema: dict, layout: dict, *, target: str, direction: str) -> Def:
    """Move a step, fieldset or field one place up or down among its siblings."""
    schema, layout = _copy(schema, layout)
    kind, ref = _target(target)
    items, index = _siblings(kind, ref, layout)
    if index < 0:
        raise EdicionInvalida(_("No se encuentra el elemento que quiere mover."))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    return schema, layout


def _uses(schema: dict, layout: dict, pointer: str) -> list[str]:
    """What depends on the field at ``pointer``: conditions and required-if rules."""
    found = []
    for step in steps(layout):
        holders = [(step, pick_title(step))] + [(fs, pick_title(fs)) for fs in step["fieldsets"]]
        for holder, title in holders:
            if (holder.get("condition") or {}).get("field") == pointer:
                found.append(title)
    for other in field_pointers(layout):
        if other == pointer:
            continue
        try:
            rule = required_if(schema, other)
        except EdicionInvalida:
            continue
        if rule and rule[0] == pointer:
            found.append((node_at(schema, other) or {}).get("title", other))
    return found


def pick_title(item: dict) -> str:
    return item.get("title_es") or item.get("legend_es") or item.get("id", "")


def _drop_property(schema: dict, layout: dict, pointer: str) -> None:
    """Remove a property no fieldset shows any more (and its required and required-if rules);
    an object left without properties goes too."""
    if pointer in field_pointers(layout, repeats=True):
        return  # another fieldset still shows it
    used = _uses(schema, layout, pointer)
    if used:
        raise EdicionInvalida(
            _(
                "No se puede quitar el campo %(campo)s: de él depende «%(donde)s». Quite antes "
                "esa condición."
            )
            % {"campo": pointer, "donde": "», «".join(used)}
        )
    parent, key = parent_of(schema, pointer)
    del parent["properties"][key]
    if key in (parent.get("required") or []):
        parent["required"].remove(key)
        if not parent["required"]:
            del parent["required"]
    kept = []
    for entry in parent.get("allOf") or []:
        then = (entry.get("then") or {}).get("required") or []
        if key in then:
            then.remove(key)
        if then and key not in ((entry.get("if") or {}).get("properties") or {}):
            kept.append(entry)
    if "allOf" in parent:
        if kept:
            parent["allOf"] = kept
        else:
            del parent["allOf"]
    keys = parts(pointer)
    if len(keys) > 1 and not parent["properties"] and parent is not schema:
        holder = "/" + "/".join(keys[:-1])
        if node_at(schema, holder) is parent:
            _drop_property(schema, layout, holder)


def delete(schema: dict, layout: dict, *, target: str) -> Def:
    """Delete a step, a fieldset or a field (with what only it used). A fieldset left empty
    goes, and a step left without fieldsets; a form without steps has no layout."""
    schema, layout = _copy(schema, layout)
    kind, ref = _target(target)
    if kind == "step":
        step = _step(layout, ref)
        layout["steps"].remove(step)
        for fs in step["fieldsets"]:
            _drop_fieldset_fields(schema, layout, fs)
    elif kind == "fieldset":
        step, fs = _fieldset(layout, ref)
        step["fieldsets"].remove(fs)
        _drop_fieldset_fields(schema, layout, fs)
    else:
        fs_ref, pointer = _split_field(ref)
        step, fs = _fieldset(layout, fs_ref)
        if pointer not in fs["fields"]:
            raise EdicionInvalida(_("No se encuentra ese campo."))
        if fs.get("repeat"):
            raise EdicionInvalida(
                _("Los campos de un grupo repetible no se quitan uno a uno: quite el apartado.")
            )
        fs["fields"].remove(pointer)
        _drop_property(schema, layout, pointer)
    for step in list(steps(layout)):
        step["fieldsets"] = [fs for fs in step["fieldsets"] if fs["fields"]]
        if not step["fieldsets"]:
            layout["steps"].remove(step)
    if not steps(layout):
        layout = {}
    return schema, layout


def _drop_fieldset_fields(schema: dict, layout: dict, fs: dict) -> None:
    if fs.get("repeat"):
        _drop_property(schema, layout, fs["repeat"]["path"])
        return
    for pointer in fs["fields"]:
        _drop_property(schema, layout, pointer)


def edit_step(schema: dict, layout: dict, *, step: str, title_es: str, title_eu: str) -> Def:
    schema, layout = _copy(schema, layout)
    target = _step(layout, step)
    target["title_es"] = _text(title_es, _("el título del paso en castellano"))
    target["title_eu"] = _text(title_eu, _("el título del paso en euskera"))
    return schema, layout


def edit_fieldset(
    schema: dict,
    layout: dict,
    *,
    fieldset: str,
    legend_es: str,
    legend_eu: str,
    help_es: str = "",
    help_eu: str = "",
) -> Def:
    schema, layout = _copy(schema, layout)
    _s, fs = _fieldset(layout, fieldset)
    fs["legend_es"] = _text(legend_es, _("el título del apartado en castellano"))
    fs["legend_eu"] = _text(legend_eu, _("el título del apartado en euskera"))
    for key, value in (("help_es", help_es), ("help_eu", help_eu)):
        if value.strip():
            fs[key] = value.strip()
        else:
            fs.pop(key, None)
    return schema, layout


def edit_field(
    schema: dict,
    layout: dict,
    *,
    pointer: str,
    title_es: str,
    title_eu: str,
    help_es: str = "",
    help_eu: str = "",
    required: bool = False,
    options: Sequence[tuple[str, str, str]] | None = None,
    max_length: int | None = None,
) -> Def:
    """Labels, help texts, whether it is required, its options and length."""
    schema, layout = _copy(schema, layout)
    node = node_at(schema, pointer)
    if node is None:
        raise EdicionInvalida(_("El campo %(campo)s no existe.") % {"campo": pointer})
    kind = kind_of(node)
    _labels(
        node,
        Campo(
            key="",
            kind=kind,
            title_es=title_es,
            title_eu=title_eu,
            help_es=help_es,
            help_eu=help_eu,
        ),
    )
    if options is not None and kind in ("choice", "multichoice"):
        values, es, eu = _options(options)
        target = node if kind == "choice" else node["items"]
        target.update({"enum": values, "x-enum-titles": es, "x-enum-titles-eu": eu})
    if max_length and kind in ("text", "textarea"):
        if kind == "text" and max_length > TEXT_MAX:
            raise EdicionInvalida(
                _("Un texto corto admite como mucho %(n)s caracteres.") % {"n": TEXT_MAX}
            )
        if kind == "textarea" and max_length <= TEXT_MAX:
            raise EdicionInvalida(
                _("Un texto largo admite más de %(n)s caracteres.") % {"n": TEXT_MAX}
            )
        node["maxLength"] = max_length
    parent, key = parent_of(schema, pointer)
    listed = parent.setdefault("required", [])
    if required and key not in listed:
        if required_if(schema, pointer):
            raise EdicionInvalida(
                _("Este campo ya es obligatorio solo en un caso: quite antes esa regla.")
            )
        listed.append(key)
    elif not required and key in listed:
        listed.remove(key)
    if not listed:
        del parent["required"]
    return schema, layout
