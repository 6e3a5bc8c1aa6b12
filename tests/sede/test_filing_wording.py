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
