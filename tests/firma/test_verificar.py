"""/verificar/ (FIR-8): whoever holds the CSV sees and downloads the document; failed
look-ups reveal nothing; per-IP rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from firma.services import csv_issue
from firma.views import verify_reverse
from tests.firma.portafirmas_support import *  # noqa: F403  (fixtures)
from tests.firma.portafirmas_support import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()
    translation.activate("es")  # a request in Basque leaves Basque active in this thread


@pytest.fixture
def version():
    return csv_issue(
        content=make_pdf(pages=2), name="resolucion.pdf", mime="application/pdf", stamp=True
    )


def _code_url(code: str) -> str:
    return verify_reverse("codigo", code=code)


class TestVerificar:
    def test_the_form_works_without_javascript(self, client):
        response = client.get(verify_reverse("form"))
        assert response.status_code == 200
        html = response.content.decode()
        # A plain HTML form that submits by itself: no script is needed to verify.
        assert '<form method="get"' in html and 'name="csv"' in html
        assert '<button type="submit">' in html
        assert '<label class="field__label" for="id_csv"' in html

    def test_fir8_the_form_takes_the_code_as_typed_and_shows_the_document(self, client, version):
        typed = version.csv_display.lower().replace("-", " ")
        response = client.get(verify_reverse("form"), {"csv": typed}, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert version.csv_display in html
        assert "resolucion.pdf" in html
        assert version.sha256 in html

    def test_fir8_the_qr_url_shows_the_metadata_and_serves_the_document(self, client, version):
        response = client.get(_code_url(version.csv_display))
        assert response.status_code == 200
        download = verify_reverse("documento", code=version.csv_display)
        assert download in response.content.decode()

        response = client.get(download)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == version.content.open("rb").read()

    def test_an_old_version_says_a_newer_one_exists(self, client, version):
        csv_issue(
            content=make_pdf(pages=1),
            name="resolucion.pdf",
            mime="application/pdf",
            documento=version.documento,
        )
        response = client.get(_code_url(version.csv_display))
        assert "versión posterior" in response.content.decode()

    @pytest.mark.parametrize(
        "code",
        [
            "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ",  # well formed, unknown
            "hello",  # malformed
            "UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU",  # right length, forbidden letter
        ],
    )
    def test_fir8_unknown_and_malformed_codes_get_the_same_answer(self, client, version, code):
        reference = client.get(_code_url("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"))
        for response in (
            client.get(_code_url(code)),
            client.get(verify_reverse("form"), {"csv": code}),
            client.get(verify_reverse("documento", code=code)),
        ):
            assert response.status_code == 404
            html = response.content.decode()
            assert "No hay ningún documento con ese código" in html
            assert "resolucion.pdf" not in html
            # Same page apart from the echo of what was typed.
            assert _strip_echo(html, code) == _strip_echo(
                reference.content.decode(), "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
            )

    def test_fir8_over_the_rate_limit_the_answer_is_429_with_a_clear_message(
        self, client, settings, version
    ):
        settings.FIRMA_VERIFY_RATE = "3/m"
        for _ in range(3):
            assert client.get(_code_url(version.csv_display)).status_code == 200
        response = client.get(_code_url(version.csv_display))
        assert response.status_code == 429
        assert "Demasiadas consultas" in response.content.decode()
        # Per IP: another address is still served.
        other = client.get(_code_url(version.csv_display), REMOTE_ADDR="10.9.9.9")
        assert other.status_code == 200

    def test_the_page_is_translated_to_basque(self, client):
        response = client.get("/eu/firma/verificar/")
        assert response.status_code == 200
        assert 'lang="eu"' in response.content.decode()
        html = response.content.decode()
        assert "Dokumentu bat egiaztatu" in html
        assert "Egiaztapen kode segurua (EKK)" in html


def _strip_echo(html: str, code: str) -> str:
    """The page's main content with the echo of what was typed taken out."""
    main = html[html.index("<main") : html.index("</main>")]
    return main.replace(code, "").replace(code.lower(), "")


def test_fir5_fir8_a_document_signed_in_the_portafirmas_shows_its_signers(
    client, jefa, concejal, django_capture_on_commit_callbacks
):
    from firma.constants import ModoFirma
    from firma.selectors import inbox_for
    from firma.services import AccionSpec, acciones_sign, peticion_create
    from firma.services.portafirmas import DocumentoSpec

    peticion = peticion_create(
        created_by=jefa,
        asunto="Decreto",
        documentos=[DocumentoSpec(make_pdf(), "decreto.pdf", "application/pdf")],
        pasos=[[AccionSpec(concejal, modo=ModoFirma.DELEGACION, en_nombre_de="Alcaldía")]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        acciones_sign(user=concejal, accion_ids=[inbox_for(concejal).get().pk])
    signed = peticion.documentos.get().resultado
    html = client.get(_code_url(signed.csv_display)).content.decode()
    assert "Koldo Uriarte Bilbao, por delegación de Alcaldía" in html
    assert "TF06" in html


def test_each_successful_access_is_logged_and_failures_are_not(client, version, caplog):
    caplog.set_level("INFO", logger="firma.verificar")
    client.get(_code_url(version.csv_display))
    client.get(verify_reverse("documento", code=version.csv_display))
    client.get(_code_url("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"))
    records = [r.getMessage() for r in caplog.records if r.name == "firma.verificar"]
    assert len(records) == 2
    assert all(f"version {version.pk}" in message for message in records)
    assert "metadata" in records[0] and "content" in records[1]


def test_a_sealed_document_shows_its_etsi_verdict_on_the_verification_page(client):
    """Issue 13: /verificar/<csv>/ shows the seal's indication and its plain explanation."""
    sealed = csv_issue(
        content=make_pdf(), name="justificante.pdf", mime="application/pdf", stamp=True, seal=True
    )
    html = client.get(_code_url(sealed.csv_display)).content.decode()
    assert "Validez de la firma" in html
    assert "<code>TOTAL-PASSED</code>" in html
    assert "la firma es válida" in html
    assert "Nivel de conservación: PAdES B-B" in html  # no TSA configured in these tests


def test_a_tampered_sealed_document_is_not_shown_as_valid(client, settings):
    from firma.models import DocumentoVersion
    from firma.services import documento_read

    sealed = csv_issue(content=make_pdf(), name="j.pdf", mime="application/pdf", seal=True)
    from django.core.files.base import ContentFile

    data = bytearray(documento_read(sealed))
    data[data.index(b"(Documento de prueba") + 1] ^= 0x20  # one letter of the page text

    sealed.content.save("j.pdf", ContentFile(bytes(data)), save=False)
    DocumentoVersion.objects.filter(pk=sealed.pk).update(
        content=sealed.content.name, sha256="0" * 64
    )
    html = client.get(_code_url(sealed.csv_display)).content.decode()
    assert "<code>TOTAL-FAILED</code> / <code>HASH_FAILURE</code>" in html
    assert "<code>TOTAL-PASSED</code>" not in html


def test_an_unsigned_document_shows_no_verdict(client, version):
    html = client.get(_code_url(version.csv_display)).content.decode()
    assert "Validez de la firma" not in html
