"""The forty specific forms of the starter catalogue (issue 16, item 6): data built from the
builder's blocks, valid definitions in both languages, merged into the catalogue the demo
imports, and the catalogue's derived digitisation level rises with them (CAT-4: procedure
specific forms are mandatory when they exist, L39 art. 66.6)."""

from __future__ import annotations

import pytest

from procedimientos.catalogo_io import catalogo_import, load_file
from procedimientos.constants import NivelDigitalizacion
from procedimientos.demo import STARTER_CATALOGUE, starter_catalogue
from procedimientos.forms_schema import form_definition_errors
from procedimientos.formularios import especificos
from procedimientos.indicadores import Evidencias, nivel_derivado, proxies, proxy_value
from procedimientos.models import Procedimiento

SPECS = {s["code"]: s for s in especificos.especificos()}
EXISTING_FORMS = {
    "instancia-general",
    "aes",
    "plan-renove",
    "declaracion-responsable-obras",
    "ota-residentes",
    "bilbao-gazte-partekatzen",
}


@pytest.fixture(scope="module")
def plain() -> dict:
    return load_file(STARTER_CATALOGUE)


def test_there_are_forty_one_per_procedure_of_the_starter_catalogue(plain):
    codes = especificos.codes()
    assert len(codes) == len(set(codes)) == 40
    catalogue = {p["code"]: p for p in plain["procedimientos"]}
    assert set(codes) <= set(catalogue)
    assert not set(codes) & EXISTING_FORMS
    assert all("form" not in catalogue[c] for c in codes)


def test_the_most_demanded_procedures_are_covered_first(plain):
    """Every high-impact procedure a citizen files (not an information request or a
    complaint) now has its own form, and so do the youth, mobility and urbanism ones."""
    merged = starter_catalogue()
    for p in merged["procedimientos"]:
        if p.get("priority") == "alto_impacto" and p["filing_kind"] not in (
            "informacion",
            "queja",
        ):
            assert "form" in p, p["code"]
    first = ("servicios-sociales", "vivienda", "juventud", "movilidad", "urbanismo")
    for p in merged["procedimientos"]:
        # urbanism: every procedure already offered online (declared level 2 or more)
        offered = p["materia"] != "urbanismo" or p["digitisation_level"] >= 2
        if p["materia"] in first and p["filing_kind"] != "informacion" and offered:
            assert "form" in p, p["code"]


@pytest.mark.parametrize("code", sorted(SPECS))
def test_each_form_is_a_valid_definition_built_from_blocks(code):
    form = especificos.build(SPECS[code])
    assert form_definition_errors(form["schema"], form["layout"]) == []
    props = form["schema"]["properties"]
    assert props["solicitante"]["x-block"] == "solicitante"
    assert props["notificacion"]["x-block"] == "notificacion"
    assert "declaracion" in form["schema"]["required"]
    own = [k for k, v in props.items() if "x-block" not in v]
    assert len(own) >= 3  # realistic, procedure-specific questions


@pytest.mark.parametrize("code", sorted(SPECS))
def test_each_form_speaks_spanish_and_basque(code):
    form = especificos.build(SPECS[code])
    assert form["schema"]["title"] and form["schema"]["x-title-eu"]
    for step in form["layout"]["steps"]:
        assert step["title_es"] and step["title_eu"]
        for fs in step["fieldsets"]:
            assert fs["legend_es"] and fs["legend_eu"], fs["id"]
            assert bool(fs.get("help_es")) == bool(fs.get("help_eu")), fs["id"]

    def walk(name, prop):
        assert prop.get("title") and prop.get("x-title-eu"), name
        assert bool(prop.get("description")) == bool(prop.get("x-description-eu")), name
        choices = prop.get("items", {}) if prop.get("type") == "array" else prop
        if "x-enum-titles" in choices:
            assert len(choices["x-enum-titles"]) == len(choices["enum"]), name
            assert len(choices["x-enum-titles-eu"]) == len(choices["enum"]), name
        for sub, child in (prop.get("properties") or {}).items():
            walk(f"{name}/{sub}", child)
        if isinstance(prop.get("items"), dict):
            for sub, child in (prop["items"].get("properties") or {}).items():
                walk(f"{name}/{sub}", child)

    for name, prop in form["schema"]["properties"].items():
        walk(name, prop)


@pytest.mark.parametrize("code", sorted(SPECS))
def test_each_form_keeps_a_realistic_example_that_its_schema_accepts(code):
    from procedimientos.forms_schema import validate_submission

    form = especificos.build(SPECS[code])
    assert SPECS[code].get("ejemplo"), "the example is kept as data beside the form"
    assert validate_submission(form["schema"], especificos.ejemplo(SPECS[code])) == []


def test_merging_refuses_to_replace_a_form_the_catalogue_already_has(plain):
    entry = next(p for p in plain["procedimientos"] if p["code"] == "licencia-vado")
    entry["form"] = {"schema": {}, "layout": {}}
    with pytest.raises(ValueError, match="already has a form"):
        especificos.merge_into(plain)


@pytest.mark.django_db
def test_the_derived_digitisation_level_reflects_the_new_forms(plain):
    """Imported without the forms, none of the forty is at level 3 (specific form); after
    the demo's import (same path, ``catalogo_import``) each is, declared and derived, and the
    plan's "procedures with a specific form" proxy counts them."""
    catalogo_import(data=plain)
    ev = Evidencias.load()
    before = {
        p.code: nivel_derivado(
            pk=p.pk,
            code=p.code,
            declared=p.digitisation_level,
            signature_required=p.signature_required,
            ev=ev,
        )
        for p in Procedimiento.objects.filter(code__in=SPECS)
    }
    assert all(level < NivelDigitalizacion.FORMULARIO_ESPECIFICO for level in before.values())
    proxy = proxies()["procedimientos-sede"]
    count_before = proxy_value(proxy).numerator

    stats = catalogo_import(data=starter_catalogue())
    assert stats["formularios_created"] == 40
    ev = Evidencias.load()
    for p in Procedimiento.objects.filter(code__in=SPECS):
        assert p.formularios.filter(status="publicado").count() == 1
        assert p.digitisation_level >= NivelDigitalizacion.FORMULARIO_ESPECIFICO
        assert p.can_start_online
        derived = nivel_derivado(
            pk=p.pk,
            code=p.code,
            declared=p.digitisation_level,
            signature_required=p.signature_required,
            ev=ev,
        )
        assert derived == NivelDigitalizacion.FORMULARIO_ESPECIFICO, p.code
    assert proxy_value(proxy).numerator == count_before + 40


@pytest.mark.django_db
def test_the_import_command_can_add_the_specific_forms(capsys):
    from django.core.management import call_command

    call_command(
        "catalogo_import", str(STARTER_CATALOGUE), "--with-specific-forms", "--no-progress"
    )
    assert "formularios_created=46" in capsys.readouterr().out
    assert Procedimiento.objects.get(code="licencia-vado").formularios.count() == 1
