"""Requerimiento de subsanación and the suspension of the resolution term (CAT-6, L39 arts.
22.1.a, 68; TIME-2), with frozen time."""

from __future__ import annotations

from datetime import time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from calendario.days import MADRID
from expedientes.constants import (
    EstadoElaboracion,
    EstadoRequerimiento,
    SentidoResolucion,
    TipoDocumental,
    TipoNotificacion,
)
from expedientes.models import Expediente, NotificacionPendiente, Requerimiento, Suspension
from expedientes.services import (
    AccionNoPermitida,
    notificacion_pendiente_practicada,
    requerimiento_answer,
    requerimiento_extend,
    requerimiento_issue,
    requerimientos_vencidos_sweep,
    resolucion_draft,
)

from .conftest import madrid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council_seal")]


def end_of(y, m, d):
    from datetime import date, datetime

    return datetime.combine(date(y, m, d), time.max, tzinfo=MADRID)


ISSUED_AT = madrid(2026, 3, 9, 12)
NOTIFIED_AT = madrid(2026, 3, 10, 9)


def issue(exp, user, at=ISSUED_AT):
    with time_machine.travel(at, tick=False):
        return requerimiento_issue(
            expediente=exp, texto="Aporte el plano de la cocina.", actor=user
        )


def notify(req, at=NOTIFIED_AT):
    pendiente = NotificacionPendiente.objects.get(requerimiento=req, tipo="requerimiento")
    with time_machine.travel(at, tick=False):
        notificacion_pendiente_practicada(pendiente=pendiente, at=at)
    req.refresh_from_db()
    return req


def answer(register, req, at):
    with time_machine.travel(at, tick=False):
        asiento = register(resumen="Respuesta al requerimiento")
        return requerimiento_answer(requerimiento=req, asiento=asiento)


class TestIssue:
    def test_the_base_term_is_three_months_from_the_entry(self, opened):
        """CAT-1, TIME-4: filed Monday 2 March 2026 → ends Tuesday 2 June at 23:59:59."""
        assert opened.vence_at == end_of(2026, 6, 2)
        assert opened.silencio_at == madrid(2026, 6, 3)

    def test_it_records_a_sealed_act_and_a_pending_notification(
        self, opened, tramitador, ciudadana
    ):
        """Until notifications exist, the request waits as a pending notification; its term
        has not started and the resolution term is not suspended yet."""
        req = issue(opened, tramitador)
        assert req.estado == EstadoRequerimiento.PENDIENTE
        assert req.dias == 10
        assert req.notificado_at is None and req.vence_at is None
        assert req.documento.tipo_documental == TipoDocumental.COMUNICACION
        assert req.documento.estado_elaboracion == EstadoElaboracion.ORIGINAL
        assert req.documento.actual.csv and req.documento.actual.tipo_firma == "TF06"
        pendiente = NotificacionPendiente.objects.get(requerimiento=req)
        assert pendiente.tipo == TipoNotificacion.REQUERIMIENTO
        assert pendiente.documento == req.documento
        assert list(pendiente.destinatarios.all()) == [ciudadana.interesado]
        exp = Expediente.objects.get(pk=opened.pk)
        assert exp.fase == "instruccion"
        assert exp.vence_at == end_of(2026, 6, 2)
        assert not Suspension.objects.exists()

    def test_an_empty_request_is_refused_and_changes_nothing(self, opened, tramitador):
        with pytest.raises(ValidationError):
            requerimiento_issue(expediente=opened, texto="  ", actor=tramitador)
        assert not Requerimiento.objects.exists()
        assert Expediente.objects.get(pk=opened.pk).version == opened.version

    def test_a_second_request_while_one_is_pending_is_refused(self, opened, tramitador):
        issue(opened, tramitador)
        version = Expediente.objects.get(pk=opened.pk).version
        with pytest.raises(AccionNoPermitida):
            issue(opened, tramitador)
        assert Requerimiento.objects.count() == 1
        assert NotificacionPendiente.objects.count() == 1
        assert Expediente.objects.get(pk=opened.pk).version == version

    def test_a_stale_version_is_refused(self, opened, tramitador):
        """Two clerks on the same file: the one who saw an old version is refused."""
        issue(opened, tramitador)
        with pytest.raises(AccionNoPermitida):
            resolucion_draft(
                expediente=opened,
                sentido=SentidoResolucion.ESTIMATORIA,
                texto="x",
                actor=tramitador,
                expected_version=opened.version,
            )


class TestSuspension:
    def test_notification_starts_ten_working_days_and_suspends_the_term(self, opened, tramitador):
        """CAT-6, TIME-2: notified Tue 10 March → 10 working days skipping San José (19th) →
        Wed 25 March; the resolution term has no deadline while suspended."""
        req = notify(issue(opened, tramitador))
        assert req.vence_at == end_of(2026, 3, 25)
        exp = Expediente.objects.get(pk=opened.pk)
        assert exp.suspendido and exp.vence_at is None and exp.silencio_at is None
        assert exp.proximo_vencimiento == req.vence_at
        assert Suspension.objects.get().started_at == madrid(2026, 3, 10, 9)

    def test_the_answer_resumes_the_term_and_adds_the_days_suspended(
        self, opened, tramitador, register
    ):
        """Suspended from 10 to 17 March (7 days): 2 June + 7 → Tuesday 9 June."""
        req = notify(issue(opened, tramitador))
        req = answer(register, req, madrid(2026, 3, 17, 12))
        assert req.estado == EstadoRequerimiento.CONTESTADO
        exp = Expediente.objects.get(pk=opened.pk)
        assert not exp.suspendido
        assert exp.vence_at == end_of(2026, 6, 9)
        assert exp.silencio_at == madrid(2026, 6, 10)
        assert exp.proximo_vencimiento == exp.vence_at
        assert exp.entradas.filter(tipo="subsanacion").count() == 1
        assert Suspension.objects.get().ended_at == madrid(2026, 3, 17, 12)

    def test_answer_before_notification_creates_no_suspension(self, opened, tramitador, register):
        req = answer(register, issue(opened, tramitador), madrid(2026, 3, 9, 18))
        assert req.estado == EstadoRequerimiento.CONTESTADO
        assert Expediente.objects.get(pk=opened.pk).vence_at == end_of(2026, 6, 2)

    def test_unanswered_request_expires_and_withdrawal_may_be_proposed(self, opened, tramitador):
        """Art. 68.1 and 22.1.a: the suspension lasts until the end of the term granted
        (10→25 March: 15 days → 2 June + 15 = Wednesday 17 June)."""
        req = notify(issue(opened, tramitador))
        with pytest.raises(AccionNoPermitida):
            resolucion_draft(
                expediente=opened,
                sentido=SentidoResolucion.DESISTIMIENTO,
                texto="Se le tiene por desistido.",
                actor=tramitador,
            )
        assert requerimientos_vencidos_sweep(now=madrid(2026, 3, 25, 23, 59)) == 0
        assert requerimientos_vencidos_sweep(now=madrid(2026, 3, 26, 0, 1)) == 1
        req.refresh_from_db()
        assert req.estado == EstadoRequerimiento.VENCIDO
        exp = Expediente.objects.get(pk=opened.pk)
        assert exp.vence_at == end_of(2026, 6, 17)
        assert exp.eventos.filter(tipo="vencimiento").exists()
        assert requerimientos_vencidos_sweep(now=madrid(2026, 3, 27)) == 0
        with time_machine.travel(madrid(2026, 3, 27, 10), tick=False):
            resolucion = resolucion_draft(
                expediente=exp,
                sentido=SentidoResolucion.DESISTIMIENTO,
                texto="Se le tiene por desistido de su solicitud.",
                actor=tramitador,
            )
        assert resolucion.documento.tipo_documental == TipoDocumental.RESOLUCION

    def test_a_late_answer_is_still_admitted_before_the_resolution(
        self, opened, tramitador, register
    ):
        """Art. 73.3: a late answer counts while no resolution has been signed."""
        req = notify(issue(opened, tramitador))
        requerimientos_vencidos_sweep(now=madrid(2026, 3, 26, 0, 1))
        req = answer(register, Requerimiento.objects.get(pk=req.pk), madrid(2026, 3, 27, 9))
        assert req.estado == EstadoRequerimiento.CONTESTADO


class TestExtension:
    def test_extension_by_five_working_days(self, opened, tramitador):
        """CAT-6: 10 + 5 working days from 10 March (skipping 19 March) → 1 April."""
        req = notify(issue(opened, tramitador))
        with time_machine.travel(madrid(2026, 3, 20, 10), tick=False):
            req = requerimiento_extend(requerimiento=req, dias=5, actor=tramitador)
        assert req.vence_at == end_of(2026, 4, 1)
        assert NotificacionPendiente.objects.filter(tipo=TipoNotificacion.AMPLIACION).count() == 1
        assert Expediente.objects.get(pk=opened.pk).proximo_vencimiento == end_of(2026, 4, 1)

    @pytest.mark.parametrize("dias", [0, 6, "5"])
    def test_more_than_five_days_is_refused(self, opened, tramitador, dias):
        req = notify(issue(opened, tramitador))
        with (
            time_machine.travel(madrid(2026, 3, 20, 10), tick=False),
            pytest.raises(ValidationError),
        ):
            requerimiento_extend(requerimiento=req, dias=dias, actor=tramitador)
        req.refresh_from_db()
        assert req.ampliacion_dias == 0 and req.vence_at == end_of(2026, 3, 25)

    def test_no_extension_in_a_competitive_procedure(self, opened, tramitador):
        """CAT-6 (art. 68.2)."""
        flujo = opened.flujo
        flujo.pk = None
        flujo.procedimiento = opened.procedimiento
        flujo.concurrencia_competitiva = True
        flujo.save()
        Expediente.objects.filter(pk=opened.pk).update(flujo=flujo)
        req = notify(issue(Expediente.objects.get(pk=opened.pk), tramitador))
        with (
            time_machine.travel(madrid(2026, 3, 20, 10), tick=False),
            pytest.raises(AccionNoPermitida),
        ):
            requerimiento_extend(requerimiento=req, dias=5, actor=tramitador)
        req.refresh_from_db()
        assert req.ampliacion_dias == 0

    def test_no_extension_after_the_term_ended_or_twice(self, opened, tramitador):
        """TIME-8 (art. 32.3)."""
        req = notify(issue(opened, tramitador))
        with (
            time_machine.travel(madrid(2026, 3, 26, 10), tick=False),
            pytest.raises(AccionNoPermitida),
        ):
            requerimiento_extend(requerimiento=req, dias=3, actor=tramitador)
        with time_machine.travel(madrid(2026, 3, 20, 10), tick=False):
            requerimiento_extend(requerimiento=req, dias=3, actor=tramitador)
            with pytest.raises(AccionNoPermitida):
                requerimiento_extend(
                    requerimiento=Requerimiento.objects.get(pk=req.pk), dias=2, actor=tramitador
                )

    def test_no_extension_before_the_request_is_notified(self, opened, tramitador):
        req = issue(opened, tramitador)
        with pytest.raises(AccionNoPermitida):
            requerimiento_extend(requerimiento=req, dias=5, actor=tramitador)
