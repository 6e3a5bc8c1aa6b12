"""Forms of the clerk's exchange screens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from identidad.models import Unidad

from ..models import validate_office_code
from .constants import MAX_DESCRIPCION_MENSAJE, EstadoIntercambio


class DestinoForm(forms.Form):
    entidad_destino = forms.CharField(
        label=_("Código DIR3 de la oficina de registro de destino"),
        max_length=21,
        help_text=_("Por ejemplo, O00001234. Lo encontrará en el directorio común DIR3."),
    )
    entidad_destino_nombre = forms.CharField(
        label=_("Nombre de la oficina de destino"), max_length=120, required=False
    )

    def clean_entidad_destino(self):
        value = self.cleaned_data["entidad_destino"].strip().upper()
        validate_office_code(value)
        return value


class ConfirmarForm(forms.Form):
    unidad_destino = forms.ModelChoiceField(
        label=_("Unidad de destino"),
        queryset=Unidad.objects.filter(active=True),
        required=False,
        help_text=_("Si se deja vacía, la unidad de tramitación que indica el origen."),
    )


class RechazarForm(forms.Form):
    motivo = forms.CharField(
        label=_("Motivo del rechazo"),
        max_length=MAX_DESCRIPCION_MENSAJE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Se comunica a la oficina que inició el intercambio."),
    )


class BandejaForm(forms.Form):
    estado = forms.ChoiceField(
        label=_("Estado"),
        choices=[("", _("Todos"))] + list(EstadoIntercambio.choices),
        required=False,
    )
