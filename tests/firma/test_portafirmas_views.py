"""Portafirmas web (FIR-5): staff only; each signer sees only their own inbox and actions;
batch signing from the inbox; creating a request from the form (no JavaScript)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firma.constants import EstadoAccion, EstadoPeticion, TipoAccion
from firma.models import AccionFirma, PeticionFirma
from firma.services import AccionSpec, documento_read, peticion_create
from firma.services.portafirmas import DocumentoSpec
from tests.firma.portafirmas_support import *  # noqa: F403  (fixtures)
from tests.firma.portafirmas_support import make_pdf, signature_count

pytestmark = pytest.mark.django_db


def _request(jefa, pasos, asunto="Decreto de prueba"):
    doc = DocumentoSpec(content=make_pdf(), name="decreto.pdf", mime="application/pdf")
    return peticion_create(created_by=jefa, asunto=asunto, documentos=[doc], pasos=pasos)


class TestAccess:
    def test_anonymous_users_are_sent_to_log_in(self, client):
        response = client.get(reverse("firma:bandeja"))
        assert response.status_code == 302
        assert "login" in response["Location"] or "identidad" in response["Location"]

    def test_citizens_get_404(self, client, ciudadana):
        client.force_login(ciudadana)
        assert client.get(reverse("firma:bandeja")).status_code == 404
        assert client.get(reverse("firma:peticiones")).status_code == 404

    def test_the_signer_sees_their_action_and_other_staff_get_404(
        self, client, jefa, alcaldesa, concejal
    ):
        peticion = _request(jefa, [[AccionSpec(firmante=alcaldesa)]], asunto="Licencia 7/2026")
        accion = AccionFirma.objects.get()
        pd = peticion.documentos.get()
        urls = [
            reverse("firma:accion", args=[accion.pk]),
            reverse("firma:peticion", args=[peticion.pk]),
            reverse("firma:peticion_documento", args=[peticion.pk, pd.pk]),
        ]
        client.force_login(alcaldesa)
        inbox = client.get(reverse("firma:bandeja")).content.decode()
        assert "Licencia 7/2026" in inbox
        for url in urls:
            assert client.get(url).status_code == 200, url

        client.force_login(concejal)
        assert "Licencia 7/2026" not in client.get(reverse("firma:bandeja")).content.decode()
        for url in urls:
            assert client.get(url).status_code == 404, url
        response = client.post(urls[0], {"op": "firmar"})
        assert response.status_code == 404
        assert AccionFirma.objects.get().estado == EstadoAccion.PENDIENTE

    def test_the_author_sees_the_request_but_not_the_signers_action(self, client, jefa, alcaldesa):
        peticion = _request(jefa, [[AccionSpec(firmante=alcaldesa)]])
        client.force_login(jefa)
        assert client.get(reverse("firma:peticion", args=[peticion.pk])).status_code == 200
        accion = AccionFirma.objects.get()
        assert client.get(reverse("firma:accion", args=[accion.pk])).status_code == 404


class TestActing:
    def test_fir5_batch_signing_from_the_inbox(
        self, client, jefa, alcaldesa, django_capture_on_commit_callbacks
    ):
        first = _request(jefa, [[AccionSpec(firmante=alcaldesa)]], asunto="Uno")
        second = _request(jefa, [[AccionSpec(firmante=alcaldesa)]], asunto="Dos")
        client.force_login(alcaldesa)
        ids = list(AccionFirma.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("firma:firmar_lote"), {"acciones": ids}, follow=True)
        assert response.status_code == 200
        assert "No tiene nada pendiente" in response.content.decode()
        for peticion in (first, second):
            peticion.refresh_from_db()
            assert peticion.estado == EstadoPeticion.COMPLETADA
            result = peticion.documentos.get().resultado
            assert signature_count(documento_read(result)) == 1

    def test_queued_signatures_are_shown_until_they_are_made(self, client, jefa, alcaldesa):
        _request(jefa, [[AccionSpec(firmante=alcaldesa)]], asunto="Licencia de obra 3/2026")
        client.force_login(alcaldesa)
        accion = AccionFirma.objects.get()
        # Without running the on-commit enqueue: the signature stays queued.
        response = client.post(reverse("firma:firmar_lote"), {"acciones": [accion.pk]}, follow=True)
        html = response.content.decode()
        assert "Firmándose ahora" in html
        assert "Licencia de obra 3/2026" in html

    def test_rejecting_from_the_page_needs_a_reason(self, client, jefa, alcaldesa):
        peticion = _request(jefa, [[AccionSpec(firmante=alcaldesa)]])
        accion = AccionFirma.objects.get()
        client.force_login(alcaldesa)
        url = reverse("firma:accion", args=[accion.pk])
        response = client.post(url, {"op": "rechazar", "motivo": ""})
        assert response.status_code == 400
        assert "error-summary" in response.content.decode()
        client.post(url, {"op": "rechazar", "motivo": "Importe incorrecto"})
        peticion.refresh_from_db()
        assert peticion.estado == EstadoPeticion.RECHAZADA
        assert peticion.motivo_rechazo == "Importe incorrecto"

    def test_approving_a_visto_bueno_from_the_page(self, client, jefa, tecnica):
        peticion = _request(jefa, [[AccionSpec(firmante=tecnica, tipo=TipoAccion.VISTO_BUENO)]])
        client.force_login(tecnica)
        accion = AccionFirma.objects.get()
        client.post(reverse("firma:accion", args=[accion.pk]), {"op": "aprobar"})
        peticion.refresh_from_db()
        assert peticion.estado == EstadoPeticion.COMPLETADA


class TestCreateForm:
    def test_issue17_6_staff_without_the_role_cannot_create_requests(self, client, tecnica):
        """Being staff is not a permission: the form is a 404 and the API a 403."""
        client.force_login(tecnica)
        assert client.get(reverse("firma:peticion_nueva")).status_code == 404
        response = client.post("/api/firma/peticiones/", {}, content_type="application/json")
        assert response.status_code == 403
        assert not PeticionFirma.objects.exists()

    def test_a_request_with_two_steps_is_created_from_the_form(
        self, client, jefa, alcaldesa, concejal
    ):
        client.force_login(jefa)
        assert client.get(reverse("firma:peticion_nueva")).status_code == 200
        data = {
            "asunto": "Convenio con la Diputación",
            "descripcion": "",
            "fecha_limite": "",
            "documentos": [
                SimpleUploadedFile("convenio.pdf", make_pdf(), content_type="application/pdf")
            ],
            "acciones-TOTAL_FORMS": "3",
            "acciones-INITIAL_FORMS": "0",
            "acciones-MIN_NUM_FORMS": "0",
            "acciones-MAX_NUM_FORMS": "20",
            "acciones-0-paso": "2",
            "acciones-0-firmante": str(alcaldesa.pk),
            "acciones-0-tipo": "firma",
            "acciones-0-modo": "propio",
            "acciones-1-paso": "1",
            "acciones-1-firmante": str(concejal.pk),
            "acciones-1-tipo": "firma",
            "acciones-1-modo": "delegacion",
            "acciones-1-en_nombre_de": "Alcaldía",
        }
        response = client.post(reverse("firma:peticion_nueva"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        peticion = PeticionFirma.objects.get()
        pasos = [
            [(a.firmante.username, a.modo, a.en_nombre_de) for a in paso.acciones.all()]
            for paso in peticion.pasos.order_by("orden")
        ]
        assert pasos == [[("concejal", "delegacion", "Alcaldía")], [("alcaldesa", "propio", "")]]

    def test_an_empty_circuit_is_refused_with_an_error_summary(self, client, jefa):
        client.force_login(jefa)
        data = {
            "asunto": "Sin circuito",
            "documentos": [SimpleUploadedFile("a.pdf", make_pdf(), "application/pdf")],
            "acciones-TOTAL_FORMS": "1",
            "acciones-INITIAL_FORMS": "0",
            "acciones-MIN_NUM_FORMS": "0",
            "acciones-MAX_NUM_FORMS": "20",
        }
        response = client.post(reverse("firma:peticion_nueva"), data)
        assert response.status_code == 400
        assert "Indique al menos una persona" in response.content.decode()
        assert not PeticionFirma.objects.exists()
