"""The public validation page: upload a signed document, read who signed and whether it holds."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firma.services import csv_issue, documento_read
from tests.firma.portafirmas_support import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_a_sealed_document_is_reported_valid_with_its_signer(client):
    sealed = csv_issue(
        content=make_pdf(), name="r.pdf", mime="application/pdf", stamp=True, seal=True
    )
    response = client.post(
        reverse("firma:validar"),
        {"fichero": SimpleUploadedFile("r.pdf", documento_read(sealed), "application/pdf")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Resultado: Válida" in html
    assert "Firma 1" in html


def test_an_unsigned_pdf_says_why_it_cannot_be_validated(client):
    response = client.post(
        reverse("firma:validar"),
        {"fichero": SimpleUploadedFile("a.pdf", make_pdf(), "application/pdf")},
    )
    html = response.content.decode()
    assert "No se puede validar" in html
    assert "no contiene ninguna firma" in html


def test_without_a_file_the_form_shows_an_error_summary(client):
    response = client.post(reverse("firma:validar"), {})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_validation_is_rate_limited_per_ip(client, settings):
    settings.FIRMA_VALIDATE_RATE = "2/m"
    upload = lambda: {"fichero": SimpleUploadedFile("a.pdf", make_pdf())}  # noqa: E731
    assert client.post(reverse("firma:validar"), upload()).status_code == 200
    assert client.post(reverse("firma:validar"), upload()).status_code == 200
    assert client.post(reverse("firma:validar"), upload()).status_code == 429


def _backdated_expired_signature() -> bytes:
    """Signed 60 days ago (by the signer's clock) with a certificate that has since expired."""
    import datetime as dt

    import time_machine

    from firma.keys import get_signer
    from firma.signing import sign

    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(days=60), tick=False):
        return sign(b"acta", fmt="cades-attached", signer=get_signer("caducado")).data


def test_the_page_shows_indication_sub_indication_and_the_plain_explanation(client):
    """Issue 13: EN 319 102-1 verdict, the time the certificate was judged at and why."""
    response = client.post(
        reverse("firma:validar"),
        {"fichero": SimpleUploadedFile("acta.p7s", _backdated_expired_signature())},
    )
    html = response.content.decode()
    assert "Resultado: Indeterminada" in html
    assert "<code>INDETERMINATE</code> / <code>OUT_OF_BOUNDS_NO_POE</code>" in html
    assert "ningún sello de tiempo prueba" in html
    assert "la fecha declarada por el firmante no es prueba" in html
    assert "Fecha a la que se comprueba el certificado" in html
    assert "Revocación" in html


def test_the_page_explains_the_verdict_in_basque(client):
    response = client.post(
        "/eu/firma/validar/",
        {"fichero": SimpleUploadedFile("acta.p7s", _backdated_expired_signature())},
    )
    html = response.content.decode()
    assert "<code>OUT_OF_BOUNDS_NO_POE</code>" in html
    assert "Ziurtagiria iraungita dago" in html
    assert "Adierazpena (ETSI EN 319 102-1)" in html


def test_the_api_gives_indication_sub_indication_and_explanation(client, ciudadana):
    client.force_login(ciudadana)
    response = client.post(
        "/api/firma/validacion/",
        {"fichero": SimpleUploadedFile("acta.p7s", _backdated_expired_signature())},
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["indication"], report["subindication"]) == (
        "INDETERMINATE",
        "OUT_OF_BOUNDS_NO_POE",
    )
    assert "sello de tiempo" in report["explanation"]
    (sig,) = report["signatures"]
    assert sig["indication"] == "INDETERMINATE" and sig["subindication"] == "OUT_OF_BOUNDS_NO_POE"
    assert sig["validation_time"] and "fecha actual" in sig["validation_time_basis"]
    assert sig["revocation_status"] == "not_checked"


def test_the_openapi_schema_documents_the_etsi_indications(client, funcionario):
    client.force_login(funcionario)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "TOTAL-PASSED" in schema and "subindication" in schema and "explanation" in schema
