"""A big form through the citizen's filing view (issue 16): render and validate a 60-field
form with 10 conditional rules, against a plain Django form with the same 60 fields.

The form (one step, 12 fieldsets of 5 fields: text, amount, date, choice, email, NIF) has 10
fieldsets shown only when the first answer is «sí» (a same-step condition: shown with a note,
their answers dropped otherwise) whose fields are required only then (``allOf: [{if, then}]``),
plus the validators of the builder: ``x-date`` (not in the future) on every date and 4
``x-rules`` (end after start, email typed twice, amount ≤ another, sum limit). A round is what
a citizen does on the step:

- engine: ``GET`` the step of a real draft (``/tramites/borrador/<id>/paso/datos/``) and
  ``POST`` all 60 answers (parse, coerce, validate, save the draft, redirect to the review);
- baseline: ``GET`` a page with a plain ``django.forms.Form`` of the same 60 fields (same
  types, the same conditional requirements and cross-field rules in ``clean()``), rendered
  with the same field components and layout, and ``POST`` the same answers (``is_valid()``,
  redirect).

Both through the test client (every middleware, session, login, the template) with DEBUG off,
in alternating blocks of ``BENCH_BLOCK`` rounds so that a shared machine's load weighs on both
alike. Target: engine requests/s ≥ 0.5 × the plain form's.

``RESULT formularios_throughput value=<engine req/s> baseline=<plain form req/s> ratio=…``

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilbao_sede DEBUG=true \\
     .venv/bin/python bench/bench_formularios.py
Env: BENCH_ROUNDS (200), BENCH_BLOCK (20).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
import time
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import setup_django  # noqa: E402

setup_django()

from django import forms  # noqa: E402
from django.test import Client  # noqa: E402

from bench.harness import bench_database, result_line  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
BLOCK = int(os.environ.get("BENCH_BLOCK", "20"))
FIELDS = 60
PER_FIELDSET = 5
CONDITIONAL = 10  # fieldsets 2..11 depend on the first answer
KINDS = ("text", "amount", "date", "choice", "email", "nif")
CHOICES = ["uno", "dos", "tres"]
PLAIN_URL = "/bench-formularios/plain/"


def name(i: int) -> str:
    return f"f{i:02d}"


def kind(i: int) -> str:
    return "gate" if i == 0 else KINDS[i % len(KINDS)]


# --- The one form format: 60 fields, 10 conditions, the builder's validators --------------


def field_schema(i: int) -> dict:
    title = {"title": f"Dato {i}", "x-title-eu": f"{i}. datua", "description": "Ayuda breve."}
    schemas: dict[str, dict[str, Any]] = {
        "gate": {"type": "string", "enum": ["si", "no"], "x-enum-titles": ["Sí", "No"]},
        "text": {"type": "string", "minLength": 2, "maxLength": 100},
        "amount": {"type": "number", "minimum": 0, "maximum": 10_000, "x-unit": "EUR"},
        "date": {"type": "string", "format": "date", "x-date": {"max": "today"}},
        "choice": {"type": "string", "enum": CHOICES},
        "email": {"type": "string", "format": "email", "maxLength": 120},
        "nif": {"type": "string", "format": "nif", "maxLength": 9},
    }
    return schemas[kind(i)] | title


def fieldset_of(i: int) -> int:
    return i // PER_FIELDSET


def is_conditional(i: int) -> bool:
    return 2 <= fieldset_of(i) < 2 + CONDITIONAL


RULES = [
    {"rule": "after", "field": "/f08", "other": "/f02"},
    {"rule": "equals", "field": "/f10", "other": "/f04"},
    {"rule": "less-or-equal", "field": "/f01", "other": "/f07"},
    {"rule": "sum-at-most", "fields": ["/f13", "/f19"], "value": 20_000},
]


def engine_definition() -> tuple[dict, dict]:
    names = [name(i) for i in range(FIELDS)]
    conditional = [name(i) for i in range(FIELDS) if is_conditional(i)]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": "Formulario de prueba",
        "properties": {name(i): field_schema(i) for i in range(FIELDS)},
        "required": [n for n in names if n not in conditional],
        "allOf": [
            {
                "if": {"properties": {"f00": {"const": "si"}}, "required": ["f00"]},
                "then": {"required": conditional[k * PER_FIELDSET : (k + 1) * PER_FIELDSET]},
            }
            for k in range(CONDITIONAL)
        ],
        "x-rules": RULES,
    }
    fieldsets = []
    for k in range(FIELDS // PER_FIELDSET):
        fs: dict[str, Any] = {
            "id": f"grupo{k}",
            "legend_es": f"Grupo {k}",
            "legend_eu": f"{k}. taldea",
            "fields": [f"/{name(i)}" for i in range(k * PER_FIELDSET, (k + 1) * PER_FIELDSET)],
        }
        if 2 <= k < 2 + CONDITIONAL:
            fs["condition"] = {"field": "/f00", "equals": "si"}
        fieldsets.append(fs)
    step = {"id": "datos", "title_es": "Datos", "title_eu": "Datuak", "fieldsets": fieldsets}
    layout = {"steps": [step]}
    return schema, layout


def answers() -> dict[str, str]:
    """All 60 answers, valid, as the browser posts them."""
    values = {
        "gate": "si",
        "text": "Texto de prueba",
        "amount": "1250,50",
        "date": "01/06/2024",
        "choice": "dos",
        "email": "ane@example.org",
        "nif": "12345678Z",
    }
    out = {name(i): values[kind(i)] for i in range(FIELDS)}
    out["f08"] = "02/06/2024"  # after f02
    out["f07"] = "2000"  # f01 ≤ f07
    return {**out, "action": "next"}


# --- The baseline: a plain Django form with the same fields and rules -------------------------


def check_nif(value: str) -> None:
    from stdnum.es import nif

    if not nif.is_valid(value):
        raise forms.ValidationError("Escriba un DNI, NIE o NIF válido, con su letra de control.")


def not_in_future(value: dt.date) -> None:
    if value > dt.date.today():  # noqa: DTZ011 - the baseline's own cheap check
        raise forms.ValidationError("La fecha no puede ser posterior a hoy.")


def plain_field(i: int) -> forms.Field:
    common: dict[str, Any] = {
        "label": f"Dato {i}",
        "help_text": "Ayuda breve.",
        "required": not is_conditional(i),
    }
    k = kind(i)
    if k == "gate":
        return forms.ChoiceField(
            choices=[("si", "Sí"), ("no", "No")], widget=forms.RadioSelect, **common
        )
    if k == "text":
        return forms.CharField(min_length=2, max_length=100, **common)
    if k == "amount":
        return forms.DecimalField(min_value=0, max_value=10_000, localize=True, **common)
    if k == "date":
        return forms.DateField(
            input_formats=["%d/%m/%Y", "%Y-%m-%d"], validators=[not_in_future], **common
        )
    if k == "choice":
        return forms.ChoiceField(
            choices=[(c, c.title()) for c in CHOICES], widget=forms.RadioSelect, **common
        )
    if k == "email":
        return forms.EmailField(max_length=120, **common)
    return forms.CharField(max_length=9, validators=[check_nif], **common)


class PlainForm(forms.Form):
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="f-%s", **kwargs)
        for i in range(FIELDS):
            self.fields[name(i)] = plain_field(i)

    def clean(self):
        data = super().clean()
        if data.get("f00") == "si":
            for i in range(FIELDS):
                if is_conditional(i) and data.get(name(i)) in (None, ""):
                    self.add_error(name(i), "Este dato es obligatorio.")
        if data.get("f08") and data.get("f02") and data["f08"] <= data["f02"]:
            self.add_error("f08", "La fecha debe ser posterior a «Dato 2».")
        if data.get("f10") and data.get("f10") != data.get("f04"):
            self.add_error("f10", "No coincide con «Dato 4»; escríbalo igual.")
        low, high = data.get("f01"), data.get("f07")
        if low is not None and high is not None and low > high:
            self.add_error("f01", "Debe ser igual o menor que «Dato 7».")
        if (data.get("f13") or 0) + (data.get("f19") or 0) > 20_000:
            self.add_error("f13", "La suma de «Dato 13», «Dato 19» no puede superar 20.000.")
        return data


PLAIN_TEMPLATE = """{% extends "base.html" %}{% load i18n %}
{% block title %}Formulario de prueba{% endblock %}
{% block content %}<h1>Formulario de prueba</h1><h2>Datos</h2>
<form method="post" novalidate action="">{% csrf_token %}
{% include "components/form_errors.html" with form=form %}
{% for group in groups %}<fieldset class="filing-fieldset"><legend>{{ group.legend }}</legend>
{% for field in group.fields %}{% include "components/field.html" with field=field %}{% endfor %}
</fieldset>{% endfor %}
<button type="submit" class="button" name="action" value="next">Guardar y continuar</button>
</form>{% endblock %}"""


def plain_view(request):
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.shortcuts import redirect
    from django.template import engines

    @login_required
    def view(request):
        form = PlainForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            return redirect(PLAIN_URL + "?ok=1")
        fields = list(form)
        groups = [
            {"legend": f"Grupo {k}", "fields": fields[k * PER_FIELDSET : (k + 1) * PER_FIELDSET]}
            for k in range(FIELDS // PER_FIELDSET)
        ]
        template = engines["django"].from_string(PLAIN_TEMPLATE)
        return HttpResponse(template.render({"form": form, "groups": groups}, request))

    return view(request)


def install_plain_url() -> None:
    """The project's URLs plus the baseline page (a URLconf module made here)."""
    from django.conf import settings
    from django.urls import clear_url_caches, path

    root = importlib.import_module(settings.ROOT_URLCONF)
    module = types.ModuleType("bench_formularios_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(PLAIN_URL.strip("/") + "/", plain_view),
        *root.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


# --- The run ---------------------------------------------------------------------------------


def prepare():
    """A citizen with a Sustancial session and a draft of a procedure whose published form is
    the 60-field one. Returns (client, step URL)."""
    import yaml

    from identidad.backends.oidc import GiltzaOIDCBackend  # noqa: F401 - the login backend
    from identidad.constants import MetodoIdentificacion, NivelGarantia
    from identidad.services import citizen_user_from_identity
    from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY
    from procedimientos.catalogo_io import catalogo_import
    from procedimientos.demo import STARTER_CATALOGUE
    from procedimientos.models import Procedimiento
    from procedimientos.services import formulario_create_draft, formulario_publish
    from sede.models import Borrador

    code = "instancia-general"
    if not Procedimiento.objects.filter(code=code).exists():
        data = yaml.safe_load(STARTER_CATALOGUE.read_text(encoding="utf-8"))
        data["procedimientos"] = [p for p in data["procedimientos"] if p["code"] == code]
        materias = {p["materia"] for p in data["procedimientos"]}
        data["materias"] = [m for m in data["materias"] if m["slug"] in materias]
        catalogo_import(data=data)
    procedimiento = Procedimiento.objects.get(code=code)
    schema, layout = engine_definition()
    draft = formulario_create_draft(procedimiento=procedimiento, schema=schema, layout=layout)
    formulario_publish(formulario=draft, by=None)

    user = citizen_user_from_identity(nif="12345678Z", first_name="Miren", last_name="Etxeberria")
    client = Client()
    client.force_login(user, backend="identidad.backends.oidc.GiltzaOIDCBackend")
    session = client.session
    session[SESSION_LEVEL_KEY] = int(NivelGarantia.SUSTANCIAL)
    session[SESSION_METHOD_KEY] = str(MetodoIdentificacion.BAKQ)
    session.save()
    response = client.post(f"/tramites/{code}/", {})
    assert response.status_code == 302, response.status_code
    borrador = Borrador.objects.filter(user=user).latest("pk")
    assert borrador.formulario_id == draft.pk
    return client, f"/tramites/borrador/{borrador.public_id}/paso/datos/"


def round_trip(client, url: str, post: dict, *, next_url: str) -> None:
    page = client.get(url)
    if page.status_code != 200 or b'name="f59"' not in page.content:
        raise AssertionError(f"{url} answered {page.status_code} without the 60 fields")
    answer = client.post(url, post)
    if answer.status_code != 302 or next_url not in answer["Location"]:
        html = answer.content.decode() if answer.status_code == 200 else ""
        detail = html[html.find("error-summary") :][:1500]
        status = answer.status_code
        raise AssertionError(f"{url}: the valid answers were refused ({status}) {detail}")


def run(rounds: int = ROUNDS, block: int = BLOCK) -> tuple[float, float]:
    """(engine requests/s, plain form requests/s), each round a GET and a POST."""
    install_plain_url()
    client, step_url = prepare()
    post = answers()
    sides = {
        "engine": lambda: round_trip(client, step_url, post, next_url="/revisar/"),
        "plain": lambda: round_trip(client, PLAIN_URL, post, next_url="?ok=1"),
    }
    for side in sides.values():  # warm up (templates, caches) and prove both work
        for _ in range(3):
            side()
    spent = dict.fromkeys(sides, 0.0)
    done = dict.fromkeys(sides, 0)
    while done["engine"] < rounds:
        n = min(block, rounds - done["engine"])
        for key, side in sides.items():
            began = time.perf_counter()
            for _ in range(n):
                side()
            spent[key] += time.perf_counter() - began
            done[key] += n
    return 2 * done["engine"] / spent["engine"], 2 * done["plain"] / spent["plain"]


def main() -> None:
    with bench_database("formularios"):
        engine, plain = run()
    print(
        f"engine (60 fields, 10 conditions, x-date + 4 x-rules): {engine:.1f} req/s; "
        f"plain Django form: {plain:.1f} req/s",
        flush=True,
    )
    result_line("formularios_throughput", engine, plain, rounds=ROUNDS, fields=FIELDS)


if __name__ == "__main__":
    main()
