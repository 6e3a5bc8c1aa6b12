"""CAT-5 signature step: (a) strong identification + council seal ("clave concertada");
(b) the application PDF signed with the citizen's own certificate, validated by firma."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firma.signing import sign
from firma.validation import VALID, validate
from identidad.constants import NivelGarantia
from registro.models import Asiento
from sede.models import Presentacion
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import citizen_signer, make_pdf
from tests.sede.test_submit import complete_instancia, new_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def borrador(catalogo, ciudadana):
    assert catalogo["instancia-general"].signature_required
    return complete_instancia(new_draft(ciudadana, catalogo["instancia-general"]))


def sign_url(borrador):
    return reverse("sede:filing_sign", args=[borrador.public_id])


def registered_solicitud(presentacion) -> bytes:
    doc = presentacion.asiento.documentos.get(orden=0)
    with default_storage.open(doc.file.name, "rb") as fh:
        return fh.read()


class TestClaveConcertada:
    def test_a_strong_identification_signs_and_the_council_seals_the_application(
        self, borrador, client_as, ciudadana
    ):
        client = client_as(ciudadana, level=NivelGarantia.SUSTANCIAL)
        response = client.post(sign_url(borrador), {"method": "concertada", "confirmo": "on"})
        assert response.status_code == 302, response.content.decode()[:2000]
        presentacion = Presentacion.objects.get()
        assert presentacion.firma_method == "concertada"
        assert presentacion.firma_detail["signer_nif"] == "12345678Z"
        assert presentacion.firma_detail["level"] == NivelGarantia.SUSTANCIAL
        report = validate(registered_solicitud(presentacion))
        assert report.result == VALID
        assert "SELLO" in report.signatures[0].signer_subject

    def test_it_needs_the_confirmation_box(self, borrador, client_as, ciudadana):
        client = client_as(ciudadana)
        response = client.post(sign_url(borrador), {"method": "concertada"})
        assert response.status_code == 200
        assert "Marque la casilla para firmar" in response.content.decode()
        assert Asiento.objects.count() == 0

    @pytest.mark.parametrize("data", [{"method": "concertada", "confirmo": "on"}, {}])
    def test_with_data_to_correct_it_goes_back_to_the_review(
        self, borrador, client_as, ciudadana, data
    ):
        """Checked once (by borrador_submit on a valid POST, by the view otherwise)."""
        borrador.data["asunto"] = ""
        borrador.save(update_fields=["data"])
        client = client_as(ciudadana, level=NivelGarantia.SUSTANCIAL)
        review = reverse("sede:filing_review", args=[borrador.public_id])
        assert client.get(sign_url(borrador))["Location"] == review
        response = client.post(sign_url(borrador), data)
        assert response.status_code == 302
        assert response["Location"] == review
        assert Asiento.objects.count() == 0

    def test_a_weak_identification_cannot_sign_this_way(
        self, borrador, client_as, ciudadana, settings
    ):
        settings.SEDE_SIGNATURE_MIN_LEVEL = NivelGarantia.ALTO
        client = client_as(ciudadana, level=NivelGarantia.SUSTANCIAL)
        page = client.get(sign_url(borrador)).content.decode()
        assert "Firmar y presentar</button>" not in page
        response = client.post(sign_url(borrador), {"method": "concertada", "confirmo": "on"})
        assert "nivel alto o superior" in response.content.decode()
        assert Asiento.objects.count() == 0
        ok = client_as(ciudadana, level=NivelGarantia.ALTO).post(
            sign_url(borrador), {"method": "concertada", "confirmo": "on"}
        )
        assert ok.status_code == 302 and Asiento.objects.count() == 1


class TestOwnCertificate:
    def download(self, client, borrador) -> bytes:
        response = client.get(reverse("sede:filing_solicitud", args=[borrador.public_id]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        return response.content

    def upload(self, client, borrador, data: bytes):
        return client.post(
            sign_url(borrador),
            {"method": "certificado", "firmado": SimpleUploadedFile("firmada.pdf", data)},
        )

    def test_the_application_signed_with_the_citizens_certificate_is_registered(
        self, borrador, client_as, ciudadana, test_pki
    ):
        client = client_as(ciudadana)
        pdf = self.download(client, borrador)
        assert self.download(client, borrador) == pdf  # the same bytes to sign every time
        signed = sign(pdf, fmt="pades", signer=citizen_signer(test_pki, "12345678Z")).data
        response = self.upload(client, borrador, signed)
        assert response.status_code == 302, response.content.decode()[:3000]
        presentacion = Presentacion.objects.get()
        assert presentacion.firma_method == "certificado"
        assert presentacion.firma_detail["signer_nif"] == "12345678Z"
        assert registered_solicitud(presentacion) == signed

    def test_a_signature_by_someone_else_is_refused(self, borrador, client_as, ciudadana, test_pki):
        client = client_as(ciudadana)
        pdf = self.download(client, borrador)
        signed = sign(pdf, fmt="pades", signer=citizen_signer(test_pki, "11111111H")).data
        response = self.upload(client, borrador, signed)
        assert "certificado de otra persona (11111111H)" in response.content.decode()
        assert Asiento.objects.count() == 0

    def test_an_unsigned_or_different_pdf_is_refused(
        self, borrador, client_as, ciudadana, test_pki
    ):
        client = client_as(ciudadana)
        pdf = self.download(client, borrador)
        assert (
            "no es la solicitud que descargó" in self.upload(client, borrador, pdf).content.decode()
        )
        other = sign(
            make_pdf("Otra cosa"), fmt="pades", signer=citizen_signer(test_pki, "12345678Z")
        ).data
        assert (
            "no es la solicitud que descargó"
            in self.upload(client, borrador, other).content.decode()
        )
        assert Asiento.objects.count() == 0

    def test_a_certificate_from_an_untrusted_authority_is_refused(
        self, borrador, client_as, ciudadana
    ):
        from firma.keys.demo_pki import make_ca

        class Untrusted:
            ca_cert, ca_key = make_ca("AC DESCONOCIDA")

        client = client_as(ciudadana)
        pdf = self.download(client, borrador)
        signed = sign(pdf, fmt="pades", signer=citizen_signer(Untrusted, "12345678Z")).data
        response = self.upload(client, borrador, signed)
        assert "La firma del PDF no es válida" in response.content.decode()
        assert Asiento.objects.count() == 0

    def test_changing_the_answers_after_downloading_invalidates_the_signed_copy(
        self, borrador, client_as, ciudadana, test_pki
    ):
        client = client_as(ciudadana)
        pdf = self.download(client, borrador)
        signed = sign(pdf, fmt="pades", signer=citizen_signer(test_pki, "12345678Z")).data
        client.post(
            reverse("sede:filing_step", args=[borrador.public_id, "solicitud"]),
            {
                "asunto": "Otro asunto distinto",
                "expone": "Otra exposición más larga.",
                "solicita": "Otra cosa.",
                "action": "save",
            },
        )
        response = self.upload(client, borrador, signed)
        assert response.status_code == 200
        assert Asiento.objects.count() == 0
