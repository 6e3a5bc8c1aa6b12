"""Fixtures of the catalogue tests: the starter catalogue (parsed once) and small builders."""

from __future__ import annotations

import copy

import pytest

from identidad.constants import TipoUnidad
from identidad.models import Unidad
from procedimientos.catalogo_io import catalogo_import, load_file
from procedimientos.demo import STARTER_CATALOGUE
from procedimientos.models import Materia, Procedimiento
from procedimientos.services import procedimiento_save

_PARSED: dict = {}


@pytest.fixture
def starter_data() -> dict:
    """The shipped starter catalogue as a dict (a fresh copy for each test)."""
    if "data" not in _PARSED:
        _PARSED["data"] = load_file(STARTER_CATALOGUE)
    return copy.deepcopy(_PARSED["data"])


@pytest.fixture
def starter(db, starter_data) -> dict:
    """The starter catalogue imported into the test database."""
    catalogo_import(data=starter_data)
    return starter_data


MINIMAL_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"asunto": {"type": "string", "title": "Asunto", "x-title-eu": "Gaia"}},
}
MINIMAL_LAYOUT = {
    "steps": [
        {
            "id": "solicitud",
            "title_es": "Solicitud",
            "title_eu": "Eskaera",
            "fieldsets": [
                {"id": "datos", "legend_es": "Datos", "legend_eu": "Datuak", "fields": ["/asunto"]}
            ],
        }
    ]
}


def publish_minimal_form(proc: Procedimiento):
    from procedimientos.services import formulario_create_draft, formulario_publish

    draft = formulario_create_draft(
        procedimiento=proc, schema=MINIMAL_SCHEMA, layout=MINIMAL_LAYOUT
    )
    return formulario_publish(formulario=draft, by=None)


@pytest.fixture
def materia(db) -> Materia:
    return Materia.objects.create(slug="urbanismo", name_es="Urbanismo", name_eu="Hirigintza")


@pytest.fixture
def area(db, ayuntamiento) -> Unidad:
    return Unidad.objects.create(
        dir3="LA0900004",
        name_es="Área de Urbanismo",
        name_eu="Hirigintza Saila",
        kind=TipoUnidad.AREA,
        parent=ayuntamiento,
        is_example=True,
    )


@pytest.fixture
def otra_area(db, ayuntamiento) -> Unidad:
    return Unidad.objects.create(
        dir3="LA0900001",
        name_es="Área de Acción Social",
        name_eu="Gizarte Ekintza Saila",
        kind=TipoUnidad.AREA,
        parent=ayuntamiento,
        is_example=True,
    )


@pytest.fixture
def make_proc(db, materia, area):
    """Build and save a procedure through the service (search text maintained)."""

    def build(code: str = "licencia-obra", *, form: bool = False, **fields) -> Procedimiento:
        """``form=True`` also publishes a (minimal) form of its own."""
        values = {
            "title_es": "Licencia de obra menor",
            "title_eu": "Obra txikirako lizentzia",
            "materia": materia,
            "unit": area,
        }
        values.update(fields)
        proc = procedimiento_save(procedimiento=Procedimiento(code=code, **values))
        if form:
            publish_minimal_form(proc)
        return proc

    return build
