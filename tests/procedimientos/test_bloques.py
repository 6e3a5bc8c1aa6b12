"""The builder's blocks (issue 16): each one, inserted into a form with ``expand``, is a valid
form definition; the Bilbao street list reads streets the way citizens write them."""

from __future__ import annotations

import pytest

from procedimientos.forms_schema import form_definition_errors
from procedimientos.formularios.bloques import BLOQUES, expand
from procedimientos.formularios.calles import (
    calle_canonica,
    calles,
    es_codigo_postal_de_bilbao,
    nombre_mostrado,
)

EXPECTED = {
    "solicitante",
    "representante",
    "direccion-bilbao",
    "iban",
    "referencia-catastral",
    "matricula",
    "unidad-convivencia",
    "adjuntos",
    "notificacion",
}


def form_with(block_id: str, key: str = "bloque") -> tuple[dict, dict]:
    prop, required, fieldset = expand(block_id, key)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": required,
        "properties": {key: prop},
        "additionalProperties": False,
    }
    layout = {
        "steps": [
            {"id": "paso", "title_es": "Paso", "title_eu": "Urratsa", "fieldsets": [fieldset]}
        ]
    }
    return schema, layout


def test_the_library_offers_every_block_the_issue_asks_for():
    assert set(BLOQUES) >= EXPECTED


@pytest.mark.parametrize("block_id", sorted(BLOQUES))
def test_each_block_inserted_into_a_form_is_a_valid_definition(block_id):
    schema, layout = form_with(block_id, "mi_bloque")
    assert form_definition_errors(schema, layout) == []


@pytest.mark.parametrize("block_id", sorted(BLOQUES))
def test_each_block_is_bilingual_down_to_its_choices(block_id):
    prop, _required, fieldset = expand(block_id, "k")
    assert fieldset["legend_es"] and fieldset["legend_eu"]
    item = prop["items"] if prop["type"] == "array" else prop
    for name, field in item["properties"].items():
        assert field["title"] and field["x-title-eu"], name
        if "enum" in field:
            assert (
                len(field["x-enum-titles"]) == len(field["enum"]) == len(field["x-enum-titles-eu"])
            )


def test_an_object_block_points_into_its_key_and_marks_its_fields():
    prop, required, fieldset = expand("direccion-bilbao", "emplazamiento")
    assert required == ["emplazamiento"]
    assert fieldset["fields"][0] == "/emplazamiento/calle"
    assert prop["x-block"] == "direccion-bilbao"
    assert {p["x-block"] for p in prop["properties"].values()} == {"direccion-bilbao"}
    assert prop["properties"]["calle"]["format"] == "calle-bilbao"


def test_an_array_block_becomes_a_repeatable_group():
    prop, required, fieldset = expand("unidad-convivencia", "miembros")
    assert required == []  # optional by default
    assert fieldset["repeat"] == {"path": "/miembros", "min": 0, "max": 15}
    assert fieldset["fields"] == ["/nombre", "/nif", "/fecha_nacimiento", "/parentesco"]


def test_the_attachments_block_follows_the_engine_convention():
    prop, _required, fieldset = expand("adjuntos", "documentos")
    item = prop["items"]["properties"]
    assert item["tipo"]["type"] == "string"
    assert "contentMediaType" in item["fichero"]
    assert fieldset["repeat"]["path"] == "/documentos"


def test_expanding_twice_gives_independent_copies():
    first, _r, _f = expand("iban", "a")
    first["properties"]["iban"]["title"] = "cambiado"
    second, _r, _f = expand("iban", "b")
    assert second["properties"]["iban"]["title"] == "IBAN"


class TestCallejero:
    def test_the_list_is_a_committed_data_file_of_bilbao_streets(self):
        names = {nombre for _tipo, nombre in calles()}
        assert len(names) > 100
        assert {"Ercilla", "Somera", "Gran Vía de Don Diego López de Haro"} <= names

    @pytest.mark.parametrize(
        "typed",
        ["Ercilla", "c/ ercilla", "Calle Ercilla", "ERCILLA KALEA", " ercilla. "],
    )
    def test_a_street_is_recognised_however_it_is_written(self, typed):
        assert calle_canonica(typed) == "Ercilla"

    def test_accents_particles_and_other_names_do_not_matter(self):
        assert calle_canonica("Colon Larreategui") == "Colón de Larreátegui"
        assert calle_canonica("Gran Vía") == "Gran Vía de Don Diego López de Haro"
        assert calle_canonica("Plaza Moyua") == "Federico Moyúa"
        assert calle_canonica("Artekale") == "Artecalle"

    @pytest.mark.parametrize("typed", ["Calle Inventada", "Ercilla 3", "", "Castellana"])
    def test_a_street_not_in_the_list_is_not_recognised(self, typed):
        assert calle_canonica(typed) is None

    def test_shown_names_follow_the_language(self):
        assert nombre_mostrado("calle", "Ercilla", "es") == "Calle Ercilla"
        assert nombre_mostrado("calle", "Ercilla", "eu") == "Ercilla kalea"

    @pytest.mark.parametrize(
        ("code", "ok"),
        [("48001", True), ("48015", True), ("48016", False), ("48000", False), ("28001", False)],
    )
    def test_bilbao_postal_codes(self, code, ok):
        assert es_codigo_postal_de_bilbao(code) is ok
