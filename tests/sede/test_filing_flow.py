"""The filing flow through the web, without JavaScript: start, steps, attachments, review,
signature (clave concertada) and receipt."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sede.models import Borrador, Presentacion
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import make_pdf

pytestmark = pytest.mark.django_db

INSTANCIA_STEPS = {
    "solicitante": {
        "solicitante-tipo_persona": "fisica",
        "solicitante-nif": "12345678Z",
        "solicitante-nombre": "Miren",
        "solicitante-apellido1": "Etxeberria",
        "action": "next",
    },
    "solicitud": {
        "asunto": "Poda del árbol de mi calle",
        "expone": "El árbol frente al portal tapa la farola.",
        "solicita": "Que se pode.",
        "action": "next",
    },
    "notificacion": {
        "notificacion-canal": "electronica",
        "notificacion-email": "miren@example.org",
        "action": "next",
    },
    "confirmar": {"declaracion": "on", "action": "next"},
}


def start(client, code="instancia-general", **extra) -> Borrador:
    response = client.post(reverse("sede:filing_start", args=[code]), extra)
    assert response.status_code == 302, response.content[:500]
    return Borrador.objects.latest("pk")


def step_url(borrador, step_id):
    return reverse("sede:filing_step", args=[borrador.public_id, step_id])


def fill_instancia(client, borrador, with_attachment=True):
    for step_id in ("solicitante", "solicitud"):
        r = client.post(step_url(borrador, step_id), INSTANCIA_STEPS[step_id])
        assert r.status_code == 302, r.content.decode()[:3000]
    if with_attachment:
        r = client.post(
            step_url(borrador, "documentos"),
            {
                "action": "upload:",
                "libre-fichero": SimpleUploadedFile("foto.pdf", make_pdf("Foto")),
                "libre-description": "Fotografía del árbol",
            },
        )
        assert r.status_code == 302, r.content.decode()[:3000]
    r = client.post(step_url(borrador, "documentos"), {"action": "next"})
    assert r.status_code == 302
    for step_id in ("notificacion", "confirmar"):
        r = client.post(step_url(borrador, step_id), INSTANCIA_STEPS[step_id])
        assert r.status_code == 302, r.content.decode()[:3000]
    return r


def test_the_start_page_says_what_is_needed_in_both_languages(catalogo, client_as, ciudadana):
    client = client_as(ciudadana)
    page = client.get(reverse("sede:filing_start", args=["aes"])).content.decode()
    assert "Justificantes de ingresos de los últimos tres meses" in page
    assert "tendrá que firmar la solicitud" in page
    page = client.get("/eu" + reverse("sede:filing_start", args=["aes"])).content.decode()
    assert "Azken hiru hilabeteetako diru-sarreren egiaztagiriak" in page
    assert "Hasi aurretik" in page


def test_the_citizen_files_the_instancia_general_and_gets_a_receipt(catalogo, client_as, ciudadana):
    client = client_as(ciudadana)
    page = client.get(reverse("sede:filing_start", args=["instancia-general"]))
    assert page.status_code == 200
    borrador = start(client)
    first = client.get(step_url(borrador, "solicitante"))
    assert 'value="12345678Z"' in first.content.decode()  # prefilled from the identity
    last = fill_instancia(client, borrador)
    assert last["Location"] == reverse("sede:filing_review", args=[borrador.public_id])
    review = client.get(last["Location"]).content.decode()
    assert "Poda del árbol de mi calle" in review and "Continuar a la firma" in review
    r = client.post(
        reverse("sede:filing_sign", args=[borrador.public_id]),
        {"method": "concertada", "confirmo": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    presentacion = Presentacion.objects.get()
    asiento = presentacion.asiento
    assert [d.tipo_anexo for d in asiento.documentos.order_by("orden")] == ["01", "02"]
    receipt = client.get(r["Location"]).content.decode()
    assert asiento.numero in receipt
    pdf = client.get(reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
