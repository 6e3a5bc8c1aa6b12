"""Django forms of the form builder: each one parses the POST of ONE edit operation and says
which ``editor`` operation to run with which arguments (``operation()``). No rules here."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from . import bloques, editor, prefill, validadores

OPTIONS_HELP = _(
    "Una opción por línea: código | texto en castellano | texto en euskera. "
    "Por ejemplo: fisica | Persona física | Pertsona fisikoa"
)
VALUES_HELP = _(
    "El valor o los valores, separados por comas, que hacen que se muestre. Para un campo "
    "Sí/No escriba «sí» o «no»; para una lista, el código de la opción."
)
EU = {"lang": "eu"}
POINTER_PARAMS = {"field", "other", "campo", "otro"}  # validator parameters that name a field


def _text(label, *, required=True, eu=False, max_length=200, **kwargs) -> forms.CharField:
    attrs = dict(EU) if eu else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=attrs),
        **kwargs,
    )


def _area(label, *, eu=False, rows=2, **kwargs) -> forms.CharField:
    attrs = {"rows": rows, **(EU if eu else {})}
    return forms.CharField(
        label=label, required=False, max_length=2000, widget=forms.Textarea(attrs=attrs), **kwargs
    )


def parse_options(text: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        bits = [b.strip() for b in line.split("|")]
        bits += [""] * (3 - len(bits))
        rows.append((bits[0], bits[1], bits[2]))
    return rows


def options_text(node: dict) -> str:
    source = node.get("items", node) if node.get("type") == "array" else node
    values = source.get("enum") or []
    es = source.get("x-enum-titles") or [""] * len(values)
    eu = source.get("x-enum-titles-eu") or [""] * len(values)
    return "\n".join(f"{v} | {a} | {b}" for v, a, b in zip(values, es, eu, strict=False))


def split_values(text: str) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


class BuilderForm(forms.Form):
    """Common: the hidden target; ``operation()`` → (operation name, keyword arguments)."""

    use_required_attribute = False
    target = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, schema: dict, layout: dict, **kwargs):
        self.schema, self.layout = schema, layout
        super().__init__(*args, **kwargs)

    def operation(self) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def field_choices(self, *, empty: Any) -> list[tuple[str, Any]]:
        rows = [("", empty)]
        for pointer in editor.field_pointers(self.layout):
            node = editor.node_at(self.schema, pointer) or {}
            rows.append((pointer, f"{node.get('title') or pointer} ({pointer})"))
        return rows


class CampoMixin(forms.Form):
    key = forms.SlugField(
        label=_("Nombre interno"),
        max_length=40,
        help_text=_("Minúsculas sin acentos, cifras y «_»; no se muestra a la ciudadanía."),
    )
    kind = forms.ChoiceField(label=_("Tipo de campo"), choices=list(editor.KINDS.items()))
    title_es = _text(_("Etiqueta en castellano"))
    title_eu = _text(_("Etiqueta en euskera"), eu=True)
    help_es = _area(_("Ayuda en castellano (opcional)"))
    help_eu = _area(_("Ayuda en euskera (opcional)"), eu=True)
    required = forms.BooleanField(label=_("Obligatorio"), required=False)
    options = _area(_("Opciones (solo para listas)"), rows=4, help_text=OPTIONS_HELP)
    max_length = forms.IntegerField(
        label=_("Longitud máxima (solo para textos, opcional)"),
        required=False,
        min_value=1,
        max_value=100000,
    )

    def campo(self) -> editor.Campo:
        d = self.cleaned_data
        return editor.Campo(
            key=d["key"],
            kind=d["kind"],
            title_es=d["title_es"],
            title_eu=d["title_eu"],
            help_es=d["help_es"],
            help_eu=d["help_eu"],
            required=d["required"],
            options=parse_options(d["options"]),
            max_length=d["max_length"],
        )


class AddFieldForm(CampoMixin, BuilderForm):
    """Add a field: to an existing fieldset, to a new fieldset of a step, or to a new step."""

    where = forms.ChoiceField(label=_("Dónde"))
    new_title_es = _text(
        _("Título del paso nuevo en castellano"),
        required=False,
        help_text=_("Solo si lo añade en un paso nuevo."),
    )
    new_title_eu = _text(_("Título del paso nuevo en euskera"), required=False, eu=True)
    new_legend_es = _text(
        _("Título del apartado nuevo en castellano"),
        required=False,
        help_text=_("Solo si lo añade en un apartado nuevo o en un paso nuevo."),
    )
    new_legend_eu = _text(_("Título del apartado nuevo en euskera"), required=False, eu=True)

    field_order = ["where", "new_title_es", "new_title_eu", "new_legend_es", "new_legend_eu"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for step in editor.steps(self.layout):
            for fs in step["fieldsets"]:
                if not fs.get("repeat"):
                    choices.append(
                        (
                            f"fs:{step['id']}/{fs['id']}",
                            _("Apartado «%(apartado)s» (paso «%(paso)s»)")
                            % {"apartado": fs["legend_es"], "paso": step["title_es"]},
                        )
                    )
            choices.append(
                (
                    f"step:{step['id']}",
                    _("Un apartado nuevo al final del paso «%(paso)s»")
                    % {"paso": step["title_es"]},
                )
            )
        choices.append(("new", _("Un paso nuevo al final del formulario")))
        self.fields["where"].choices = choices

    def operation(self):
        d = self.cleaned_data
        where = d["where"]
        if where.startswith("fs:"):
            return "add_field", {"fieldset": where[3:], "campo": self.campo()}
        legend = {"legend_es": d["new_legend_es"], "legend_eu": d["new_legend_eu"]}
        if where.startswith("step:"):
            return "add_fieldset", {"step": where[5:], **legend, "campo": self.campo()}
        return "add_step", {
            "title_es": d["new_title_es"],
            "title_eu": d["new_title_eu"],
            **legend,
            "campo": self.campo(),
        }


class BlockForm(BuilderForm):
    block = forms.ChoiceField(label=_("Bloque"))
    key = forms.SlugField(
        label=_("Nombre interno del bloque"),
        max_length=40,
        help_text=_("Por ejemplo «solicitante» o «cuenta»; minúsculas sin acentos y «_»."),
    )
    step = forms.ChoiceField(label=_("Dónde"), required=False)
    title_es = _text(
        _("Título del paso nuevo en castellano"),
        required=False,
        help_text=_("Solo si lo añade en un paso nuevo."),
    )
    title_eu = _text(_("Título del paso nuevo en euskera"), required=False, eu=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = [
            (b.id, f"{b.label_es} / {b.label_eu}") for b in bloques.BLOQUES.values()
        ]
        self.fields["step"].choices = [
            (s["id"], _("Al final del paso «%(paso)s»") % {"paso": s["title_es"]})
            for s in editor.steps(self.layout)
        ] + [("", _("En un paso nuevo al final del formulario"))]

    def operation(self):
        d = self.cleaned_data
        return "insert_block", {
            "block_id": d["block"],
            "key": d["key"],
            "step": d["step"],
            "title_es": d["title_es"],
            "title_eu": d["title_eu"],
        }


class MoveForm(BuilderForm):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])

    def operation(self):
        return "move", {
            "target": self.cleaned_data["target"],
            "direction": self.cleaned_data["direction"],
        }


class DeleteForm(BuilderForm):
    def operation(self):
        return "delete", {"target": self.cleaned_data["target"]}


class StepForm(BuilderForm):
    title_es = _text(_("Título en castellano"))
    title_eu = _text(_("Título en euskera"), eu=True)

    def operation(self):
        d = self.cleaned_data
        return "edit_step", {
            "step": d["target"].partition(":")[2],
            "title_es": d["title_es"],
            "title_eu": d["title_eu"],
        }


class FieldsetForm(BuilderForm):
    legend_es = _text(_("Título en castellano"))
    legend_eu = _text(_("Título en euskera"), eu=True)
    help_es = _area(_("Ayuda en castellano (opcional)"))
    help_eu = _area(_("Ayuda en euskera (opcional)"), eu=True)

    def operation(self):
        d = self.cleaned_data
        return "edit_fieldset", {
            "fieldset": d["target"].partition(":")[2],
            "legend_es": d["legend_es"],
            "legend_eu": d["legend_eu"],
            "help_es": d["help_es"],
            "help_eu": d["help_eu"],
        }


class ConditionForm(BuilderForm):
    field = forms.ChoiceField(label=_("Mostrar solo si el campo"), required=False)
    values = _text(_("Valores que lo muestran"), required=False, help_text=VALUES_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = self.field_choices(empty=_("— Mostrar siempre —"))

    def operation(self):
        d = self.cleaned_data
        return "set_condition", {
            "target": d["target"],
            "field": d["field"],
            "values": split_values(d["values"]),
        }


class FieldForm(BuilderForm):
    """Labels, help, required, options and length of an existing field (target = pointer)."""

    title_es = _text(_("Etiqueta en castellano"))
    title_eu = _text(_("Etiqueta en euskera"), eu=True)
    help_es = _area(_("Ayuda en castellano (opcional)"))
    help_eu = _area(_("Ayuda en euskera (opcional)"), eu=True)
    required = forms.BooleanField(label=_("Obligatorio siempre"), required=False)
    options = _area(_("Opciones"), rows=4, help_text=OPTIONS_HELP)
    max_length = forms.IntegerField(
        label=_("Longitud máxima"), required=False, min_value=1, max_value=100000
    )

    def __init__(self, *args, kind: str = "text", **kwargs):
        super().__init__(*args, **kwargs)
        if kind not in ("choice", "multichoice"):
            del self.fields["options"]
        if kind not in ("text", "textarea"):
            del self.fields["max_length"]

    def operation(self):
        d = self.cleaned_data
        options = d.get("options")
        return "edit_field", {
            "pointer": d["target"],
            "title_es": d["title_es"],
            "title_eu": d["title_eu"],
            "help_es": d["help_es"],
            "help_eu": d["help_eu"],
            "required": d["required"],
            "options": parse_options(options) if options is not None else None,
            "max_length": d.get("max_length"),
        }


class RequiredIfForm(BuilderForm):
    field = forms.ChoiceField(label=_("Obligatorio solo si el campo"), required=False)
    values = _text(_("Valores que lo hacen obligatorio"), required=False, help_text=VALUES_HELP)

    def __init__(self, *args, pointer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        parent = pointer.rsplit("/", 1)[0]
        field = cast(forms.ChoiceField, self.fields["field"])
        field.choices = [
            c
            for c in self.field_choices(empty=_("— Sin regla —"))
            if not c[0] or (c[0].rsplit("/", 1)[0] == parent and c[0] != pointer)
        ]

    def operation(self):
        d = self.cleaned_data
        return "set_required_if", {
            "pointer": d["target"],
            "field": d["field"],
            "values": split_values(d["values"]),
        }


class ValidatorForm(BuilderForm):
    """One registered validator: its parameters (one text box each) and add / remove."""

    validator = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")], required=False)

    def __init__(self, *args, validador: validadores.Validador | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if validador is None and self.data:
            validador = validadores.VALIDADORES.get(
                str(self.data.get(self.add_prefix("validator")))
            )
        for name in validador.params if validador else ():
            if name in POINTER_PARAMS:  # a field of the form: chosen, never typed
                self.fields[f"param_{name}"] = forms.ChoiceField(
                    label=name, required=False, choices=self.field_choices(empty="—")
                )
            else:
                self.fields[f"param_{name}"] = _text(name, required=False)
        self.validador = validador

    def operation(self):
        d = self.cleaned_data
        kwargs = {"validator": d["validator"], "pointer": d["target"]}
        if d.get("action") == "remove":
            return "remove_validator", kwargs
        params = {k[6:]: v for k, v in d.items() if k.startswith("param_")}
        return "set_validator", {**kwargs, "params": params}


class PrefillForm(BuilderForm):
    source = forms.ChoiceField(label=_("Rellenar con el dato"), required=False)
    editable = forms.BooleanField(
        label=_("La persona puede cambiar el dato"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— Sin rellenar —"))]
        for fuente in prefill.FUENTES.values():
            for key, (label_es, _label_eu) in fuente.keys().items():
                choices.append((f"{fuente.id}|{key}", f"{fuente.label_es}: {label_es}"))
        self.fields["source"].choices = choices

    def operation(self):
        d = self.cleaned_data
        source, _sep, key = d["source"].partition("|")
        return "set_prefill", {
            "pointer": d["target"],
            "source": source,
            "key": key,
            "editable": d["editable"],
        }


class JsonForm(BuilderForm):
    schema_json = forms.CharField(
        label=_("Esquema JSON (draft 2020-12)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "code"}),
    )
    layout_json = forms.CharField(
        label=_("Disposición en pasos y apartados (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "code"}),
    )

    def _json(self, name: str):
        text = self.cleaned_data.get(name) or ""
        if not text.strip():
            return {}
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("No es JSON válido: %(error)s (línea %(linea)s, columna %(columna)s).")
                % {"error": exc.msg, "linea": exc.lineno, "columna": exc.colno}
            ) from exc

    def clean_schema_json(self):
        return self._json("schema_json")

    def clean_layout_json(self):
        return self._json("layout_json")

    def operation(self):
        return "replace", {
            "schema": self.cleaned_data["schema_json"],
            "layout": self.cleaned_data["layout_json"],
        }


FORMS: dict[str, type[BuilderForm]] = {
    "add_field": AddFieldForm,
    "insert_block": BlockForm,
    "move": MoveForm,
    "delete": DeleteForm,
    "edit_step": StepForm,
    "edit_fieldset": FieldsetForm,
    "set_condition": ConditionForm,
    "edit_field": FieldForm,
    "set_required_if": RequiredIfForm,
    "validator": ValidatorForm,
    "set_prefill": PrefillForm,
}
