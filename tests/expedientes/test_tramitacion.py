"""Reports, resolution through the portafirmas, closing with the sealed index, re-opening by
appeal, assignment and phases (EXP-1..4)."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError

from expedientes.constants import (
    EstadoExpediente,
    EstadoResolucion,
    SentidoResolucion,
    TipoNotificacion,
)
from expedientes.models import (
    Expediente,
    IndiceElectronico,
    NotificacionPendiente,
    Resolucion,
    Suspension,
)
from expedientes.services import (
    AccionNoPermitida,
    expediente_close,
    expediente_phase_set,
    expediente_reopen,
    expedientes_assign,
    informe_emit,
    informe_request,
    resolucion_draft,
)

from .conftest import madrid
from .support import sign_resolution

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council_seal")]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


class TestInformes:
    def test_a_mandatory_report_suspends_the_term_and_grants_access_until_issued(
        self, opened, tramitador, tramitador_ajeno
    ):
        """Art. 22.1.d; the colleague asked sees this one file (per-object grant)."""
        with time_machine.travel(madrid(2026, 3, 10, 9), tick=False):
            informe = informe_request(
                expediente=opened,
                solicitado_a=tramitador_ajeno,
                asunto="Informe ambiental",
                preceptivo=True,
                actor=tramitador,
            )
        exp = Expediente.objects.get(pk=opened.pk)
        assert exp.suspendido and exp.vence_at is None
        assert tramitador_ajeno.has_perm("expedientes.consultar_expediente", exp)
        with time_machine.travel(madrid(2026, 3, 20, 9), tick=False):
            informe = informe_emit(
                informe=informe,
                content=b"%PDF-1.4 informe",
                nombre="informe.pdf",
                mime="application/pdf",
                actor=tramitador_ajeno,
            )
        exp = Expediente.objects.get(pk=opened.pk)
        assert not exp.suspendido
        # 10 days suspended: 2 June + 10 = Friday 12 June.
        assert exp.vence_at.date().isoformat() == "2026-06-12"
        from django.contrib.auth import get_user_model

        fresh = get_user_model().objects.get(pk=tramitador_ajeno.pk)
        assert not fresh.has_perm("expedientes.consultar_expediente", exp)
        member = exp.documentos.get(documento=informe.documento)
        assert not member.visible_ciudadano

    def test_an_optional_report_does_not_suspend(self, opened, tramitador, tramitador_ajeno):
        informe_request(
            expediente=opened,
            solicitado_a=tramitador_ajeno,
            asunto="Consulta",
            preceptivo=False,
            actor=tramitador,
        )
        assert not Suspension.objects.exists()

    def test_only_the_person_asked_issues_it(self, opened, tramitador, tramitador_ajeno):
        informe = informe_request(
            expediente=opened,
            solicitado_a=tramitador_ajeno,
            asunto="Consulta",
            preceptivo=True,
            actor=tramitador,
        )
        with pytest.raises(AccionNoPermitida):
            informe_emit(
                informe=informe,
                content=b"x",
                nombre="i.pdf",
                mime="application/pdf",
                actor=tramitador,
            )
        assert Suspension.objects.get().ended_at is None


class TestResolucion:
    def test_draft_sign_and_pending_notification(
        self, opened, tramitador, firmante, run_on_commit, ciudadana
    ):
        """Draft from the workflow's template → portafirmas → signed version with its CSV,
        shown to the citizen, notification recorded as pending."""
        res = sign_resolution(opened, tramitador, firmante, run_on_commit)
        assert res.estado == EstadoResolucion.FIRMADA
        assert opened.identificador in res.texto
        assert "Se concede la licencia solicitada." in res.texto
        version = res.documento.actual
        assert version.numero == 2 and version.tipo_firma == "TF06" and version.csv
        assert res.documento.expedientes.get().visible_ciudadano
        pendiente = NotificacionPendiente.objects.get(tipo=TipoNotificacion.RESOLUCION)
        assert list(pendiente.destinatarios.all()) == [ciudadana.interesado]
        assert Expediente.objects.get(pk=opened.pk).fase == "notificacion"

    def test_an_unknown_sense_or_empty_text_is_refused(self, opened, tramitador):
        for sentido, texto in [("favorable", "x"), (SentidoResolucion.ESTIMATORIA, " ")]:
            with pytest.raises(ValidationError):
                resolucion_draft(expediente=opened, sentido=sentido, texto=texto, actor=tramitador)
        assert not Resolucion.objects.exists()

    def test_a_second_draft_is_refused(self, opened, tramitador):
        resolucion_draft(
            expediente=opened, sentido=SentidoResolucion.ESTIMATORIA, texto="x", actor=tramitador
        )
        with pytest.raises(AccionNoPermitida):
            resolucion_draft(
                expediente=opened,
                sentido=SentidoResolucion.DESESTIMATORIA,
                texto="y",
                actor=tramitador,
            )
        assert Resolucion.objects.count() == 1


class TestCierre:
    def test_closing_without_a_signed_resolution_is_refused(self, opened, tramitador):
        with pytest.raises(AccionNoPermitida):
            expediente_close(expediente=opened, actor=tramitador)
        exp = Expediente.objects.get(pk=opened.pk)
        assert exp.estado == EstadoExpediente.ABIERTO and exp.version == opened.version
        assert not IndiceElectronico.objects.exists()

    def test_closing_seals_the_index_and_archives(
        self, opened, tramitador, firmante, run_on_commit
    ):
        """EXP-2, EXP-3, EXP-6."""
        sign_resolution(opened, tramitador, firmante, run_on_commit)
        exp = expediente_close(expediente=opened, actor=tramitador)
        assert exp.estado == EstadoExpediente.CERRADO
        assert exp.fase == "finalizado"
        assert exp.archivado_at is not None
        assert exp.conservar_hasta is None  # no series: permanent
        indice = IndiceElectronico.objects.get(expediente=exp)
        assert [e["orden"] for e in indice.entradas] == [1, 2, 3]
        assert indice.tipo_firma == "TF04"
        with pytest.raises(AccionNoPermitida):
            expediente_close(expediente=exp, actor=tramitador)

    def test_reopening_by_appeal_needs_a_new_resolution(
        self, opened, tramitador, firmante, run_on_commit, register
    ):
        sign_resolution(opened, tramitador, firmante, run_on_commit)
        exp = expediente_close(expediente=opened, actor=tramitador)
        expediente_reopen(expediente=exp, asiento=register(), actor=tramitador)
        exp = Expediente.objects.get(pk=opened.pk)
        assert exp.estado == EstadoExpediente.ABIERTO
        assert exp.entradas.filter(tipo="recurso").count() == 1
        with pytest.raises(AccionNoPermitida):
            expediente_close(expediente=exp, actor=tramitador)
        resolucion_draft(
            expediente=exp,
            sentido=SentidoResolucion.DESESTIMATORIA,
            texto="Se desestima el recurso.",
            actor=tramitador,
        )

    def test_an_open_file_cannot_be_reopened(self, opened, tramitador, register):
        with pytest.raises(AccionNoPermitida):
            expediente_reopen(expediente=opened, asiento=register(), actor=tramitador)
        assert Expediente.objects.get(pk=opened.pk).entradas.count() == 1


class TestAsignacionYFase:
    def test_bulk_assignment_to_a_handler_of_the_unit(self, opened, register, tramitador, jefa):
        from expedientes.services import expediente_open_from_asiento

        other = expediente_open_from_asiento(asiento=register())
        assert (
            expedientes_assign(
                expediente_ids=[opened.pk, other.pk], asignado_a=tramitador, actor=jefa
            )
            == 2
        )
        assert set(Expediente.objects.values_list("asignado_a", flat=True)) == {tramitador.pk}

    def test_assignment_to_someone_of_another_unit_changes_nothing(
        self, opened, register, tramitador_ajeno, jefa
    ):
        with pytest.raises(AccionNoPermitida):
            expedientes_assign(expediente_ids=[opened.pk], asignado_a=tramitador_ajeno, actor=jefa)
        assert Expediente.objects.get(pk=opened.pk).asignado_a is None

    def test_phase_moves_forward_only(self, opened, tramitador):
        exp = expediente_phase_set(expediente=opened, fase="instruccion", actor=tramitador)
        assert exp.fase == "instruccion"
        for fase in ("iniciacion", "finalizado", "inventada"):
            with pytest.raises(AccionNoPermitida):
                expediente_phase_set(expediente=exp, fase=fase, actor=tramitador)
        assert Expediente.objects.get(pk=opened.pk).fase == "instruccion"
