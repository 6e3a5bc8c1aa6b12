"""The form engine against the starter catalogue's published forms: validation errors per
field type, conditional fieldsets, repeatable groups, prefill (CAT-4)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from sede.filing.engine import Definition, check_matricula
from tests.sede.filing_support import _starter


def definition(code: str) -> Definition:
    entry = next(p for p in _starter()["procedimientos"] if p["code"] == code)
    return Definition(entry["form"]["schema"], entry["form"]["layout"])


def post(**values) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            q.setlist(key, value)
        else:
            q[key] = value
    return q


def step_errors(code: str, step_id: str, data: dict | None = None, **values):
    d = definition(code)
    step = d.step(step_id)
    new, coerce_errors = d.parse_step(step, post(**values), data or {}, group_counts={})
    errors = d.validate(new, step=step)
    errors.update(coerce_errors)
    return new, errors


GOOD_SOLICITANTE = {
    "solicitante-tipo_persona": "fisica",
    "solicitante-nif": "12345678Z",
    "solicitante-nombre": "Miren",
    "solicitante-apellido1": "Etxeberria",
}


class TestValidationPerFieldType:
    def test_required_fields_are_reported_next_to_each_field(self):
        _, errors = step_errors("instancia-general", "solicitante")
        assert errors["/solicitante/tipo_persona"] == ["Elija una opción."]
        assert errors["/solicitante/nif"] == ["Este dato es obligatorio."]

    def test_a_nif_with_a_wrong_check_letter_is_refused(self):
        _, errors = step_errors(
            "instancia-general",
            "solicitante",
            **{**GOOD_SOLICITANTE, "solicitante-nif": "12345678A"},
        )
        assert "letra de control" in errors["/solicitante/nif"][0]

    def test_a_valid_nif_passes_and_is_normalised(self):
        data, errors = step_errors(
            "instancia-general",
            "solicitante",
            **{**GOOD_SOLICITANTE, "solicitante-nif": "12345678-z"},
        )
        assert errors == {}
        assert data["solicitante"]["nif"] == "12345678Z"

    def test_conditional_required_fields_follow_the_person_type(self):
        _, errors = step_errors(
            "instancia-general",
            "solicitante",
            **{"solicitante-tipo_persona": "juridica", "solicitante-nif": "B95000006"},
        )
        assert list(errors) == ["/solicitante/razon_social"]

    def test_text_length_limits(self):
        _, errors = step_errors(
            "instancia-general", "solicitud", asunto="abc", expone="x" * 4001, solicita="Algo."
        )
        assert errors["/asunto"] == ["Escriba al menos 5 caracteres."]
        assert errors["/expone"] == ["Escriba como máximo 4000 caracteres."]

    def test_email_format(self):
        _, errors = step_errors(
            "instancia-general",
            "notificacion",
            **{"notificacion-canal": "electronica", "notificacion-email": "no-es-un-correo"},
        )
        assert "correo electrónico válido" in errors["/notificacion/email"][0]

    def test_a_declaration_checkbox_must_be_ticked(self):
        _, errors = step_errors("instancia-general", "confirmar")
        assert errors["/declaracion"] == ["Debe marcar esta casilla para continuar."]
        _, errors = step_errors("instancia-general", "confirmar", declaracion="on")
        assert errors == {}

    def test_iban_check_digits(self):
        _, errors = step_errors(
            "aes",
            "convivencia",
            **{"ingresos_mensuales": "800", "iban": "ES9121000418450200051333"},
        )
        assert "IBAN válido" in errors["/iban"][0]
        _, errors = step_errors(
            "aes",
            "convivencia",
            **{"ingresos_mensuales": "800", "iban": "ES91 2100 0418 4502 0005 1332"},
        )
        assert "/iban" not in errors

    def test_numbers_accept_a_decimal_comma_and_refuse_words(self):
        data, errors = step_errors(
            "aes", "convivencia", ingresos_mensuales="1.250,50", iban="ES9121000418450200051332"
        )
        assert data["ingresos_mensuales"] == 1250.5 and errors == {}
        _, errors = step_errors(
            "aes", "convivencia", ingresos_mensuales="mucho", iban="ES9121000418450200051332"
        )
        assert errors["/ingresos_mensuales"] == ["Escriba un número, por ejemplo 1250,50."]

    def test_number_bounds(self):
        _, errors = step_errors(
            "aes",
            "necesidad",
            concepto="energia",
            importe_solicitado="20000",
            empadronado_desde="2020-01-01",
            **{"vivienda-regimen": "otro"},
        )
        assert errors["/importe_solicitado"] == ["El valor máximo es 10000."]

    def test_dates_in_day_month_year_are_accepted_and_nonsense_refused(self):
        data, errors = step_errors(
            "aes",
            "necesidad",
            concepto="energia",
            importe_solicitado="300",
            empadronado_desde="31/01/2020",
            **{"vivienda-regimen": "otro"},
        )
        assert data["empadronado_desde"] == "2020-01-31" and errors == {}
        _, errors = step_errors(
            "aes",
            "necesidad",
            concepto="energia",
            importe_solicitado="300",
            empadronado_desde="31/02/2020",
            **{"vivienda-regimen": "otro"},
        )
        assert "fecha válida" in errors["/empadronado_desde"][0]

    def test_cadastral_reference_check_characters(self):
        d = definition("plan-renove")
        base = {
            "vivienda": {
                "calle": "Gran Vía",
                "numero": "1",
                "codigo_postal": "48001",
                "municipio": "Bilbao",
            },
        }
        good = "7837301VG8173B0001TT"
        errors = d.validate({**base, "referencia_catastral": good}, step=d.step("vivienda"))
        assert "/referencia_catastral" not in errors
        errors = d.validate(
            {**base, "referencia_catastral": good[:-2] + "ZZ"}, step=d.step("vivienda")
        )
        assert "referencia catastral válida" in errors["/referencia_catastral"][0]

    def test_plate_format(self):
        assert check_matricula("1234 BCD") and check_matricula("BI-1234-AB")
        assert not check_matricula("1234 AEI")  # vowels are never used
        d = definition("ota-residentes")
        step = d.step("vehiculos")
        data, _ = d.parse_step(
            step,
            post(
                **{
                    "count-vehiculos": "1",
                    "vehiculos-0-matricula": "1234 ABC",
                    "vehiculos-0-titularidad": "titular",
                    "vehiculos-0-distintivo_ambiental": "c",
                    "tipo_solicitud": "alta",
                }
            ),
            {"tipo_solicitud": "alta"},
            group_counts={"/vehiculos": 1},
        )
        errors = d.validate(data, step=step)
        assert "matrícula válida" in errors["/vehiculos/0/matricula"][0]

    def test_multiple_choice_needs_at_least_one(self):
        _, errors = step_errors(
            "plan-renove", "obra", descripcion_obra="Cocina nueva", obra_iniciada=""
        )
        assert errors["/tipo_obra"] == ["Elija una opción."]


class TestConditionsAndGroups:
    def test_a_conditional_fieldset_is_dropped_when_its_condition_fails(self):
        """Stale answers of a hidden fieldset never reach the registry."""
        data, errors = step_errors(
            "instancia-general",
            "solicitante",
            **GOOD_SOLICITANTE,
            **{"representante-nif": "87654321X", "representante-tipo_persona": "fisica"},
        )
        assert "representante" not in data
        assert errors == {}

    def test_a_conditional_fieldset_is_validated_when_its_condition_holds(self):
        _, errors = step_errors(
            "instancia-general", "solicitante", **GOOD_SOLICITANTE, actua_por_representante="on"
        )
        assert "/representante/nif" in errors

    def test_a_fieldset_that_depends_on_an_earlier_step_is_hidden(self):
        d = definition("instancia-general")
        fs = d.step("notificacion").fieldsets[1]
        assert d.fieldset_visible(fs, {"notificacion": {"canal": "electronica"}}) == "conditional"
        d2 = definition("plan-renove")
        inicio = d2.step("obra").fieldsets[1]
        assert d2.fieldset_visible(inicio, {}) == "conditional"

    def test_repeatable_groups_are_validated_item_by_item(self):
        d = definition("aes")
        step = d.step("convivencia")
        data, _ = d.parse_step(
            step,
            post(
                **{
                    "miembros-0-nombre": "Ane",
                    "miembros-0-fecha_nacimiento": "2010-05-01",
                    "miembros-0-parentesco": "hijo_hija",
                    "miembros-1-nombre": "Jon",
                    "ingresos_mensuales": "0",
                    "iban": "ES9121000418450200051332",
                }
            ),
            {},
            group_counts={"/miembros": 2},
        )
        assert len(data["miembros"]) == 2
        errors = d.validate(data, step=step)
        assert set(errors) == {"/miembros/1/fecha_nacimiento", "/miembros/1/parentesco"}


def test_summary_shows_labels():
    d = definition("instancia-general")
    summary = d.summary({"solicitante": {"tipo_persona": "fisica", "nif": "12345678Z"}}, "eu")
    first = summary[0]["fieldsets"][0]["values"]
    assert ("Pertsona mota", "Persona física") in first or (
        "Pertsona mota",
        "Pertsona fisikoa",
    ) in first


@pytest.mark.parametrize(
    "code",
    [
        "instancia-general",
        "aes",
        "plan-renove",
        "declaracion-responsable-obras",
        "ota-residentes",
        "bilbao-gazte-partekatzen",
    ],
)
def test_every_starter_form_has_an_attachments_step_and_renders_its_fields(code):
    d = definition(code)
    assert any(d.is_attachments_step(s) for s in d.steps)
    for step in d.steps:
        for fs in step.fieldsets:
            if not fs.repeat:
                assert d.fieldset_fields(fs), (step.id, fs.id)


def test_help_texts_and_choice_titles_follow_the_language():
    d = Definition(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {
                "zona": {
                    "type": "string",
                    "enum": ["a", "b"],
                    "title": "Zona",
                    "x-title-eu": "Eremua",
                    "description": "La de su domicilio.",
                    "x-description-eu": "Zure etxebizitzarena.",
                    "x-enum-titles": ["Zona A", "Zona B"],
                    "x-enum-titles-eu": ["A eremua", "B eremua"],
                }
            },
        },
        None,
    )
    spec = d.field("/zona")
    assert (spec.label("es"), spec.help("es")) == ("Zona", "La de su domicilio.")
    assert (spec.label("eu"), spec.help("eu")) == ("Eremua", "Zure etxebizitzarena.")
    assert spec.choices("eu") == [("a", "A eremua"), ("b", "B eremua")]
    assert [s.id for s in d.steps] == ["datos"]  # no layout: one step with every field
