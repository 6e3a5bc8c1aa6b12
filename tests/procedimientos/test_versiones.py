"""The review workflow of form versions (issue 16, item 2): draft → in review → approved by the
head of the procedure's unit (or sent back with a comment) → published, which freezes it and
supersedes the previous one. Every step recorded (who, when, comment) and audited (ENS-1)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from identidad.models import AuditEntry
from identidad.roles import Role
from procedimientos.constants import AccionFormulario, EstadoFormulario
from procedimientos.formularios import consultas, versiones
from procedimientos.models import (
    FormularioCongelado,
    FormularioHistorial,
    FormularioVersion,
    HistorialInmutable,
)
from procedimientos.services import formulario_update_draft
from tests.personas import staff_member
from tests.procedimientos.versiones_support import *  # noqa: F403
from tests.procedimientos.versiones_support import through_review, v1_copy

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> set[str]:
    return {e.code for e in exc.error_list}


class TestTheWholeWay:
    def test_a_version_is_drafted_reviewed_approved_and_published(
        self, proc_con_formulario, editora, jefa
    ):
        proc = proc_con_formulario
        v1 = proc.formularios.get(status="publicado")
        draft = versiones.version_new_draft(procedimiento=proc, by=editora)
        assert (draft.version, draft.status, draft.basada_en) == (2, "borrador", v1)
        assert draft.schema == v1.schema  # copied from the published version

        schema, layout = v1_copy()
        schema["properties"]["asunto"]["title"] = "Asunto de la solicitud"
        formulario_update_draft(formulario=draft, schema=schema, layout=layout)
        versiones.version_send_to_review(version=draft, by=editora, comment="Nuevo título")
        draft.refresh_from_db()
        assert draft.status == EstadoFormulario.EN_REVISION
        with pytest.raises(FormularioCongelado):  # frozen under the reviewer's eyes
            formulario_update_draft(formulario=draft, schema=v1.schema, layout=v1.layout)

        versiones.version_approve(version=draft, by=jefa, comment="Conforme")
        published = versiones.version_publish(version=draft, by=editora)
        v1.refresh_from_db()
        assert published.status == EstadoFormulario.PUBLICADO
        assert published.published_by == editora and published.published_at is not None
        assert v1.status == EstadoFormulario.SUSTITUIDO
        assert FormularioVersion.objects.filter(procedimiento=proc, status="publicado").count() == 1

        steps = [
            (h.accion, h.from_status, h.to_status, h.by, h.comment)
            for h in published.historial.order_by("at", "pk")
        ]
        assert steps == [
            ("creada", "", "borrador", editora, ""),
            ("enviada", "borrador", "en_revision", editora, "Nuevo título"),
            ("aprobada", "en_revision", "aprobado", jefa, "Conforme"),
            ("publicada", "aprobado", "publicado", editora, ""),
        ]
        assert v1.historial.filter(accion=AccionFormulario.SUSTITUIDA).exists()

    def test_every_step_is_in_the_audit_trail(self, proc_con_formulario, editora, jefa):
        """ENS-1: who, when, on what, which event."""
        version = through_review(proc_con_formulario, editor=editora, approver=jefa)
        actions = dict(
            AuditEntry.objects.filter(
                object_type="procedimientos.formularioversion", object_id=str(version.pk)
            ).values_list("action", "actor_id")
        )
        assert actions == {
            "procedimientos.formulario.creada": editora.pk,
            "procedimientos.formulario.enviada": editora.pk,
            "procedimientos.formulario.aprobada": jefa.pk,
            "procedimientos.formulario.publicada": editora.pk,
        }


class TestWhoMayDoWhat:
    def test_nobody_approves_a_version_they_made(self, proc_con_formulario, area):
        """Four eyes: an editor who is also head of the unit cannot approve their own draft."""
        both = staff_member("doble", Role.CATALOGUE_EDITOR, Role.UNIT_HEAD, units=[area])
        draft = versiones.version_new_draft(procedimiento=proc_con_formulario, by=both)
        versiones.version_send_to_review(version=draft, by=both)
        with pytest.raises(ValidationError) as exc:
            versiones.version_approve(version=draft, by=both)
        assert "propia" in _codes(exc.value)
        assert not consultas.bandeja_revision(both).exists()
        assert consultas.acciones_permitidas(both, draft)["aprobar"] is False

    def test_the_one_who_sent_it_to_review_cannot_approve_it_either(
        self, proc_con_formulario, editora, area
    ):
        sender = staff_member("remitente", Role.CATALOGUE_EDITOR, Role.UNIT_HEAD, units=[area])
        draft = versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora)
        versiones.version_send_to_review(version=draft, by=sender)
        with pytest.raises(ValidationError):
            versiones.version_approve(version=draft, by=sender)

    def test_only_the_head_of_the_procedures_unit_approves(
        self, proc_con_formulario, editora, jefa, jefe_otra_unidad
    ):
        draft = versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora)
        versiones.version_send_to_review(version=draft, by=editora)
        for outsider in (jefe_otra_unidad, editora):
            with pytest.raises(ValidationError):
                versiones.version_approve(version=draft, by=outsider)
        assert not consultas.bandeja_revision(jefe_otra_unidad).exists()
        assert list(consultas.bandeja_revision(jefa)) == [draft]

    def test_a_unit_head_also_reviews_the_units_below(self, make_proc, editora, area):
        from identidad.constants import TipoUnidad
        from identidad.models import Unidad
        from procedimientos.services import formulario_create_draft, formulario_publish

        seccion = Unidad.objects.create(
            dir3="LA0900099", name_es="Sección de licencias", kind=TipoUnidad.SERVICIO, parent=area
        )
        proc = make_proc("licencia-actividad", unit=seccion)
        schema, layout = v1_copy()
        formulario_publish(
            formulario=formulario_create_draft(procedimiento=proc, schema=schema, layout=layout),
            by=None,
        )
        head = staff_member("jefa-area", Role.UNIT_HEAD, units=[area])
        version = through_review(proc, editor=editora, approver=head, publish=False)
        assert version.status == EstadoFormulario.APROBADO

    def test_a_unit_head_does_not_edit_or_send(self, proc_con_formulario, jefa):
        with pytest.raises(ValidationError):
            versiones.version_new_draft(procedimiento=proc_con_formulario, by=jefa)


class TestTheStates:
    def test_sending_back_needs_a_comment_and_makes_it_editable_again(
        self, proc_con_formulario, editora, jefa
    ):
        draft = versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora)
        versiones.version_send_to_review(version=draft, by=editora)
        with pytest.raises(ValidationError) as exc:
            versiones.version_return(version=draft, by=jefa, comment="  ")
        assert "sin_comentario" in _codes(exc.value)
        versiones.version_return(version=draft, by=jefa, comment="Falta la ayuda del NIF")
        draft.refresh_from_db()
        assert draft.status == EstadoFormulario.BORRADOR
        schema, layout = v1_copy()
        formulario_update_draft(formulario=draft, schema=schema, layout=layout)  # editable
        returned = draft.historial.get(accion=AccionFormulario.DEVUELTA)
        assert (returned.by, returned.comment) == (jefa, "Falta la ayuda del NIF")

    def test_only_an_approved_version_is_published(self, proc_con_formulario, editora, jefa):
        draft = versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora)
        with pytest.raises(ValidationError):
            versiones.version_publish(version=draft, by=editora)
        versiones.version_send_to_review(version=draft, by=editora)
        with pytest.raises(ValidationError):
            versiones.version_publish(version=draft, by=editora)
        draft.refresh_from_db()
        assert draft.status == EstadoFormulario.EN_REVISION

    def test_one_version_on_its_way_at_a_time(self, proc_con_formulario, editora):
        first = versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora)
        with pytest.raises(ValidationError) as exc:
            versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora)
        assert "en_curso" in _codes(exc.value)
        assert exc.value.params == {"pk": first.pk}

    def test_a_new_draft_can_start_from_any_earlier_version(
        self, proc_con_formulario, editora, jefa
    ):
        v1 = proc_con_formulario.formularios.get(version=1)
        schema, layout = v1_copy()
        del schema["properties"]["telefono"]
        layout["steps"][0]["fieldsets"][0]["fields"].remove("/telefono")
        through_review(
            proc_con_formulario, editor=editora, approver=jefa, schema=schema, layout=layout
        )
        again = versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora, desde=v1)
        assert again.version == 3 and again.basada_en == v1
        assert "telefono" in again.schema["properties"]

    def test_a_published_version_never_goes_back(self, proc_con_formulario):
        v1 = proc_con_formulario.formularios.get(status="publicado")
        v1.status = EstadoFormulario.BORRADOR
        with pytest.raises(FormularioCongelado):
            v1.save()
        v1.refresh_from_db()
        with pytest.raises(FormularioCongelado):
            v1.delete()

    def test_one_published_version_per_procedure_stays_a_database_rule(self, proc_con_formulario):
        schema, layout = v1_copy()
        with pytest.raises(IntegrityError), transaction.atomic():
            FormularioVersion.objects.create(
                procedimiento=proc_con_formulario,
                version=9,
                schema=schema,
                layout=layout,
                status=EstadoFormulario.PUBLICADO,
            )

    def test_the_history_is_append_only(self, proc_con_formulario):
        row = FormularioHistorial.objects.filter(
            formulario__procedimiento=proc_con_formulario
        ).first()
        row.comment = "cambiado"
        with pytest.raises(HistorialInmutable):
            row.save()
        with pytest.raises(HistorialInmutable):
            row.delete()
