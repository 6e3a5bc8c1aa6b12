"""``bilbao_sede.widgets.Select`` writes exactly what Django's select templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from bilbao_sede.widgets import Select

CHOICES = [
    ("", "Todas"),
    (1, "Urbanismo & <Obras>"),
    ('x"y', "Comillas \" y 'apóstrofos'"),
    ("Grupo <1>", [(2, "Dentro"), (3, "También dentro")]),
    (4, "Última"),
]


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        (None, None),
        (1, {"id": "id_unidad", "required": True}),
        ('x"y', {"class": "a b", "disabled": False, "aria-describedby": "h1 h2"}),
        (3, {"data-x": "<script>"}),
    ],
)
def test_the_fast_select_is_djangos_select(value, attrs):
    django_html = forms.Select(choices=CHOICES).render(
        "unidad", value, attrs, renderer=DjangoTemplates()
    )
    assert Select(choices=CHOICES).render("unidad", value, attrs) == django_html


def test_a_multiple_select_is_djangos_too():
    class Multi(Select):
        allow_multiple_selected = True

    assert Multi(choices=CHOICES).render("u", [1, 2]) == forms.SelectMultiple(
        choices=CHOICES
    ).render("u", [1, 2], renderer=DjangoTemplates())


def test_a_select_with_other_templates_is_rendered_by_them():
    class Radio(Select):
        template_name = "django/forms/widgets/radio.html"
        option_template_name = "django/forms/widgets/radio_option.html"

    assert "<select" not in Radio(choices=CHOICES).render("u", 1)
