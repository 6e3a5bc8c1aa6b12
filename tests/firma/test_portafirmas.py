"""Portafirmas (FIR-5): circuits in sequence and in parallel, visto bueno, rejection,
delegation and suplencia, batch signing, idempotent signing task, finished documents with
a new version and a new CSV (FIR-8)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from firma.constants import EstadoAccion, EstadoPeticion, ModoFirma, TipoAccion
from firma.models import AccionFirma, FirmaDocumento
from firma.selectors import csv_resolve, inbox_for
from firma.services import (
    AccionNoDisponibleError,
    AccionSpec,
    DocumentoSpec,
    accion_approve,
    accion_reject,
    acciones_sign,
    appearance_for,
    csv_issue,
    documento_read,
    peticion_create,
)
from firma.tasks import accion_sign_task
from tests.firma.portafirmas_support import *  # noqa: F403  (fixtures)
from tests.firma.portafirmas_support import make_pdf, page_texts, signature_count

pytestmark = pytest.mark.django_db


def _request(jefa, pasos, *, pages=1, documentos=None):
    documentos = documentos or [
        DocumentoSpec(content=make_pdf(pages=pages), name="decreto.pdf", mime="application/pdf")
    ]
    return peticion_create(
        created_by=jefa, asunto="Decreto 1/2026", documentos=documentos, pasos=pasos
    )


def _sign(user, run_on_commit, *acciones):
    with run_on_commit():
        acciones_sign(user=user, accion_ids=[a.pk for a in acciones])


def _only(user):
    (accion,) = inbox_for(user)
    return accion


class TestSequentialCircuit:
    def test_fir5_steps_run_in_order_and_the_signed_result_is_a_new_version(
        self, jefa, alcaldesa, secretario, run_on_commit
    ):
        peticion = _request(
            jefa, [[AccionSpec(firmante=alcaldesa)], [AccionSpec(firmante=secretario)]], pages=3
        )
        pd = peticion.documentos.get()
        draft = pd.borrador
        assert list(inbox_for(secretario)) == []  # not their turn yet

        _sign(alcaldesa, run_on_commit, _only(alcaldesa))
        assert list(inbox_for(alcaldesa)) == []
        peticion.refresh_from_db()
        assert peticion.estado == EstadoPeticion.EN_CURSO

        _sign(secretario, run_on_commit, _only(secretario))
        peticion.refresh_from_db()
        pd.refresh_from_db()
        assert peticion.estado == EstadoPeticion.COMPLETADA
        result = pd.resultado
        data = documento_read(result)
        assert signature_count(data) == 2
        # FIR-8: a new version with a new CSV, stamped on every page before signing.
        assert result.documento_id == draft.documento_id
        assert result.numero == draft.numero + 1
        assert result.csv != draft.csv
        assert result.tipo_firma == "TF06"
        assert all(result.csv_display in text for text in page_texts(data))
        assert csv_resolve(result.csv) == result
        # ... and the history is kept: the draft still resolves to its own bytes.
        assert csv_resolve(draft.csv) == draft
        assert signature_count(documento_read(draft)) == 0
        assert draft.documento.current_version == result

    def test_several_documents_are_all_signed(self, jefa, alcaldesa, run_on_commit):
        docs = [
            DocumentoSpec(
                content=make_pdf(title=f"Anexo {n}"), name=f"{n}.pdf", mime="application/pdf"
            )
            for n in range(2)
        ]
        peticion = _request(jefa, [[AccionSpec(firmante=alcaldesa)]], documentos=docs)
        _sign(alcaldesa, run_on_commit, _only(alcaldesa))
        for pd in peticion.documentos.all():
            assert signature_count(documento_read(pd.resultado)) == 1


class TestParallelCircuit:
    def test_fir5_the_step_completes_only_when_every_parallel_signer_has_signed(
        self, jefa, alcaldesa, concejal, secretario, run_on_commit
    ):
        peticion = _request(
            jefa,
            [
                [AccionSpec(firmante=alcaldesa), AccionSpec(firmante=concejal)],
                [AccionSpec(firmante=secretario)],
            ],
        )
        assert len(inbox_for(alcaldesa)) == 1 and len(inbox_for(concejal)) == 1
        _sign(concejal, run_on_commit, _only(concejal))
        assert list(inbox_for(secretario)) == []  # the step waits for the alcaldesa
        _sign(alcaldesa, run_on_commit, _only(alcaldesa))
        assert len(inbox_for(secretario)) == 1
        _sign(secretario, run_on_commit, _only(secretario))
        pd = peticion.documentos.get()
        assert signature_count(documento_read(pd.resultado)) == 3
        assert FirmaDocumento.objects.filter(documento=pd).count() == 3


class TestVistoBueno:
    def test_an_approval_moves_the_circuit_on_without_signing(
        self, jefa, tecnica, alcaldesa, run_on_commit
    ):
        peticion = _request(
            jefa,
            [
                [AccionSpec(firmante=tecnica, tipo=TipoAccion.VISTO_BUENO)],
                [AccionSpec(firmante=alcaldesa)],
            ],
        )
        assert list(inbox_for(alcaldesa)) == []
        accion = accion_approve(user=tecnica, accion_id=_only(tecnica).pk)
        assert accion.estado == EstadoAccion.HECHA
        assert not FirmaDocumento.objects.exists()
        _sign(alcaldesa, run_on_commit, _only(alcaldesa))
        pd = peticion.documentos.get()
        assert signature_count(documento_read(pd.resultado)) == 1

    def test_an_approval_only_circuit_keeps_the_document_as_it_was(self, jefa, tecnica):
        version = csv_issue(content=b"informe", name="informe.txt", mime="text/plain")
        peticion = _request(
            jefa,
            [[AccionSpec(firmante=tecnica, tipo=TipoAccion.VISTO_BUENO)]],
            documentos=[version],
        )
        accion_approve(user=tecnica, accion_id=_only(tecnica).pk)
        peticion.refresh_from_db()
        assert peticion.estado == EstadoPeticion.COMPLETADA
        assert peticion.documentos.get().resultado is None
        assert version.documento.current_version == version

    def test_a_signature_action_cannot_be_approved(self, jefa, alcaldesa):
        _request(jefa, [[AccionSpec(firmante=alcaldesa)]])
        with pytest.raises(AccionNoDisponibleError):
            accion_approve(user=alcaldesa, accion_id=_only(alcaldesa).pk)


class TestReject:
    def test_fir5_rejecting_with_a_reason_stops_the_circuit(
        self, jefa, alcaldesa, concejal, secretario
    ):
        peticion = _request(
            jefa,
            [
                [AccionSpec(firmante=alcaldesa), AccionSpec(firmante=concejal)],
                [AccionSpec(firmante=secretario)],
            ],
        )
        accion_reject(user=concejal, accion_id=_only(concejal).pk, motivo="Falta el informe")
        peticion.refresh_from_db()
        assert peticion.estado == EstadoPeticion.RECHAZADA
        assert peticion.motivo_rechazo == "Falta el informe"
        assert list(inbox_for(alcaldesa)) == []
        assert list(inbox_for(secretario)) == []
        assert set(AccionFirma.objects.values_list("estado", flat=True)) == {
            EstadoAccion.RECHAZADA,
            EstadoAccion.ANULADA,
        }
        assert peticion.documentos.get().resultado is None

    def test_a_rejection_needs_a_reason(self, jefa, alcaldesa):
        peticion = _request(jefa, [[AccionSpec(firmante=alcaldesa)]])
        with pytest.raises(ValidationError):
            accion_reject(user=alcaldesa, accion_id=_only(alcaldesa).pk, motivo="  ")
        peticion.refresh_from_db()
        assert peticion.estado == EstadoPeticion.EN_CURSO


class TestDelegationAndSuplencia:
    @pytest.mark.parametrize(
        ("modo", "expected_leyenda", "expected_line"),
        [
            (
                ModoFirma.DELEGACION,
                "Koldo Uriarte Bilbao, por delegación de Alcaldía",
                "Por delegación de: Alcaldía",
            ),
            (
                ModoFirma.SUPLENCIA,
                "Koldo Uriarte Bilbao, por suplencia de Alcaldía",
                "En suplencia, firmado por: Koldo Uriarte Bilbao",
            ),
        ],
    )
    def test_fir5_the_signature_says_for_whom_the_signer_acts(
        self, jefa, concejal, run_on_commit, modo, expected_leyenda, expected_line
    ):
        from firma.keys import get_signer
        from firma.signing.pades import appearance_lines

        peticion = _request(
            jefa, [[AccionSpec(firmante=concejal, modo=modo, en_nombre_de="Alcaldía")]]
        )
        accion = _only(concejal)
        appearance = appearance_for(accion)
        assert appearance["mode"] == modo
        assert appearance["on_behalf_of"] == "Alcaldía"
        lines = appearance_lines(appearance, signer=get_signer("concejal"), reason="x")
        assert expected_line in lines
        assert "Alcaldía" in "\n".join(lines)

        _sign(concejal, run_on_commit, accion)
        firma = FirmaDocumento.objects.get()
        assert firma.leyenda == expected_leyenda
        assert signature_count(documento_read(peticion.documentos.get().resultado)) == 1

    def test_delegation_without_the_delegating_authority_is_refused(self, jefa, concejal):
        with pytest.raises(ValidationError):
            _request(jefa, [[AccionSpec(firmante=concejal, modo=ModoFirma.DELEGACION)]])


class TestBatchAndIdempotency:
    def test_fir5_batch_signing_signs_every_selected_request(
        self, jefa, alcaldesa, tecnica, run_on_commit
    ):
        first = _request(jefa, [[AccionSpec(firmante=alcaldesa)]])
        second = _request(jefa, [[AccionSpec(firmante=alcaldesa)]])
        approval = _request(
            jefa,
            [[AccionSpec(firmante=alcaldesa, tipo=TipoAccion.VISTO_BUENO)]],
            documentos=[csv_issue(content=b"x", name="x.txt", mime="text/plain")],
        )
        acciones = list(inbox_for(alcaldesa))
        assert len(acciones) == 3
        _sign(alcaldesa, run_on_commit, *acciones)
        for peticion in (first, second, approval):
            peticion.refresh_from_db()
            assert peticion.estado == EstadoPeticion.COMPLETADA
        assert list(inbox_for(alcaldesa)) == []

    def test_a_batch_with_someone_elses_action_touches_nothing(
        self, jefa, alcaldesa, concejal, run_on_commit
    ):
        _request(jefa, [[AccionSpec(firmante=alcaldesa)]])
        _request(jefa, [[AccionSpec(firmante=concejal)]])
        mine, theirs = _only(alcaldesa), _only(concejal)
        with pytest.raises(AccionNoDisponibleError):
            _sign(alcaldesa, run_on_commit, mine, theirs)
        assert AccionFirma.objects.filter(estado=EstadoAccion.PENDIENTE).count() == 2

    def test_the_signing_task_run_twice_signs_once(self, jefa, alcaldesa, concejal, run_on_commit):
        peticion = _request(jefa, [[AccionSpec(firmante=alcaldesa), AccionSpec(firmante=concejal)]])
        accion = _only(alcaldesa)
        _sign(alcaldesa, run_on_commit, accion)
        accion_sign_task.delay(accion.pk)  # redelivered by the broker
        accion_sign_task(accion.pk)
        pd = peticion.documentos.get()
        pd.refresh_from_db()
        with pd.trabajo.open("rb") as fh:
            assert signature_count(fh.read()) == 1
        assert FirmaDocumento.objects.filter(accion=accion).count() == 1

    def test_an_action_cannot_be_signed_twice_by_the_service(
        self, jefa, alcaldesa, concejal, run_on_commit
    ):
        _request(jefa, [[AccionSpec(firmante=alcaldesa), AccionSpec(firmante=concejal)]])
        accion = _only(alcaldesa)
        _sign(alcaldesa, run_on_commit, accion)
        with pytest.raises(AccionNoDisponibleError):
            _sign(alcaldesa, run_on_commit, accion)


class TestCreation:
    def test_signers_need_a_certificate(self, jefa, tecnica):
        with pytest.raises(ValidationError):
            _request(jefa, [[AccionSpec(firmante=tecnica)]])

    def test_only_pdfs_can_be_signed(self, jefa, alcaldesa):
        doc = DocumentoSpec(content=b"hola", name="a.txt", mime="text/plain")
        with pytest.raises(ValidationError):
            _request(jefa, [[AccionSpec(firmante=alcaldesa)]], documentos=[doc])

    def test_citizens_cannot_be_signers(self, jefa, ciudadana):
        with pytest.raises(ValidationError):
            _request(jefa, [[AccionSpec(firmante=ciudadana, tipo=TipoAccion.VISTO_BUENO)]])


class TestNotifications:
    def test_each_step_s_people_are_told_when_their_step_opens(
        self, jefa, alcaldesa, secretario, run_on_commit, mailoutbox
    ):
        with run_on_commit():
            _request(jefa, [[AccionSpec(firmante=alcaldesa)], [AccionSpec(firmante=secretario)]])
        assert [m.to for m in mailoutbox] == [["alcaldesa@bilbao.example"]]
        assert "Decreto 1/2026" in mailoutbox[0].subject
        _sign(alcaldesa, run_on_commit, _only(alcaldesa))
        assert [m.to for m in mailoutbox][1:] == [["secretario@bilbao.example"]]

    def test_a_deadline_in_the_past_is_refused(self, jefa, alcaldesa):
        from django.utils import timezone

        with pytest.raises(ValidationError):
            peticion_create(
                created_by=jefa,
                asunto="Tarde",
                documentos=[
                    DocumentoSpec(content=make_pdf(), name="a.pdf", mime="application/pdf")
                ],
                pasos=[[AccionSpec(firmante=alcaldesa)]],
                fecha_limite=timezone.now() - timezone.timedelta(hours=1),
            )


def test_a_document_claimed_as_pdf_that_is_not_one_is_refused(jefa, alcaldesa):
    doc = DocumentoSpec(content=b"not a pdf", name="falso.pdf", mime="application/pdf")
    with pytest.raises(ValidationError):
        _request(jefa, [[AccionSpec(firmante=alcaldesa)]], documentos=[doc])


def test_a_failed_signature_goes_back_to_the_inbox_with_the_error(jefa, alcaldesa, run_on_commit):
    """A signer whose certificate cannot be loaded: nothing is signed, the action waits again."""
    alcaldesa.firmante_config.keystore_name = "no-existe"
    alcaldesa.firmante_config.save()
    peticion = _request(jefa, [[AccionSpec(firmante=alcaldesa)]])
    _sign(alcaldesa, run_on_commit, _only(alcaldesa))
    accion = _only(alcaldesa)  # back in the inbox
    assert accion.estado == EstadoAccion.PENDIENTE
    assert accion.error
    assert not FirmaDocumento.objects.exists()
    peticion.refresh_from_db()
    assert peticion.estado == EstadoPeticion.EN_CURSO
