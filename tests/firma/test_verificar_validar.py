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
