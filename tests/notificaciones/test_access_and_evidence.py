"""Who may open a notification (NOT-5 via apoderamientos.can_act), the acuses (NOT-9) and the
avisos (NOT-4)."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from notificaciones.backends.sms import OutboxSmsBackend
from notificaciones.constants import Estado, EstadoAviso, TipoEvidencia
from notificaciones.models import Aviso
from notificaciones.services import notificacion_open, recordatorios_send
from tests.apoderamientos.factories import accept, register, revoke
from tests.expedientes.conftest import madrid

pytestmark = pytest.mark.django_db


@pytest.fixture
def poder(ciudadana, representante, electronica):
    """Miren gave Jon a general power on 1 Feb 2026, accepted the same day."""
    from identidad.services import interesado_get_or_create

    jon = interesado_get_or_create(
        nif=representante.nif, tipo="fisica", nombre="Jon", apellido1="Garcia"
    )
    jon.user = representante
    jon.save()
    power = register(at=madrid(2026, 2, 1, 9), poderdantes=[electronica], apoderado=jon)
    return accept(power, representante, madrid(2026, 2, 1, 10))


class TestRepresentative:
    def test_a_representative_with_a_power_in_force_opens_it_and_the_evidence_says_so(
        self, poder, representante, electronica, prepare
    ):
        with time_machine.travel(madrid(2026, 3, 2, 10), tick=False):
            n = prepare(electronica)
            n = notificacion_open(notificacion_id=n.pk, user=representante)
        assert n.estado == Estado.ACEPTADA
        assert n.abierta_por == representante and n.apoderamiento == poder
        acceso = n.evidencias.get(tipo=TipoEvidencia.ACCESO)
        assert acceso.datos["actuo"]["apoderamiento"] == str(poder)

    def test_after_revocation_the_representative_is_refused_with_the_reason(
        self, poder, ciudadana, representante, electronica, prepare
    ):
        revoke(poder, ciudadana, madrid(2026, 2, 20, 9))
        with time_machine.travel(madrid(2026, 3, 2, 10), tick=False):
            n = prepare(electronica)
            with pytest.raises(PermissionDenied) as exc:
                notificacion_open(notificacion_id=n.pk, user=representante)
        assert str(exc.value)  # the reason from apoderamientos
        n.refresh_from_db()
        assert n.estado == Estado.PUESTA


class TestEvidence:
    def test_not_9_the_acuse_is_a_sealed_pdf_verifiable_by_csv(
        self, ciudadana, electronica, prepare, council_seal, django_capture_on_commit_callbacks
    ):
        from pyhanko.pdf_utils.reader import PdfFileReader

        n = prepare(electronica)
        with django_capture_on_commit_callbacks(execute=True):
            n = notificacion_open(notificacion_id=n.pk, user=ciudadana)
        for evidencia in n.evidencias.all():
            evidencia.refresh_from_db()
            assert evidencia.sealed_at is not None and evidencia.csv
            with evidencia.firma_version.content.open("rb") as fh:
                reader = PdfFileReader(io.BytesIO(fh.read()))
            assert len(reader.embedded_signatures) == 1
            text = evidencia.datos
            assert text["identificador"] == n.identificador
            assert text["destinatario"]["nif"] == electronica.nif

    def test_the_acuse_pdf_says_the_instants(self, ciudadana, electronica, prepare, council_seal):
        import subprocess

        with time_machine.travel(madrid(2026, 3, 2, 10, 15), tick=False):
            n = prepare(electronica)
        puesta = n.evidencias.get(tipo=TipoEvidencia.PUESTA)
        with puesta.firma_version.content.open("rb") as fh:
            pdf = fh.read()
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert n.identificador in text
        assert "13 de marzo de 2026 a las 00:00" in text  # when it will be deemed rejected


class TestAvisos:
    def test_not_4_email_and_sms_are_sent_in_the_addressees_language(self, electronica, prepare):
        OutboxSmsBackend.outbox.clear()
        n = prepare(electronica, idioma="eu")
        assert set(n.avisos.values_list("estado", flat=True)) == {EstadoAviso.ENVIADO}
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["miren@example.org"]
        assert f"/eu/notificaciones/{n.pk}/" in mail.outbox[0].body
        assert OutboxSmsBackend.outbox and OutboxSmsBackend.outbox[0][0] == "600000001"

    def test_a_failing_sms_gateway_never_affects_the_notification(
        self, settings, ciudadana, electronica, prepare
    ):
        from notificaciones.backends import sms_backend
        from notificaciones.tasks import AVISO_MAX_RETRIES, aviso_send_task

        settings.NOTIFICACIONES_SMS_BACKEND = "notificaciones.backends.sms.FailingSmsBackend"
        sms_backend.cache_clear()
        try:
            n = prepare(electronica)
            sms = n.avisos.get(canal="sms")
            assert sms.estado == EstadoAviso.PENDIENTE and "unreachable" in sms.ultimo_error
            # The last retry gives up: the aviso is marked failed, nothing else changes.
            aviso_send_task.apply(args=[sms.pk], retries=AVISO_MAX_RETRIES)
        finally:
            sms_backend.cache_clear()
        sms.refresh_from_db()
        assert sms.estado == EstadoAviso.FALLIDO and sms.intentos == 2
        assert n.avisos.get(canal="email").estado == EstadoAviso.ENVIADO
        n = notificacion_open(notificacion_id=n.pk, user=ciudadana)
        assert n.estado == Estado.ACEPTADA

    def test_a_reminder_goes_once_before_expiry(self, electronica, prepare):
        with time_machine.travel(madrid(2026, 3, 2, 10), tick=False):
            n = prepare(electronica)
        assert recordatorios_send(now=madrid(2026, 3, 5, 10)) == 0
        assert recordatorios_send(now=madrid(2026, 3, 11, 10)) == 1
        assert recordatorios_send(now=madrid(2026, 3, 11, 11)) == 0
        assert Aviso.objects.filter(notificacion=n, tipo="recordatorio").count() == 2
