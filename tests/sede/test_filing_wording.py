"""Filing flow, second pass (issue 15 §1): one review step and one signature step, nothing to
sign while the draft has errors, optional documents not called mandatory, conditional fields
labelled as such."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sede.models import Borrador
from tests.sede.filing_support import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _start(client, code="instancia-general") -> Borrador:
    response = client.post(reverse("sede:filing_start", args=[code]), {})
    assert response.status_code == 302
    return Borrador.objects.latest("pk")


def test_a_draft_with_errors_gets_the_error_summary_not_the_signature(
    catalogo, client_as, ciudadana
):
    client = client_as(ciudadana)
    borrador = _start(client)
    review_url = reverse("sede:filing_review", args=[borrador.public_id])
    for name in ("sede:filing_sign", "sede:filing_solicitud"):
        response = client.get(reverse(name, args=[borrador.public_id]))
        assert response.status_code == 302 and response["Location"] == review_url
    review = client.get(review_url).content.decode()
    assert "error-summary" in review
    assert "Continuar a la firma" not in review
    step = reverse("sede:filing_step", args=[borrador.public_id, "solicitud"])
    assert f'href="{step}"' in review  # each problem links to its field's step


def test_one_review_step_and_one_signature_step(catalogo, client_as, ciudadana):
    client = client_as(ciudadana)
    borrador = _start(client)
    page = client.get(reverse("sede:filing_review", args=[borrador.public_id])).content.decode()
    assert ">Revisar<" in page and "Firmar y presentar" in page
    assert "Revisar y firmar" not in page and "Revisar y presentar" not in page
    # A procedure without signature (CAT-5): the review is where it is submitted.
    queja = _start(client, "quejas-sugerencias")
    page = client.get(reverse("sede:filing_review", args=[queja.public_id])).content.decode()
    assert "Revisar y presentar" in page and "Firmar y presentar" not in page


def test_conditional_fields_say_when_they_apply(catalogo, client_as, ciudadana):
    client = client_as(ciudadana)
    borrador = _start(client)
    page = client.get(
        reverse("sede:filing_step", args=[borrador.public_id, "solicitante"])
    ).content.decode()
    assert "obligatorio solo si «Tipo de persona» es «" in page
    assert 'data-condition-field="solicitante-tipo_persona"' in page
    eu = client.get(
        "/eu" + reverse("sede:filing_step", args=[borrador.public_id, "solicitante"])
    ).content.decode()
    assert 'data-condition-field="solicitante-tipo_persona"' in eu


def test_an_optional_upload_is_not_called_mandatory(catalogo, client_as, ciudadana):
    client = client_as(ciudadana)
    borrador = _start(client)
    page = client.get(
        reverse("sede:filing_step", args=[borrador.public_id, "documentos"])
    ).content.decode()
    assert "Fichero: otro documento" in page
    label = page[page.index("Fichero: otro documento") :][:200]
    assert "(opcional)" in label and "obligatorio" not in label


def test_the_destination_is_chosen_by_name_not_by_dir3_code(catalogo, client_as, ciudadana):
    from identidad.models import Unidad

    client = client_as(ciudadana)
    borrador = _start(client)
    unit = Unidad.objects.exclude(name_eu="").order_by("name_es").first()
    page = client.get(
        reverse("sede:filing_step", args=[borrador.public_id, "solicitud"])
    ).content.decode()
    assert "DIR3" not in page
    assert f'<option value="{unit.dir3}">{unit.name_es}' in page
    assert 'data-searchable="true"' in page
    eu = client.get(
        "/eu" + reverse("sede:filing_step", args=[borrador.public_id, "solicitud"])
    ).content.decode()
    assert f'<option value="{unit.dir3}">{unit.name_eu}' in eu
    # The review shows the unit's name; its code is a technical detail.
    client.post(
        reverse("sede:filing_step", args=[borrador.public_id, "solicitud"]),
        {"unidad_destino": unit.dir3, "asunto": "Asunto", "action": "save"},
    )
    review = client.get(reverse("sede:filing_review", args=[borrador.public_id])).content.decode()
    assert unit.name_es in review


@pytest.mark.parametrize(
    ("lang", "value", "euros", "expected"),
    [
        ("es", 1250.5, True, "1.250,50\u00a0€"),
        ("eu", 1250.5, True, "1.250,50\u00a0€"),
        ("es", 3, False, "3"),
        ("es", 12000, False, "12.000"),
    ],
)
def test_amounts_are_formatted_for_the_page_language(lang, value, euros, expected):
    from sede.filing.engine import amount, localised

    assert localised(lang, lambda: amount(value, euros=euros)) == expected


def test_dates_in_the_summary_follow_the_language():
    from sede.filing.engine import FieldSpec, display

    spec = FieldSpec(
        pointer="/fecha", key="fecha", schema={"type": "string", "format": "date"}, required=False
    )
    assert display(spec, "2026-12-04", "es") == "04/12/2026"
    assert display(spec, "2026-12-04", "eu") == "2026-12-04"


def _es_reverse(name, args):
    from django.utils import translation

    with translation.override("es"):
        return reverse(name, args=args)


def test_the_receipt_speaks_the_citizens_language_and_verifies_on_site_url(
    catalogo, client_as, ciudadana, settings
):
    """Issue 15 §4: file names and the verification URL follow the receipt's language."""
    from registro.justificante import render_receipt_html
    from sede.models import Presentacion
    from tests.sede.test_filing_flow import fill_instancia

    settings.SITE_URL = "https://sede.bilbao.eus"
    client = client_as(ciudadana)
    eu_start = client.post("/eu" + _es_reverse("sede:filing_start", args=["instancia-general"]), {})
    assert eu_start.status_code == 302
    borrador = Borrador.objects.latest("pk")
    fill_instancia(client, borrador)
    r = client.post(
        "/eu" + _es_reverse("sede:filing_sign", args=[borrador.public_id]),
        {"method": "concertada", "confirmo": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    presentacion = Presentacion.objects.get()
    asiento = presentacion.asiento
    assert asiento.idioma == "eu"
    html = render_receipt_html(asiento, csv="ABCDEFGHJKLMNPQRSTUV")
    assert "https://sede.bilbao.eus/eu/verificar/" in html
    pdf = client.get("/eu" + _es_reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
    assert "egiaztagiria-" in pdf["Content-Disposition"]
    pdf = client.get(_es_reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
    assert "justificante-" in pdf["Content-Disposition"]
