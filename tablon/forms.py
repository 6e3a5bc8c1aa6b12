from django import forms
from django.utils.translation import gettext_lazy as _

from identidad.models import Unidad

from .constants import TipoPublicacion


class EdictoForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo"), choices=TipoPublicacion.choices, widget=forms.RadioSelect
    )
    organo = forms.ModelChoiceField(
        label=_("Órgano que lo publica"), queryset=Unidad.objects.order_by("name_es")
    )
    title_es = forms.CharField(label=_("Título en castellano"), max_length=300)
    title_eu = forms.CharField(label=_("Título en euskera"), max_length=300, required=False)
    body_es = forms.CharField(
        label=_("Texto en castellano"), widget=forms.Textarea(attrs={"rows": 8})
    )
    body_eu = forms.CharField(
        label=_("Texto en euskera"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    published_from = forms.DateTimeField(
        label=_("Publicar desde"),
        help_text=_("Fecha y hora, por ejemplo 05/12/2026 09:00."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    published_until = forms.DateTimeField(
        label=_("Publicar hasta"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_until")
        if start and end and end <= start:
            self.add_error(
                "published_until", _("El fin de la publicación debe ser posterior al inicio.")
            )
        return data


class RetirarForm(forms.Form):
    reason = forms.CharField(label=_("Motivo de la retirada"), max_length=300)


class BuscarForm(forms.Form):
    q = forms.CharField(label=_("Buscar en el tablón"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Tipo"),
        required=False,
        choices=[("", _("Todos")), *TipoPublicacion.choices],
    )
