"""The citizen's case files in Mi carpeta: list, page, documents and answering a request,
with the access rule both ways (other citizens get 404; a representative under a power in
force sees the file; without it, not)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expedientes.constants import EstadoRequerimiento
from expedientes.models import Requerimiento
from expedientes.services import requerimiento_issue

from .conftest import make_pdf_bytes

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


class TestMiCarpeta:
    def test_the_person_sees_their_case_file(self, client, expediente, ciudadana):
        html = as_user(client, ciudadana).get(reverse("sede:mi_carpeta")).content.decode()
        assert expediente.identificador in html
        page = client.get(reverse("sede:expediente_detalle", args=[expediente.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Iniciación" in text
        assert "3 meses" in text  # CAT-3: the maximum term
        assert "estimatorio" in text.lower()  # CAT-3: the effect of silence

    def test_another_citizen_gets_404(self, client, expediente, otra_ciudadana):
        c = as_user(client, otra_ciudadana)
        assert expediente.identificador not in c.get(reverse("sede:mi_carpeta")).content.decode()
        for url in (
            reverse("sede:expediente_detalle", args=[expediente.pk]),
            reverse("sede:expediente_aportar", args=[expediente.pk]),
            reverse(
                "sede:expediente_documento",
                args=[expediente.pk, expediente.documentos.first().documento_id],
            ),
        ):
            assert c.get(url).status_code == 404

    def test_a_representative_under_a_power_in_force_sees_it_and_without_it_not(
        self, client, expediente, ciudadana, representante
    ):
        from tests.sede.filing_support import make_power

        url = reverse("sede:expediente_detalle", args=[expediente.pk])
        assert as_user(client, representante).get(url).status_code == 404
        make_power(poderdante=ciudadana.interesado, apoderado=representante.interesado)
        assert client.get(url).status_code == 200
        assert expediente.identificador in client.get(reverse("sede:mi_carpeta")).content.decode()

    def test_internal_documents_are_not_shown(self, client, expediente, ciudadana):
        member = expediente.documentos.order_by("orden").last()
        member.visible_ciudadano = False
        member.save()
        c = as_user(client, ciudadana)
        html = c.get(reverse("sede:expediente_detalle", args=[expediente.pk])).content.decode()
        assert member.documento.nombre not in html
        url = reverse("sede:expediente_documento", args=[expediente.pk, member.documento_id])
        assert c.get(url).status_code == 404


def practise(req):
    """The request's notification is accessed by the citizen now (what the notifications
    app reports back when they open it)."""
    from django.utils import timezone

    from expedientes.services import notificacion_pendiente_practicada

    pendiente = req.notificaciones.get()
    notificacion_pendiente_practicada(pendiente=pendiente, at=timezone.now())


@pytest.mark.usefixtures("council_seal")
class TestActsOnlyThroughTheirNotification:
    """Art. 43.2 Ley 39/2015 (NOT-7): the interested party learns an act through its
    notification; the case file must not show it first, or reading the file would bypass the
    notification and the dates it starts."""

    def test_a_request_is_announced_but_its_text_and_act_wait_for_the_notification(
        self, client, expediente, ciudadana, tramitador
    ):
        req = requerimiento_issue(
            expediente=expediente, texto="Aporte el plano firmado.", actor=tramitador
        )
        c = as_user(client, ciudadana)
        url = reverse("sede:expediente_detalle", args=[expediente.pk])
        act = reverse("sede:expediente_documento", args=[expediente.pk, req.documento_id])
        html = c.get(url).content.decode()
        assert "Aporte el plano firmado." not in html
        assert "Tiene una notificación del Ayuntamiento" in html
        assert reverse("notificaciones:lista") in html
        assert act not in html
        assert c.get(act).status_code == 404

        practise(req)
        html = c.get(url).content.decode()
        assert "Aporte el plano firmado." in html
        assert act in html
        assert c.get(act).status_code == 200

    def test_in_basque_too(self, client, expediente, ciudadana, tramitador):
        requerimiento_issue(expediente=expediente, texto="Aporte el plano.", actor=tramitador)
        c = as_user(client, ciudadana)
        html = c.get(
            "/eu" + reverse("sede:expediente_detalle", args=[expediente.pk]),
            HTTP_ACCEPT_LANGUAGE="eu",
        ).content.decode()
        assert "Udalaren jakinarazpen bat duzu" in html


@pytest.mark.usefixtures("council_seal")
class TestAnswer:
    def test_the_citizen_answers_the_request_through_the_sede(
        self, client, expediente, ciudadana, tramitador, oficina_sede
    ):
        req = requerimiento_issue(expediente=expediente, texto="Aporte el plano.", actor=tramitador)
        practise(req)
        c = as_user(client, ciudadana)
        detail = c.get(reverse("sede:expediente_detalle", args=[expediente.pk])).content.decode()
        assert "Aporte el plano." in detail and "Responder al requerimiento" in detail
        form = c.get(reverse("sede:expediente_aportar", args=[expediente.pk]))
        key = form.context["form"]["idempotency_key"].value()
        response = c.post(
            reverse("sede:expediente_aportar", args=[expediente.pk]),
            {
                "tipo": "subsanacion",
                "texto": "Adjunto el plano.",
                "ficheros": [SimpleUploadedFile("plano.pdf", make_pdf_bytes("Plano"))],
                "idempotency_key": key,
            },
            follow=True,
        )
        assert "Registrado con el número" in response.content.decode()
        req.refresh_from_db()
        assert req.estado == EstadoRequerimiento.CONTESTADO
        assert req.asiento_respuesta.documentos.get().nombre == "plano.pdf"
        assert expediente.documentos.filter(documento__nombre="plano.pdf").exists()

    def test_a_file_of_a_refused_type_is_refused_and_nothing_is_registered(
        self, client, expediente, ciudadana, tramitador
    ):
        from registro.models import Asiento

        requerimiento_issue(expediente=expediente, texto="Aporte el plano.", actor=tramitador)
        before = Asiento.objects.count()
        c = as_user(client, ciudadana)
        response = c.post(
            reverse("sede:expediente_aportar", args=[expediente.pk]),
            {
                "tipo": "subsanacion",
                "ficheros": [SimpleUploadedFile("plano.pdf", b"MZ\x90\x00 not a pdf")],
                "idempotency_key": "a" * 32,
            },
        )
        assert response.status_code == 200
        assert "no es de un tipo admitido" in response.content.decode()
        assert Asiento.objects.count() == before
        assert Requerimiento.objects.get().estado == EstadoRequerimiento.PENDIENTE

    def test_adding_documents_without_a_request(self, client, expediente, ciudadana):
        c = as_user(client, ciudadana)
        response = c.post(
            reverse("sede:expediente_aportar", args=[expediente.pk]),
            {
                "tipo": "aportacion",
                "ficheros": [SimpleUploadedFile("anexo.pdf", make_pdf_bytes("Anexo"))],
                "idempotency_key": "b" * 32,
            },
            follow=True,
        )
        assert response.status_code == 200
        assert expediente.entradas.filter(tipo="aportacion").count() == 1
