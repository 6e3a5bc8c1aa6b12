"""Portafirmas deadlines and reminders (FIR-5), with frozen time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from firma.constants import TipoAccion
from firma.services import AccionSpec, accion_approve, peticion_create, recordatorios_send
from firma.services.portafirmas import DocumentoSpec
from firma.tasks import portafirmas_sweep_task
from tests.firma.portafirmas_support import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db

MADRID = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=MADRID)
DEADLINE = dt.datetime(2026, 3, 6, 14, 0, tzinfo=MADRID)


def _request(jefa, pasos):
    doc = DocumentoSpec(content=b"informe", name="informe.txt", mime="text/plain")
    return peticion_create(
        created_by=jefa,
        asunto="Informe de gasto",
        documentos=[doc],
        pasos=pasos,
        fecha_limite=DEADLINE,
    )


def _vb(user):
    return AccionSpec(firmante=user, tipo=TipoAccion.VISTO_BUENO)


class TestReminders:
    def test_no_reminder_while_the_deadline_is_far(self, jefa, tecnica):
        with time_machine.travel(START, tick=False):
            _request(jefa, [[_vb(tecnica)]])
            assert recordatorios_send() == 0
        assert mail.outbox == []

    def test_a_reminder_the_day_before_the_deadline_and_then_one_a_day(self, jefa, tecnica):
        with time_machine.travel(START, tick=False):
            _request(jefa, [[_vb(tecnica)]])
        with time_machine.travel(DEADLINE - dt.timedelta(hours=20), tick=False):
            assert portafirmas_sweep_task() == {"reminders": 1, "requeued": 0}
            assert recordatorios_send() == 0  # not twice in the same day
        (message,) = mail.outbox
        assert message.to == ["tecnica@bilbao.example"]
        assert "Informe de gasto" in message.subject
        assert "vence el 06/03/2026 14:00" in message.body
        with time_machine.travel(DEADLINE + dt.timedelta(hours=5), tick=False):
            assert recordatorios_send() == 1  # past the deadline, a day later
        assert "vencida" in mail.outbox[-1].subject
        assert "venció el 06/03/2026 14:00" in mail.outbox[-1].body

    def test_only_whoever_must_act_now_is_reminded(self, jefa, tecnica, alcaldesa):
        with time_machine.travel(START, tick=False):
            _request(jefa, [[_vb(tecnica)], [_vb(alcaldesa)]])
        with time_machine.travel(DEADLINE - dt.timedelta(hours=2), tick=False):
            assert recordatorios_send() == 1
            assert [m.to for m in mail.outbox] == [["tecnica@bilbao.example"]]
            from firma.selectors import inbox_for

            accion_approve(user=tecnica, accion_id=inbox_for(tecnica).get().pk)
            assert recordatorios_send() == 1
            assert mail.outbox[-1].to == ["alcaldesa@bilbao.example"]

    def test_finished_requests_send_no_reminders(self, jefa, tecnica):
        with time_machine.travel(START, tick=False):
            _request(jefa, [[_vb(tecnica)]])
            from firma.selectors import inbox_for

            accion_approve(user=tecnica, accion_id=inbox_for(tecnica).get().pk)
        with time_machine.travel(DEADLINE + dt.timedelta(days=1), tick=False):
            assert recordatorios_send() == 0


class TestSweep:
    def test_a_signature_whose_task_was_lost_is_signed_by_the_sweep(self, jefa, alcaldesa):
        from django.utils import timezone

        from firma.constants import EstadoAccion, EstadoPeticion
        from firma.models import AccionFirma, PeticionFirma
        from firma.selectors import inbox_for
        from firma.services import acciones_sign
        from tests.firma.portafirmas_support import make_pdf

        doc = DocumentoSpec(content=make_pdf(), name="d.pdf", mime="application/pdf")
        peticion_create(
            created_by=jefa,
            asunto="Perdida",
            documentos=[doc],
            pasos=[[AccionSpec(firmante=alcaldesa)]],
        )
        # The on-commit enqueue never runs here: as if the broker lost the message.
        acciones_sign(user=alcaldesa, accion_ids=[inbox_for(alcaldesa).get().pk])
        assert AccionFirma.objects.get().estado == EstadoAccion.EN_COLA
        assert portafirmas_sweep_task()["requeued"] == 0  # too recent to be lost
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=30), tick=False):
            assert portafirmas_sweep_task()["requeued"] == 1
        assert AccionFirma.objects.get().estado == EstadoAccion.HECHA
        assert PeticionFirma.objects.get().estado == EstadoPeticion.COMPLETADA
