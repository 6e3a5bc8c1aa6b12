"""The form steps' blocks: each fieldset (or repeatable group) of a step with its field
specs, as the step and preview templates render them, and the bound form fields."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from .engine import choice_label


def _condition_note(definition, fs, lang: str) -> str:
    cond = fs.condition
    spec = definition.field(cond["field"])
    if spec is None:
        return ""
    values = [cond["equals"]] if "equals" in cond else cond.get("in", [])
    shown = ", ".join(
        (_("Sí") if v is True else _("No") if v is False else choice_label(spec.schema, v, lang))
        for v in values
    )
    return _("Rellene este apartado solo si en «%(campo)s» ha respondido «%(valor)s».") % {
        "campo": spec.label(lang),
        "valor": shown,
    }


def _condition_attrs(definition, fs) -> dict | None:
    """For filing.js: the HTML name of the controlling field and the values that show it."""
    cond = fs.condition
    spec = definition.field(cond["field"])
    if spec is None:
        return None
    values = [cond["equals"]] if "equals" in cond else cond.get("in", [])
    shown = [("true" if v else "false") if isinstance(v, bool) else str(v) for v in values]
    return {"field": spec.name, "values": json.dumps(shown)}


def step_blocks(definition, step, data, lang: str, group_counts: dict | None = None):
    """What the template renders: each fieldset (or group) with its field specs."""
    blocks, specs = [], []
    for fs in step.fieldsets:
        visibility = definition.fieldset_visible(fs, data)
        if visibility == "hidden":
            continue
        block = {
            "id": fs.id,
            "legend": fs.legend(lang),
            "help": fs.help(lang),
            "note": _condition_note(definition, fs, lang) if visibility == "conditional" else "",
            "condition": _condition_attrs(definition, fs) if visibility == "conditional" else None,
            "repeat": None,
        }
        if fs.repeat:
            path = fs.repeat["path"]
            count = (group_counts or {}).get(path, definition.group_count(fs, data))
            groups = []
            for i in range(count):
                group_specs = definition.group_fields(fs, i)
                specs.extend(group_specs)
                groups.append({"index": i, "number": i + 1, "specs": group_specs})
            block["repeat"] = {
                "path": path,
                "name": "-".join(p for p in path.split("/") if p),
                "count": count,
                "groups": groups,
                "can_add": count < int(fs.repeat.get("max", 50)),
                "can_remove": count > int(fs.repeat.get("min", 0)),
            }
        else:
            block["specs"] = definition.fieldset_fields(fs)
            specs.extend(block["specs"])
        blocks.append(block)
    return blocks, specs


def bind_fields(blocks, form, definition=None, lang="es"):
    from .conditional import condition_for

    def bound(spec):
        field = form[spec.name]
        if definition is not None:
            field.condition = condition_for(definition, spec, lang)
        return field

    for block in blocks:
        if block["repeat"]:
            for group in block["repeat"]["groups"]:
                group["fields"] = [bound(s) for s in group["specs"]]
        else:
            block["fields"] = [bound(s) for s in block["specs"]]


def group_counts(definition, step, post) -> dict[str, int]:
    counts = {}
    for fs in step.fieldsets:
        if fs.repeat:
            name = "-".join(p for p in fs.repeat["path"].split("/") if p)
            try:
                count = int(post.get(f"count-{name}", ""))
            except ValueError:
                count = 0
            maximum = int(fs.repeat.get("max", 50))
            counts[fs.repeat["path"]] = max(min(count, maximum), int(fs.repeat.get("min", 0)))
    return counts
