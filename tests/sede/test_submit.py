"""Submission: one registry entry per draft (idempotent), acting on behalf of someone
(apoderamientos), identification level, and the representation context on the entry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from identidad.constants import NivelGarantia
from registro.models import Asiento
from sede.constants import EstadoBorrador
from sede.models import Presentacion
from sede.services import FilingRefused, borrador_start, borrador_submit
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import make_power

pytestmark = pytest.mark.django_db


def complete_instancia(borrador, nif="12345678Z", **person):
    borrador.data = {
        "solicitante": {
            "tipo_persona": "fisica",
            "nif": nif,
            "nombre": person.get("nombre", "Miren"),
            "apellido1": person.get("apellido1", "Etxeberria"),
        },
        "notificacion": {"canal": "electronica", "email": "miren@example.org"},
        "declaracion": True,
        "asunto": "Licencia de vado",
        "expone": "Necesito entrar con el coche al garaje.",
        "solicita": "Que se conceda el vado.",
    }
    borrador.save()
    return borrador


@pytest.fixture
def sin_firma(catalogo):
    """The instancia general set to need identification only (CAT-5: e.g. a queja)."""
    procedimiento = catalogo["instancia-general"]
    procedimiento.signature_required = False
    procedimiento.save()
    return procedimiento


def new_draft(user, procedimiento, **kwargs):
    return borrador_start(
        user=user,
        procedimiento=procedimiento,
        formulario=procedimiento.formularios.get(status="publicado"),
        **kwargs,
    )


class TestIdempotentSubmit:
    def test_a_double_post_registers_one_entry_and_shows_the_same_receipt(
        self, sin_firma, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, sin_firma))
        url = reverse("sede:filing_submit", args=[borrador.public_id])
        first = client.post(url)
        second = client.post(url)
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"]
        assert Asiento.objects.count() == 1
        assert Presentacion.objects.count() == 1
        borrador.refresh_from_db()
        assert borrador.estado == EstadoBorrador.PRESENTADO

    def test_the_service_called_twice_returns_the_first_submission(self, sin_firma, ciudadana):
        borrador = complete_instancia(new_draft(ciudadana, sin_firma))
        kwargs = dict(user=ciudadana, language="es", session_level=NivelGarantia.SUSTANCIAL)
        first = borrador_submit(borrador=borrador, **kwargs)
        again = borrador_submit(borrador=borrador, **kwargs)
        assert first.pk == again.pk
        asiento = Asiento.objects.get()
        assert asiento.idempotency_key == borrador.idempotency_key
        assert asiento.procedimiento_id == sin_firma.pk
        assert asiento.unidad_destino_id == sin_firma.unit_id
        assert asiento.resumen.startswith("Instancia general: Licencia de vado")
        solicitud = asiento.documentos.get(orden=0)
        assert solicitud.tipo_anexo == "01" and solicitud.mime == "application/pdf"

    def test_an_incomplete_draft_is_refused_with_the_errors(self, sin_firma, ciudadana):
        borrador = new_draft(ciudadana, sin_firma)
        with pytest.raises(FilingRefused) as exc:
            borrador_submit(borrador=borrador, user=ciudadana, language="es", session_level=2)
        assert "/asunto" in exc.value.errors
        assert Asiento.objects.count() == 0

    def test_it_refuses_a_solicitante_nif_that_is_not_the_citizens(self, sin_firma, ciudadana):
        borrador = complete_instancia(new_draft(ciudadana, sin_firma), nif="11111111H")
        with pytest.raises(FilingRefused, match="11111111H"):
            borrador_submit(borrador=borrador, user=ciudadana, language="es", session_level=2)
        assert Asiento.objects.count() == 0

    def test_the_review_page_lists_what_is_missing_with_links_to_the_step(
        self, sin_firma, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        borrador = new_draft(ciudadana, sin_firma)
        page = client.get(reverse("sede:filing_review", args=[borrador.public_id]))
        html = page.content.decode()
        assert "error-summary" in html
        assert reverse("sede:filing_step", args=[borrador.public_id, "solicitud"]) in html
        assert "Presentar la solicitud" not in html


class TestIdentificationLevel:
    def test_a_low_level_session_is_sent_to_identify_again(self, catalogo, client_as, ciudadana):
        client = client_as(ciudadana, level=NivelGarantia.BAJO)
        response = client.get(reverse("sede:filing_start", args=["instancia-general"]))
        assert response.status_code == 302
        assert reverse("identidad:login") in response["Location"]

    def test_a_procedure_without_a_published_form_is_not_found(
        self, catalogo, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        assert client.get(reverse("sede:filing_start", args=["no-existe"])).status_code == 404


class TestOnBehalfOf:
    def test_the_picker_lists_who_empowered_me_and_the_entry_carries_the_representation(
        self, sin_firma, client_as, ciudadana, representante
    ):
        from apoderamientos.decision import person_interesado

        miren = person_interesado(ciudadana)
        jon = person_interesado(representante)
        make_power(poderdante=miren, apoderado=jon)
        client = client_as(representante)
        page = client.get(reverse("sede:filing_start", args=["instancia-general"]))
        assert "12345678Z" in page.content.decode()  # Miren is offered
        response = client.post(
            reverse("sede:filing_start", args=["instancia-general"]), {"interesado": miren.pk}
        )
        assert response.status_code == 302
        borrador = representante.borradores.get()
        assert borrador.on_behalf_of == miren
        assert borrador.data["solicitante"]["nif"] == "12345678Z"
        assert borrador.data["representante"]["nif"] == "87654321X"
        borrador.data.update(complete_instancia(borrador).data)
        borrador.data["actua_por_representante"] = True
        borrador.data["representante"] = {
            "tipo_persona": "fisica",
            "nif": "87654321X",
            "nombre": "Jon",
            "apellido1": "Garcia",
        }
        borrador.save()
        presentacion = borrador_submit(
            borrador=borrador, user=representante, language="es", session_level=2
        )
        asiento = presentacion.asiento
        roles = {p.rol: p.nif for p in asiento.partes.all()}
        assert roles == {"interesado": "12345678Z", "representante": "87654321X"}
        assert asiento.representacion["via"] == "apoderamiento"
        assert asiento.representacion_id is not None
        # Miren sees the submission made for her; Jon sees it too (he filed it).
        assert (
            client_as(ciudadana)
            .get(reverse("sede:filing_receipt", args=[presentacion.public_id]))
            .status_code
            == 200
        )

    def test_acting_for_someone_without_a_power_is_refused_clearly(
        self, sin_firma, client_as, ciudadana, representante
    ):
        from apoderamientos.decision import person_interesado

        miren = person_interesado(ciudadana)
        client = client_as(representante)
        page = client.get(reverse("sede:filing_start", args=["instancia-general"]))
        assert "12345678Z" not in page.content.decode()
        response = client.post(
            reverse("sede:filing_start", args=["instancia-general"]), {"interesado": miren.pk}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "No consta ningún apoderamiento" in html  # the reason, from apoderamientos
        assert "error-summary" in html
        assert not representante.borradores.exists()
        with pytest.raises(FilingRefused, match="apoderamiento"):
            new_draft(representante, sin_firma, on_behalf_of=miren)

    def test_a_power_revoked_after_the_draft_was_opened_stops_the_submission(
        self, sin_firma, ciudadana, representante
    ):
        from apoderamientos.decision import person_interesado
        from apoderamientos.services import apoderamiento_revoke

        miren = person_interesado(ciudadana)
        power = make_power(poderdante=miren, apoderado=person_interesado(representante))
        borrador = complete_instancia(new_draft(representante, sin_firma, on_behalf_of=miren))
        apoderamiento_revoke(apoderamiento=power, actor=ciudadana)
        with pytest.raises(FilingRefused):
            borrador_submit(borrador=borrador, user=representante, language="es", session_level=2)
        assert Asiento.objects.count() == 0


class TestProcedureWithoutItsOwnForm:
    def test_it_is_filed_with_the_instancia_general_form_and_no_signature(
        self, catalogo, client_as, ciudadana
    ):
        """CAT-5: a queja needs identification only; level 2 procedures use the generic form."""
        queja = catalogo["quejas-sugerencias"]
        assert not queja.signature_required
        assert not queja.formularios.exists()
        client = client_as(ciudadana)
        client.post(reverse("sede:filing_start", args=[queja.code]))
        borrador = complete_instancia(ciudadana.borradores.get())
        assert borrador.procedimiento == queja
        review = client.get(reverse("sede:filing_review", args=[borrador.public_id]))
        assert "Presentar la solicitud" in review.content.decode()
        response = client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        assert response.status_code == 302
        asiento = Asiento.objects.get()
        assert asiento.procedimiento == queja and asiento.formulario is None
        assert Presentacion.objects.get().firma_method == "ninguna"


class TestAfterTheCommit:
    def test_the_receipt_downloaded_is_the_sealed_one_once_issued(
        self, sin_firma, client_as, ciudadana, django_capture_on_commit_callbacks
    ):
        """REG-5: on commit the registry seals the receipt; the sede then serves that one."""
        from firma.validation import VALID, validate

        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, sin_firma))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        presentacion = Presentacion.objects.get()
        presentacion.asiento.refresh_from_db()
        assert presentacion.asiento.is_sealed
        pdf = client.get(reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
        assert validate(pdf.content).result == VALID

    def test_reg5_a_download_before_the_worker_seals_the_receipt_there_and_then(
        self, sin_firma, client_as, ciudadana, django_capture_on_commit_callbacks
    ):
        """REG-5: the filer who downloads the receipt before the worker got to it gets the
        sealed one (not a provisional copy); the worker's task then finds it done: one
        document, one CSV."""
        from firma.models import Documento
        from firma.validation import VALID, validate
        from registro.justificante import receipt_filename

        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, sin_firma))
        with django_capture_on_commit_callbacks() as pending:  # the worker: not yet
            client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        presentacion = Presentacion.objects.get()
        assert not Asiento.objects.get().is_sealed
        pdf = client.get(reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
        assert pdf.status_code == 200
        assert validate(pdf.content).result == VALID
        asiento = Asiento.objects.get()
        assert asiento.is_sealed
        csv = asiento.justificante_csv
        for callback in pending:  # now the worker's task
            callback()
        asiento.refresh_from_db()
        assert asiento.justificante_csv == csv
        assert Documento.objects.filter(name=receipt_filename(asiento)).count() == 1
        again = client.get(reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
        assert again.content == pdf.content

    def test_reg5_while_a_worker_is_sealing_it_the_download_is_the_provisional_copy(
        self, sin_firma, client_as, ciudadana, django_capture_on_commit_callbacks, monkeypatch
    ):
        """A worker holds the receipt's claim: the download does not seal it a second time:
        past the wait for that worker's seal (tests/sede/test_receipt_wait.py; no lock is
        really held here), the provisional copy, and the entry left to that worker."""
        from registro.services import receipts
        from tests.registro.support import pdf_pages_text

        monkeypatch.setattr(receipts, "_claim_receipt_work", lambda asiento_id: False)
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, sin_firma))
        with django_capture_on_commit_callbacks():
            client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        presentacion = Presentacion.objects.get()
        pdf = client.get(reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
        text = " ".join(" ".join(pdf_pages_text(pdf.content)).split())
        assert "Copia provisional sin sello" in text
        asiento = Asiento.objects.get()
        assert not asiento.is_sealed and not asiento.justificante_error

    def test_reg5_if_it_cannot_be_sealed_now_the_download_is_the_marked_provisional_copy(
        self, sin_firma, client_as, ciudadana, django_capture_on_commit_callbacks, monkeypatch
    ):
        from registro import justificante
        from tests.registro.support import pdf_pages_text

        def seal_down(asiento):
            raise RuntimeError("seal unavailable")

        monkeypatch.setattr(justificante, "issue_sealed_receipt", seal_down)
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, sin_firma))
        with django_capture_on_commit_callbacks():
            client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        presentacion = Presentacion.objects.get()
        pdf = client.get(reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        text = " ".join(" ".join(pdf_pages_text(pdf.content)).split())
        assert "Copia provisional sin sello" in text
        asiento = Asiento.objects.get()
        assert not asiento.is_sealed
        assert "seal unavailable" in asiento.justificante_error  # the sweep will retry

    def test_submitting_opens_the_case_file_in_the_procedures_unit(
        self, sin_firma, ciudadana, django_capture_on_commit_callbacks
    ):
        """Design.md step 6: the filing opens its case file once committed (eager here);
        the presentation names it."""
        from expedientes.models import Expediente

        borrador = complete_instancia(new_draft(ciudadana, sin_firma))
        with django_capture_on_commit_callbacks(execute=True):
            presentacion = borrador_submit(
                borrador=borrador, user=ciudadana, language="es", session_level=2
            )
        presentacion.refresh_from_db()
        expediente = Expediente.objects.get(asiento_origen=presentacion.asiento)
        assert presentacion.expediente_ref == expediente.identificador
        assert not presentacion.expediente_pendiente
        assert expediente.unidad == presentacion.asiento.unidad_destino
