"""Procedure rules: CAT-1 term, CAT-5 signature, bilingual content, review workflow, forms."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from procedimientos.constants import EstadoAdaptacion, EstadoFormulario, TipoEscrito
from procedimientos.models import CambioEstadoAdaptacion, FormularioCongelado, Procedimiento
from procedimientos.services import (
    formulario_create_draft,
    formulario_publish,
    formulario_update_draft,
    procedimiento_change_status,
    signature_required_for,
)

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["nombre"],
    "properties": {
        "nombre": {"type": "string"},
        "hijos": {
            "type": "array",
            "items": {"type": "object", "properties": {"edad": {"type": "integer"}}},
        },
    },
}
LAYOUT = {
    "steps": [
        {
            "id": "datos",
            "title_es": "Datos",
            "title_eu": "Datuak",
            "fieldsets": [
                {
                    "id": "persona",
                    "legend_es": "Persona",
                    "legend_eu": "Pertsona",
                    "fields": ["/nombre"],
                },
                {
                    "id": "hijo",
                    "legend_es": "Hijo",
                    "legend_eu": "Seme-alaba",
                    "fields": ["/edad"],
                    "repeat": {"path": "/hijos", "max": 5},
                },
            ],
        }
    ]
}


def test_cat1_a_new_procedure_has_a_three_month_term(make_proc):
    proc = make_proc()
    assert (proc.max_term_value, proc.max_term_unit) == (3, "meses")


def test_cat1_more_than_six_months_requires_the_law_that_allows_it(make_proc):
    with pytest.raises(ValidationError) as exc:
        make_proc(max_term_value=9)
    assert "max_term_exception_basis" in exc.value.message_dict
    proc = make_proc(max_term_value=9, max_term_exception_basis="Ley 2/1998, art. 44")
    assert proc.max_term_value == 9


@pytest.mark.parametrize(
    ("kind", "required"),
    [
        (TipoEscrito.SOLICITUD, True),
        (TipoEscrito.DECLARACION_RESPONSABLE, True),
        (TipoEscrito.RECURSO, True),
        (TipoEscrito.QUEJA, False),
        (TipoEscrito.INFORMACION, False),
        (TipoEscrito.APORTACION, False),
    ],
)
def test_cat5_signature_only_for_applications_declarations_and_appeals(kind, required):
    assert signature_required_for(kind) is required


def test_bilingual_fields_follow_the_active_language(make_proc):
    proc = make_proc(title_eu="")
    with translation.override("eu"):
        assert proc.title == "Licencia de obra menor"  # falls back to Spanish when missing
    proc.title_eu = "Obra txikirako lizentzia"
    with translation.override("eu"):
        assert proc.title == "Obra txikirako lizentzia"
    with translation.override("es"):
        assert proc.title == "Licencia de obra menor"


def test_search_text_is_unaccented_lower_case_es_and_eu(make_proc):
    proc = make_proc(title_es="Declaración de Obras", title_eu="Obren ADIERAZPENA")
    assert "declaracion de obras" in proc.search_text
    assert "obren adierazpena" in proc.search_text


class TestAdaptationWorkflow:
    def test_it_goes_pending_review_standardised_published_with_owner_and_dates(
        self, make_proc, funcionario
    ):
        proc = make_proc()
        for status in ("en_revision", "normalizado", "publicado"):
            procedimiento_change_status(procedimiento=proc, to_status=status, by=funcionario)
        proc.refresh_from_db()
        assert proc.adaptation_status == EstadoAdaptacion.PUBLICADO
        assert proc.adaptation_owner == funcionario
        assert proc.standardised_at and proc.published_at
        steps = CambioEstadoAdaptacion.objects.filter(procedimiento=proc)
        assert [(c.from_status, c.to_status) for c in steps] == [
            ("pendiente", "en_revision"),
            ("en_revision", "normalizado"),
            ("normalizado", "publicado"),
        ]

    def test_it_refuses_to_skip_the_review(self, make_proc, funcionario):
        proc = make_proc()
        with pytest.raises(ValidationError):
            procedimiento_change_status(procedimiento=proc, to_status="publicado", by=funcionario)
        proc.refresh_from_db()
        assert proc.adaptation_status == "pendiente"
        assert not CambioEstadoAdaptacion.objects.exists()

    def test_a_published_procedure_can_go_back_to_review(self, make_proc, funcionario):
        proc = make_proc(adaptation_status="publicado")
        procedimiento_change_status(procedimiento=proc, to_status="en_revision", by=funcionario)
        assert Procedimiento.objects.get(pk=proc.pk).adaptation_status == "en_revision"


class TestFormVersions:
    def test_a_published_version_is_frozen(self, make_proc):
        proc = make_proc()
        v1 = formulario_create_draft(procedimiento=proc, schema=SCHEMA, layout=LAYOUT)
        formulario_publish(formulario=v1, by=None)
        v1.refresh_from_db()
        v1.schema = {**SCHEMA, "required": []}
        with pytest.raises(FormularioCongelado):
            v1.save()
        with pytest.raises(FormularioCongelado):
            formulario_update_draft(formulario=v1, schema=SCHEMA, layout={})
        with pytest.raises(FormularioCongelado):
            v1.delete()

    def test_new_drafts_are_new_versions_and_publishing_supersedes(self, make_proc):
        proc = make_proc()
        v1 = formulario_publish(
            formulario=formulario_create_draft(procedimiento=proc, schema=SCHEMA, layout=LAYOUT),
            by=None,
        )
        v2 = formulario_create_draft(procedimiento=proc, schema=SCHEMA, layout={})
        assert v2.version == 2
        v2 = formulario_update_draft(formulario=v2, schema={**SCHEMA, "title": "x"}, layout={})
        formulario_publish(formulario=v2, by=None)
        v1.refresh_from_db()
        assert v1.status == EstadoFormulario.SUSTITUIDO
        assert proc.formularios.get(status="publicado").version == 2

    def test_a_draft_with_an_invalid_schema_is_refused(self, make_proc):
        proc = make_proc()
        with pytest.raises(ValidationError):
            formulario_create_draft(
                procedimiento=proc, schema={**SCHEMA, "type": "cosa"}, layout=LAYOUT
            )

    def test_a_layout_pointing_at_unknown_fields_is_refused(self, make_proc):
        proc = make_proc()
        bad = {
            "steps": [
                {
                    **LAYOUT["steps"][0],
                    "fieldsets": [{**LAYOUT["steps"][0]["fieldsets"][0], "fields": ["/apellido"]}],
                }
            ]
        }
        with pytest.raises(ValidationError, match="/apellido"):
            formulario_create_draft(procedimiento=proc, schema=SCHEMA, layout=bad)


def test_the_term_label_follows_the_language(make_proc):
    proc = make_proc(max_term_value=1)
    with translation.override("es"):
        assert proc.max_term_label == "1 mes"
    with translation.override("eu"):
        assert proc.max_term_label == "hilabete 1"
    proc.max_term_value, proc.max_term_unit = 10, "dias"
    with translation.override("es"):
        assert proc.max_term_label == "10 días hábiles"


def test_the_published_form_is_what_a_submission_points_at(make_proc):
    from procedimientos.selectors import formulario_publicado_get

    proc = make_proc()
    assert formulario_publicado_get(code=proc.code) is None
    draft = formulario_create_draft(procedimiento=proc, schema=SCHEMA, layout=LAYOUT)
    assert formulario_publicado_get(code=proc.code) is None
    formulario_publish(formulario=draft, by=None)
    assert formulario_publicado_get(code=proc.code) == draft
