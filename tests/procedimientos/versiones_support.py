"""Fixtures of the form-version tests: the people of the workflow and a procedure with a
published form (import with ``from tests.procedimientos.versiones_support import *``)."""

from __future__ import annotations

import copy

import pytest

from identidad.roles import Role
from procedimientos.formularios import versiones
from tests.personas import staff_member

__all__ = [
    "SCHEMA_V1",
    "LAYOUT_V1",
    "editora",
    "jefa",
    "jefe_otra_unidad",
    "proc_con_formulario",
    "through_review",
]

SCHEMA_V1 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["asunto", "tipo"],
    "properties": {
        "asunto": {"type": "string", "title": "Asunto", "x-title-eu": "Gaia", "maxLength": 200},
        "tipo": {
            "type": "string",
            "title": "Tipo de obra",
            "x-title-eu": "Obra mota",
            "enum": ["menor", "mayor", "derribo"],
        },
        "telefono": {"type": "string", "title": "Teléfono", "x-title-eu": "Telefonoa"},
    },
}
LAYOUT_V1 = {
    "steps": [
        {
            "id": "solicitud",
            "title_es": "Solicitud",
            "title_eu": "Eskaera",
            "fieldsets": [
                {
                    "id": "datos",
                    "legend_es": "Datos",
                    "legend_eu": "Datuak",
                    "fields": ["/asunto", "/tipo", "/telefono"],
                }
            ],
        }
    ]
}


def v1_copy() -> tuple[dict, dict]:
    return copy.deepcopy(SCHEMA_V1), copy.deepcopy(LAYOUT_V1)


@pytest.fixture
def editora(db):
    """A catalogue editor: prepares and publishes the forms of any procedure."""
    return staff_member("editora", Role.CATALOGUE_EDITOR)


@pytest.fixture
def jefa(db, area):
    """The head of the procedures' unit (Área de Urbanismo)."""
    return staff_member("jefa", Role.UNIT_HEAD, units=[area])


@pytest.fixture
def jefe_otra_unidad(db, otra_area):
    return staff_member("jefe-social", Role.UNIT_HEAD, units=[otra_area])


@pytest.fixture
def proc_con_formulario(make_proc):
    """A procedure of the Área de Urbanismo with version 1 of its form published."""
    from procedimientos.services import formulario_create_draft, formulario_publish

    proc = make_proc("licencia-obra")
    schema, layout = v1_copy()
    formulario_publish(
        formulario=formulario_create_draft(procedimiento=proc, schema=schema, layout=layout),
        by=None,
    )
    return proc


def through_review(proc, *, editor, approver, schema=None, layout=None, publish=True, **kw):
    """A new version made by ``editor`` from the published one (optionally changed), sent to
    review, approved by ``approver`` and — with ``publish`` — published by ``editor``."""
    from procedimientos.services import formulario_update_draft

    draft = versiones.version_new_draft(procedimiento=proc, by=editor)
    if schema is not None or layout is not None:
        formulario_update_draft(
            formulario=draft,
            schema=schema if schema is not None else draft.schema,
            layout=layout if layout is not None else draft.layout,
        )
    versiones.version_send_to_review(version=draft, by=editor)
    versiones.version_approve(version=draft, by=approver)
    if publish:
        return versiones.version_publish(version=draft, by=editor, **kw)
    draft.refresh_from_db()
    return draft
