"""The Bilbao street list in the citizen engine (issue 16, postal-address block).

Two formats join the engine's identifiers (``formats.FORMATS``): ``calle-bilbao`` (a street of
``procedimientos/data/calles_bilbao.csv``, written freely: «c/ ercilla», «Ercilla kalea») and
``codigo-postal-bilbao`` (48001–48015). The server judges; the field stays a plain text box,
with the list offered as browser suggestions (``<datalist>``, no JavaScript), so a citizen
without JavaScript types the street and gets a clear message when it is not in the list — once
the list is the whole callejero (``CALLEJERO_COMPLETO``); with the shipped partial list an
unknown street is accepted as typed.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from procedimientos.formularios.calles import (
    calle_admitida,
    calles,
    es_codigo_postal_de_bilbao,
    nombre_mostrado,
)

from .formats import FORMATS

FORMATS["calle-bilbao"] = (
    calle_admitida,
    gettext_lazy(
        "Esta calle no está en el callejero de Bilbao: escríbala como en la placa de la calle, "
        "por ejemplo «Ercilla» o «Gran Vía»."
    ),
)
FORMATS["codigo-postal-bilbao"] = (
    es_codigo_postal_de_bilbao,
    gettext_lazy("Escriba un código postal de Bilbao, entre 48001 y 48015."),
)


class CalleInput(forms.TextInput):
    """A text box with the street list as suggestions (``<datalist>``)."""

    def __init__(self, lang: str, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.lang = lang

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-calles"
        attrs["list"] = list_id
        box = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '<option value="{}"></option>',
            ((nombre_mostrado(tipo, nombre, self.lang),) for tipo, nombre in calles()),
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)
