"""Wiring with the case files (issue 12 item 8) and bulk acts (item 9)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine

from calendario.days import MADRID
from expedientes.models import Expediente, NotificacionPendiente
from expedientes.services import requerimiento_issue
from notificaciones.constants import Estado, EstadoRemesa
from notificaciones.models import Aviso, Notificacion, RemesaDestinatario
from notificaciones.services import (
    notificacion_open,
    pendientes_process,
    remesa_create,
    remesa_process_chunk,
    remesa_start,
)
from tests.expedientes.conftest import madrid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council_seal")]


class TestCorrectionRequest:
    def test_the_subsanacion_term_starts_when_the_citizen_opens_the_notification(
        self, opened, tramitador, ciudadana, electronica, django_capture_on_commit_callbacks
    ):
        """CAT-6, TIME-2: issued Mon 9 March; opened Tue 10 March 9:00 → 10 working days
        (San José, 19 March, skipped) → Wed 25 March; the resolution term is suspended."""
        with time_machine.travel(madrid(2026, 3, 9, 12), tick=False):
            req = requerimiento_issue(expediente=opened, texto="Aporte el plano.", actor=tramitador)
            with django_capture_on_commit_callbacks(execute=True):
                assert pendientes_process() == 1
        n = Notificacion.objects.get(expediente=opened)
        assert n.destinatario == electronica and n.estado == Estado.PUESTA
        assert n.documentos.count() == 1  # the sealed request itself
        assert "no pone fin a la vía administrativa" in n.recursos
        with time_machine.travel(madrid(2026, 3, 10, 9), tick=False):
            notificacion_open(notificacion_id=n.pk, user=ciudadana)
        req.refresh_from_db()
        assert req.notificado_at == madrid(2026, 3, 10, 9)
        assert req.vence_at == datetime.combine(date(2026, 3, 25), time.max, tzinfo=MADRID)
        assert Expediente.objects.get(pk=opened.pk).suspendido
        assert NotificacionPendiente.objects.get(requerimiento=req).estado == "practicada"

    def test_processing_twice_notifies_nobody_twice(self, opened, tramitador, electronica):
        with time_machine.travel(madrid(2026, 3, 9, 12), tick=False):
            requerimiento_issue(expediente=opened, texto="Aporte el plano.", actor=tramitador)
            assert pendientes_process() == 1
            assert pendientes_process() == 0
            assert pendientes_process(expediente_id=opened.pk) == 0
        assert Notificacion.objects.filter(expediente=opened).count() == 1

    def test_an_expired_request_notification_counts_as_practised_at_expiry(
        self, opened, tramitador, electronica
    ):
        from notificaciones.services import notificaciones_expire

        with time_machine.travel(madrid(2026, 3, 9, 12), tick=False):
            req = requerimiento_issue(expediente=opened, texto="Aporte el plano.", actor=tramitador)
            pendientes_process()
        with time_machine.travel(madrid(2026, 3, 25, 12), tick=False):
            assert notificaciones_expire() == 1
        req.refresh_from_db()
        assert req.notificado_at == madrid(2026, 3, 20, 0, 0)  # 9 March + 10 natural days


class TestBulk:
    def test_one_act_to_many_recipients_in_chunks_never_twice(
        self, urbanismo, tramitador, django_capture_on_commit_callbacks
    ):
        from identidad.services import interesado_get_or_create

        people = [
            interesado_get_or_create(nif=nif, tipo="juridica", razon_social=f"Empresa {i}")
            for i, nif in enumerate(["B95000006", "A48265169", "B48001895", "A28015865"])
        ]
        people[0].email = "empresa0@example.org"
        people[0].save()
        remesa = remesa_create(
            titulo="Tasa de basuras 2026",
            asunto="Liquidación de la tasa de basuras 2026",
            texto="Se le notifica la liquidación.",
            recursos="Recurso de reposición en un mes.",
            unidad=urbanismo,
            interesado_ids=[p.pk for p in people] + [people[0].pk],  # a duplicate
            actor=tramitador,
        )
        assert remesa.total == 4
        with django_capture_on_commit_callbacks(execute=True):
            assert remesa_process_chunk(remesa_id=remesa.pk, size=3) == 3
            assert remesa_process_chunk(remesa_id=remesa.pk, size=3) == 1
            assert remesa_process_chunk(remesa_id=remesa.pk, size=3) == 0  # re-run: nothing
        assert Notificacion.objects.filter(remesa=remesa, estado=Estado.PUESTA).count() == 4
        assert RemesaDestinatario.objects.filter(remesa=remesa, notificacion=None).count() == 0
        assert Aviso.objects.filter(notificacion__remesa=remesa).count() == 1
        n = Notificacion.objects.get(remesa=remesa, destinatario=people[0])
        assert n.expira_at is not None  # legal persons: electronic, mandatory
        assert n.evidencias.get().sealed_at is not None

    def test_the_task_chain_finishes_the_remesa(self, urbanismo, tramitador, empresa):
        from django.db import transaction

        remesa = remesa_create(
            titulo="t",
            asunto="a",
            texto="x",
            recursos="r",
            unidad=urbanismo,
            interesado_ids=[empresa.pk],
            actor=tramitador,
        )
        with transaction.atomic():
            remesa_start(remesa=remesa)
        # on_commit inside the test transaction does not run: run the task as the worker would
        from notificaciones.tasks import remesa_process_task

        remesa_process_task.apply(args=[remesa.pk])
        remesa.refresh_from_db()
        assert remesa.estado == EstadoRemesa.TERMINADA and remesa.finished_at
