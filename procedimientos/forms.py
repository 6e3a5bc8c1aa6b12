"""The catalogue's search form (GET, works without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import Audiencia, NivelDigitalizacion
from .selectors import CatalogoFiltro


class CatalogoFiltroForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=100)
    materia = forms.ChoiceField(label=_("Materia"), required=False)
    audience = forms.ChoiceField(
        label=_("Destinatarios"),
        required=False,
        choices=[("", _("Todos"))]
        + [(a.value, a.label) for a in Audiencia if a != Audiencia.TODOS],
    )
    unit = forms.ChoiceField(label=_("Unidad"), required=False)
    level = forms.TypedChoiceField(
        label=_("Nivel de digitalización"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Todos"))] + list(NivelDigitalizacion.choices),
    )

    def __init__(self, *args, materias=(), unidades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materia"].choices = [("", _("Todas"))] + [(m.slug, m.name) for m in materias]
        self.fields["unit"].choices = [("", _("Todas"))] + [(u.dir3, u.name) for u in unidades]

    def filtro(self) -> CatalogoFiltro:
        if not self.is_bound or not self.is_valid():
            return CatalogoFiltro(q=(self.data.get("q") or "")[:100])
        return CatalogoFiltro(**self.cleaned_data)
