"""Forms of the staff pages (the tray's filters and each action on a case file)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import SUBSANACION_AMPLIACION_MAX, SentidoResolucion, TipoEntrada

ESTADOS = [
    ("abiertos", _("Abiertos")),
    ("cerrados", _("Cerrados o remitidos")),
    ("todos", _("Todos")),
]
ASIGNACION = [
    ("", _("Cualquiera")),
    ("mios", _("Asignados a mí")),
    ("sin_asignar", _("Sin asignar")),
]


class TrayFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Buscar"),
        required=False,
        max_length=200,
        help_text=_("Identificador, asunto, número de registro, nombre o NIF."),
    )
    estado = forms.ChoiceField(label=_("Estado"), choices=ESTADOS, required=False)
    asignacion = forms.ChoiceField(label=_("Asignación"), choices=ASIGNACION, required=False)
    fase = forms.ChoiceField(label=_("Fase"), required=False)
    vencidos = forms.BooleanField(label=_("Solo con plazo vencido"), required=False)

    def __init__(self, *args, fases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fase"].choices = [("", _("Cualquiera")), *fases]


class VersionForm(forms.Form):
    """Every action carries the version of the file the user saw (stale → refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RequerimientoForm(VersionForm):
    texto = forms.CharField(
        label=_("Qué debe subsanar o aportar"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class AmpliacionForm(VersionForm):
    dias = forms.IntegerField(
        label=_("Días hábiles de ampliación"),
        min_value=1,
        max_value=SUBSANACION_AMPLIACION_MAX,
        initial=SUBSANACION_AMPLIACION_MAX,
    )
    motivo = forms.CharField(label=_("Motivo"), required=False, max_length=500)


class PracticadaForm(VersionForm):
    pendiente = forms.IntegerField(widget=forms.HiddenInput)
    fecha = forms.DateTimeField(
        label=_("Fecha y hora en que se practicó"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Por ejemplo, la entrega en papel con acuse de recibo."),
    )


class InformeForm(VersionForm):
    solicitado_a = forms.ModelChoiceField(label=_("Pedir el informe a"), queryset=None)
    asunto = forms.CharField(label=_("Objeto del informe"), max_length=300)
    preceptivo = forms.BooleanField(
        label=_("Preceptivo y determinante (suspende el plazo de resolución)"), required=False
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solicitado_a"].queryset = staff


class InformeEmitirForm(forms.Form):
    informe = forms.IntegerField(widget=forms.HiddenInput)
    fichero = forms.FileField(label=_("Informe (PDF)"))


class ResolucionForm(VersionForm):
    sentido = forms.ChoiceField(label=_("Sentido"), choices=SentidoResolucion.choices)
    texto = forms.CharField(
        label=_("Parte dispositiva"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        help_text=_("Se inserta en la plantilla de resolución del procedimiento."),
    )


class FirmaForm(VersionForm):
    firmante = forms.ModelChoiceField(label=_("Firma la resolución"), queryset=None)

    def __init__(self, *args, firmantes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firmante"].queryset = firmantes


class AsignarForm(VersionForm):
    asignado_a = forms.ModelChoiceField(label=_("Asignar a"), queryset=None, required=False)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asignado_a"].queryset = staff


class BulkAsignarForm(forms.Form):
    asignado_a = forms.ModelChoiceField(label=_("Asignar los seleccionados a"), queryset=None)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, staff=None, ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asignado_a"].queryset = staff
        self.fields["ids"].choices = [(i, i) for i in ids]


class FaseForm(VersionForm):
    fase = forms.ChoiceField(label=_("Pasar a la fase"))

    def __init__(self, *args, fases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fase"].choices = fases


class AsientoForm(VersionForm):
    numero = forms.CharField(
        label=_("Número de registro"), max_length=20, help_text=_("Por ejemplo 2026/E/00000042.")
    )
    tipo = forms.ChoiceField(
        label=_("Qué es"),
        choices=[c for c in TipoEntrada.choices if c[0] != TipoEntrada.INICIO],
    )


class AbrirForm(forms.Form):
    numero = forms.CharField(
        label=_("Número de registro de la entrada"),
        max_length=20,
        help_text=_("Por ejemplo 2026/E/00000042."),
    )
    procedimiento = forms.ModelChoiceField(label=_("Procedimiento"), queryset=None)

    def __init__(self, *args, procedimientos=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedimiento"].queryset = procedimientos
