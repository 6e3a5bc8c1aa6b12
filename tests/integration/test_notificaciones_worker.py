"""Avisos through a real SMTP server (aiosmtpd) and a real Celery worker; a worker killed in
the middle of a bulk act loses nothing and notifies nobody twice (issue 12, NOT-4)."""

from __future__ import annotations

import socket

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


def _smtp(port: int, inbox: _Inbox):
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def urbanismo(db, ayuntamiento):
    from identidad.constants import TipoUnidad
    from identidad.models import Unidad

    return Unidad.objects.create(
        dir3="LA0001234", name_es="Urbanismo", kind=TipoUnidad.AREA, parent=ayuntamiento
    )


@pytest.fixture
def smtp_port(monkeypatch):
    """The worker sends mail by SMTP to this port (read from the environment at start)."""
    port = _free_port()
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(port))
    monkeypatch.setenv("NOTIFICACIONES_AVISO_RETRY_SECONDS", "1")
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "5")
    return port


def _make(ciudadana, urbanismo):
    from notificaciones.services import (
        notificacion_make_available,
        notificacion_prepare,
        preferencia_set,
    )
    from tests.expedientes.conftest import madrid

    interesado = ciudadana.interesado
    interesado.email = "miren@example.org"
    interesado.save()
    preferencia_set(interesado=interesado, electronica=True, inicial=True, at=madrid(2026, 1, 1))
    n = notificacion_prepare(
        destinatario=interesado,
        unidad=urbanismo,
        asunto="Liquidación de la tasa",
        texto="Se le notifica la liquidación.",
        recursos="Recurso de reposición en un mes.",
    )
    return notificacion_make_available(notificacion=n)


def test_the_aviso_reaches_a_real_smtp_server(smtp_port, celery_worker, ciudadana, urbanismo):
    inbox = _Inbox()
    controller = _smtp(smtp_port, inbox)
    try:
        n = _make(ciudadana, urbanismo)
        celery_worker(lambda: inbox.messages, timeout=60)
    finally:
        controller.stop()
    assert f"/notificaciones/{n.pk}/" in inbox.messages[0]
    aviso = n.avisos.get(canal="email")
    celery_worker(lambda: type(aviso).objects.get(pk=aviso.pk).estado == "enviado", timeout=30)


def test_with_the_smtp_server_down_the_task_retries_and_the_notification_stays_valid(
    smtp_port, celery_worker, ciudadana, urbanismo
):
    from notificaciones.constants import Estado
    from notificaciones.models import Aviso, Notificacion

    n = _make(ciudadana, urbanismo)
    aviso = n.avisos.get(canal="email")
    celery_worker(lambda: Aviso.objects.get(pk=aviso.pk).intentos >= 2, timeout=60)
    failing = Aviso.objects.get(pk=aviso.pk)
    assert failing.estado == "pendiente" and failing.ultimo_error
    assert Notificacion.objects.get(pk=n.pk).estado == Estado.PUESTA  # valid, unaffected
    inbox = _Inbox()
    controller = _smtp(smtp_port, inbox)  # the server comes back: a later retry delivers
    try:
        celery_worker(lambda: Aviso.objects.get(pk=aviso.pk).estado == "enviado", timeout=60)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_a_worker_killed_mid_bulk_loses_nothing_and_doubles_nothing(
    smtp_port, celery_worker, urbanismo, funcionario
):
    from identidad.constants import TipoPersona
    from identidad.models import Interesado
    from notificaciones.models import Notificacion, Remesa, RemesaDestinatario
    from notificaciones.services import remesa_create, remesa_start

    total = 1100  # three chunks; each chunk also seals its 500 acuses in the same worker
    Interesado.objects.bulk_create(
        [
            Interesado(tipo=TipoPersona.JURIDICA, nif=f"B{i:08d}", razon_social=f"E{i}")
            for i in range(total)
        ]
    )
    ids = list(Interesado.objects.filter(nif__startswith="B").values_list("pk", flat=True))
    remesa = remesa_create(
        titulo="Tasa",
        asunto="Liquidación",
        texto="Se le notifica.",
        recursos="Reposición en un mes.",
        unidad=urbanismo,
        interesado_ids=ids,
        actor=funcionario,
    )
    from django.db import transaction

    with transaction.atomic():
        remesa_start(remesa=remesa)

    def made():
        return RemesaDestinatario.objects.filter(remesa=remesa, notificacion__isnull=False).count()

    celery_worker(lambda: made() >= 1, timeout=60)
    celery_worker.kill()  # in the middle of the act
    assert made() < total
    celery_worker.start()  # the broker redelivers the unacknowledged chunk
    celery_worker(lambda: Remesa.objects.get(pk=remesa.pk).estado == "terminada", timeout=300)
    assert made() == total
    assert Notificacion.objects.filter(remesa=remesa).count() == total  # nobody twice
    assert (
        Notificacion.objects.filter(remesa=remesa).values("destinatario").distinct().count()
        == total
    )
