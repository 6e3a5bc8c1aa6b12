"""bilbao_sede.form_renderer: the widgets written out in Python give Django's markup."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from bilbao_sede.form_renderer import FastWidgetRenderer

CHOICES = [
    ("", "---"),
    ("a", "Álava & <Bizkaia>"),
    (3, gettext_lazy("Estado")),
    ("Grupo", [("x", "Equis"), ("y", 1234567)]),
    (Decimal("1.5"), mark_safe("<b>safe</b>")),
]


class Sample(forms.Form):
    text = forms.CharField(max_length=20, help_text="Ayuda", initial='a "quoted" <value>')
    safe = forms.CharField(required=False, initial=mark_safe("<i>ok</i>"))
    number = forms.DecimalField(required=False, initial=Decimal("1234.50"), localize=True)
    integer = forms.IntegerField(min_value=1, initial=5)
    floating = forms.FloatField(required=False, initial=1234.5)
    email = forms.EmailField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial=7)
    date = forms.DateField(required=False, initial=datetime.date(2026, 1, 31))
    when = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        initial=datetime.datetime(2026, 1, 31, 9, 5),
    )
    check = forms.BooleanField(required=False, initial=True)
    uncheck = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=CHOICES, initial="a")
    choice_int = forms.TypedChoiceField(choices=CHOICES, coerce=int, initial=3, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, initial=["x", "a"], required=False)
    null = forms.NullBooleanField(required=False)
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), initial="línea 1\n<b>2</b>")
    empty_area = forms.CharField(widget=forms.Textarea, required=False)
    attrs = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"data-x": mark_safe("a&b"), "autofocus": True, "hidden": False, "size": 10}
        ),
    )
    upload = forms.FileField(required=False, widget=forms.FileInput)
    radio = forms.ChoiceField(choices=[("1", "Uno"), ("2", "Dos")], widget=forms.RadioSelect)


def _render(form: forms.Form) -> list[str]:
    return [str(field) for field in form] + [form.as_div()]


@pytest.mark.parametrize("language", ["es", "eu"])
@pytest.mark.parametrize("bound", [False, True])
def test_same_markup_as_django_templates(language, bound):
    data = {
        "text": "x" * 30,  # too long: errors and aria-invalid
        "number": "1.234,5",
        "integer": "0",
        "choice": "y",
        "many": ["x", "zz"],
        "null": "true",
        "area": "<script>",
        "attrs": '"',
        "radio": "3",
    }
    with translation.override(language):
        fast = Sample(data if bound else None, renderer=FastWidgetRenderer())
        stock = Sample(data if bound else None, renderer=DjangoTemplates())
        if bound:
            assert not fast.is_valid() and not stock.is_valid()
        assert _render(fast) == _render(stock)


def test_project_forms_same_markup():
    from expedientes import forms as exp_forms

    for make in (
        lambda r: exp_forms.TrayFilterForm(fases=[("instruccion", "Instrucción")], renderer=r),
        lambda r: exp_forms.TrayFilterForm(
            {"q": "x" * 300, "vencidos": "on"}, fases=[], renderer=r
        ),
        lambda r: exp_forms.RequerimientoForm(initial={"version": 3}, renderer=r),
        lambda r: exp_forms.AmpliacionForm(initial={"version": 3}, renderer=r),
        lambda r: exp_forms.InformeForm(initial={"version": 3}, renderer=r),
    ):
        assert _render(make(FastWidgetRenderer())) == _render(make(DjangoTemplates()))


def test_fast_path_really_taken(monkeypatch):
    """The comparison above would pass if nothing were fast: the plain widgets must not
    reach the templates at all."""
    renderer = FastWidgetRenderer()
    reached: list[str] = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        reached.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    form = Sample(renderer=renderer)
    for name in ("text", "choice", "area", "check", "hidden", "many"):
        str(form[name])
    assert reached == []
    str(form["radio"])  # not a fast widget: through the templates
    assert reached == ["django/forms/widgets/radio.html"]


def test_overridden_stock_template_is_respected(tmp_path, settings):
    """A project override of a stock widget template turns its fast path off."""
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "textarea.html").write_text('<textarea name="{{ widget.name }}" data-own>')
    renderer = FastWidgetRenderer()
    renderer.engine.engine.dirs = [str(tmp_path), *renderer.engine.engine.dirs]
    renderer.engine.engine.template_loaders[0].reset()
    field = forms.CharField(widget=forms.Textarea)
    html = field.widget.render("area", "", renderer=renderer)
    assert html == '<textarea name="area" data-own>'


def test_every_form_field_answers_the_field_template_without_a_failed_lookup(monkeypatch):
    """``components/field.html`` asks each field for ``condition``: a plain form's fields
    answer None (no data-condition attributes), without the template engine's dir() on a
    missed lookup; a conditional field of the filing engine keeps its own."""
    import builtins

    from django.template.loader import render_to_string

    class Plain(forms.Form):
        nif = forms.CharField(label="NIF")

    form = Plain()
    assert form["nif"].condition is None
    looked_up = []
    real_dir = builtins.dir

    def spy(*args):
        looked_up.append(args)
        return real_dir(*args)

    monkeypatch.setattr(builtins, "dir", spy)
    html = render_to_string("components/field.html", {"field": form["nif"]})
    monkeypatch.undo()
    assert "data-condition-field" not in html and 'for="id_nif"' in html
    assert not [a for a in looked_up if a and isinstance(a[0], forms.BoundField)]

    conditional = form["nif"]
    conditional.condition = {"field": "tipo", "values": "empresa"}
    html = render_to_string("components/field.html", {"field": conditional})
    assert 'data-condition-field="tipo"' in html
