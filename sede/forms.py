"""Django forms of the filing flow. A form step is rendered as a Django form built from the
engine's fields, so the shared components (field.html, form_errors.html) render it; the
engine, not Django, parses and validates the answers."""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from .filing.engine import MISSING, FieldSpec, get

RADIO_MAX = 5


def _django_field(spec: FieldSpec, lang: str) -> forms.Field:
    label = spec.label(lang)
    common = {"label": label, "required": spec.required, "help_text": spec.help(lang)}
    kind = spec.kind
    if spec.schema.get("x-widget") == "unidad":
        # Citizens choose the destination by name, never type a DIR3 code (the value sent is
        # the code). filing.js adds a search-as-you-type box; without it, a plain list.
        return forms.ChoiceField(
            choices=[("", _("— Elija la unidad —")), *unidad_choices(lang)],
            widget=forms.Select(
                attrs={
                    "data-searchable": "true",
                    "data-filter-label": _("Escriba parte del nombre para filtrar la lista"),
                }
            ),
            **common,
        )
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "multichoice":
        return forms.MultipleChoiceField(
            choices=spec.choices(lang), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "choice":
        choices = spec.choices(lang)
        if len(choices) <= RADIO_MAX:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", _("— Elija —")), *choices], **common)
    if kind in ("number", "integer"):
        attrs = {"inputmode": "decimal" if kind == "number" else "numeric"}
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "email":
        return forms.CharField(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), **common)
    attrs = {}
    if spec.schema.get("maxLength"):
        attrs["maxlength"] = str(spec.schema["maxLength"])
    if spec.format == "calle-bilbao":  # a text box with the street list as suggestions
        from .filing.calles import CalleInput

        return forms.CharField(
            widget=CalleInput(lang, attrs=attrs),
            label=label,
            required=spec.required,
            help_text=spec.help(lang),
        )
    autocomplete = {"nombre": "given-name", "apellido1": "family-name", "telefono": "tel"}
    if spec.key in autocomplete and spec.pointer.startswith("/solicitante"):
        attrs["autocomplete"] = autocomplete[spec.key]
    if spec.key == "codigo_postal":
        attrs["autocomplete"] = "postal-code"
        attrs["inputmode"] = "numeric"
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


def unidad_choices(lang: str) -> list[tuple[str, str]]:
    """Units by name in the page's language (each with its area, when it has one)."""
    from identidad.models import Unidad

    units = Unidad.objects.select_related("parent").only(
        "dir3", "name_es", "name_eu", "parent__name_es", "parent__name_eu", "parent__parent_id"
    )

    def name(u) -> str:
        return (u.name_eu if lang == "eu" and u.name_eu else u.name_es) or u.dir3

    rows = []
    for unit in units:
        label = name(unit)
        if unit.parent is not None and unit.parent.parent_id is not None:
            label = f"{label} ({name(unit.parent)})"
        rows.append((unit.dir3, label))
    return sorted(rows, key=lambda r: r[1].casefold())


def _initial(spec: FieldSpec, data) -> object:
    value = get(data, spec.pointer, MISSING)
    if value is MISSING:
        default = spec.schema.get("default")
        return default
    if spec.kind in ("number", "integer") and isinstance(value, int | float):
        return str(value).replace(".", ",")
    return value


class StepForm(forms.Form):
    """The fields of one step (or of one fieldset), named by the data pointer
    (``solicitante-nif``, ``miembros-0-nombre``). No HTML ``required`` attribute: the server
    decides, and "add another" must submit an incomplete step."""

    use_required_attribute = False

    def __init__(self, specs: list[FieldSpec], *, lang: str, data_json, post=None):
        super().__init__(data=post, auto_id="f-%s")
        self.specs = {spec.name: spec for spec in specs}
        for spec in specs:
            field = _django_field(spec, lang)
            field.initial = _initial(spec, data_json)
            self.fields[spec.name] = field

    def set_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors by data pointer → errors of the fields named after them."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        for name, spec in self.specs.items():
            messages = errors.get(spec.pointer)
            if messages:
                self._errors[name] = self.error_class(messages)

    def bound(self, spec: FieldSpec):
        return self[spec.name]


class OnBehalfForm(forms.Form):
    """Who the application is for: oneself or someone who empowered the user."""

    interesado = forms.ChoiceField(
        label=_("¿En nombre de quién presenta la solicitud?"),
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Solo aparecen las personas que le han apoderado para este trámite."),
    )

    def __init__(self, *args, interesados=(), own_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for interesado in interesados:
            if interesado.pk == own_pk:
                label = _("En mi propio nombre (%(nombre)s, %(nif)s)") % {
                    "nombre": interesado.display_name,
                    "nif": interesado.nif,
                }
            else:
                label = f"{interesado.display_name} ({interesado.nif})"
            choices.append((str(interesado.pk), label))
        self.fields["interesado"].choices = choices
        if own_pk is not None:
            self.fields["interesado"].initial = str(own_pk)


class AdjuntoForm(forms.Form):
    fichero = forms.FileField(
        label=_("Fichero"),
        error_messages={"required": _("Elija el fichero que quiere adjuntar.")},
    )
    description = forms.CharField(
        label=_("Descripción del documento"), max_length=200, required=False
    )


class FirmaConcertadaForm(forms.Form):
    confirmo = forms.BooleanField(
        label=_("Firmo y presento esta solicitud con mi identificación en la sede."),
        error_messages={"required": _("Marque la casilla para firmar la solicitud.")},
    )


class FirmaCertificadoForm(forms.Form):
    firmado = forms.FileField(
        label=_("Solicitud firmada (PDF)"),
        help_text=_("El PDF que ha descargado, firmado con su certificado electrónico."),
        error_messages={"required": _("Elija el PDF firmado.")},
    )
