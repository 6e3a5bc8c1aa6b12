"""The shipped starter catalogue: size, languages, named procedures, honest provenance."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from identidad.validators import validate_dir3
from procedimientos.catalogo_io import catalogo_validate
from procedimientos.forms_schema import form_definition_errors

NAMED = {
    "instancia-general",
    "aes",
    "plan-renove",
    "bilbao-gazte-partekatzen",
    "ota-residentes",
    "declaracion-responsable-obras",
}


@pytest.mark.django_db
def test_the_starter_catalogue_is_valid(starter_data):
    assert catalogo_validate(data=starter_data) == []


def test_it_has_at_least_60_procedures_in_spanish_and_basque(starter_data):
    procs = starter_data["procedimientos"]
    assert len(procs) >= 60
    for p in procs:
        assert p["title_es"] and p["title_eu"], p["code"]
        assert p["summary_es"] and p["summary_eu"], p["code"]
        assert p["guide"]["what_eu"] and p["guide"]["steps_eu"], p["code"]


def test_it_includes_the_procedures_the_plan_names(starter_data):
    codes = {p["code"] for p in starter_data["procedimientos"]}
    assert NAMED | {"padron-alta", "quejas-sugerencias", "licencia-obra-menor"} <= codes
    materias = {p["materia"] for p in starter_data["procedimientos"]}
    assert {"juventud", "movilidad", "urbanismo", "tributos", "padron"} <= materias


def test_the_named_procedures_ship_a_published_form(starter_data):
    with_form = {p["code"] for p in starter_data["procedimientos"] if "form" in p}
    assert with_form >= NAMED


def test_every_shipped_schema_passes_the_2020_12_metaschema(starter_data):
    for p in starter_data["procedimientos"]:
        if "form" not in p:
            continue
        schema = p["form"]["schema"]
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert form_definition_errors(schema, p["form"]["layout"]) == [], p["code"]


def test_every_layout_has_steps_and_the_aes_form_a_repeatable_household(starter_data):
    aes = next(p for p in starter_data["procedimientos"] if p["code"] == "aes")
    fieldsets = [fs for step in aes["form"]["layout"]["steps"] for fs in step["fieldsets"]]
    assert any(fs.get("repeat", {}).get("path") == "/miembros" for fs in fieldsets)
    assert any("condition" in fs for fs in fieldsets)


def test_a_sample_application_validates_against_the_instancia_general_schema(starter_data):
    ig = next(p for p in starter_data["procedimientos"] if p["code"] == "instancia-general")
    validator = Draft202012Validator(ig["form"]["schema"])
    ok = {
        "solicitante": {
            "tipo_persona": "fisica",
            "nif": "12345678Z",
            "nombre": "Miren",
            "apellido1": "Etxeberria",
        },
        "notificacion": {"canal": "electronica", "email": "miren@example.org"},
        "asunto": "Solicitud de información",
        "expone": "Que vivo en Deusto y necesito información.",
        "solicita": "Información sobre el trámite.",
        "declaracion": True,
    }
    assert list(validator.iter_errors(ok)) == []
    missing_name = {**ok, "solicitante": {"tipo_persona": "fisica", "nif": "12345678Z"}}
    assert list(validator.iter_errors(missing_name))


def test_inferred_basque_titles_stay_unverified(starter_data):
    by_code = {p["code"]: p for p in starter_data["procedimientos"]}
    # OTA: Spanish from the press, Basque wording inferred while compiling.
    assert by_code["ota-residentes"]["verified"]["title_eu"] is False
    assert by_code["ota-residentes"]["verified"]["title_es"] is False
    # Surbisa rehabilitation aid: both titles read on surbisa.eus.
    assert by_code["rehabilitacion-surbisa"]["verified"] == {
        "title_es": True,
        "title_eu": True,
        "unit": True,
        "term": False,
        "silence": False,
    }
    for p in starter_data["procedimientos"]:
        assert p["sources"] or "sin fuente" in p["notes"].lower(), p["code"]


def test_units_are_well_formed_and_invented_ones_are_marked(starter_data):
    units = {u["dir3"]: u for u in starter_data["unidades"]}
    assert units["L01480209"]["is_example"] is False
    for dir3, unit in units.items():
        validate_dir3(dir3)
        if dir3 != "L01480209":
            assert unit["is_example"] is True, dir3
