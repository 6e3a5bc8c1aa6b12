"""The forty specific forms built from blocks (issue 16, item 6) through the citizen's web
flow, without JavaScript: every step renders in es and eu, and each form's realistic filled
example (kept as data beside the form) goes through every step and reaches the review with
nothing left to correct; a wrong answer is refused on the step where it was typed."""

from __future__ import annotations

import copy
import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from procedimientos.demo import starter_catalogue
from procedimientos.formularios import especificos
from sede.filing.engine import Definition, get
from sede.models import Borrador
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import make_pdf

pytestmark = pytest.mark.django_db

SPECS = {s["code"]: s for s in especificos.especificos()}


@functools.cache
def _catalogue() -> dict:
    return starter_catalogue()


def one_procedure(code: str) -> dict:
    data = copy.deepcopy(_catalogue())
    data["procedimientos"] = [p for p in data["procedimientos"] if p["code"] == code]
    return data


def to_post(definition: Definition, step, data: dict) -> dict[str, list[str]]:
    """The HTML form a citizen would send for ``step`` with the answers ``data``."""
    q = QueryDict(mutable=True)
    q["action"] = "next"

    def put(spec, value):
        if value is None:
            return
        if isinstance(value, bool):
            if value:
                q[spec.name] = "on"
        elif isinstance(value, list):
            q.setlist(spec.name, [str(v) for v in value])
        elif isinstance(value, int | float):
            q[spec.name] = str(value).replace(".", ",")
        else:
            q[spec.name] = str(value)

    for fs in step.fieldsets:
        if fs.repeat:
            items = get(data, fs.repeat["path"], [])
            name = "-".join(p for p in fs.repeat["path"].split("/") if p)
            q[f"count-{name}"] = str(len(items))
            for i in range(len(items)):
                for spec in definition.group_fields(fs, i):
                    put(spec, get(data, spec.pointer, None))
            continue
        for spec in definition.fieldset_fields(fs):
            put(spec, get(data, spec.pointer, None))
    return dict(q.lists())  # the test client sends every value of a list


def step_url(borrador, step_id):
    with translation.override("es"):  # the unprefixed (Spanish) URL, whatever was last served
        return reverse("sede:filing_step", args=[borrador.public_id, step_id])


@pytest.mark.parametrize("code", sorted(SPECS))
def test_each_form_renders_every_step_refuses_a_wrong_nif_and_its_example_reaches_the_review(
    code, client_as, ciudadana, firma_settings
):
    """CAT-4: the specific form is the one offered (L39 art. 66.6), filled without JS."""
    from procedimientos.catalogo_io import catalogo_import

    catalogo_import(data=one_procedure(code))
    client = client_as(ciudadana)
    r = client.post(reverse("sede:filing_start", args=[code]))
    assert r.status_code == 302, r.content[:500]
    borrador = Borrador.objects.latest("pk")
    assert borrador.formulario.schema["$id"].endswith(f"/{code}/schema.json")
    definition = Definition(borrador.formulario.schema, borrador.formulario.layout)
    example = especificos.ejemplo(SPECS[code])

    # A wrong identifier is refused on the step where it was typed, in both languages.
    wrong = copy.deepcopy(example)
    wrong["solicitante"]["nif"] = "12345678A"
    post = to_post(definition, definition.steps[0], wrong)
    page = client.post(step_url(borrador, "solicitante"), post).content.decode()
    assert "Escriba un DNI, NIE o NIF válido, con su letra de control." in page
    page = client.post("/eu" + step_url(borrador, "solicitante"), post).content.decode()
    assert "Idatzi baliozko NAN, AIZ edo IFZ bat, kontrol-letrarekin." in page

    for step in definition.steps:
        for prefix, title in (("", step.title("es")), ("/eu", step.title("eu"))):
            page = client.get(prefix + step_url(borrador, step.id))
            assert page.status_code == 200
            assert title in page.content.decode()
        if definition.is_attachments_step(step):
            for slot, doc in enumerate(borrador.procedimiento.required_documents or []):
                if doc.get("mandatory", True):
                    r = client.post(
                        step_url(borrador, step.id),
                        {
                            "action": f"upload:{slot}",
                            f"slot{slot}-fichero": SimpleUploadedFile(
                                f"doc{slot}.pdf", make_pdf(doc["name_es"])
                            ),
                        },
                    )
                    assert r.status_code == 302
            r = client.post(step_url(borrador, step.id), {"action": "next"})
        else:
            r = client.post(step_url(borrador, step.id), to_post(definition, step, example))
        assert r.status_code == 302, (step.id, r.content.decode()[-3000:])

    assert r["Location"] == reverse("sede:filing_review", args=[borrador.public_id])
    borrador.refresh_from_db()
    from sede.selectors import borrador_errors

    assert borrador_errors(borrador, "es") == {}  # nothing left to correct before signing
    for key, value in example.items():
        if not isinstance(value, dict) and key != "documentos":
            assert borrador.data[key] == value, key
    review = client.get(r["Location"])
    assert review.status_code == 200
